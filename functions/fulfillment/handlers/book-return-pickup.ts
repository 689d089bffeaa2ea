/**
 * SQS consumer (AFT-1, FUL-3): `ReturnPickupRequested` → a doorstep pickup booked with the carrier,
 * from the customer's address to the receiving warehouse, once per return; `ReturnFulfillmentUpdated`
 * `pickup-booked` (return-pickups.ts).
 * Env: `FULFILLMENT_TABLE_NAME`, `EVENT_BUS_NAME`; `CARRIER_PROVIDER` (`kuaidi100` also needs
 * `KUAIDI100_ACCOUNT_SECRET_ID`, `ORDERS_TABLE_NAME` and `FIELD_ENCRYPTION_KEY_ID` for checkout's
 * recipient contract). Delivery time limits: ops' (FulfillmentTable `CONFIG`/`SHIPPING`), else the configured ones.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { ReturnPickupRequested } from '../../../events/return-events.ts';
import { recipientReaderFromEnv } from '../../checkout/recipient-contract.ts';
import type { CarrierGateway, Recipient } from '../carrier-gateway.ts';
import { configuredCarrier } from '../carriers/configured-carrier.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { requestReturnPickup } from '../return-pickups.ts';
import { fulfillmentSettings } from '../settings.ts';
import { getShippingSettings } from '../shipping-settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface BookReturnPickupHandlerPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly carrier?: CarrierGateway;
  readonly recipients?: (orderId: string) => Promise<Recipient>;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** The sandbox never prints a label: asking it for an address is a wiring bug. */
const noRecipients = (orderId: string): Promise<Recipient> => Promise.reject(new Error(`the sandbox carrier does not read addresses (order ${orderId})`));

/** Builds the handler with the given ports. */
export function makeBookReturnPickupHandler(ports: BookReturnPickupHandlerPorts = {}) {
  return eventConsumer([ReturnPickupRequested], async ({ detail }, record) => {
    const repository = (ports.repository ?? fulfillmentRepositoryFromEnv)();
    const carrier = ports.carrier ?? (await configuredCarrier());
    const { carrierRules, deliveryTimeLimits } = fulfillmentSettings();
    const { meta, version: _version, ...request } = detail;
    const result = await requestReturnPickup(
      {
        repository,
        carrier,
        recipients: ports.recipients ?? (carrier.idempotent ? noRecipients : recipientReaderFromEnv()),
        clock: ports.clock ?? systemClock,
        publisher: ports.publisher ?? ((correlationId) => eventBridgePublisher({ correlationId })),
        deliveryTimeLimits: (await getShippingSettings({ repository, configured: { carrierRules, deliveryTimeLimits } })).deliveryTimeLimits,
      },
      { ...request, correlationId: meta.correlationId },
    );
    if (result.outcome === 'booked') metrics.addMetric('ReturnPickupsBooked', MetricUnit.Count, 1);
    logger.info('return pickup', {
      messageId: record.messageId,
      orderId: detail.orderId,
      returnId: detail.returnId,
      eventId: meta.eventId,
      outcome: result.outcome,
      ...(result.outcome === 'booked' ? { shipmentId: result.shipment.shipmentId, carrier: result.shipment.carrier } : {}),
    });
  });
}

/** The Lambda handler. */
export const handler = makeBookReturnPickupHandler();
