/**
 * The figures the benchmark and load scripts print, computed once: nearest-rank percentiles, the
 * median, and a cell that shows "—" where there is no figure (an operation that ran zero times,
 * a timing that was not taken) instead of NaN.
 */

/** Nearest-rank percentile `p` (0–100) of ascending `sorted`; `undefined` for no values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The median of `values` (any order; the mean of the middle two for an even count); `undefined` for no values. */
export function median(values: readonly number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** `value` with `digits` decimals and `suffix`, or "—" when there is no finite figure. */
export function figure(value: number | undefined | null, digits = 0, suffix = ''): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(digits)}${suffix}`;
}
