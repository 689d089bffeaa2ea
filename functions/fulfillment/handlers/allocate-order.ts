/**
 * SQS consumer (FUL-1, FUL-2): `OrderStatusChanged` with `to` APPROVED → allocate the order.
 * (Cancellations are handled by cancel-fulfillment.ts on `OrderCancelled`.)
 * Env: `FULFILLMENT_TABLE_NAME`, `CATALOG_TABLE_NAME` (stock contract), `EVENT_BUS_NAME`. Carrier
 * rules and delivery time limits: ops' (FulfillmentTable `CONFIG`/`SHIPPING`), else the configured ones.
 * The carrier: `CARRIER_PROVIDER` (the stage's; `kuaidi100` also needs `KUAIDI100_ACCOUNT_SECRET_ID`,
 * `ORDERS_TABLE_NAME` and `FIELD_ENCRYPTION_KEY_ID` for checkout's recipient contract).
 * Catalog's warehouse list is cached for `WAREHOUSES_CACHE_SECONDS` (60) per container, read again at
 * once when a SKU is stocked in a warehouse the cached list does not know (allocate-order.ts).
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { requireSetting } from '../../../shared/config.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { cachedWarehouses, catalogReaderFromEnv, catalogSettings, type CatalogReader, type WarehouseView } from '../../catalog/stock-contract.ts';
import { allocateOrder } from '../allocate-order.ts';
import { recipientReaderFromEnv } from '../../checkout/recipient-contract.ts';
import type { CarrierGateway, Recipient } from '../carrier-gateway.ts';
import { configuredCarrier } from '../carriers/configured-carrier.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { fulfillmentSettings } from '../settings.ts';
import { cachedShippingSettings, getShippingSettings } from '../shipping-settings.ts';

/** How long a container keeps the shipping settings it read. */
const SHIPPING_SETTINGS_TTL_MS = 10_000;

/** Ports of the handler; each defaults to the real adapter. */
export interface AllocateOrderHandlerPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly catalog?: () => CatalogReader;
  readonly catalogTableName?: string;
  readonly carrier?: CarrierGateway;
  readonly recipients?: (orderId: string) => Promise<Recipient>;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
  /** How long the warehouse list is cached (default `WAREHOUSES_CACHE_SECONDS`). */
  readonly warehousesCacheSeconds?: number;
}

/** The sandbox never prints a label: asking it for a recipient is a wiring bug. */
const noRecipients = (orderId: string): Promise<Recipient> => Promise.reject(new Error(`the sandbox carrier does not read recipients (order ${orderId})`));

/** Builds the handler with the given ports. */
export function makeAllocateOrderHandler(ports: AllocateOrderHandlerPorts = {}) {
  // Ops' carrier rules and time limits (PUT /admin/settings/shipping), else the configured ones; re-read every 10 s.
  const shippingSettingsInForce = cachedShippingSettings(() => {
    const { carrierRules, deliveryTimeLimits } = fulfillmentSettings();
    return getShippingSettings({ repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(), configured: { carrierRules, deliveryTimeLimits } });
  }, SHIPPING_SETTINGS_TTL_MS);
  // Catalog's warehouse list, cached per container (the allocation reads it afresh for a warehouse it does not know).
  let warehouses: ((options?: { readonly fresh?: boolean }) => Promise<WarehouseView[]>) | undefined;
  return eventConsumer([OrderStatusChanged], async ({ detail: change }, record) => {
    if (change.to !== 'APPROVED') return;
    const reader = (ports.catalog ?? catalogReaderFromEnv)();
    const cachedList = (warehouses ??= cachedWarehouses(reader, (ports.warehousesCacheSeconds ?? fulfillmentSettings().warehousesCacheSeconds) * 1000));
    const result = await allocateOrder(
      {
        repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(),
        catalog: { entries: (skus) => reader.entries(skus), reservations: (orderId) => reader.reservations(orderId), warehouses: cachedList },
        catalogTableName: ports.catalogTableName ?? requireSetting('catalogTableName'),
        ...(await carrierAndRecipients(ports)),
        clock: ports.clock ?? systemClock,
        publisher: ports.publisher ?? ((correlationId) => eventBridgePublisher({ correlationId })),
        ...(await shippingSettingsInForce()),
        distances: catalogSettings().distances,
      },
      { ...change, correlationId: change.meta.correlationId },
    );
    if (result.outcome === 'allocated') {
      metrics.addMetric('OrdersAllocated', MetricUnit.Count, 1);
      metrics.addMetric('ShipmentsCreated', MetricUnit.Count, result.shipments.length);
      if (result.movedUnits > 0) metrics.addMetric('UnitsMovedAtAllocation', MetricUnit.Count, result.movedUnits);
    }
    // Released before allocation: the cancellation won the race; nothing allocated, nothing published.
    if (result.outcome === 'reservations-released') metrics.addMetric('AllocationSkippedReleased', MetricUnit.Count, 1);
    if (result.outcome === 'no-reservations') metrics.addMetric('AllocationWithoutReservations', MetricUnit.Count, 1);
    const log = result.outcome === 'no-reservations' ? logger.warn.bind(logger) : logger.info.bind(logger);
    log('allocation', {
      messageId: record.messageId,
      orderId: change.orderId,
      eventId: change.meta.eventId,
      outcome: result.outcome,
      ...(result.outcome === 'allocated' ? { source: result.source, shipments: result.shipments.length, movedUnits: result.movedUnits } : {}),
    });
  });
}

/** The Lambda handler. */
export const handler = makeAllocateOrderHandler();

async function carrierAndRecipients(ports: AllocateOrderHandlerPorts): Promise<{ carrier: CarrierGateway; recipients: (orderId: string) => Promise<Recipient> }> {
  const carrier = ports.carrier ?? (await configuredCarrier());
  return { carrier, recipients: ports.recipients ?? (carrier.idempotent ? noRecipients : recipientReaderFromEnv()) };
}
