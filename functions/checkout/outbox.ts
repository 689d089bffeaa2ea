/**
 * Publishing what a committed change caused (see orders-repository.ts: the outbox). After the
 * commit the events are published and the outbox entry deleted; if publishing fails the entry
 * stays and {@link drainOutbox} (run by the scheduled sweep) publishes it later. Nothing about a
 * failed publish reaches the client: the order is placed or changed either way.
 */
import type { DomainEvent } from '../../events/event-definition.ts';
import { outboxCatalog } from '../../shared/outbox.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { CHECKOUT_EVENTS } from './order-events.ts';
import type { OrderStore, OutboxKey } from './orders-repository.ts';

const CHECKOUT_OUTBOX = outboxCatalog('checkout', Object.values(CHECKOUT_EVENTS));

/** A minimal logger port (Powertools' logger fits). */
export interface LogPort {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Logs nothing (tests). */
export const silentLog: LogPort = { info: () => {}, warn: () => {}, error: () => {} };

/** Publishes `events` and deletes their outbox entry; a failure is logged and left to the sweep. */
export async function publishCommitted(
  deps: { orders: OrderStore; events: EventPublisher; log?: LogPort },
  key: OutboxKey | undefined,
  events: readonly DomainEvent[],
): Promise<boolean> {
  if (!key) return true;
  try {
    if (events.length > 0) await deps.events.publish(events);
  } catch (error) {
    (deps.log ?? silentLog).warn('publishing failed; the outbox sweep will retry', { outboxKey: key.sk, error: error instanceof Error ? error.name : 'unknown' });
    return false;
  }
  try {
    await deps.orders.deleteOutbox(key);
  } catch (error) {
    // Published; the sweep would publish it once more (consumers are idempotent).
    (deps.log ?? silentLog).warn('outbox entry not deleted', { outboxKey: key.sk, error: error instanceof Error ? error.name : 'unknown' });
  }
  return true;
}

/** What a drain did. */
export interface DrainSummary {
  readonly republished: number;
  readonly failed: number;
}

/** Publishes outbox entries older than `olderThan` (their original publish failed or never ran). */
export async function drainOutbox(
  deps: { orders: OrderStore; eventsFor: (correlationId: string) => EventPublisher; log?: LogPort },
  olderThan: Date,
  options: { limit?: number; shouldStop?: () => boolean } = {},
): Promise<DrainSummary> {
  let republished = 0;
  let failed = 0;
  for (let shard = 0; shard < deps.orders.outboxShards; shard++) {
    if (options.shouldStop?.()) break;
    const entries = await deps.orders.pendingOutbox(shard, olderThan, options.limit ?? 100);
    for (const entry of entries) {
      if (options.shouldStop?.()) break;
      // An event type checkout no longer publishes is left out (the entry is still settled).
      const events = CHECKOUT_OUTBOX.domainEvents(entry.events, { unknown: 'skip' });
      const ok = await publishCommitted({ orders: deps.orders, events: deps.eventsFor(entry.correlationId), log: deps.log }, entry.key, events);
      if (ok) republished++;
      else failed++;
    }
  }
  return { republished, failed };
}
