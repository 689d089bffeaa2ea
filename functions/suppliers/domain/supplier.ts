/**
 * A supplier (SUP-1): its standing, licences, the SKUs it supplies, its annual review, and the
 * status changes its scorecard triggers. Pure.
 *
 * Days are calendar days in China Standard Time (UTC+8, no daylight saving): a licence "valid
 * until 2027-03-31" is valid through that day in Beijing and expired from 2027-04-01 00:00 CST.
 */
import { REVIEW_DELAY_RATE_BP, TERMINATING_CONSECUTIVE_FAILURES, rateAbove, type ScorecardCounts } from './scorecard.ts';

/** Where the relationship stands. Only `active` suppliers count as a source of their SKUs. */
export const SUPPLIER_STATUSES = ['active', 'under-review', 'suspended', 'terminated', 'blocklisted'] as const;
export type SupplierStatus = (typeof SUPPLIER_STATUSES)[number];

/** Statuses whose relationship is over: no licence is watched, no trigger applies. */
export const ENDED_STATUSES: readonly SupplierStatus[] = ['terminated', 'blocklisted'];

/** The licences a supplier may hold (营业执照, 食品生产许可证, 食品经营许可证, import/export, other). */
export const LICENCE_KINDS = ['business-licence', 'food-production', 'food-operation', 'import-export', 'other'] as const;
export type LicenceKind = (typeof LICENCE_KINDS)[number];

export interface Licence {
  readonly kind: LicenceKind;
  readonly number: string;
  readonly issuer: string;
  /** The last day it is valid (YYYY-MM-DD, China time). */
  readonly expiresOn: string;
}

export const REVIEW_OUTCOMES = ['passed', 'conditional', 'failed'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** The annual review. */
export interface AnnualReview {
  /** When the next one is due (YYYY-MM-DD). */
  readonly nextDueOn: string;
  readonly lastReviewedOn?: string;
  readonly lastOutcome?: ReviewOutcome;
}

/** A SKU the supplier supplies; `core` marks a SKU the business cannot do without (SUP-1 single-sourcing). */
export interface SuppliedSku {
  readonly sku: string;
  readonly core: boolean;
}

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Today's date in China (YYYY-MM-DD). */
export function chinaDay(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (YYYY-MM-DD each); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Expired: today is after its last valid day. */
export function isExpired(licence: Pick<Licence, 'expiresOn'>, today: string): boolean {
  return licence.expiresOn < today;
}

/** The licences expired on `today`. */
export function expiredLicences(licences: readonly Licence[], today: string): Licence[] {
  return licences.filter((l) => isExpired(l, today));
}

/** Who made a change the system made. */
export const SYSTEM_ACTORS = {
  scorecard: 'system:supplier-scorecard',
  licences: 'system:supplier-licences',
} as const;

/** A status change a trigger asks for. */
export interface StatusTrigger {
  readonly to: SupplierStatus;
  readonly reason: 'consecutive-failed-inspections' | 'delay-rate-above-threshold' | 'licence-expired';
}

/**
 * What the scorecard triggers (SUP-1): two failed inspections in a row end the relationship
 * (`terminated`, unless it already ended); a delay rate above 15 % flags an `active` supplier for
 * review (a supplier already under review, suspended or ended keeps its status).
 */
export function scorecardTrigger(status: SupplierStatus, counts: ScorecardCounts): StatusTrigger | undefined {
  if (ENDED_STATUSES.includes(status)) return undefined;
  if (counts.consecutiveFailedInspections >= TERMINATING_CONSECUTIVE_FAILURES) return { to: 'terminated', reason: 'consecutive-failed-inspections' };
  if (status === 'active' && rateAbove(counts.late, counts.deliveries, REVIEW_DELAY_RATE_BP)) return { to: 'under-review', reason: 'delay-rate-above-threshold' };
  return undefined;
}

/** At expiry a supplier still trading (active or under review) is suspended. */
export function licenceTrigger(status: SupplierStatus, licences: readonly Licence[], today: string): StatusTrigger | undefined {
  if (status !== 'active' && status !== 'under-review') return undefined;
  return expiredLicences(licences, today).length > 0 ? { to: 'suspended', reason: 'licence-expired' } : undefined;
}
