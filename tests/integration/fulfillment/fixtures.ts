/**
 * Fixtures for fulfillment integration tests: products with stock in the demo warehouses, stock
 * reserved the way checkout reserves it (catalog's reserveStock in a transaction), events as the
 * rules deliver them to SQS, allocated orders, signed carrier webhooks, and a publisher that
 * records what was sent.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import type { ProductInput } from '../../../functions/catalog/domain/product.ts';
import { CatalogReader, releaseStock, reserveStock, type StockMovement } from '../../../functions/catalog/stock-contract.ts';
import { sandboxTrackingRequest, type CarrierTrackingEvent } from '../../../functions/fulfillment/carrier-gateway.ts';
import { FulfillmentRepository, type ShipmentRecord } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { makeAllocateOrderHandler } from '../../../functions/fulfillment/handlers/allocate-order.ts';
import { SANDBOX_CARRIER_WEBHOOK_SECRET } from '../../../functions/fulfillment/settings.ts';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { OrderCancelled } from '../../../events/order-cancelled.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { StockAdjusted } from '../../../events/stock-adjusted.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { newId } from '../../../shared/ids.ts';
import { apiEvent, eventBridgeEvent, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

export const WAREHOUSES = [
  { warehouseId: 'WH-EAST', name: 'East', city: 'Shanghai', region: 'east' },
  { warehouseId: 'WH-NORTH', name: 'North', city: 'Beijing', region: 'north' },
  { warehouseId: 'WH-SOUTH', name: 'South', city: 'Guangzhou', region: 'south' },
];

/** Listings by kind (FUL-2 attributes). */
export const LISTINGS = {
  fresh: { name: 'Fresh lychees', category: 'fresh-food', price: { amount: 5990, currency: 'CNY' }, attributes: { fresh: true, weightGrams: 1100, valueClass: 'standard' } },
  phone: { name: 'Phone', category: 'electronics', price: { amount: 399_900, currency: 'CNY' }, attributes: { electronics: true, weightGrams: 210, valueClass: 'high' } },
  tshirt: { name: 'T-shirt', category: 'apparel', price: { amount: 7900, currency: 'CNY' }, attributes: { weightGrams: 200, valueClass: 'low' } },
  rice: { name: 'Rice 5kg', category: 'groceries', price: { amount: 8990, currency: 'CNY' }, attributes: { weightGrams: 5100, valueClass: 'low' } },
} satisfies Record<string, ProductInput>;

/** A catalog with the demo warehouses. */
export async function catalogFixture(catalogTable: string) {
  const repo = new DynamoDbCatalogRepository(catalogTable);
  for (const w of WAREHOUSES) await repo.createWarehouse(w);
  return {
    repo,
    /** Creates a product with a unique SKU and its on-hand stock per warehouse. */
    async product(listing: ProductInput, stock: Record<string, number>): Promise<string> {
      const sku = `FT-${ulid()}`;
      const at = new Date();
      await repo.createProduct({ sku, ...listing, updatedAt: at.toISOString(), updatedBy: 'test' });
      for (const w of WAREHOUSES) await repo.createStockLevel(sku, { warehouseId: w.warehouseId, onHand: stock[w.warehouseId] ?? 0, reserved: 0 }, at);
      return sku;
    },
    /** Reserves stock for an order as checkout does at placement (stock items + the order's reservation records, one transaction). */
    async reserve(orderId: string, movements: Array<StockMovement & { bucket?: number }>): Promise<void> {
      await documentClient().send(new TransactWriteCommand({ TransactItems: movements.flatMap((m) => reserveStock(catalogTable, { orderId, ...m }, new Date())) }));
    },
    /** Releases an order's reservations as checkout does (cancellation, payment timeout). */
    async release(orderId: string, movements: Array<StockMovement & { bucket?: number }>): Promise<void> {
      await documentClient().send(new TransactWriteCommand({ TransactItems: movements.flatMap((m) => releaseStock(catalogTable, { orderId, ...m }, new Date())) }));
    },
    /** The order's reservation records (catalog's reader). */
    async reservations(orderId: string) {
      return new CatalogReader(catalogTable).reservations(orderId);
    },
    async level(sku: string, warehouseId: string) {
      const found = await repo.getProduct(sku);
      return found?.stock.find((s) => s.warehouseId === warehouseId);
    },
  };
}

/**
 * An allocated order: per warehouse a fresh T-shirt SKU (5 on hand) with `quantity` reserved, then
 * allocated by the allocation handler (region east): one shipment per warehouse.
 */
export async function allocatedOrder(
  deps: { catalog: Awaited<ReturnType<typeof catalogFixture>>; repository: FulfillmentRepository; reader: CatalogReader },
  warehouses: string[],
  options: { quantity?: number; paymentMethod?: 'card' | 'cod' } = {},
) {
  const reservations: StockMovement[] = [];
  const skus: Record<string, string> = {};
  for (const warehouseId of warehouses) {
    const sku = await deps.catalog.product(LISTINGS.tshirt, { [warehouseId]: 5 });
    skus[warehouseId] = sku;
    reservations.push({ sku, warehouseId, quantity: options.quantity ?? 1 });
  }
  const orderId = newId();
  await deps.catalog.reserve(orderId, reservations);
  const allocate = makeAllocateOrderHandler({ repository: () => deps.repository, catalog: () => deps.reader, publisher: capturePublisher().factory });
  await allocate(
    statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east', ...(options.paymentMethod ? { paymentMethod: options.paymentMethod } : {}) }),
    lambdaContext(),
  );
  const { shipments } = await deps.repository.getOrder(orderId);
  if (shipments.length !== warehouses.length) throw new Error(`expected ${warehouses.length} shipments, got ${shipments.length}`);
  const byWarehouse = Object.fromEntries(shipments.map((s) => [s.warehouseId, s])) as Record<string, ShipmentRecord>;
  return { orderId, skus, reservations, shipments, byWarehouse };
}

/** Records every published event; `fail` makes the next N publishes throw. */
export function capturePublisher() {
  const published: DomainEvent[] = [];
  let failures = 0;
  return {
    published,
    failNext(n = 1) {
      failures = n;
    },
    factory: (_correlationId: string): EventPublisher => ({
      publish: async (events) => {
        if (failures > 0) {
          failures--;
          throw new Error('EventBridge unavailable (test)');
        }
        published.push(...events);
      },
    }),
    named(name: string) {
      return published.filter((e) => e.definition.name === name).map((e) => e.payload as Record<string, unknown>);
    },
  };
}

const meta = () => ({ correlationId: `test-${ulid()}`, occurredAt: new Date().toISOString(), eventId: ulid() });

/** An OrderStatusChanged event in an SQS message, as the rule delivers it. */
export function statusChangedMessage(input: {
  orderId: string;
  to: 'APPROVED' | 'CANCELLED';
  reservations: StockMovement[];
  region?: string;
  paymentMethod?: 'card' | 'cod';
  customerId?: string;
}) {
  const detail = {
    version: 1,
    orderId: input.orderId,
    customerId: input.customerId ?? 'cust-ful',
    orderType: 'regular',
    paymentMethod: input.paymentMethod ?? 'card',
    from: input.to === 'APPROVED' ? 'PLACED' : 'APPROVED',
    to: input.to,
    reason: input.to === 'APPROVED' ? 'payment-authorized' : 'customer-request',
    actor: 'system:test',
    total: { amount: 10_000, currency: 'CNY' },
    shippingRegion: input.region ?? 'east',
    reservations: input.reservations,
    changedAt: new Date().toISOString(),
    meta: meta(),
  };
  return sqsEvent(sqsRecord(eventBridgeEvent(OrderStatusChanged.name, OrderStatusChanged.source, detail)));
}

/** An OrderCancelled event in an SQS message, as the rule delivers it. */
export function orderCancelledMessage(input: { orderId: string; from: 'PLACED' | 'IN_REVIEW' | 'APPROVED' | 'FULFILLING'; customerId?: string; paymentMethod?: 'card' | 'cod' }) {
  const detail = {
    version: 1,
    orderId: input.orderId,
    customerId: input.customerId ?? 'cust-ful',
    paymentMethod: input.paymentMethod ?? 'card',
    from: input.from,
    cancelledBy: 'customer',
    actor: input.customerId ?? 'cust-ful',
    reason: 'customer-request',
    total: { amount: 10_000, currency: 'CNY' },
    cancelledAt: new Date().toISOString(),
    meta: meta(),
  };
  return sqsEvent(sqsRecord(eventBridgeEvent(OrderCancelled.name, OrderCancelled.source, detail)));
}

/** An OrderPlaced event in an SQS message. */
export function orderPlacedMessage(input: { orderId?: string; lines: Array<{ sku: string; quantity: number }>; placedAt?: string }) {
  const cny = (amount: number) => ({ amount, currency: 'CNY' });
  const detail = {
    ...OrderPlaced.example,
    version: 1,
    orderId: input.orderId ?? newId(),
    lines: input.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, category: 'apparel', unitPrice: cny(100), lineTotal: cny(100 * l.quantity) })),
    reservations: input.lines.map((l) => ({ sku: l.sku, warehouseId: 'WH-EAST', quantity: l.quantity })),
    placedAt: input.placedAt ?? new Date().toISOString(),
    meta: meta(),
  };
  return sqsEvent(sqsRecord(eventBridgeEvent(OrderPlaced.name, OrderPlaced.source, detail)));
}

/** A StockAdjusted event in an SQS message. */
export function stockAdjustedMessage(sku: string, warehouseId = 'WH-EAST') {
  const detail = { ...StockAdjusted.example, version: 1, sku, warehouseId, meta: meta() };
  return sqsEvent(sqsRecord(eventBridgeEvent(StockAdjusted.name, StockAdjusted.source, detail)));
}

/** A signed carrier webhook as an API Gateway event. */
export function carrierWebhook(
  event: Omit<CarrierTrackingEvent, 'eventId' | 'occurredAt'> & { eventId?: string; occurredAt?: string },
  options: { secret?: string; now?: Date; signature?: string } = {},
) {
  const full: CarrierTrackingEvent = { eventId: event.eventId ?? `evt-${ulid()}`, occurredAt: event.occurredAt ?? new Date().toISOString(), ...event } as CarrierTrackingEvent;
  const request = sandboxTrackingRequest(full, options.secret ?? SANDBOX_CARRIER_WEBHOOK_SECRET, options.now ?? new Date());
  const headers = options.signature === undefined ? request.headers : { ...request.headers, 'carrier-signature': options.signature };
  return { event: full, api: apiEvent({ method: 'POST', path: '/webhooks/carriers', resource: '/webhooks/carriers', headers, body: request.body }) };
}

/** Sets a stock item's on-hand quantity directly (stands in for a cycle count in tests). */
export async function setOnHand(catalogTable: string, sku: string, warehouseId: string, onHand: number): Promise<void> {
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  await documentClient().send(
    new UpdateCommand({
      TableName: catalogTable,
      Key: { pk: `PRODUCT#${sku}`, sk: `STOCK#${warehouseId}` },
      UpdateExpression: 'SET onHand = :on, available = :on - reserved',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':on': onHand },
    }),
  );
}

/** What a fulfillment integration test starts from, on the shared DynamoDB Local tables: the fixture catalog, the repository and the stock reader. */
export interface FulfillmentWorld {
  /** The shared DynamoDB Local tables (for tests that read or write a table directly). */
  readonly tables: ReturnType<typeof useLocalDynamoDb>['tables'];
  readonly catalog: Awaited<ReturnType<typeof catalogFixture>>;
  readonly repository: FulfillmentRepository;
  readonly reader: CatalogReader;
}

/** Sets up a {@link FulfillmentWorld} on DynamoDB Local (call it in `beforeAll`). */
export async function fulfillmentWorld(): Promise<FulfillmentWorld> {
  const { tables } = useLocalDynamoDb();
  return { tables, catalog: await catalogFixture(tables.catalog), repository: new FulfillmentRepository(tables.fulfillment), reader: new CatalogReader(tables.catalog) };
}
