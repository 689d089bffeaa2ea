import { describe, expect, it, vi } from 'vitest';
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENTS, findEventDefinition, ProductChanged } from '../../../events/index.ts';
import { domainEvent } from '../../../events/event-definition.ts';
import { EventPublishError, InvalidEventError, MAX_ENTRIES_PER_PUT, publishEvents, type PutEventsClient } from '../../../shared/events.ts';

const clock = { now: () => new Date('2025-01-02T03:04:05.000Z') };

/** A PutEvents stub: fails the entries `failFor` says, records every call. */
function stubClient(failFor: (entryIndex: number, call: number) => string | undefined = () => undefined) {
  const calls: Array<NonNullable<PutEventsCommand['input']['Entries']>> = [];
  const client: PutEventsClient = {
    send: async (command) => {
      const entries = command.input.Entries ?? [];
      calls.push(entries);
      const results = entries.map((_, i) => {
        const code = failFor(i, calls.length);
        return code ? { ErrorCode: code, ErrorMessage: 'nope' } : { EventId: `ev-${calls.length}-${i}` };
      });
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    },
  };
  return { client, calls };
}

const changed = (n: number) => domainEvent(ProductChanged, { sku: `SKU-${String(n).padStart(3, '0')}`, changedBy: 'staff-1', changeKind: 'updated' });

describe('events', () => {
  it('every registered definition is keyed by its name and has a valid example', () => {
    for (const [name, definition] of Object.entries(EVENTS)) {
      expect(definition.name).toBe(name);
      expect(definition.strictSchema.safeParse(definition.example).success).toBe(true);
      expect(findEventDefinition(name)).toBe(definition);
    }
    expect(findEventDefinition('toString')).toBeUndefined();
  });

  it('publishes source, detail-type and detail = { version, ...payload, meta }', async () => {
    const { client, calls } = stubClient();
    let n = 0;
    const published = await publishEvents([changed(1)], { correlationId: 'corr-1', eventBusName: 'bus', client, clock, newId: () => `id-${++n}` });
    expect(calls).toHaveLength(1);
    const entry = calls[0]![0]!;
    expect(entry).toMatchObject({ Source: 'commerce.catalog', DetailType: 'ProductChanged', EventBusName: 'bus' });
    expect(JSON.parse(entry.Detail!)).toEqual({
      version: 1,
      sku: 'SKU-001',
      changedBy: 'staff-1',
      changeKind: 'updated',
      meta: { correlationId: 'corr-1', occurredAt: '2025-01-02T03:04:05.000Z', eventId: 'id-1' },
    });
    expect(published).toEqual([{ name: 'ProductChanged', meta: { correlationId: 'corr-1', occurredAt: '2025-01-02T03:04:05.000Z', eventId: 'id-1' } }]);
    // the consumer-side schema accepts what was published
    expect(ProductChanged.detailSchema.safeParse(JSON.parse(entry.Detail!)).success).toBe(true);
  });

  it('sends at most 10 entries per PutEvents call', async () => {
    const { client, calls } = stubClient();
    await publishEvents(
      Array.from({ length: 23 }, (_, i) => changed(i)),
      { correlationId: 'c', client, clock },
    );
    expect(calls.map((c) => c.length)).toEqual([MAX_ENTRIES_PER_PUT, MAX_ENTRIES_PER_PUT, 3]);
  });

  it('retries only the entries that failed (FailedEntryCount > 0)', async () => {
    const { client, calls } = stubClient((i, call) => (call === 1 && (i === 1 || i === 3) ? 'ThrottlingException' : undefined));
    await publishEvents([changed(0), changed(1), changed(2), changed(3)], { correlationId: 'c', client, clock, backoffMs: 1 });
    expect(calls.map((c) => c.length)).toEqual([4, 2]);
    expect(calls[1]!.map((e) => JSON.parse(e.Detail!).sku)).toEqual(['SKU-001', 'SKU-003']);
  });

  it('reports entries that still fail after the last attempt, by event id and code only', async () => {
    const { client, calls } = stubClient((i) => (i === 0 ? 'InternalFailure' : undefined));
    const error = await publishEvents([changed(0), changed(1)], { correlationId: 'c', client, clock, backoffMs: 1, maxAttempts: 3, newId: () => 'e' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventPublishError);
    expect((error as EventPublishError).failures).toEqual([{ eventId: 'e', name: 'ProductChanged', errorCode: 'InternalFailure' }]);
    expect(calls.map((c) => c.length)).toEqual([2, 1, 1]);
  });

  it('waits back off exponentially up to a cap that binds (maxBackoffMs), however many attempts (OPS-1)', async () => {
    const { client, calls } = stubClient(() => 'ThrottlingException');
    const waits: number[] = [];
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const error = await publishEvents([changed(0)], {
        correlationId: 'c',
        client,
        clock,
        backoffMs: 100,
        maxBackoffMs: 1_000,
        maxAttempts: 8,
        sleep: async (ms) => void waits.push(ms),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventPublishError);
    } finally {
      random.mockRestore();
    }
    expect(calls).toHaveLength(8);
    expect(waits).toEqual([50, 100, 200, 400, 500, 500, 500]);
  });

  it('refuses an invalid payload or one with undeclared fields (no personal data in events) before sending anything', async () => {
    const { client, calls } = stubClient();
    const extra = domainEvent(ProductChanged, { sku: 'SKU-001', changedBy: 's', changeKind: 'created', customerPhone: '13800138000' } as never);
    await expect(publishEvents([changed(1), extra], { correlationId: 'c', client, clock })).rejects.toBeInstanceOf(InvalidEventError);
    await expect(publishEvents([domainEvent(ProductChanged, { sku: 'lower', changedBy: 's', changeKind: 'created' })], { correlationId: 'c', client, clock })).rejects.toThrow(
      /sku/,
    );
    const error = await publishEvents([extra], { correlationId: 'c', client, clock }).catch((e: Error) => e);
    expect(String(error)).not.toContain('13800138000');
    expect(calls).toHaveLength(0);
  });

  it('publishes nothing for no events', async () => {
    const { client, calls } = stubClient();
    expect(await publishEvents([], { correlationId: 'c', client })).toEqual([]);
    expect(calls).toHaveLength(0);
  });
});
