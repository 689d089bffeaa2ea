/**
 * The one transactional outbox of the kernel (shared/outbox.ts), used by checkout, payments,
 * fulfillment, returns and tickets: a capability stores only the events it publishes, an outbox is
 * settled only once its events are published, and a failed publish leaves it pending (OPS-2: no
 * event lost; ORD-7: consumers see each event at least once).
 */
import { describe, expect, it } from 'vitest';
import { TicketEscalated, TicketStatusChanged } from '../../../events/ticket-events.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import type { DomainEvent } from '../../../events/event-definition.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { outboxCatalog, publishOrLeavePending, publishOutbox } from '../../../shared/outbox.ts';

const changed = { ...TicketStatusChanged.example };
const recording = () => {
  const published: Array<{ correlationId: string; events: DomainEvent[] }> = [];
  const publisher = (correlationId: string): EventPublisher => ({ publish: async (events) => void published.push({ correlationId, events: [...events] }) });
  return { published, publisher };
};

describe('outboxCatalog (OPS-2)', () => {
  it('stores an event it publishes as name and payload, and turns it back into the domain event', () => {
    const catalog = outboxCatalog('tickets', [TicketStatusChanged, TicketEscalated]);
    const stored = catalog.event(TicketStatusChanged, changed);
    expect(stored).toEqual({ name: 'TicketStatusChanged', payload: changed });
    const [event] = catalog.domainEvents([stored]);
    expect(event?.definition).toBe(TicketStatusChanged);
    expect(event?.payload).toEqual(changed);
  });

  it('refuses an event the capability does not publish, naming both', () => {
    const catalog = outboxCatalog('tickets', [TicketStatusChanged]);
    expect(() => catalog.event(OrderPlaced, OrderPlaced.example)).toThrow('OrderPlaced is not an event tickets publishes');
  });

  it('SEC-2: checks every payload when it is stored — a bad value, or an unknown key that could carry personal data, never reaches the table', () => {
    const bad = { ...changed, status: 'LOST' } as never;
    const extra = { ...changed, subject: 'my parcel' } as never;
    const catalog = outboxCatalog('tickets', [TicketStatusChanged]);
    expect(() => catalog.event(TicketStatusChanged, changed)).not.toThrow();
    expect(() => catalog.event(TicketStatusChanged, bad)).toThrow();
    expect(() => catalog.event(TicketStatusChanged, extra)).toThrow();
  });

  it('an unknown stored name throws, naming where (there is no way to skip it)', () => {
    const catalog = outboxCatalog('tickets', [TicketStatusChanged]);
    const stored = [{ name: 'Retired', payload: {} }, catalog.event(TicketStatusChanged, changed)];
    expect(() => catalog.domainEvents(stored)).toThrow("tickets's outbox holds an unknown event type Retired");
    expect(() => catalog.domainEvents(stored, { where: 'outbox O-1' })).toThrow('outbox O-1 holds an unknown event type Retired');
  });
});

describe('publishOutbox (OPS-2, ORD-7)', () => {
  const catalog = outboxCatalog('tickets', [TicketStatusChanged]);

  it('publishes with the outbox’s correlation id, then settles it, and counts the events', async () => {
    const { published, publisher } = recording();
    const order: string[] = [];
    const settle = async () => void order.push(`settled after ${published.length} publish(es)`);
    const count = await publishOutbox(
      catalog,
      { correlationId: 'corr-1', events: [catalog.event(TicketStatusChanged, changed), catalog.event(TicketStatusChanged, changed)] },
      publisher,
      settle,
    );
    expect(count).toBe(2);
    expect(published).toHaveLength(1);
    expect(published[0]?.correlationId).toBe('corr-1');
    expect(published[0]?.events).toHaveLength(2);
    expect(order).toEqual(['settled after 1 publish(es)']);
  });

  it('a failed publish settles nothing and propagates (the outbox stays pending for the sweep)', async () => {
    let settled = false;
    const failing = (): EventPublisher => ({
      publish: async () => {
        throw new Error('EventBridge down');
      },
    });
    await expect(publishOutbox(catalog, { correlationId: 'c', events: [catalog.event(TicketStatusChanged, changed)] }, failing, async () => void (settled = true))).rejects.toThrow(
      'EventBridge down',
    );
    expect(settled).toBe(false);
  });

  it('an unknown stored event fails before anything is published or settled', async () => {
    const { published, publisher } = recording();
    let settled = false;
    await expect(
      publishOutbox(catalog, { correlationId: 'c', events: [{ name: 'Retired', payload: {} }] }, publisher, async () => void (settled = true), 'outbox X'),
    ).rejects.toThrow('outbox X holds');
    expect(published).toEqual([]);
    expect(settled).toBe(false);
  });

  it('publishOrLeavePending: a failure (publish, settle or an unknown event type) is reported, not thrown, and the outbox is not settled', async () => {
    const reported: unknown[] = [];
    let settled = false;
    const { published, publisher } = recording();
    const unknown = { correlationId: 'c', events: [{ name: 'Retired', payload: {} }] };
    const outcome = await publishOrLeavePending(
      () => publishOutbox(catalog, unknown, publisher, async () => void (settled = true)),
      (error) => reported.push(error),
    );
    expect(outcome).toEqual({ published: 0, leftPending: true });
    expect(String(reported[0])).toContain('unknown event type Retired');
    expect(published).toEqual([]);
    expect(settled).toBe(false);
    const ok = await publishOrLeavePending(
      () => publishOutbox(catalog, { correlationId: 'c', events: [catalog.event(TicketStatusChanged, changed)] }, publisher, async () => {}),
      (error) => reported.push(error),
    );
    expect(ok).toEqual({ published: 1, leftPending: false });
    expect(reported).toHaveLength(1);
  });

  it('an outbox without events is settled without publishing', async () => {
    const { published, publisher } = recording();
    let settled = false;
    await expect(publishOutbox(catalog, { correlationId: 'c', events: [] }, publisher, async () => void (settled = true))).resolves.toBe(0);
    expect(published).toEqual([]);
    expect(settled).toBe(true);
  });
});
