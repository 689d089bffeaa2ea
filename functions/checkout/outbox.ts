/**
 * Publishing what a committed change caused (see orders-repository.ts: the outbox). After the
 * commit the events are published and the outbox entry deleted; if publishing fails the entry
 * stays and {@link drainOutbox} (run by the scheduled sweep) publishes it later. Nothing about a
 * failed publish reaches the client: the order is placed or changed either way.
 */
import type { DomainEvent } from '../../events/event-definition.ts';
import { outboxCatalog, publishOrLeavePending, publishOutbox, type StoredOutbox } from '../../shared/outbox.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { CHECKOUT_EVENTS } from './order-events.ts';
import type { OrderStore, OutboxKey } from './orders-repository.ts';

const CHECKOUT_OUTBOX = /* @__PURE__ */ outboxCatalog('checkout', Object.values(CHECKOUT_EVENTS));

/** A minimal logger port (Powertools' logger fits). */
export interface LogPort {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Logs nothing (tests). */
export const silentLog: LogPort = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Why an outbox was left pending: the error's name and what it says (an unknown event type, the
 * service's refusal), never the events' payload. Not under the key `message`: the logger owns it
 * and would drop it.
 */
const failureOf = (key: OutboxKey, error: unknown) => ({
  outboxKey: key.sk,
  error: error instanceof Error ? error.name : 'unknown',
  reason: (error instanceof Error ? error.message : String(error)).slice(0, 300),
});

/** Publishes a stored outbox and deletes its entry (an event type checkout does not publish throws: the entry stays pending). */
function flush(orders: OrderStore, publisher: (correlationId: string) => EventPublisher, key: OutboxKey, outbox: StoredOutbox): Promise<number> {
  return publishOutbox(CHECKOUT_OUTBOX, outbox, publisher, () => orders.deleteOutbox(key), `checkout outbox ${key.sk}`);
}

/** Publishes `events` and deletes their outbox entry; a failure is logged and left to the sweep. Returns whether they were published and settled. */
export async function publishCommitted(
  deps: { orders: OrderStore; events: EventPublisher; log?: LogPort },
  key: OutboxKey | undefined,
  events: readonly DomainEvent[],
): Promise<boolean> {
  if (!key) return true;
  const outbox: StoredOutbox = { correlationId: '', events: events.map((e) => ({ name: e.definition.name, payload: e.payload as Record<string, unknown> })) };
  const outcome = await publishOrLeavePending(
    () => flush(deps.orders, () => deps.events, key, outbox),
    (error) => (deps.log ?? silentLog).warn('outbox left pending; the outbox sweep will retry', failureOf(key, error)),
  );
  return !outcome.leftPending;
}

/** What a drain did. */
export interface DrainSummary {
  readonly republished: number;
  /** Entries left pending (publishing or deleting failed, or they hold an event type checkout does not publish: logged as errors). */
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
      const outcome = await publishOrLeavePending(
        () => flush(deps.orders, deps.eventsFor, entry.key, entry),
        (error) => (deps.log ?? silentLog).error('outbox entry left pending', failureOf(entry.key, error)),
      );
      if (outcome.leftPending) failed++;
      else republished++;
    }
  }
  return { republished, failed };
}
