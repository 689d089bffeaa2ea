/**
 * ORD-4 (hot SKUs): which holder of a split stock a reservation or pick takes from — one holder per
 * line (the counter or one bucket), buckets tried in the id's own probe order; only the counter
 * while the stock is merged back after its sale.
 */
import { describe, expect, it } from 'vitest';
import { holderBucket, probeOrder, reservableAtOnce, type StockLevelView } from '../../../functions/catalog/stock-contract.ts';

const level = (counter: number, buckets?: number[]): StockLevelView => ({
  sku: 'HOT-1',
  warehouseId: 'WH-EAST',
  onHand: counter + (buckets ?? []).reduce((s, b) => s + b, 0),
  reserved: 0,
  available: counter + (buckets ?? []).reduce((s, b) => s + b, 0),
  ...(buckets ? { buckets: buckets.map((available, bucket) => ({ bucket, available })) } : {}),
});

describe('holders of split stock', () => {
  it('an ordinary stock: everything available, from the counter', () => {
    expect(reservableAtOnce(level(7))).toBe(7);
    expect(holderBucket(level(7), 3, 'ORD-1')).toBeUndefined();
  });

  it('a split stock: at most its fullest holder at once (the counter counts as one)', () => {
    expect(reservableAtOnce(level(0, [2, 5, 1]))).toBe(5);
    expect(reservableAtOnce(level(6, [2, 5, 1]))).toBe(6);
    expect(reservableAtOnce(level(0, [0, 0, 0]))).toBe(0);
  });

  it("the first bucket in the id's probe order that holds enough; none: the counter", () => {
    const split = level(0, [1, 0, 3, 2]);
    for (const id of ['ORD-A', 'ORD-B', 'ORD-C', 'RET-9']) {
      const expected = probeOrder(id, 4).find((b) => [1, 0, 3, 2][b]! >= 2);
      expect(holderBucket(split, 2, id)).toBe(expected);
      expect([2, 3]).toContain(holderBucket(split, 2, id));
    }
    expect(holderBucket(split, 4, 'ORD-A')).toBeUndefined();
    // Different ids start at different buckets: orders spread over the buckets.
    const firsts = new Set(Array.from({ length: 40 }, (_, i) => holderBucket(level(0, [5, 5, 5, 5]), 1, `ORD-${i}`)));
    expect(firsts.size).toBe(4);
  });

  it('a split stock being merged back (draining): everything from the counter, whatever a bucket holds', () => {
    const draining = { ...level(30, [0, 2, 0]), draining: true };
    expect(reservableAtOnce(draining)).toBe(30);
    for (const id of ['ORD-A', 'ORD-B', 'ORD-C']) expect(holderBucket(draining, 1, id)).toBeUndefined();
    expect(holderBucket(level(30, [0, 2, 0]), 1, 'ORD-A')).toBe(1); // the same stock still split: its bucket
  });
});
