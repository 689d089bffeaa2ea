/**
 * The scripts' one statistics helper (scripts/stats.ts), used by the load test and the benchmarks
 * (OPS-2 latency figures): nearest-rank percentiles, the median, and "—" — never NaN — where there is no
 * figure (an operation that ran zero times).
 */
import { describe, expect, it } from 'vitest';
import { figure, median, percentile } from '../../../scripts/stats.ts';

describe('scripts/stats.ts', () => {
  it('nearest-rank percentiles of sorted values; none for no values', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), percentile(sorted, 100), percentile(sorted, 0)]).toEqual([50, 90, 99, 100, 1]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('the median of any order, the mean of the middle two for an even count; none for no values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });

  it('a figure prints "—" for no value, NaN or an infinite ratio — never "NaN"', () => {
    expect(figure(12.345, 1, ' ms')).toBe('12.3 ms');
    expect(figure(0)).toBe('0');
    for (const none of [undefined, null, Number.NaN, Number.POSITIVE_INFINITY, percentile([], 50)]) expect(figure(none, 2, '×')).toBe('—');
  });
});
