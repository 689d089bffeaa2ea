/**
 * Satisfaction and service-level metrics (AFT-3), pure. CSAT is the mean score (1–5); NPS is the
 * share of promoters (9–10) minus the share of detractors (0–6), in points (−100…100). Bands from
 * the handbooks: satisfaction ≥ 4.5 good, < 3.5 needs action (between: acceptable); NPS target ≥ 70.
 */

/** Counters kept per day (and per day and agent); all sums, so they add up over days. */
export interface ServiceCounters {
  /** Ratings given. */
  readonly ratings: number;
  /** Sum of their scores (1–5). */
  readonly scoreSum: number;
  /** Ratings with an NPS answer. */
  readonly npsResponses: number;
  readonly promoters: number;
  readonly detractors: number;
  /** Tickets resolved. */
  readonly resolved: number;
  /** Of those, first response in time / resolved in time. */
  readonly firstResponseMet: number;
  readonly resolutionMet: number;
}

export const ZERO_COUNTERS: ServiceCounters = { ratings: 0, scoreSum: 0, npsResponses: 0, promoters: 0, detractors: 0, resolved: 0, firstResponseMet: 0, resolutionMet: 0 };

/** The handbook bands. */
export const SATISFACTION_GOOD = 4.5;
export const SATISFACTION_NEEDS_ACTION = 3.5;
export const NPS_TARGET = 70;

export type SatisfactionBand = 'good' | 'acceptable' | 'needs-action';

/** Adds counters. */
export function addCounters(a: ServiceCounters, b: Partial<ServiceCounters>): ServiceCounters {
  const out: Record<string, number> = { ...a };
  for (const key of Object.keys(ZERO_COUNTERS) as Array<keyof ServiceCounters>) out[key] = (a[key] ?? 0) + (b[key] ?? 0);
  return out as unknown as ServiceCounters;
}

/** What one rating adds. */
export function ratingCounters(score: number, nps?: number): Partial<ServiceCounters> {
  return {
    ratings: 1,
    scoreSum: score,
    ...(nps === undefined ? {} : { npsResponses: 1, promoters: nps >= 9 ? 1 : 0, detractors: nps <= 6 ? 1 : 0 }),
  };
}

/** What one resolution adds. */
export function resolutionCounters(firstResponseMet: boolean, resolutionMet: boolean): Partial<ServiceCounters> {
  return { resolved: 1, firstResponseMet: firstResponseMet ? 1 : 0, resolutionMet: resolutionMet ? 1 : 0 };
}

/** Mean score, 2 decimals; `null` without ratings. */
export function csat(c: ServiceCounters): number | null {
  return c.ratings === 0 ? null : round(c.scoreSum / c.ratings);
}

/** %promoters − %detractors, 1 decimal; `null` without NPS answers. */
export function nps(c: ServiceCounters): number | null {
  return c.npsResponses === 0 ? null : Math.round(((c.promoters - c.detractors) / c.npsResponses) * 1000) / 10;
}

/** The satisfaction band of a mean score. */
export function satisfactionBand(score: number | null): SatisfactionBand | null {
  if (score === null) return null;
  if (score >= SATISFACTION_GOOD) return 'good';
  if (score < SATISFACTION_NEEDS_ACTION) return 'needs-action';
  return 'acceptable';
}

/** A share (0–1, 4 decimals); `null` when nothing was measured. */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/** The report of a set of counters. */
export function serviceReport(c: ServiceCounters) {
  const score = csat(c);
  const promoterScore = nps(c);
  return {
    ratings: c.ratings,
    csat: score,
    satisfactionBand: satisfactionBand(score),
    npsResponses: c.npsResponses,
    nps: promoterScore,
    npsOnTarget: promoterScore === null ? null : promoterScore >= NPS_TARGET,
    resolved: c.resolved,
    withinFirstResponse: share(c.firstResponseMet, c.resolved),
    withinResolution: share(c.resolutionMet, c.resolved),
  };
}

export type ServiceReport = ReturnType<typeof serviceReport>;

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
