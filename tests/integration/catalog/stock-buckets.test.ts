/**
 * ORD-4 at flash-sale scale, on DynamoDB Local: a hot SKU's stock split into buckets
 * (stock-contract.ts, domain/stock-shards.ts). 200 concurrent orders for 10 units over 4 buckets,
 * each order trying the buckets in its probe order while a rebalancer moves units between them:
 * exactly 10 placed, 190 refused, no bucket ever below zero, and the units reserved are exactly
 * the stock counted in. Releasing a reservation puts the unit back in its bucket, once.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import {
  CatalogReader,
  countStock,
  createStockBuckets,
  holderBucket,
  stockLevelsWithBuckets,
  splitStockIntoBuckets,
  moveBetweenBuckets,
  planRebalance,
  probeOrder,
  releaseStock,
  reserveStock,
  type StockTransactItem,
} from '../../../functions/catalog/stock-contract.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import type { AuditLog } from '../../../shared/audit.ts';
import { systemClock } from '../../../shared/clock.ts';
import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import { mergeStep, mergeStock } from '../../../functions/catalog/stock-admin.ts';
import { planMerge } from '../../../functions/catalog/domain/stock.ts';
import { DynamoDbBucketStore } from '../../../functions/catalog/bucket-store.ts';
import { rebalanceStockBuckets, type BucketStore } from '../../../functions/catalog/rebalance-stock-buckets.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let table: string;
let reader: CatalogReader;
const at = () => new Date();

beforeAll(() => {
  table = useLocalDynamoDb().tables.catalog;
  reader = new CatalogReader(table);
});

/** Runs one transaction: `ok`, or `refused` (a condition failed). Retries transaction conflicts (contention, not a decision). */
async function run(items: StockTransactItem[]): Promise<'ok' | 'refused'> {
  for (let attempt = 0; ; attempt++) {
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return 'ok';
    } catch (error) {
      const e = error as Error & { CancellationReasons?: Array<{ Code?: string }> };
      const codes = e.CancellationReasons?.map((r) => r.Code) ?? [];
      if (e.name === 'TransactionCanceledException' && codes.includes('ConditionalCheckFailed')) return 'refused';
      if ((e.name === 'TransactionCanceledException' || e.name === 'TransactionConflictException') && attempt < 100) {
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 10));
        continue;
      }
      throw error;
    }
  }
}

/** An order for one unit: tries each bucket in its probe order; the bucket it got, or undefined (sold out). */
/**
 * One unit ordered as checkout places it: the first bucket, in the order's probe order, that holds a
 * unit as read now; a refused reservation (the bucket drained or emptied by a move meanwhile) reads
 * the buckets again and replans, as place-order does. Undefined: no bucket holds a unit.
 */
async function order(sku: string, orderId: string, buckets: number): Promise<number | undefined> {
  for (let replan = 0; replan < 50; replan++) {
    const levels = await reader.buckets(sku, 'WH-EAST');
    const available = new Map(levels.map((b) => [b.bucket, b.available]));
    const bucket = probeOrder(orderId, buckets)
      .map((i) => levels[i]?.bucket)
      .find((b) => b !== undefined && (available.get(b) ?? 0) >= 1);
    if (bucket === undefined) return undefined;
    if ((await run(reserveStock(table, { orderId, sku, warehouseId: 'WH-EAST', quantity: 1, bucket }, at()))) === 'ok') return bucket;
  }
  throw new Error(`order ${orderId}: the buckets kept changing for 50 plans`);
}

describe('stock buckets of a hot SKU on DynamoDB Local (ORD-4)', () => {
  it('ORD-4: 200 concurrent orders for 10 units over 4 buckets, with a rebalancer running: exactly 10 placed, 190 refused, no bucket below zero', async () => {
    const sku = `HOT-${ulid()}`;
    expect(await run(createStockBuckets(table, { sku, warehouseId: 'WH-EAST', onHand: 10, buckets: 4 }, at()))).toBe('ok');
    expect((await reader.buckets(sku, 'WH-EAST')).map((b) => b.available)).toEqual([3, 3, 2, 2]);

    let running = true;
    let lowest = Number.POSITIVE_INFINITY;
    const rebalancer = (async () => {
      while (running) {
        const levels = await reader.buckets(sku, 'WH-EAST');
        for (const b of levels) lowest = Math.min(lowest, b.available, b.onHand - b.reserved);
        for (const move of planRebalance(levels.map((b) => b.available))) await run(moveBetweenBuckets(table, { sku, warehouseId: 'WH-EAST', ...move }, at()));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => order(sku, `ORD-${ulid()}-${i}`, 4)));
    running = false;
    await rebalancer;

    expect(results.filter((b) => b !== undefined)).toHaveLength(10);
    expect(results.filter((b) => b === undefined)).toHaveLength(190);
    expect(lowest).toBeGreaterThanOrEqual(0);
    const after = await reader.buckets(sku, 'WH-EAST');
    for (const b of after) expect(b.available).toBeGreaterThanOrEqual(0);
    expect(after.reduce((s, b) => s + b.available, 0)).toBe(0);
    expect(after.reduce((s, b) => s + b.reserved, 0)).toBe(10);
    expect(after.reduce((s, b) => s + b.onHand, 0)).toBe(10);
  });

  it('ORD-4: a release puts the unit back in the bucket it came from, exactly once', async () => {
    const sku = `HOT-${ulid()}`;
    await run(createStockBuckets(table, { sku, warehouseId: 'WH-EAST', onHand: 4, buckets: 2 }, at()));
    const orderId = `ORD-${ulid()}`;
    const bucket = await order(sku, orderId, 2);
    expect(bucket).toBeDefined();
    const movement = { orderId, sku, warehouseId: 'WH-EAST', quantity: 1, bucket: bucket as number };
    expect((await reader.buckets(sku, 'WH-EAST'))[bucket as number]).toMatchObject({ onHand: 2, reserved: 1, available: 1 });
    // A bucket's reservation is released only into that bucket: not into the other one (even while it holds
    // another order's reserved unit the release could take), nor into the plain counters.
    const other = 1 - (bucket as number);
    expect(await run(reserveStock(table, { orderId: `ORD-${ulid()}`, sku, warehouseId: 'WH-EAST', quantity: 1, bucket: other }, at()))).toBe('ok');
    expect(await run(releaseStock(table, { ...movement, bucket: other }, at()))).toBe('refused');
    expect(await run(releaseStock(table, { orderId, sku, warehouseId: 'WH-EAST', quantity: 1 }, at()))).toBe('refused'); // the warehouse's counter: not where it was reserved
    expect(await run(releaseStock(table, movement, at()))).toBe('ok');
    expect(await run(releaseStock(table, movement, at()))).toBe('refused');
    expect(await run(reserveStock(table, movement, at()))).toBe('refused'); // the order's record exists: a replay changes nothing
    expect((await reader.buckets(sku, 'WH-EAST')).map((b) => b.available + b.reserved)).toEqual([2, 2]);
    expect((await reader.buckets(sku, 'WH-EAST'))[bucket as number]).toMatchObject({ reserved: 0, available: 2 });
    expect((await reader.reservations(orderId))[0]).toMatchObject({ status: 'released', quantity: 1 });
  });

  it('ORD-4: the scheduled rebalancer tops up dry buckets from full ones — while orders reserve, never creating or losing a unit', async () => {
    const sku = `HOT-${ulid()}`;
    await run([countStock(table, { sku, warehouseId: 'WH-EAST', onHand: 64 }, at())]);
    expect(await run(splitStockIntoBuckets(table, { sku, warehouseId: 'WH-EAST', available: 64, buckets: 4 }, at()))).toBe('ok');
    const store = new DynamoDbBucketStore(table);
    // Only this test's SKU (other tests split stock in the same table).
    const mine: BucketStore = {
      splitStock: async () => (await store.splitStock()).filter((s) => s.sku === sku),
      bucketLevels: (s) => store.bucketLevels(s),
      move: (s, m) => store.move(s, m),
    };
    expect(await mine.splitStock()).toEqual([{ sku, warehouseId: 'WH-EAST' }]);
    // Drain buckets 0 and 1 (orders that happened to probe them first).
    for (let i = 0; i < 32; i++) expect(await run(reserveStock(table, { orderId: `ORD-${ulid()}`, sku, warehouseId: 'WH-EAST', quantity: 1, bucket: i % 2 }, at()))).toBe('ok');
    expect((await reader.buckets(sku, 'WH-EAST')).map((b) => b.available)).toEqual([0, 0, 16, 16]);
    const summary = await rebalanceStockBuckets({ buckets: mine });
    expect(summary).toMatchObject({ splitStock: 1, refused: 0 });
    expect(summary.unitsMoved).toBeGreaterThan(0);
    expect((await reader.buckets(sku, 'WH-EAST')).map((b) => b.available)).toEqual([8, 8, 8, 8]);

    // 32 concurrent orders for the last 32 units while the rebalancer keeps running: all placed, none left, none below zero.
    let running = true;
    let lowest = Number.POSITIVE_INFINITY;
    const rebalancing = (async () => {
      while (running) {
        await rebalanceStockBuckets({ buckets: mine });
        for (const b of await reader.buckets(sku, 'WH-EAST')) lowest = Math.min(lowest, b.available);
      }
    })();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => order(sku, `ORD-${ulid()}-${i}`, 4)));
    running = false;
    await rebalancing;
    expect(results.filter((b) => b !== undefined)).toHaveLength(32);
    expect(lowest).toBeGreaterThanOrEqual(0);
    const after = await reader.buckets(sku, 'WH-EAST');
    expect(after.reduce((s, b) => s + b.available, 0)).toBe(0);
    expect(after.reduce((s, b) => s + b.onHand, 0)).toBe(64);
    expect(after.reduce((s, b) => s + b.reserved, 0)).toBe(64);
    // The split counter kept nothing back; every unit is in a bucket's reservations.
    const [level] = await reader.levels([{ sku, warehouseId: 'WH-EAST' }]);
    expect(level).toMatchObject({ onHand: 64, reserved: 64, available: 0 });
  });

  it('ORD-4 (after a sale): a merge racing orders that reserve and release, and the rebalancer finishing it, neither creates nor loses a unit', async () => {
    const sku = `HOT-${ulid()}`;
    await run([countStock(table, { sku, warehouseId: 'WH-EAST', onHand: 40 }, at())]);
    expect(await run(splitStockIntoBuckets(table, { sku, warehouseId: 'WH-EAST', available: 40, buckets: 4 }, at()))).toBe('ok');
    const catalog = new DynamoDbCatalogRepository(table);
    await catalog.createWarehouse({ warehouseId: 'WH-EAST', name: 'East', city: 'Shanghai', region: 'east' });
    await catalog.createProduct({
      sku,
      name: 'Flash-sale tea',
      category: 'groceries',
      price: { amount: 990, currency: 'CNY' },
      attributes: { weightGrams: 100, valueClass: 'low' },
      updatedAt: at().toISOString(),
      updatedBy: 'test',
    });
    const deps = { catalog, audit: { record: async () => undefined } as unknown as AuditLog, clock: systemClock };
    const store = new DynamoDbBucketStore(table);
    const mine: BucketStore = {
      splitStock: async () => (await store.splitStock()).filter((s) => s.sku === sku),
      bucketLevels: (s) => store.bucketLevels(s),
      move: (s, m) => store.move(s, m),
    };
    const merge = (s: { sku: string; warehouseId: string }) => mergeStep(catalog, s, at());

    // A merge step planned on levels read before a reservation, or before a rebalancing move, is refused and changes nothing.
    const { CatalogWriteConflict } = await import('../../../functions/catalog/catalog-repository.ts');
    const stale = async () => {
      const plan = planMerge((await catalog.getStockLevels(sku))[0], await catalog.getStockBuckets(sku, 'WH-EAST'));
      if (plan.kind !== 'merge') throw new Error(plan.kind);
      return () => catalog.mergeStock({ sku, warehouseId: 'WH-EAST', named: 4, complete: plan.complete, buckets: plan.buckets, at: at().toISOString() });
    };
    const late = { orderId: `ORD-${ulid()}-late`, sku, warehouseId: 'WH-EAST', quantity: 1, bucket: 2 };
    const beforeReservation = await stale();
    expect(await run(reserveStock(table, late, at()))).toBe('ok');
    await expect(beforeReservation()).rejects.toBeInstanceOf(CatalogWriteConflict);
    expect(await run(releaseStock(table, late, at()))).toBe('ok');
    const beforeMove = await stale();
    expect(await run(moveBetweenBuckets(table, { sku, warehouseId: 'WH-EAST', from: 0, to: 3, quantity: 2 }, at()))).toBe('ok');
    await expect(beforeMove()).rejects.toBeInstanceOf(CatalogWriteConflict);
    expect((await catalog.getStockBuckets(sku, 'WH-EAST')).map((b) => [b.onHand, b.reserved, b.available])).toEqual([
      [8, 0, 8],
      [10, 0, 10],
      [10, 0, 10],
      [12, 0, 12],
    ]);

    // 16 orders hold units in buckets 0 and 1: the merge drains (their buckets stay with their units), the others go.
    const held = Array.from({ length: 16 }, (_, i) => ({ orderId: `ORD-${ulid()}-held-${i}`, sku, warehouseId: 'WH-EAST', quantity: 1, bucket: i % 2 }));
    for (const m of held) expect(await run(reserveStock(table, m, at()))).toBe('ok');
    const first = await mergeStock(deps, { sku, warehouseId: 'WH-EAST', reason: 'sale over', actor: 'ops-1', roles: ['ops'], correlationId: 'c' });
    expect(first).toMatchObject({ outcome: 'draining', reserved: 16, level: { onHand: 40, reserved: 16, available: 24, draining: true } });
    expect((await catalog.getStockBuckets(sku, 'WH-EAST')).map((b) => [b.bucket, b.onHand, b.reserved, b.available])).toEqual([
      [0, 8, 8, 0],
      [1, 8, 8, 0],
    ]);

    // At once: 30 orders reserving one unit (from the counter now, or a bucket on a level read before) and
    // releasing it; the 16 held units released; the rebalancer taking merge steps until the stock is merged.
    let merged = false;
    const finishing = (async () => {
      while (!merged) {
        merged = (await rebalanceStockBuckets({ buckets: mine, merge })).merged > 0 || (await mine.splitStock()).length === 0;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const churn = Array.from({ length: 30 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 3));
      const orderId = `ORD-${ulid()}-${i}`;
      const [level] = await reader.levels([{ sku, warehouseId: 'WH-EAST' }]);
      const bucket = holderBucket(level, 1, orderId);
      const movement = { orderId, sku, warehouseId: 'WH-EAST', quantity: 1, ...(bucket === undefined ? {} : { bucket }) };
      if ((await run(reserveStock(table, movement, at()))) === 'ok') expect(await run(releaseStock(table, movement, at()))).toBe('ok');
    });
    await Promise.all(held.map(async (m) => expect(await run(releaseStock(table, m, at()))).toBe('ok')));
    await Promise.all(churn);
    await finishing;

    expect(await reader.buckets(sku, 'WH-EAST')).toEqual([]);
    const [level] = await reader.levels([{ sku, warehouseId: 'WH-EAST' }]);
    expect(level).toEqual({ sku, warehouseId: 'WH-EAST', onHand: 40, reserved: 0, available: 40 });
    expect(await mine.splitStock()).toEqual([]);
  });

  it('ORD-4: a level read across a merge step (the counter before it, its buckets after) is read again, so the units moved are not missed', async () => {
    const sku = `HOT-${ulid()}`;
    await run([countStock(table, { sku, warehouseId: 'WH-EAST', onHand: 12 }, at())]);
    expect(await run(splitStockIntoBuckets(table, { sku, warehouseId: 'WH-EAST', available: 12, buckets: 3 }, at()))).toBe('ok');
    const held = { orderId: `ORD-${ulid()}`, sku, warehouseId: 'WH-EAST', quantity: 1, bucket: 0 };
    expect(await run(reserveStock(table, held, at()))).toBe('ok');
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const counterBefore = (await documentClient().send(new GetCommand({ TableName: table, Key: { pk: `PRODUCT#${sku}`, sk: 'STOCK#WH-EAST' }, ConsistentRead: true }))).Item!;
    const catalog = new DynamoDbCatalogRepository(table);
    const plan = planMerge({ warehouseId: 'WH-EAST', onHand: 12, reserved: 1, buckets: 3 }, await catalog.getStockBuckets(sku, 'WH-EAST'));
    if (plan.kind !== 'merge') throw new Error(plan.kind);
    await catalog.mergeStock({ sku, warehouseId: 'WH-EAST', named: 3, complete: plan.complete, buckets: plan.buckets, at: at().toISOString() });
    // The counter as read before the step names 3 buckets and holds none of their units.
    const [level] = await stockLevelsWithBuckets(documentClient(), table, [counterBefore], { consistent: true });
    expect(level).toMatchObject({ onHand: 12, reserved: 1, available: 11, draining: true });
    // Without the second read the units in the buckets would be missed.
    const [torn] = await stockLevelsWithBuckets(documentClient(), table, [counterBefore], { consistent: true, readAgain: false });
    expect(torn).toMatchObject({ onHand: 1, reserved: 1, available: 0 });
  });
});
