/**
 * Daily risk metrics (RISK-5, KPI-1): how many orders were assessed, decided each way, at each
 * level, and what analysts decided on the ones sent to review. Pure.
 *
 * False-positive rate of a day = orders assessed that day that were sent to review or rejected and
 * that analysts approved, over all orders assessed that day that were sent to review or rejected:
 *
 *     FPR = analystApproved / (review + reject)          (null on a day with neither)
 *
 * Orders rejected by the rules are never reviewed, so they only count in the denominator. The day
 * is the UTC date of the assessment, also for an analyst decision made later, so a day's rate
 * settles as its review queue drains (`pendingReview` says how many are still open).
 */

/** Counters kept per day. */
export const METRIC_COUNTERS = ['assessed', 'approve', 'review', 'reject', 'low', 'medium', 'high', 'analystApproved', 'analystRejected'] as const;
export type MetricCounter = (typeof METRIC_COUNTERS)[number];

/** The counters of one day. */
export type DailyCounts = Readonly<Record<MetricCounter, number>>;

/** All zero. */
export const ZERO_COUNTS: DailyCounts = Object.freeze(Object.fromEntries(METRIC_COUNTERS.map((c) => [c, 0])) as Record<MetricCounter, number>);

/** Adds counters (e.g. the shards of a day). */
export function addCounts(a: DailyCounts, b: Partial<Record<MetricCounter, number>>): DailyCounts {
  return Object.fromEntries(METRIC_COUNTERS.map((c) => [c, a[c] + (b[c] ?? 0)])) as Record<MetricCounter, number>;
}

/** A day's report. */
export interface DailyRiskMetrics extends DailyCounts {
  readonly date: string;
  readonly pendingReview: number;
  readonly falsePositiveRate: number | null;
}

/** The false-positive rate of some counts (4 decimals), or null when nothing was flagged. */
export function falsePositiveRate(counts: DailyCounts): number | null {
  const flagged = counts.review + counts.reject;
  return flagged === 0 ? null : Math.round((counts.analystApproved / flagged) * 10_000) / 10_000;
}

/** A day's report from its counts. */
export function dailyMetrics(date: string, counts: DailyCounts): DailyRiskMetrics {
  return { date, ...counts, pendingReview: Math.max(0, counts.review - counts.analystApproved - counts.analystRejected), falsePositiveRate: falsePositiveRate(counts) };
}

/** The UTC dates from `from` to `to` inclusive (YYYY-MM-DD). */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00.000Z`);
  for (let t = Date.parse(`${from}T00:00:00.000Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The UTC date of an ISO timestamp. */
export function utcDate(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}
