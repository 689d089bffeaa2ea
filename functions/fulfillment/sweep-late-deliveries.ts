/**
 * Scheduled use case (FUL-3, ORD-6): every shipment still awaiting delivery past its time limit
 * (carrier × region, settings) raises, once, `DeliveryLate`, a `CustomerNotificationRequested`
 * (template `delivery-late`) and a `ProblemOrderRaised` (`delivery-late`).
 *
 * Shipments awaiting delivery sit on the sparse `byDueDate` index, bucketed by due day; the sweep
 * reads the buckets of the last `lookbackDays` days up to today, due before now. Alerting takes the
 * shipment off the index in the same transaction as its marker and outbox, so each shipment is
 * alerted once however often the sweep runs. The sweep also republishes outboxes left pending
 * (a crash between a commit and its publish).
 */
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import { logger } from '../../shared/observability.ts';
import { publishOrLeavePending, type PendingOutcome } from '../../shared/outbox.ts';
import { CustomerNotificationRequested } from '../../events/customer-notification-requested.ts';
import { DeliveryLate } from '../../events/fulfillment-events.ts';
import { ProblemOrderRaised } from '../../events/problem-order-raised.ts';
import { isLate } from './domain/time-limits.ts';
import { windowDays } from './domain/safety-stock.ts';
import type { FulfillmentRepository } from './fulfillment-repository.ts';
import { flushMarker, outboxEvent, type OutboxDeps } from './outbox.ts';

export interface LateSweepDeps extends OutboxDeps {
  readonly repository: FulfillmentRepository;
  readonly clock: Clock;
  readonly lookbackDays: number;
  readonly republishAfterSeconds: number;
  /** Stop early (Lambda time running out); the next run continues. */
  readonly shouldStop?: () => boolean;
}

export interface LateSweepSummary {
  readonly checked: number;
  readonly alerted: number;
  readonly republished: number;
  /** Outboxes whose publish failed this run (left pending: the next run retries them). */
  readonly publishFailures: number;
}

/** Publishes a marker's outbox; a failure is logged and leaves it pending for the next run instead of stopping the sweep. */
function tryFlush(deps: OutboxDeps, marker: Parameters<typeof flushMarker>[1]): Promise<PendingOutcome> {
  return publishOrLeavePending(
    () => flushMarker(deps, marker),
    (error) => logger.warn('late-delivery outbox left pending for the next run', { kind: marker.kind, key: marker.key, error: error as Error }),
  );
}

/** Runs one sweep. */
export async function sweepLateDeliveries(deps: LateSweepDeps, correlationId: string): Promise<LateSweepSummary> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  let checked = 0;
  let alerted = 0;
  let publishFailures = 0;
  for (const day of windowDays(now, deps.lookbackDays)) {
    let startKey: Record<string, unknown> | undefined;
    do {
      if (deps.shouldStop?.()) return { checked, alerted, republished: 0, publishFailures };
      const page = await deps.repository.dueShipments(day, nowIso, 100, startKey);
      startKey = page.nextKey;
      for (const shipment of page.items) {
        checked++;
        if (!isLate(new Date(shipment.dueBy), now)) continue;
        const marker = {
          kind: 'LATE',
          key: shipment.shipmentId,
          correlationId,
          createdAt: nowIso,
          events: [
            outboxEvent(DeliveryLate, {
              orderId: shipment.orderId,
              shipmentId: shipment.shipmentId,
              carrier: shipment.carrier,
              region: shipment.region,
              dueBy: shipment.dueBy,
              detectedAt: nowIso,
            }),
            outboxEvent(CustomerNotificationRequested, {
              notificationId: newId(now),
              customerId: shipment.customerId,
              orderId: shipment.orderId,
              template: 'delivery-late',
              requestedBy: 'fulfillment',
              requestedAt: nowIso,
            }),
            outboxEvent(ProblemOrderRaised, { orderId: shipment.orderId, problem: 'delivery-late', shipmentId: shipment.shipmentId, raisedBy: 'fulfillment', raisedAt: nowIso }),
          ],
        };
        if (await deps.repository.commitLateAlert({ shipment, at: nowIso, marker })) {
          alerted++;
          if ((await tryFlush(deps, marker)).leftPending) publishFailures++;
        }
      }
    } while (startKey);
  }
  const pending = await republishPendingOutbox(deps, new Date(now.getTime() - deps.republishAfterSeconds * 1000));
  return { checked, alerted, republished: pending.republished, publishFailures: publishFailures + pending.failed };
}

/** Publishes outboxes still pending since before `before` (oldest first, one page); failures stay pending. */
export async function republishPendingOutbox(deps: OutboxDeps & { repository: FulfillmentRepository }, before: Date): Promise<{ republished: number; failed: number }> {
  let republished = 0;
  let failed = 0;
  for (const marker of await deps.repository.pendingOutbox(before.toISOString())) {
    const result = await tryFlush(deps, marker);
    republished += result.published;
    if (result.leftPending) failed++;
  }
  return { republished, failed };
}
