/**
 * Checkout and catalog's per-order reservation records, on DynamoDB Local (ORD-4):
 * - placement writes one record per SKU and warehouse (`reserved`) in the order's transaction;
 *   a refused placement writes none;
 * - every release (cancel, RiskRejected, PaymentFailed, the unpaid-order timeout) marks them
 *   `released` in the same transaction, exactly once;
 * - a cancellation of an APPROVED order whose stock fulfillment picked first releases nothing (it
 *   would otherwise take another order's reservation) and still cancels the order;
 * - more distinct lines than a transaction can carry → 400, nothing written.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { CatalogReader, pickStock, splitStockIntoBuckets, type CatalogEntry } from '../../../functions/catalog/stock-contract.ts';
import type { CatalogPort, EntriesOptions } from '../../../functions/checkout/price-basket.ts';
import { changeOrder } from '../../../functions/checkout/change-order.ts';
import { expireUnpaidOrders } from '../../../functions/checkout/expire-unpaid-orders.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import { manualClock } from '../../../shared/clock.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { asProblem, checkoutWorld, customer, startLocalKms } from './fixtures.ts';

let kms: Awaited<ReturnType<typeof startLocalKms>>;
let world: ReturnType<typeof checkoutWorld>;
let reader: CatalogReader;

beforeAll(async () => {
  const { tables } = useLocalDynamoDb();
  kms = await startLocalKms();
  world = checkoutWorld(tables, kms);
  reader = new CatalogReader(tables.catalog);
  await world.ensureWarehouses();
});

afterAll(async () => {
  await kms.close();
});

const statuses = async (orderId: string) => (await reader.reservations(orderId)).map((r) => [r.sku, r.warehouseId, r.status, r.quantity]);

async function placed(items: Array<{ sku: string; quantity: number }>, clock?: ReturnType<typeof manualClock>) {
  const customerId = customer();
  const { order } = await placeOrder(world.placeDeps(clock ? { clock } : {}), { customerId, request: world.request(items), correlationId: 'c' });
  return { order, customerId };
}

const risk = { assessmentId: ulid(), score: 90, level: 'high' as const, rulesFired: ['r'], decidedBy: 'rules' as const, decidedAt: new Date().toISOString() };

describe('reservation records written with the order (ORD-4)', () => {
  it('placement: one `reserved` record per SKU and warehouse, in the order’s transaction (split over warehouses too)', async () => {
    const a = await world.product({ stock: { 'WH-EAST': 2, 'WH-NORTH': 5 } });
    const b = await world.product({ stock: { 'WH-EAST': 5 } });
    const { order } = await placed([
      { sku: a, quantity: 3 },
      { sku: b, quantity: 1 },
    ]);
    const records = await reader.reservations(order.orderId);
    expect(
      records
        .map((r) => ({ sku: r.sku, warehouseId: r.warehouseId, quantity: r.quantity, status: r.status }))
        .sort((x, y) => `${x.sku}${x.warehouseId}`.localeCompare(`${y.sku}${y.warehouseId}`)),
    ).toEqual(order.reservations.map((r) => ({ ...r, status: 'reserved' })).sort((x, y) => `${x.sku}${x.warehouseId}`.localeCompare(`${y.sku}${y.warehouseId}`)));
    expect(order.reservations.length).toBeGreaterThanOrEqual(2);
  });

  it('a refused placement (out of stock) writes no record', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 1 } });
    const orderIds: string[] = [];
    const error = await placeOrder(world.placeDeps({ newId: () => (orderIds.push(ulid()), orderIds.at(-1) as string) }), {
      customerId: customer(),
      request: world.request([{ sku, quantity: 2 }]),
      correlationId: 'c',
    }).catch((e: unknown) => e);
    expect(asProblem(error).status).toBe(409);
    for (const orderId of orderIds) expect(await reader.reservations(orderId)).toEqual([]);
  });

  it('more than 20 distinct lines → 400 naming body.items, nothing written', async () => {
    const items = Array.from({ length: 21 }, (_, i) => ({ sku: `NOPE-${i}-${ulid()}`.slice(0, 40), quantity: 1 }));
    const error = await placeOrder(world.placeDeps(), { customerId: customer(), request: world.request(items), correlationId: 'c' }).catch((e: unknown) => e);
    expect(asProblem(error)).toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ path: 'body.items', message: expect.stringContaining('At most 20 different items') })],
    });
  });
});

describe('releases mark the records released, exactly once (ORD-4)', () => {
  it.each([
    ['RiskRejected', { type: 'RiskRejected' as const, decision: risk }],
    ['PaymentFailed', { type: 'PaymentFailed' as const, paymentId: ulid(), reason: 'declined', at: new Date().toISOString() }],
    ['cancel', { type: 'Cancel' as const, by: 'customer' as const, actor: 'x', reason: 'customer-request' }],
  ])('%s', async (_name, fact) => {
    const sku = await world.product({ stock: { 'WH-EAST': 5 } });
    const { order } = await placed([{ sku, quantity: 2 }]);
    const result = await changeOrder(world.changeDeps(), { orderId: order.orderId, fact, correlationId: 'c' });
    expect(result.outcome).toBe('applied');
    expect(await statuses(order.orderId)).toEqual([[sku, 'WH-EAST', 'released', 2]]);
    expect(await world.stock(sku)).toEqual({ 'WH-EAST': { onHand: 5, reserved: 0, available: 5 } });
    // The same fact again (a redelivery, or the same fact under another event id) releases nothing again.
    expect(await changeOrder(world.changeDeps(), { orderId: order.orderId, fact, correlationId: 'c' })).toMatchObject({ outcome: 'ignored' });
    expect(await world.stock(sku)).toEqual({ 'WH-EAST': { onHand: 5, reserved: 0, available: 5 } });
    expect(await statuses(order.orderId)).toEqual([[sku, 'WH-EAST', 'released', 2]]);
  });

  it('the unpaid-order timeout', async () => {
    const clock = manualClock('2024-01-10T08:00:00.000Z');
    const sku = await world.product({ stock: { 'WH-NORTH': 3 } });
    const { order } = await placed([{ sku, quantity: 3 }], clock);
    clock.set('2024-01-10T08:31:00.000Z');
    const summary = await expireUnpaidOrders({ ...world.changeDeps(clock), eventsFor: world.events.forCorrelation, outboxGraceSeconds: 30 }, { correlationId: 'sweep' });
    expect(summary.failed).toBe(0);
    expect((await world.orders.getOrder(order.orderId))?.status).toBe('CANCELLED');
    expect(await statuses(order.orderId)).toEqual([[sku, 'WH-NORTH', 'released', 3]]);
    expect(await world.stock(sku)).toEqual({ 'WH-NORTH': { onHand: 3, reserved: 0, available: 3 } });
  });
});

describe('a cancellation that lost the race with the allocation', () => {
  it('APPROVED order whose stock fulfillment picked first: the cancellation releases nothing (never another order’s reservation) and the order is CANCELLED', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 10 } });
    const mine = await placed([{ sku, quantity: 3 }]);
    const other = await placed([{ sku, quantity: 4 }]);
    await changeOrder(world.changeDeps(), {
      orderId: mine.order.orderId,
      fact: { type: 'PaymentAuthorized', paymentId: ulid(), amount: mine.order.total, captureOn: 'shipment', at: new Date().toISOString() },
      correlationId: 'c',
    });
    // Fulfillment's allocation committed (OrderAllocated not yet applied by checkout: still APPROVED, still lists its reservations).
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: pickStock(world.tables.catalog, { orderId: mine.order.orderId, sku, warehouseId: 'WH-EAST', quantity: 3, reservedQuantity: 3 }, new Date()),
      }),
    );
    expect(await world.orders.getOrder(mine.order.orderId)).toMatchObject({ status: 'APPROVED', reservations: [{ sku, warehouseId: 'WH-EAST', quantity: 3 }] });

    const logged: string[] = [];
    const log = { info: (m: string) => void logged.push(m), warn: (m: string) => void logged.push(m), error: (m: string) => void logged.push(m) };
    const result = await changeOrder(world.changeDeps(undefined, { log }), {
      orderId: mine.order.orderId,
      fact: { type: 'Cancel', by: 'customer', actor: mine.customerId, reason: 'customer-request' },
      correlationId: 'c',
    });
    expect(result.outcome).toBe('applied');
    expect(logged).toContain('reservations no longer held; releasing only what the order still holds');
    expect(await world.orders.getOrder(mine.order.orderId)).toMatchObject({ status: 'CANCELLED', reservations: [] });
    // The pick stands (fulfillment returns it on OrderCancelled); the other order still holds its 4.
    expect(await world.stock(sku)).toEqual({ 'WH-EAST': { onHand: 7, reserved: 4, available: 3 } });
    expect(await statuses(mine.order.orderId)).toEqual([[sku, 'WH-EAST', 'picked', 3]]);
    expect(await statuses(other.order.orderId)).toEqual([[sku, 'WH-EAST', 'reserved', 4]]);
    expect(world.events.of('OrderCancelled', mine.order.orderId)).toEqual([expect.objectContaining({ from: 'APPROVED' })]);
  });
});

/**
 * A catalog port that answers every ordinary read with `stale` (what a container remembered) and reads
 * `fresh` and `maxAgeMs` requests from DynamoDB, recording what it was asked: what place-order does
 * when a remembered level was wrong (SPLIT_STOCK_CACHE_MS, issue 15).
 */
function rememberingWrongly(stale: (real: Map<string, CatalogEntry>) => Map<string, CatalogEntry>) {
  const asked: Array<EntriesOptions | undefined> = [];
  const port: CatalogPort = {
    entries: async (skus, options) => {
      asked.push(options);
      const real = await reader.entries(skus);
      return options?.fresh || options?.maxAgeMs !== undefined ? real : stale(real);
    },
    warehouses: () => world.catalog.warehouses(),
  };
  return { port, asked };
}

describe('ORD-4: orders planned on remembered levels (a hot SKU, SPLIT_STOCK_CACHE_MS)', () => {
  it('a reservation refused on a level that was no longer there re-plans on a fresh read, and places', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 0, 'WH-NORTH': 5 } });
    // Remembered: 5 in WH-EAST (the nearest to an east address), none in WH-NORTH.
    const { port, asked } = rememberingWrongly(
      (real) => new Map([...real].map(([k, e]) => [k, { ...e, stock: e.stock.map((l) => ({ ...l, available: l.warehouseId === 'WH-EAST' ? 5 : 0, onHand: 5, reserved: 0 })) }])),
    );
    const placed = await placeOrder(world.placeDeps({ catalog: port }), { customerId: customer(), request: world.request([{ sku, quantity: 1 }]), correlationId: 'c' });
    expect(await statuses(placed.order.orderId)).toEqual([[sku, 'WH-NORTH', 'reserved', 1]]);
    expect(asked).toEqual([undefined, { fresh: true }]);
  });

  it('a split SKU refused for want of stock on remembered levels is read again, and placed when units are there', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 4 } });
    await documentClient().send(
      new TransactWriteCommand({ TransactItems: splitStockIntoBuckets(world.tables.catalog, { sku, warehouseId: 'WH-EAST', available: 4, buckets: 2 }, new Date()) as never }),
    );
    // Remembered: sold out.
    const soldOut = (e: CatalogEntry): CatalogEntry => ({
      ...e,
      stock: e.stock.map((l) => ({ ...l, available: 0, ...(l.buckets ? { buckets: l.buckets.map((b) => ({ ...b, available: 0 })) } : {}) })),
    });
    const { port, asked } = rememberingWrongly((real) => new Map([...real].map(([k, e]) => [k, soldOut(e)])));
    const placed = await placeOrder(world.placeDeps({ catalog: port }), { customerId: customer(), request: world.request([{ sku, quantity: 1 }]), correlationId: 'c' });
    expect(placed.created).toBe(true);
    expect(asked).toEqual([undefined, { maxAgeMs: 100 }]);
    // A plain SKU's refusal is not read twice: it was read for this order.
    const plain = await world.product({ stock: { 'WH-EAST': 0 } });
    const second = rememberingWrongly((real) => real);
    await expect(
      placeOrder(world.placeDeps({ catalog: second.port }), { customerId: customer(), request: world.request([{ sku: plain, quantity: 1 }]), correlationId: 'c' }),
    ).rejects.toThrow(/stock/i);
    expect(second.asked).toEqual([undefined]);
  });
});
