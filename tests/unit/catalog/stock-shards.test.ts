/**
 * ORD-4 at flash-sale scale: a hot SKU's stock split into buckets (domain/stock-shards.ts).
 * The rules (split, probe order, conditional reserve/move, rebalancing plans) and a simulation in
 * simulated time where each bucket is an item limited to 1,000 write units a second: throughput
 * grows with the number of buckets past 10,000 orders/s, and no bucket ever goes below zero —
 * exactly the stock counted in is sold, never more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyShardOperation, MAX_STOCK_SHARDS, planRebalance, probeOrder, splitStock } from '../../../functions/catalog/domain/stock-shards.ts';
import { simulateFlashSale } from '../../support/flash-sale-simulator.ts';

describe('stock buckets of a hot SKU (ORD-4)', () => {
  it('ORD-4: splits stock evenly over the buckets and keeps every unit', () => {
    expect(splitStock(10, 4)).toEqual([3, 3, 2, 2]);
    expect(splitStock(0, 3)).toEqual([0, 0, 0]);
    expect(() => splitStock(5, 0)).toThrow(RangeError);
    expect(() => splitStock(5, MAX_STOCK_SHARDS + 1)).toThrow(RangeError);
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 1, max: MAX_STOCK_SHARDS }), (total, n) => {
        const buckets = splitStock(total, n);
        expect(buckets.reduce((s, v) => s + v, 0)).toBe(total);
        expect(Math.max(...buckets) - Math.min(...buckets)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('ORD-4: an order tries every bucket exactly once, starting from one spread by its id', () => {
    const starts = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const probes = probeOrder(`ORD-${i}`, 8);
      expect([...probes].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(probeOrder(`ORD-${i}`, 8)).toEqual(probes);
      starts.add(probes[0] as number);
    }
    expect(starts.size).toBe(8);
  });

  it('ORD-4: a reservation or a move takes only what its source bucket holds', () => {
    expect(applyShardOperation([2, 0], { kind: 'reserve', shard: 0, quantity: 2 })).toEqual([0, 0]);
    expect(applyShardOperation([2, 0], { kind: 'reserve', shard: 1, quantity: 1 })).toBeUndefined();
    expect(applyShardOperation([2, 0], { kind: 'release', shard: 1, quantity: 1 })).toEqual([2, 1]);
    expect(applyShardOperation([5, 0], { kind: 'move', from: 0, to: 1, quantity: 3 })).toEqual([2, 3]);
    expect(applyShardOperation([5, 0], { kind: 'move', from: 0, to: 1, quantity: 6 })).toBeUndefined();
    expect(applyShardOperation([5, 0], { kind: 'move', from: 0, to: 0, quantity: 1 })).toBeUndefined();
    expect(() => applyShardOperation([5, 0], { kind: 'reserve', shard: 2, quantity: 1 })).toThrow(RangeError);
    expect(() => applyShardOperation([5, 0], { kind: 'reserve', shard: 0, quantity: 0 })).toThrow(RangeError);
  });

  it('ORD-4: rebalancing refills short buckets from full ones, never moving more than the source holds or changing the total', () => {
    expect(planRebalance([100, 100, 0, 0])).toEqual([
      { from: 0, to: 2, quantity: 50 },
      { from: 1, to: 3, quantity: 50 },
    ]);
    expect(planRebalance([50, 50, 50, 50])).toEqual([]);
    expect(planRebalance([3, 0, 0, 0])).toEqual([]); // fewer units than buckets: probing finds them
    fc.assert(
      fc.property(fc.array(fc.nat(10_000), { minLength: 1, maxLength: 32 }), (levels) => {
        let state: number[] = levels;
        for (const move of planRebalance(levels)) {
          const next = applyShardOperation(state, { kind: 'move', ...move });
          expect(next).toBeDefined();
          state = next as number[];
        }
        expect(state.reduce((s, v) => s + v, 0)).toBe(levels.reduce((s, v) => s + v, 0));
        expect(Math.min(...state)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('flash sale of one hot SKU, simulated with 1,000 write units per item per second (ORD-4)', () => {
  const sale = (shards: number) => simulateFlashSale({ shards, stock: 1_000_000, ordersPerSecond: 20_000, durationMs: 1_000 });

  it('ORD-4: throughput grows with the number of buckets and passes 10,000 orders/s; a single counter stays near 500/s', () => {
    const rates = [1, 4, 16, 32].map((n) => ({ n, ...sale(n) }));
    for (let i = 1; i < rates.length; i++)
      expect((rates[i] as { reservationsPerSecond: number }).reservationsPerSecond).toBeGreaterThan((rates[i - 1] as { reservationsPerSecond: number }).reservationsPerSecond);
    expect(rates[0]?.reservationsPerSecond).toBeLessThanOrEqual(600);
    expect(rates.at(-1)?.reservationsPerSecond).toBeGreaterThanOrEqual(10_000);
    for (const r of rates) {
      expect(r.lowestBucket).toBeGreaterThanOrEqual(0);
      expect(r.reserved + r.left).toBe(1_000_000);
    }
  });

  it('ORD-4: selling out at 20,000 orders/s over 32 buckets sells exactly the stock — none oversold, none stranded', () => {
    const result = simulateFlashSale({ shards: 32, stock: 12_345, ordersPerSecond: 20_000, durationMs: 3_000 });
    expect(result.reserved).toBe(12_345);
    expect(result.left).toBe(0);
    expect(result.lowestBucket).toBeGreaterThanOrEqual(0);
    expect(result.soldOutAtMs).toBeGreaterThan(0);
  });

  it('ORD-4: uneven demand drains some buckets first; rebalancing keeps the rest reachable and nothing is oversold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 1_000 }), (shards, stock, seed) => {
        const result = simulateFlashSale({ shards, stock, ordersPerSecond: 8_000, durationMs: 1_500, seed, rebalanceEveryMs: 10 });
        expect(result.lowestBucket).toBeGreaterThanOrEqual(0);
        expect(result.reserved + result.left).toBe(stock);
        expect(result.reserved).toBeLessThanOrEqual(stock);
      }),
      { numRuns: 25 },
    );
  });
});

describe('flash sale of one hot SKU with its reads limited too: 3,000 strongly consistent reads per item per second (ORD-4, issue 15)', () => {
  const sale = (shards: number, reads: { mode: 'every-order' | 'remembered'; containers?: number }) =>
    simulateFlashSale({ shards, stock: 1_000_000, ordersPerSecond: 20_000, durationMs: 1_000, reads: { ...reads, rememberMs: 1_000 } });

  it("every order reading the product and every bucket caps a sale near one partition's reads, whatever the buckets; remembered per container for a second (SPLIT_STOCK_CACHE_MS) it passes 10,000 orders/s", () => {
    const everyOrder = [16, 32].map((shards) => sale(shards, { mode: 'every-order' }));
    const remembered = sale(32, { mode: 'remembered', containers: 200 });
    for (const r of everyOrder) {
      expect(r.reservationsPerSecond).toBeGreaterThanOrEqual(2_500);
      expect(r.reservationsPerSecond).toBeLessThanOrEqual(3_500);
    }
    expect(remembered.reservationsPerSecond).toBeGreaterThanOrEqual(10_000);
    for (const r of [...everyOrder, remembered]) {
      expect(r.lowestBucket).toBeGreaterThanOrEqual(0);
      expect(r.reserved + r.left).toBe(1_000_000);
    }
  });

  it('ORD-4: selling out with reads limited (remembered per container, each refused try reading again) sells exactly the stock — none oversold, none stranded', () => {
    const result = simulateFlashSale({ shards: 32, stock: 12_345, ordersPerSecond: 20_000, durationMs: 1_500, reads: { mode: 'remembered', containers: 200, rememberMs: 1_000 } });
    expect(result.reserved).toBe(12_345);
    expect(result.left).toBe(0);
    expect(result.lowestBucket).toBeGreaterThanOrEqual(0);
  });
});
