/**
 * Shared setup of the checkout integration tests: DynamoDB Local (the run's shared instance), a
 * local KMS for field encryption, products with stock in the demo warehouses, and fakes for the
 * event bus. Every test isolates itself with fresh SKUs, customers and coupons (ULIDs).
 */
import crypto from 'node:crypto';
import { ulid } from 'ulid';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, startAwsEndpoint, type AwsEndpoint } from '../../../infra/local/aws-protocol.ts';
import { KmsService } from '../../../infra/local/kms.ts';
import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import { DEMO_WAREHOUSES } from '../../../functions/catalog/demo-catalog.ts';
import type { ProductAttributes } from '../../../functions/catalog/domain/product.ts';
import { CatalogReader, catalogSettings } from '../../../functions/catalog/stock-contract.ts';
import type { ChangeOrderDeps } from '../../../functions/checkout/change-order.ts';
import { DynamoDbOrderStore } from '../../../functions/checkout/orders-repository.ts';
import type { PaymentLimitsPort, PlaceOrderDeps } from '../../../functions/checkout/place-order.ts';
import { PaymentLimitsReader, paymentLimits, type PaymentLimits } from '../../../functions/payments/limits-contract.ts';
import { withCachedWarehouses } from '../../../functions/checkout/price-basket.ts';
import { DynamoDbPromotionStore } from '../../../functions/checkout/promotions-repository.ts';
import { checkoutSettings } from '../../../functions/checkout/settings.ts';
import type { OrderRequest } from '../../../functions/checkout/domain/order-request.ts';
import type { Clock } from '../../../shared/clock.ts';
import { systemClock } from '../../../shared/clock.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { ProblemError } from '../../../shared/errors.ts';
import { checkoutProblem } from '../../../functions/checkout/handlers/problems.ts';
import { FieldEncryptor, kmsKeyProvider, type FieldEncryptorOptions } from '../../../shared/field-encryption.ts';
import { kmsClient } from '../../../shared/aws-json.ts';
import { newId } from '../../../shared/ids.ts';
import type { LocalTables } from '../../support/tables.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { afterAll, beforeAll } from 'vitest';

/** A local KMS with one key, over the AWS JSON protocol. */
export async function startLocalKms(): Promise<{
  encryptor: (options?: Omit<FieldEncryptorOptions, 'kms' | 'keyId'>) => FieldEncryptor;
  stats: () => Record<string, number>;
  close: () => Promise<void>;
}> {
  const keyId = crypto.randomUUID();
  const kms = new KmsService({ keys: [{ logicalId: 'FieldEncryptionKey', keyId, arn: `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${keyId}`, enabled: true }], aliases: [] });
  const endpoint: AwsEndpoint = await startAwsEndpoint({ services: [kms] });
  const client = kmsClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: endpoint.url, attempts: 1 });
  return {
    encryptor: (options = {}) => new FieldEncryptor({ ...options, kms: kmsKeyProvider(client), keyId }),
    stats: () => kms.stats(),
    close: async () => {
      await endpoint.close();
    },
  };
}

/** A publisher that records what it publishes (and can be made to fail). */
export function recordingPublisher() {
  const published: Array<{ correlationId: string; event: DomainEvent }> = [];
  let failing = false;
  const forCorrelation = (correlationId: string): EventPublisher => ({
    publish: async (events) => {
      if (failing) throw new Error('EventBridge unavailable');
      published.push(...events.map((event) => ({ correlationId, event })));
    },
  });
  return {
    published,
    publisher: forCorrelation('test'),
    forCorrelation,
    setFailing: (value: boolean) => void (failing = value),
    /** Payloads of `name` events about `orderId`. */
    of: (name: string, orderId?: string) =>
      published
        .filter((p) => p.event.definition.name === name && (orderId === undefined || (p.event.payload as { orderId?: string }).orderId === orderId))
        .map((p) => p.event.payload as Record<string, unknown>),
  };
}

const cny = (amount: number) => ({ amount, currency: 'CNY' });

/** The test world: repositories on DynamoDB Local and helpers to create products and requests. */
export function checkoutWorld(
  tables: LocalTables,
  kms: { encryptor: (options?: Omit<FieldEncryptorOptions, 'kms' | 'keyId'>) => FieldEncryptor; stats?: () => Record<string, number> },
) {
  const catalogRepo = new DynamoDbCatalogRepository(tables.catalog);
  const settings = checkoutSettings({});
  const orders = new DynamoDbOrderStore(tables.orders, tables.catalog, {
    awaitingPaymentShards: settings.awaitingPaymentShards,
    outboxShards: settings.outboxShards,
    markerTtlDays: 7,
  });
  const promotions = new DynamoDbPromotionStore(tables.orders);
  const catalog = withCachedWarehouses(new CatalogReader(tables.catalog), 0);
  const { regions, distances } = catalogSettings({});
  const events = recordingPublisher();
  /** Payments' limits as configured (defaults), read through payments' own reader on the PaymentsTable (PAY-1). */
  const limitsPort = (limits: PaymentLimits = paymentLimits()): PaymentLimitsPort => {
    const reader = new PaymentLimitsReader(tables.payments);
    return { provider: 'sandbox', limits, todayTotals: (customerId, now) => reader.todayTotals(customerId, now, limits) };
  };

  const world = {
    tables,
    catalogRepo,
    orders,
    promotions,
    catalog,
    settings,
    events,
    limitsPort,
    cipher: kms.encryptor(),
    /** Another encryptor on the same key (no shared cache with {@link cipher}). */
    newEncryptor: (options?: Omit<FieldEncryptorOptions, 'kms' | 'keyId'>) => kms.encryptor(options),
    /** The local KMS's calls so far, by operation. */
    kmsCalls: (): Record<string, number> => kms.stats?.() ?? {},
    async ensureWarehouses() {
      for (const w of DEMO_WAREHOUSES) await catalogRepo.createWarehouse(w);
    },
    /** A new product with `stock` on hand per warehouse. */
    async product(options: { price?: number; stock?: Record<string, number>; category?: string; attributes?: Partial<ProductAttributes> } = {}): Promise<string> {
      const sku = `T-${ulid()}`;
      const now = new Date();
      await catalogRepo.createProduct({
        sku,
        name: `测试商品 ${sku}`,
        category: options.category ?? 'groceries',
        price: cny(options.price ?? 12900),
        attributes: { weightGrams: 500, valueClass: 'standard', ...options.attributes },
        updatedAt: now.toISOString(),
        updatedBy: 'test',
      });
      for (const [warehouseId, onHand] of Object.entries(options.stock ?? { 'WH-EAST': 10 })) await catalogRepo.createStockLevel(sku, { warehouseId, onHand, reserved: 0 }, now);
      return sku;
    },
    /** Stock of a SKU per warehouse (strongly consistent). */
    async stock(sku: string): Promise<Record<string, { onHand: number; reserved: number; available: number }>> {
      const entries = await new CatalogReader(tables.catalog).entries([sku]);
      return Object.fromEntries((entries.get(sku)?.stock ?? []).map((s) => [s.warehouseId, { onHand: s.onHand, reserved: s.reserved, available: s.available }]));
    },
    request(items: Array<{ sku: string; quantity: number }>, overrides: Partial<OrderRequest> = {}): OrderRequest {
      return {
        items,
        shippingAddress: {
          name: '王小明',
          phone: '+86 139 1234 5678',
          line1: '浦东新区世纪大道100号',
          line2: '8楼',
          city: '上海',
          region: 'east',
          postalCode: '200120',
          country: 'CN',
        },
        contactEmail: 'xiaoming.wang@example.cn',
        payment: { method: 'card', token: 'tok_visa' },
        ...overrides,
      };
    },
    placeDeps(overrides: Partial<PlaceOrderDeps> = {}): PlaceOrderDeps {
      return {
        orders,
        catalog,
        promotions,
        cipher: world.cipher,
        events: events.publisher,
        clock: systemClock,
        newId,
        settings,
        paymentLimits: limitsPort(),
        riskSignalKey: async () => settings.riskSignalKey,
        regions,
        distances,
        sleep: async (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
        ...overrides,
      };
    },
    changeDeps(clock: Clock = systemClock, overrides: Partial<ChangeOrderDeps> = {}): ChangeOrderDeps {
      return { orders, events: events.publisher, clock, balanceWindowHours: settings.presaleBalanceWindowHours, sleep: async () => {}, ...overrides };
    },
  };
  return world;
}

/** A unique customer id. */
export const customer = (prefix = 'c') => `${prefix}-${ulid()}`;

/** The problem the checkout handlers answer `error` (a use case's domain error) with; anything else fails the test. */
export function asProblem(error: unknown): ProblemError {
  const mapped = checkoutProblem(error);
  if (!(mapped instanceof ProblemError)) throw new Error(`expected a checkout domain error, got ${String(error)}`);
  return mapped;
}

/** The problem the checkout handlers answer the error a promise rejects with (anything else fails the test). */
export async function problem(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return asProblem(error);
}

/**
 * The test world of one test file: DynamoDB Local's tables for the file, a local KMS, the demo
 * warehouses — set up before its tests, the KMS closed after. The returned object stands for the
 * world (a proxy: usable from the tests and hooks on, not at module load).
 */
export function useCheckoutWorld(): ReturnType<typeof checkoutWorld> {
  let kms: Awaited<ReturnType<typeof startLocalKms>> | undefined;
  let world: ReturnType<typeof checkoutWorld> | undefined;
  beforeAll(async () => {
    const { tables } = useLocalDynamoDb();
    kms = await startLocalKms();
    world = checkoutWorld(tables, kms);
    await world.ensureWarehouses();
  });
  afterAll(async () => {
    await kms?.close();
  });
  return new Proxy({} as ReturnType<typeof checkoutWorld>, {
    get(_target, property) {
      if (!world) throw new Error('the checkout world is set up in beforeAll; use it from tests and hooks');
      return Reflect.get(world, property);
    },
  });
}
