/**
 * SQS consumer (flow steps 3, 5, 7): risk, payment and fulfillment events about orders, delivered
 * by an EventBridge rule to a queue (the SQS body is the EventBridge event). Each becomes a status
 * change and/or read-model update of its order (changeOrder), idempotently: a redelivered event
 * is recognised by the order's state, a late one is ignored and logged as such.
 * Env: `ORDERS_TABLE_NAME`, `CATALOG_TABLE_NAME` (releases), `EVENT_BUS_NAME`.
 *
 * Partial batch responses (the kernel's event consumer): a record that fails — including one that
 * is not a valid consumed event — is reported in `batchItemFailures`, retried, and after
 * `maxReceiveCount` lands in the queue's dead-letter queue. Nothing is dropped silently.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { orderStore } from '../adapters.ts';
import { applyOrderEvent, CONSUMED_EVENTS, inboundEvent } from '../apply-order-event.ts';
import type { OrderStore } from '../orders-repository.ts';
import { checkoutSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface ApplyOrderEventsHandlerPorts {
  readonly orders?: () => OrderStore;
  readonly events?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeApplyOrderEventsHandler(ports: ApplyOrderEventsHandlerPorts = {}) {
  return eventConsumer(
    CONSUMED_EVENTS,
    async ({ name, detail }, record) => {
      const event = inboundEvent(name, detail);
      const correlationId = event.meta.correlationId;
      const result = await applyOrderEvent(
        {
          orders: (ports.orders ?? orderStore)(),
          events: ports.events ? ports.events(correlationId) : eventBridgePublisher({ correlationId }),
          clock: ports.clock ?? systemClock,
          balanceWindowHours: checkoutSettings().presaleBalanceWindowHours,
          log: logger,
        },
        event,
      );
      const line = { messageId: record.messageId, event: event.name, eventId: event.meta.eventId, correlationId, orderId: event.orderId, outcome: result.outcome };
      if (result.outcome === 'applied') {
        logger.info('order event applied', { ...line, ...(result.transition ? { from: result.transition.from, to: result.transition.to } : {}) });
        metrics.addMetric('OrderEventsApplied', MetricUnit.Count, 1);
      } else {
        logger.info('order event ignored', { ...line, ...(result.outcome === 'ignored' ? { reason: result.reason, status: result.order.status } : {}) });
        metrics.addMetric('OrderEventsIgnored', MetricUnit.Count, 1);
      }
    },
    { failureMetric: 'OrderEventFailures' },
  );
}

/** The Lambda handler. */
export const handler = makeApplyOrderEventsHandler();
