import { describe, expect, it } from 'vitest';
import type { CustomerRecord } from '../../../functions/analytics/domain/aggregation.ts';
import { classify, countIn, customerFacts, emptyCounts, lifecycleOf, rfmScore, segmentOf } from '../../../functions/analytics/domain/segments.ts';

const TODAY = '2026-12-01';
/** A customer with orders `daysAgo` (each with `total` fen). */
function customer(orders: Array<[daysAgo: number, total: number]>): CustomerRecord {
  return {
    customerId: 'c',
    orders: Object.fromEntries(orders.map(([ago, total], i) => [`o${i}`, { placedAt: new Date(Date.parse(`${TODAY}T12:00:00Z`) - ago * 86_400_000).toISOString(), total }])),
  };
}

describe('KPI-2 RFM scores (fixed handbook thresholds)', () => {
  it('KPI-2: recency, frequency and monetary score 5…1 at the documented thresholds', () => {
    const score = (orders: Array<[number, number]>) => rfmScore(customerFacts(customer(orders), TODAY)!);
    expect(score([[14, 500_000]])).toEqual({ recency: 5, frequency: 1, monetary: 5 });
    expect(score([[15, 499_999]])).toEqual({ recency: 4, frequency: 1, monetary: 4 });
    expect(score([[61, 29_999]])).toEqual({ recency: 2, frequency: 1, monetary: 1 });
    expect(score([[121, 100]])).toEqual({ recency: 1, frequency: 1, monetary: 1 });
    expect(score(Array.from({ length: 6 }, (_, i) => [40 + i, 20_000] as [number, number]))).toEqual({ recency: 3, frequency: 4, monetary: 3 });
    expect(score(Array.from({ length: 10 }, (_, i) => [i, 50_000] as [number, number])).frequency).toBe(5);
  });

  it('KPI-2: segments, first match wins', () => {
    const seg = (orders: Array<[number, number]>) => classify(customer(orders), TODAY)!.segment;
    expect(seg(Array.from({ length: 6 }, (_, i) => [i * 5, 50_000] as [number, number]))).toBe('champions');
    expect(seg(Array.from({ length: 3 }, (_, i) => [50 + i, 1_000] as [number, number]))).toBe('loyal');
    expect(seg([[3, 10_000]])).toBe('new');
    expect(seg([[45, 10_000]])).toBe('potential');
    expect(
      seg([
        [100, 10_000],
        [200, 10_000],
        [300, 10_000],
      ]),
    ).toBe('at-risk');
    expect(seg([[90, 10_000]])).toBe('hibernating');
    expect(seg([[400, 10_000]])).toBe('lost');
    expect(segmentOf({ recency: 1, frequency: 5, monetary: 5 }, { orders: 12, monetaryFen: 1, daysSinceFirst: 500, daysSinceLast: 300 })).toBe('at-risk');
  });
});

describe('KPI-2 lifecycle stages', () => {
  it('KPI-2: new, won back, active, at risk, churned', () => {
    const stage = (orders: Array<[number, number]>) => lifecycleOf(customerFacts(customer(orders), TODAY)!);
    expect(stage([[10, 1]])).toBe('new');
    expect(
      stage([
        [5, 1],
        [200, 1],
      ]),
    ).toBe('won-back');
    expect(
      stage([
        [50, 1],
        [90, 1],
      ]),
    ).toBe('active');
    expect(stage([[100, 1]])).toBe('at-risk');
    expect(stage([[121, 1]])).toBe('churned');
  });

  it('KPI-2: a customer without counted orders is not classified; counts add up', () => {
    expect(classify({ customerId: 'x', orders: {} }, TODAY)).toBeUndefined();
    const counts = countIn(countIn(emptyCounts(), 'new', 'new'), 'lost', 'churned');
    expect(counts.customers).toBe(2);
    expect(counts.segments).toMatchObject({ new: 1, lost: 1, champions: 0 });
    expect(counts.lifecycle).toMatchObject({ new: 1, churned: 1, active: 0 });
  });
});
