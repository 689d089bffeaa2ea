/**
 * SQS consumer (FUL-1, FUL-2): `OrderStatusChanged` with `to` APPROVED → allocate the order;
 * with `to` CANCELLED → make sure it is never allocated (if it is not yet).
 * Env: `FULFILLMENT_TABLE_NAME`, `CATALOG_TABLE_NAME` (stock contract), `EVENT_BUS_NAME`.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { requireSetting } from '../../../shared/config.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import type { EventDetail } from '../../../events/event-definition.ts';
import { catalogReaderFromEnv, catalogSettings, type CatalogReader } from '../../catalog/stock-contract.ts';
import { allocateOrder, recordCancellation } from '../allocate-order.ts';
import { sandboxCarrier, type CarrierGateway } from '../carrier-gateway.ts';
import { eventConsumer } from '../event-consumer.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { fulfillmentSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface AllocateOrderHandlerPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly catalog?: () => CatalogReader;
  readonly carrier?: CarrierGateway;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeAllocateOrderHandler(ports: AllocateOrderHandlerPorts = {}) {
  return eventConsumer([OrderStatusChanged], async ({ detail }, record) => {
    const change = detail as EventDetail<typeof OrderStatusChanged>;
    const repository = (ports.repository ?? fulfillmentRepositoryFromEnv)();
    const clock = ports.clock ?? systemClock;
    const input = { ...change, correlationId: change.meta.correlationId };
    if (change.to === 'CANCELLED') {
      const outcome = await recordCancellation({ repository, clock }, input);
      if (outcome === 'already-allocated') metrics.addMetric('CancelledAfterAllocation', MetricUnit.Count, 1);
      logger.info('cancellation recorded', { messageId: record.messageId, orderId: change.orderId, eventId: change.meta.eventId, outcome });
      return;
    }
    if (change.to !== 'APPROVED') return;
    const settings = fulfillmentSettings();
    const result = await allocateOrder(
      {
        repository,
        catalog: (ports.catalog ?? catalogReaderFromEnv)(),
        catalogTableName: requireSetting('catalogTableName'),
        carrier: ports.carrier ?? sandboxCarrier,
        clock,
        publisher: ports.publisher ?? ((correlationId) => eventBridgePublisher({ correlationId })),
        carrierRules: settings.carrierRules,
        deliveryTimeLimits: settings.deliveryTimeLimits,
        distances: catalogSettings().distances,
      },
      input,
    );
    if (result.outcome === 'allocated') {
      metrics.addMetric('OrdersAllocated', MetricUnit.Count, 1);
      metrics.addMetric('ShipmentsCreated', MetricUnit.Count, result.shipments.length);
    }
    logger.info('allocation', { messageId: record.messageId, orderId: change.orderId, eventId: change.meta.eventId, outcome: result.outcome, ...(result.outcome === 'allocated' ? { source: result.source, shipments: result.shipments.length } : {}) });
  });
}

/** The Lambda handler. */
export const handler = makeAllocateOrderHandler();
