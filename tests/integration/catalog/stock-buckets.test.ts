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

import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
import { CatalogWriteConflict, DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import { mergeStep, mergeStock } from '../../../functions/catalog/stock-admin.ts';
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

  it('ORD-4 (after a sale): a merge racing orders that reserve (on levels read before it and after) and release, and the rebalancer finishing it, neither creates nor loses a unit', async () => {
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

    // A bucket drained on a level read before a reservation, or before a rebalancing move, is refused and changes nothing.
    const drainAsRead = async (bucket: number) => {
      const [read] = await catalog.getStockBuckets(sku, 'WH-EAST').then((all) => all.filter((b) => b.bucket === bucket));
      return () => catalog.drainStockBucket({ sku, warehouseId: 'WH-EAST', named: 4, bucket: { ...read!, remove: read!.reserved === 0 }, at: at().toISOString() });
    };
    await catalog.markStockDraining({ sku, warehouseId: 'WH-EAST', named: 4, at: at().toISOString() });
    await expect(catalog.markStockDraining({ sku, warehouseId: 'WH-EAST', named: 4, at: at().toISOString() })).rejects.toBeInstanceOf(CatalogWriteConflict);
    const late = { orderId: `ORD-${ulid()}-late`, sku, warehouseId: 'WH-EAST', quantity: 1, bucket: 2 };
    const beforeReservation = await drainAsRead(2);
    expect(await run(reserveStock(table, late, at()))).toBe('ok');
    expect(await beforeReservation()).toBe(false);
    expect(await run(releaseStock(table, late, at()))).toBe('ok');
    const beforeMove = await drainAsRead(0);
    expect(await run(moveBetweenBuckets(table, { sku, warehouseId: 'WH-EAST', from: 0, to: 3, quantity: 2 }, at()))).toBe('ok');
    expect(await beforeMove()).toBe(false);
    expect(await catalog.completeStockMerge({ sku, warehouseId: 'WH-EAST', named: 4, at: at().toISOString() })).toBe(false); // buckets are left
    expect((await catalog.getStockBuckets(sku, 'WH-EAST')).map((b) => [b.onHand, b.reserved, b.available])).toEqual([
      [8, 0, 8],
      [10, 0, 10],
      [10, 0, 10],
      [12, 0, 12],
    ]);
    // (Undo the mark: the race below starts from a split stock still selling from its buckets.)
    await documentClient().send(new UpdateCommand({ TableName: table, Key: { pk: `PRODUCT#${sku}`, sk: 'STOCK#WH-EAST' }, UpdateExpression: 'REMOVE draining, drainingSince' }));

    // 16 orders hold units in buckets 0 and 1. Orders keep coming while ops merge: 15 planned on a level read
    // before the merge (they reserve in a bucket if it still holds the unit), 15 after (the counter).
    const held = Array.from({ length: 16 }, (_, i) => ({ orderId: `ORD-${ulid()}-held-${i}`, sku, warehouseId: 'WH-EAST', quantity: 1, bucket: i % 2 }));
    for (const m of held) expect(await run(reserveStock(table, m, at()))).toBe('ok');
    const [before] = await reader.levels([{ sku, warehouseId: 'WH-EAST' }]);
    const order = async (level: typeof before, i: number) => {
      const orderId = `ORD-${ulid()}-${i}`;
      const bucket = holderBucket(level, 1, orderId);
      const movement = { orderId, sku, warehouseId: 'WH-EAST', quantity: 1, ...(bucket === undefined ? {} : { bucket }) };
      if ((await run(reserveStock(table, movement, at()))) === 'ok') expect(await run(releaseStock(table, movement, at()))).toBe('ok');
    };
    const early = Array.from({ length: 15 }, (_, i) => new Promise((r) => setTimeout(r, i * 3)).then(() => order(before, i)));
    const first = await mergeStock(deps, { sku, warehouseId: 'WH-EAST', reason: 'sale over', actor: 'ops-1', roles: ['ops'], correlationId: 'c' });
    expect(first).toMatchObject({ outcome: 'draining', level: { draining: true } });
    const after = Array.from({ length: 15 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 3));
      const [level] = await reader.levels([{ sku, warehouseId: 'WH-EAST' }]);
      expect(holderBucket(level, 1, `probe-${i}`)).toBeUndefined();
      await order(level, 100 + i);
    });
    // The rebalancer takes merge steps while the held units are released, until the stock is one counter again.
    const deadline = Date.now() + 30_000;
    let merged = false;
    const finishing = (async () => {
      while (!merged && Date.now() < deadline) {
        merged = (await rebalanceStockBuckets({ buckets: mine, merge })).merged > 0 || (await mine.splitStock()).length === 0;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await Promise.all(held.map(async (m) => expect(await run(releaseStock(table, m, at()))).toBe('ok')));
    await Promise.all([...early, ...after]);
    await finishing;

    expect(merged).toBe(true);
    expect(await reader.buckets(sku, 'WH-EAST')).toEqual([]);
    const [level] = await reader.levels([{ sku, warehouseId: 'WH-EAST' }]);
    expect(level).toEqual({ sku, warehouseId: 'WH-EAST', onHand: 40, reserved: 0, available: 40 });
    expect(await mine.splitStock()).toEqual([]);
  });

  it('ORD-4: a level read across a merge step (the counter before it, its buckets after) is read again, so the units moved are not missed', async () => {
    const catalog = new DynamoDbCatalogRepository(table);
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const counterOf = async (sku: string) =>
      (await documentClient().send(new GetCommand({ TableName: table, Key: { pk: `PRODUCT#${sku}`, sk: 'STOCK#WH-EAST' }, ConsistentRead: true }))).Item!;
    // Buckets removed (1 and 2) and drained (0, holding a reservation); then every bucket holding one: drained, none removed.
    for (const holds of [[0], [0, 1, 2]]) {
      const sku = `HOT-${ulid()}`;
      await run([countStock(table, { sku, warehouseId: 'WH-EAST', onHand: 12 }, at())]);
      expect(await run(splitStockIntoBuckets(table, { sku, warehouseId: 'WH-EAST', available: 12, buckets: 3 }, at()))).toBe('ok');
      for (const bucket of holds) expect(await run(reserveStock(table, { orderId: `ORD-${ulid()}`, sku, warehouseId: 'WH-EAST', quantity: 1, bucket }, at()))).toBe('ok');
      const counterBefore = await counterOf(sku);
      expect((await mergeStep(catalog, { sku, warehouseId: 'WH-EAST' }, at())).outcome).toBe('draining');
      const reserved = holds.length;
      // The counter as read before the step names 3 buckets and holds none of their units.
      const [level] = await stockLevelsWithBuckets(documentClient(), table, [counterBefore], { consistent: true });
      expect(level, `holds ${holds.join(',')}`).toMatchObject({ onHand: 12, reserved, available: 12 - reserved, draining: true });
      // Without the second read the units moved to the counter would be missed.
      const [torn] = await stockLevelsWithBuckets(documentClient(), table, [counterBefore], { consistent: true, readAgain: false });
      expect(torn, `holds ${holds.join(',')}`).toMatchObject({ onHand: reserved, reserved, available: 0 });
    }
  });

  it('ORD-4: merge steps act only on a stock being merged; a split clears a stale mark; the rebalancer continues merges but never starts one; a step finding the merge completed by another reports it merged', async () => {
    const catalog = new DynamoDbCatalogRepository(table);
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const counterKey = (sku: string) => ({ pk: `PRODUCT#${sku}`, sk: 'STOCK#WH-EAST' });
    const counter = async (sku: string) => (await documentClient().send(new GetCommand({ TableName: table, Key: counterKey(sku), ConsistentRead: true }))).Item!;
    const set = (sku: string, expression: string, values?: Record<string, unknown>) =>
      documentClient().send(new UpdateCommand({ TableName: table, Key: counterKey(sku), UpdateExpression: expression, ...(values ? { ExpressionAttributeValues: values } : {}) }));
    const when = at().toISOString();

    // A counter naming 2 buckets, none left, not draining: completing or draining it is refused; marked draining, it completes.
    const bare = `HOT-${ulid()}`;
    await run([countStock(table, { sku: bare, warehouseId: 'WH-EAST', onHand: 5 }, at())]);
    await set(bare, 'SET buckets = :n', { ':n': 2 });
    expect(await catalog.completeStockMerge({ sku: bare, warehouseId: 'WH-EAST', named: 2, at: when })).toBe(false);
    expect(
      await catalog.drainStockBucket({ sku: bare, warehouseId: 'WH-EAST', named: 2, bucket: { bucket: 0, onHand: 0, reserved: 0, available: 0, remove: true }, at: when }),
    ).toBe(false);
    await set(bare, 'SET draining = :t', { ':t': true });
    expect(await catalog.completeStockMerge({ sku: bare, warehouseId: 'WH-EAST', named: 2, at: when })).toBe(true);
    expect(await counter(bare)).not.toHaveProperty('buckets');
    expect(await counter(bare)).not.toHaveProperty('draining');

    // A stale mark on a counter that names no buckets is cleared by the next split.
    await set(bare, 'SET draining = :t', { ':t': true });
    expect(await run(splitStockIntoBuckets(table, { sku: bare, warehouseId: 'WH-EAST', available: 5, buckets: 2 }, at()))).toBe('ok');
    expect(await counter(bare)).toMatchObject({ buckets: 2 });
    expect(await counter(bare)).not.toHaveProperty('draining');

    // The rebalancer's listing said draining, but the stock was merged and split again for a new sale since: its step leaves it split.
    const stale: BucketStore = { splitStock: async () => [{ sku: bare, warehouseId: 'WH-EAST', draining: true }], bucketLevels: async () => [], move: async () => false };
    const continueOnly = (s: { sku: string; warehouseId: string }) => mergeStep(catalog, s, at(), { continueOnly: true });
    expect(await rebalanceStockBuckets({ buckets: stale, merge: continueOnly })).toMatchObject({ merged: 0, failed: 0, draining: [] });
    expect((await catalog.getStockBuckets(bare, 'WH-EAST')).map((b) => b.available)).toEqual([3, 2]);
    expect(await counter(bare)).not.toHaveProperty('draining');

    // Another process completes the merge between this step's drains and its completion: the step reports merged.
    const other: typeof catalog = Object.create(catalog);
    other.completeStockMerge = async (s) => {
      await catalog.completeStockMerge(s);
      return false;
    };
    const step = await mergeStep(other, { sku: bare, warehouseId: 'WH-EAST' }, at());
    expect(step).toMatchObject({ outcome: 'merged', level: { onHand: 5, reserved: 0 } });
    expect(step.level).not.toHaveProperty('buckets');
  });
});
