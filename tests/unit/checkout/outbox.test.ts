/**
 * Checkout's outbox (functions/checkout/outbox.ts) publishes through the kernel's one
 * publish-or-leave-pending (shared/outbox.ts). OPS-2 (no event lost): an entry holding an event
 * type checkout does not publish is not silently dropped — it is logged as an error, counted as
 * failed and left pending; a failed publish likewise.
 */
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { drainOutbox, publishCommitted, type LogPort } from '../../../functions/checkout/outbox.ts';
import type { OrderStore, OutboxKey, StoredOutboxEntry } from '../../../functions/checkout/orders-repository.ts';
import type { EventPublisher } from '../../../shared/events.ts';

const key = (sk: string): OutboxKey => ({ pk: 'OUTBOX#0', sk }) as OutboxKey;
const statusChanged = { name: OrderStatusChanged.name, payload: { ...OrderStatusChanged.example } as Record<string, unknown> };

function world(entries: StoredOutboxEntry[], publish: (events: readonly DomainEvent[]) => Promise<void> = async () => {}) {
  const deleted: string[] = [];
  const published: string[] = [];
  const logged: Array<{ level: string; message: string; attributes: Record<string, unknown> }> = [];
  const orders = {
    outboxShards: 1,
    pendingOutbox: async () => entries,
    deleteOutbox: async (k: OutboxKey) => void deleted.push(k.sk),
  } as unknown as OrderStore;
  const publisher: EventPublisher = {
    publish: async (events) => {
      await publish(events);
      published.push(...events.map((e) => e.definition.name));
    },
  };
  const entry =
    (level: string) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      void logged.push({ level, message, attributes: Object.assign({}, ...attributes) });
  const log: LogPort = { info: entry('info'), warn: entry('warn'), error: entry('error') };
  return { orders, publisher, log, deleted, published, logged };
}

describe('checkout outbox: publish or leave pending (OPS-2)', () => {
  it('an entry with an unknown event type is an error: logged, counted as failed, left pending — the others are published and deleted', async () => {
    const unknown: StoredOutboxEntry = {
      key: key('A'),
      correlationId: 'c-1',
      createdAt: '2026-06-01T00:00:00.000Z',
      events: [statusChanged, { name: 'OrderTeleported', payload: {} }],
    };
    const known: StoredOutboxEntry = { key: key('B'), correlationId: 'c-2', createdAt: '2026-06-01T00:00:00.000Z', events: [statusChanged] };
    const w = world([unknown, known]);
    const summary = await drainOutbox({ orders: w.orders, eventsFor: () => w.publisher, log: w.log }, new Date());
    expect(summary).toEqual({ republished: 1, failed: 1 });
    expect(w.deleted).toEqual(['B']);
    expect(w.published).toEqual(['OrderStatusChanged']);
    expect(w.logged).toEqual([{ level: 'error', message: 'outbox entry left pending', attributes: expect.objectContaining({ outboxKey: 'A', error: 'Error' }) }]);
    expect(String(w.logged[0]?.attributes.reason)).toContain('unknown event type OrderTeleported');
    expect(w.logged[0]?.attributes).not.toHaveProperty('message'); // the logger's own key: Powertools would drop it
  });

  it('a failed publish after the commit leaves the entry pending and tells the caller, without throwing', async () => {
    const w = world([], async () => {
      throw new Error('EventBridge down');
    });
    const events = [{ definition: OrderStatusChanged, payload: OrderStatusChanged.example }] as DomainEvent[];
    await expect(publishCommitted({ orders: w.orders, events: w.publisher, log: w.log }, key('C'), events)).resolves.toBe(false);
    expect(w.deleted).toEqual([]);
    expect(w.logged.map((l) => l.level)).toEqual(['warn']);
    await expect(publishCommitted({ orders: w.orders, events: world([]).publisher }, key('D'), events)).resolves.toBe(true);
  });
});
