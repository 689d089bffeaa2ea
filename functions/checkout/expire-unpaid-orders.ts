/**
 * Use case: the unpaid-order timeout (ORD-4). Cancels every order whose payment window (or
 * pre-sale balance window) has ended without approval, releasing its stock, and republishes any
 * outbox entry whose publish failed.
 *
 * Mechanism: a scheduled sweep (every minute) over the sparse `awaitingPayment` index — an order
 * is in it exactly while a payment is awaited, keyed by its due time, in `AWAITING_PAYMENT_SHARDS`
 * partitions. Why a sweep rather than one schedule per order: one schedule per order would mean a
 * scheduler write (and IAM/infra) per order and a delete on every payment; the sweep is one query
 * per shard per minute, needs nothing on the hot path but two index attributes on the order, and
 * the local cloud runs it as it is.
 *
 * Worst-case delay after the window ends: the sweep period (1 min) + the index's propagation
 * (typically well under a second) + the run itself. Each cancellation is conditional on the order
 * still awaiting payment and on its due time having passed, so a payment that wins the race keeps
 * its order. A run stops starting new work when its time runs out and the next run continues.
 */
import type { EventPublisher } from '../../shared/events.ts';
import { changeOrder, type ChangeOrderDeps } from './change-order.ts';
import { SYSTEM_ACTORS } from './domain/order.ts';
import { drainOutbox, type DrainSummary } from './outbox.ts';

/** Ports and settings. */
export interface ExpireDeps extends ChangeOrderDeps {
  /** A publisher for a given correlation id (republishing outbox entries). */
  readonly eventsFor: (correlationId: string) => EventPublisher;
  /** Outbox entries older than this many seconds are republished. */
  readonly outboxGraceSeconds: number;
}

/** What a run did. */
export interface ExpireSummary {
  readonly examined: number;
  readonly cancelled: number;
  readonly ignored: number;
  readonly failed: number;
  readonly outbox: DrainSummary;
}

/** Runs one sweep. */
export async function expireUnpaidOrders(deps: ExpireDeps, options: { pageSize?: number; shouldStop?: () => boolean; correlationId: string }): Promise<ExpireSummary> {
  const now = deps.clock.now();
  const log = deps.log;
  let examined = 0;
  let cancelled = 0;
  let ignored = 0;
  let failed = 0;
  for (let shard = 0; shard < deps.orders.awaitingPaymentShards; shard++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      if (options.shouldStop?.()) break;
      const page = await deps.orders.dueForPayment(shard, now, options.pageSize ?? 100, startKey);
      for (const orderId of page.orderIds) {
        if (options.shouldStop?.()) break;
        examined++;
        try {
          const result = await changeOrder(deps, {
            orderId,
            fact: { type: 'Cancel', by: 'timeout', actor: SYSTEM_ACTORS.timeout, reason: 'payment-window-expired' },
            correlationId: options.correlationId,
          });
          if (result.outcome === 'applied') cancelled++;
          else {
            ignored++;
            log?.info('expiry not applied', { orderId, outcome: result.outcome, ...(result.outcome === 'ignored' ? { reason: result.reason } : {}) });
          }
        } catch (error) {
          failed++;
          log?.error('expiring an order failed', { orderId, error: error instanceof Error ? error.name : 'unknown' });
        }
      }
      startKey = page.next;
    } while (startKey);
  }
  const outbox = await drainOutbox({ orders: deps.orders, eventsFor: deps.eventsFor, ...(log ? { log } : {}) }, new Date(now.getTime() - deps.outboxGraceSeconds * 1000), {
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
  });
  return { examined, cancelled, ignored, failed, outbox };
}
