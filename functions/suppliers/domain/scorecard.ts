/**
 * A supplier's scorecard (SUP-1), from the deliveries recorded against it: on-time delivery rate,
 * delay rate and quality pass rate, the triggers they fire and the tier they earn. Pure.
 *
 * Arithmetic is exact: the scorecard keeps integer counts; a rate is shown in basis points rounded
 * down (1 bp = 0.01 %), and every threshold is compared by cross-multiplying integers, never
 * through a rounded or floating-point rate — a delay rate of exactly 15 % does not trigger a review,
 * 15 % plus one late delivery in a million does.
 */

/** What one delivery adds to the scorecard. */
export type InspectionResult = 'passed' | 'failed' | 'not-inspected';
export const INSPECTION_RESULTS = ['passed', 'failed', 'not-inspected'] as const satisfies readonly InspectionResult[];

/** The counts a scorecard is computed from. */
export interface ScorecardCounts {
  /** Deliveries recorded. */
  readonly deliveries: number;
  /** Of those, received after the promised day. */
  readonly late: number;
  /** Deliveries whose goods were inspected. */
  readonly inspected: number;
  /** Of those, failed. */
  readonly failedInspections: number;
  /** Failed inspections since the last passed one (deliveries not inspected do not break the run). */
  readonly consecutiveFailedInspections: number;
}

export const EMPTY_SCORECARD: ScorecardCounts = { deliveries: 0, late: 0, inspected: 0, failedInspections: 0, consecutiveFailedInspections: 0 };

/** One delivery as the scorecard sees it: dates are calendar days (YYYY-MM-DD). */
export interface DeliveryFacts {
  readonly promisedOn: string;
  readonly receivedOn: string;
  readonly inspection: InspectionResult;
}

/** Late: received after the promised day (the same day is on time). */
export function isLate(delivery: Pick<DeliveryFacts, 'promisedOn' | 'receivedOn'>): boolean {
  return delivery.receivedOn > delivery.promisedOn;
}

/** The counts after one more delivery. */
export function addDelivery(counts: ScorecardCounts, delivery: DeliveryFacts): ScorecardCounts {
  const inspected = delivery.inspection !== 'not-inspected';
  const failed = delivery.inspection === 'failed';
  return {
    deliveries: counts.deliveries + 1,
    late: counts.late + (isLate(delivery) ? 1 : 0),
    inspected: counts.inspected + (inspected ? 1 : 0),
    failedInspections: counts.failedInspections + (failed ? 1 : 0),
    consecutiveFailedInspections: failed ? counts.consecutiveFailedInspections + 1 : delivery.inspection === 'passed' ? 0 : counts.consecutiveFailedInspections,
  };
}

/** `part / whole` in basis points, rounded down; null when there is nothing to divide by. */
export function basisPoints(part: number, whole: number): number | null {
  if (whole === 0) return null;
  return Math.floor((part * 10_000) / whole);
}

/** Whether `part / whole` is strictly above `bp` basis points (exact, integers only). */
export function rateAbove(part: number, whole: number, bp: number): boolean {
  return whole > 0 && part * 10_000 > bp * whole;
}

/** Whether `part / whole` is at least `bp` basis points (exact, integers only). */
export function rateAtLeast(part: number, whole: number, bp: number): boolean {
  return whole > 0 && part * 10_000 >= bp * whole;
}

/** A delay rate above this flags the supplier for review: 15 %. */
export const REVIEW_DELAY_RATE_BP = 1_500;
/** This many failed inspections in a row end the relationship. */
export const TERMINATING_CONSECUTIVE_FAILURES = 2;

/** The tiers, best first. */
export const SUPPLIER_TIERS = ['strategic', 'preferred', 'approved', 'probation'] as const;
export type SupplierTier = (typeof SUPPLIER_TIERS)[number];

/** What each tier asks of the scorecard (rates in basis points); `approved` is everything else. */
export const TIER_RULES = {
  strategic: { minDeliveries: 20, minInspected: 10, minOnTimeBp: 9_800, minQualityPassBp: 9_950 },
  preferred: { minDeliveries: 10, minInspected: 5, minOnTimeBp: 9_500, minQualityPassBp: 9_800 },
  /** Probation: any of these. */
  probation: { delayRateAboveBp: REVIEW_DELAY_RATE_BP, qualityPassBelowBp: 9_500 },
} as const;

/** The tier the scorecard earns. A supplier with no deliveries yet is `approved`. */
export function tierOf(c: ScorecardCounts): SupplierTier {
  const passed = c.inspected - c.failedInspections;
  const onTime = c.deliveries - c.late;
  const p = TIER_RULES.probation;
  if (rateAbove(c.late, c.deliveries, p.delayRateAboveBp) || (c.inspected > 0 && !rateAtLeast(passed, c.inspected, p.qualityPassBelowBp)) || c.consecutiveFailedInspections > 0)
    return 'probation';
  for (const tier of ['strategic', 'preferred'] as const) {
    const r = TIER_RULES[tier];
    if (
      c.deliveries >= r.minDeliveries &&
      c.inspected >= r.minInspected &&
      rateAtLeast(onTime, c.deliveries, r.minOnTimeBp) &&
      rateAtLeast(passed, c.inspected, r.minQualityPassBp)
    )
      return tier;
  }
  return 'approved';
}

/** The scorecard as staff read it. */
export interface Scorecard extends ScorecardCounts {
  /** Deliveries received on or before the promised day, in basis points of all deliveries. */
  readonly onTimeRateBp: number | null;
  /** Late deliveries in basis points of all deliveries. */
  readonly delayRateBp: number | null;
  /** Passed inspections in basis points of inspected deliveries. */
  readonly qualityPassRateBp: number | null;
}

/** The rates of the counts. */
export function scorecard(c: ScorecardCounts): Scorecard {
  return {
    ...c,
    onTimeRateBp: basisPoints(c.deliveries - c.late, c.deliveries),
    delayRateBp: basisPoints(c.late, c.deliveries),
    qualityPassRateBp: basisPoints(c.inspected - c.failedInspections, c.inspected),
  };
}
