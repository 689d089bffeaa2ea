/**
 * ORD-4 (hot SKUs): one run of the rebalancer over every split stock — moves for stocks still
 * selling from their buckets, the next merge step for stocks being merged back, each stock on its
 * own: a failure is reported and does not stop the others.
 */
import { describe, expect, it } from 'vitest';
import { rebalanceStockBuckets, type BucketStore, type MergeStep, type SplitStock } from '../../../functions/catalog/rebalance-stock-buckets.ts';

describe('rebalanceStockBuckets', () => {
  it('moves units in selling stocks, steps draining ones, reports what still drains, and keeps going past failures', async () => {
    const stocks: SplitStock[] = [
      { sku: 'A', warehouseId: 'WH-EAST' },
      { sku: 'B', warehouseId: 'WH-EAST', draining: true, drainingSince: '2026-12-01T00:00:00.000Z' },
      { sku: 'C', warehouseId: 'WH-EAST', draining: true },
      { sku: 'D', warehouseId: 'WH-EAST' },
      { sku: 'E', warehouseId: 'WH-EAST', draining: true },
      { sku: 'F', warehouseId: 'WH-EAST' },
    ];
    const moved: string[] = [];
    const store: BucketStore = {
      splitStock: async () => stocks,
      bucketLevels: async (s) => {
        if (s.sku === 'D') throw new TypeError('a bug');
        return [0, 8];
      },
      move: async (s, m) => {
        moved.push(`${s.sku}:${m.from}→${m.to}×${m.quantity}`);
        return true;
      },
    };
    const merge: MergeStep = async (s) => {
      if (s.sku === 'B') return { outcome: 'draining', reserved: 3 };
      if (s.sku === 'C') throw new Error('DynamoDB unavailable');
      return { outcome: 'merged' };
    };
    const failures: string[] = [];
    const summary = await rebalanceStockBuckets({ buckets: store, merge, onFailure: (s, e) => failures.push(`${s.sku}: ${(e as Error).message}`) });
    expect(moved).toEqual(['A:1→0×4', 'F:1→0×4']);
    expect(summary).toEqual({
      splitStock: 6,
      moves: 2,
      unitsMoved: 8,
      refused: 0,
      merged: 1,
      failed: 2,
      draining: [{ sku: 'B', warehouseId: 'WH-EAST', since: '2026-12-01T00:00:00.000Z', reserved: 3 }],
    });
    expect(failures).toEqual(['C: DynamoDB unavailable', 'D: a bug']);
  });

  it('without a merge step (a store that only rebalances) draining stocks are left alone', async () => {
    const store: BucketStore = { splitStock: async () => [{ sku: 'B', warehouseId: 'WH-EAST', draining: true }], bucketLevels: async () => [0, 8], move: async () => true };
    expect(await rebalanceStockBuckets({ buckets: store })).toMatchObject({ moves: 0, merged: 0, failed: 0, draining: [] });
  });
});
