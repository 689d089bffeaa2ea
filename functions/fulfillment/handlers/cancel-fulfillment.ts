/**
 * SQS consumer (FUL-1, ORD-4, ORD-6): `OrderCancelled` → stop the order's fulfillment: before
 * allocation make sure it never is; after allocation cancel the shipments that have not left and
 * return their picked stock (catalog's stock contract), raising `ProblemOrderRaised`
 * (`cancelled-after-pickup`) for a shipment that already left. See cancel-fulfillment.ts.
 * Env: `FULFILLMENT_TABLE_NAME`, `CATALOG_TABLE_NAME` (stock contract), `EVENT_BUS_NAME`;
 * `CARRIER_PROVIDER` (+ `KUAIDI100_ACCOUNT_SECRET_ID`): pickups booked with a real carrier are cancelled with it.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { requireSetting } from '../../../shared/config.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { OrderCancelled } from '../../../events/order-cancelled.ts';
import { catalogReaderFromEnv, type CatalogReader } from '../../catalog/stock-contract.ts';
import { cancelFulfillment } from '../cancel-fulfillment.ts';
import type { CarrierGateway } from '../carrier-gateway.ts';
import { configuredCarrier } from '../carriers/configured-carrier.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface CancelFulfillmentHandlerPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly catalog?: () => Pick<CatalogReader, 'reservations' | 'bucketsGone'>;
  readonly catalogTableName?: string;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
  readonly carrier?: Pick<CarrierGateway, 'cancel'>;
}

/** Builds the handler with the given ports. */
export function makeCancelFulfillmentHandler(ports: CancelFulfillmentHandlerPorts = {}) {
  return eventConsumer([OrderCancelled], async ({ detail: cancelled }, record) => {
    const result = await cancelFulfillment(
      {
        repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(),
        catalog: (ports.catalog ?? catalogReaderFromEnv)(),
        catalogTableName: ports.catalogTableName ?? requireSetting('catalogTableName'),
        clock: ports.clock ?? systemClock,
        carrier: ports.carrier ? async () => ports.carrier as Pick<CarrierGateway, 'cancel'> : configuredCarrier,
        publisher: ports.publisher ?? ((correlationId) => eventBridgePublisher({ correlationId })),
      },
      { ...cancelled, correlationId: cancelled.meta.correlationId },
    );
    if (result.outcome === 'cancelled-after-allocation') {
      metrics.addMetric('ShipmentsCancelled', MetricUnit.Count, result.shipmentsCancelled);
      metrics.addMetric('UnitsReturnedToStock', MetricUnit.Count, result.unitsReturned);
      if (result.shipmentsLeft > 0) metrics.addMetric('CancelledAfterPickup', MetricUnit.Count, result.shipmentsLeft);
    }
    logger.info('order cancellation', { messageId: record.messageId, orderId: cancelled.orderId, eventId: cancelled.meta.eventId, from: cancelled.from, ...result });
  });
}

/** The Lambda handler. */
export const handler = makeCancelFulfillmentHandler();
