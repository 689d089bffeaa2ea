/**
 * Scheduled every minute (ORD-4): cancels orders whose payment window ended unpaid and releases
 * their stock; republishes outbox entries whose publish failed. Env: `ORDERS_TABLE_NAME`,
 * `CATALOG_TABLE_NAME`, `EVENT_BUS_NAME`.
 */
import type { Context } from 'aws-lambda';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { newId } from '../../../shared/ids.ts';
import { logger, metrics, MetricUnit, observedHandler, timeRunsOut } from '../../../shared/observability.ts';
import { orderStore } from '../adapters.ts';
import { expireUnpaidOrders, type ExpireSummary } from '../expire-unpaid-orders.ts';
import type { OrderStore } from '../orders-repository.ts';
import { checkoutSettings } from '../settings.ts';

/** Stop starting new work when less than this much invocation time is left. */
const TIME_RESERVE_MS = 10_000;

/** Ports of the handler; each defaults to the real adapter. */
export interface ExpireHandlerPorts {
  readonly orders?: () => OrderStore;
  readonly events?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeExpireUnpaidOrdersHandler(ports: ExpireHandlerPorts = {}) {
  const base = async (_event: unknown, context: Context): Promise<ExpireSummary> => {
    const settings = checkoutSettings();
    const correlationId = `payment-timeout-${newId()}`;
    const eventsFor = ports.events ?? ((id: string) => eventBridgePublisher({ correlationId: id }));
    const summary = await expireUnpaidOrders(
      {
        orders: (ports.orders ?? orderStore)(),
        events: eventsFor(correlationId),
        eventsFor,
        clock: ports.clock ?? systemClock,
        balanceWindowHours: settings.presaleBalanceWindowHours,
        outboxGraceSeconds: settings.outboxGraceSeconds,
        log: logger,
      },
      { correlationId, shouldStop: timeRunsOut(context, TIME_RESERVE_MS) },
    );
    metrics.addMetric('UnpaidOrdersCancelled', MetricUnit.Count, summary.cancelled);
    metrics.addMetric('OutboxEntriesRepublished', MetricUnit.Count, summary.outbox.republished);
    if (summary.failed > 0) metrics.addMetric('UnpaidOrderExpiryFailures', MetricUnit.Count, summary.failed);
    logger.info('unpaid-order sweep finished', { ...summary, outbox: { ...summary.outbox } });
    return summary;
  };
  return observedHandler(base);
}

/** The Lambda handler. */
export const handler = makeExpireUnpaidOrdersHandler();
