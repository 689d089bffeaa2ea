/**
 * SQS consumer (AFT-1, FUL-1): `ExchangeShipmentRequested` → the replacement units reserved (catalog's
 * stock contract) and shipped to the order's address with the order's carrier, once per return;
 * `ReturnFulfillmentUpdated` `replacement-allocated` or `replacement-unavailable` (exchange-shipments.ts).
 * Env: `FULFILLMENT_TABLE_NAME`, `CATALOG_TABLE_NAME` (stock contract), `EVENT_BUS_NAME`;
 * `CARRIER_PROVIDER` (`kuaidi100` also needs `KUAIDI100_ACCOUNT_SECRET_ID`, `ORDERS_TABLE_NAME` and
 * `FIELD_ENCRYPTION_KEY_ID` for checkout's recipient contract).
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { requireSetting } from '../../../shared/config.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { ExchangeShipmentRequested } from '../../../events/return-events.ts';
import { catalogReaderFromEnv, catalogSettings, type CatalogReader } from '../../catalog/stock-contract.ts';
import { recipientReaderFromEnv } from '../../checkout/recipient-contract.ts';
import type { CarrierGateway, Recipient } from '../carrier-gateway.ts';
import { configuredCarrier } from '../carriers/configured-carrier.ts';
import { shipReplacement } from '../exchange-shipments.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { fulfillmentSettings } from '../settings.ts';
import { getShippingSettings } from '../shipping-settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface ShipExchangeReplacementHandlerPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly catalog?: () => Pick<CatalogReader, 'entries' | 'warehouses'>;
  readonly catalogTableName?: string;
  readonly carrier?: CarrierGateway;
  readonly recipients?: (orderId: string) => Promise<Recipient>;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** The sandbox never prints a label: asking it for a recipient is a wiring bug. */
const noRecipients = (orderId: string): Promise<Recipient> => Promise.reject(new Error(`the sandbox carrier does not read recipients (order ${orderId})`));

/** Builds the handler with the given ports. */
export function makeShipExchangeReplacementHandler(ports: ShipExchangeReplacementHandlerPorts = {}) {
  return eventConsumer([ExchangeShipmentRequested], async ({ detail }, record) => {
    const repository = (ports.repository ?? fulfillmentRepositoryFromEnv)();
    const carrier = ports.carrier ?? (await configuredCarrier());
    const { carrierRules, deliveryTimeLimits } = fulfillmentSettings();
    const { meta, version: _version, ...request } = detail;
    const result = await shipReplacement(
      {
        repository,
        catalog: (ports.catalog ?? catalogReaderFromEnv)(),
        catalogTableName: ports.catalogTableName ?? requireSetting('catalogTableName'),
        carrier,
        recipients: ports.recipients ?? (carrier.idempotent ? noRecipients : recipientReaderFromEnv()),
        clock: ports.clock ?? systemClock,
        publisher: ports.publisher ?? ((correlationId) => eventBridgePublisher({ correlationId })),
        deliveryTimeLimits: (await getShippingSettings({ repository, configured: { carrierRules, deliveryTimeLimits } })).deliveryTimeLimits,
        distances: catalogSettings().distances,
      },
      { ...request, correlationId: meta.correlationId },
    );
    if (result.outcome === 'allocated') metrics.addMetric('ReplacementsAllocated', MetricUnit.Count, 1);
    if (result.outcome === 'unavailable') metrics.addMetric('ReplacementsUnavailable', MetricUnit.Count, 1);
    logger.info('exchange replacement', {
      messageId: record.messageId,
      orderId: detail.orderId,
      returnId: detail.returnId,
      eventId: meta.eventId,
      outcome: result.outcome,
      ...(result.outcome === 'allocated' ? { shipments: result.shipments.length } : {}),
      ...(result.outcome === 'unavailable' ? { why: result.why } : {}),
    });
  });
}

/** The Lambda handler. */
export const handler = makeShipExchangeReplacementHandler();
