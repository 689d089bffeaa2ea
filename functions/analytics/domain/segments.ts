/**
 * RFM segmentation and lifecycle stages (KPI-2), pure.
 *
 * Scores use FIXED handbook thresholds rather than quintiles: a customer's segment then depends on
 * their own history only (not on everyone else's), so it is stable from day to day, explainable to
 * marketing ("ordered within 14 days"), and computed in one pass without sorting all customers.
 *
 * | score | recency (days since last order) | frequency (orders) | monetary (lifetime, ¥) |
 * |---|---|---|---|
 * | 5 | ≤ 14 | ≥ 10 | ≥ 5,000 |
 * | 4 | ≤ 30 | ≥ 6 | ≥ 2,000 |
 * | 3 | ≤ 60 | ≥ 3 | ≥ 800 |
 * | 2 | ≤ 120 | 2 | ≥ 300 |
 * | 1 | > 120 | 1 | < 300 |
 *
 * Segments, first match wins: champions (R ≥ 4, F ≥ 4, M ≥ 4); loyal (R ≥ 3, F ≥ 3); new (one
 * order, R ≥ 4); potential (R ≥ 3); at-risk (R ≤ 2, F ≥ 3: used to buy often, gone quiet);
 * hibernating (R = 2); lost (R = 1).
 *
 * Lifecycle stages, first match wins: new (first order within 30 days); won-back (ordered within
 * 30 days after a gap of more than 120 days); active (last order within 60 days); at-risk (61–120
 * days); churned (more than 120 days).
 */
import { customerOrders, daysBetween, utcDay, type CustomerRecord } from './aggregation.ts';

export const SEGMENTS = ['champions', 'loyal', 'new', 'potential', 'at-risk', 'hibernating', 'lost'] as const;
export type Segment = (typeof SEGMENTS)[number];
export const LIFECYCLE_STAGES = ['new', 'active', 'at-risk', 'churned', 'won-back'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Thresholds, best score first (score 5 … 2; anything else 1). */
export const RFM_THRESHOLDS = {
  recencyDays: [14, 30, 60, 120],
  orders: [10, 6, 3, 2],
  monetaryFen: [500_000, 200_000, 80_000, 30_000],
} as const;

export const LIFECYCLE_DAYS = { new: 30, active: 60, atRisk: 120, wonBackGap: 120, wonBackWithin: 30 } as const;

export interface RfmScore {
  readonly recency: number;
  readonly frequency: number;
  readonly monetary: number;
}

/** Score of a value higher-is-better against descending thresholds. */
function scoreAtLeast(value: number, thresholds: readonly number[]): number {
  const i = thresholds.findIndex((t) => value >= t);
  return i === -1 ? 1 : 5 - i;
}

/** The facts scoring needs, as of `today`. */
export interface CustomerFacts {
  readonly orders: number;
  readonly monetaryFen: number;
  readonly daysSinceFirst: number;
  readonly daysSinceLast: number;
  /** Days between the last order and the one before it (undefined with one order). */
  readonly lastGapDays?: number;
}

/** The facts of a customer record, or undefined without counted orders. */
export function customerFacts(customer: CustomerRecord, today: string): CustomerFacts | undefined {
  const orders = customerOrders(customer);
  const first = orders[0];
  const last = orders[orders.length - 1];
  if (!first || !last) return undefined;
  const previous = orders[orders.length - 2];
  return {
    orders: orders.length,
    monetaryFen: orders.reduce((s, o) => s + o.total, 0),
    daysSinceFirst: daysBetween(utcDay(first.placedAt), today),
    daysSinceLast: daysBetween(utcDay(last.placedAt), today),
    ...(previous ? { lastGapDays: daysBetween(utcDay(previous.placedAt), utcDay(last.placedAt)) } : {}),
  };
}

export function rfmScore(facts: CustomerFacts): RfmScore {
  const recencyIndex = RFM_THRESHOLDS.recencyDays.findIndex((t) => facts.daysSinceLast <= t);
  return {
    recency: recencyIndex === -1 ? 1 : 5 - recencyIndex,
    frequency: scoreAtLeast(facts.orders, RFM_THRESHOLDS.orders),
    monetary: scoreAtLeast(facts.monetaryFen, RFM_THRESHOLDS.monetaryFen),
  };
}

export function segmentOf(score: RfmScore, facts: CustomerFacts): Segment {
  const { recency: r, frequency: f, monetary: m } = score;
  if (r >= 4 && f >= 4 && m >= 4) return 'champions';
  if (r >= 3 && f >= 3) return 'loyal';
  if (facts.orders === 1 && r >= 4) return 'new';
  if (r >= 3) return 'potential';
  if (f >= 3) return 'at-risk';
  return r === 2 ? 'hibernating' : 'lost';
}

export function lifecycleOf(facts: CustomerFacts): LifecycleStage {
  if (facts.daysSinceFirst <= LIFECYCLE_DAYS.new) return 'new';
  if (facts.daysSinceLast <= LIFECYCLE_DAYS.wonBackWithin && facts.lastGapDays !== undefined && facts.lastGapDays > LIFECYCLE_DAYS.wonBackGap) return 'won-back';
  if (facts.daysSinceLast <= LIFECYCLE_DAYS.active) return 'active';
  if (facts.daysSinceLast <= LIFECYCLE_DAYS.atRisk) return 'at-risk';
  return 'churned';
}

/** A customer's place, or undefined without counted orders. */
export function classify(customer: CustomerRecord, today: string): { readonly segment: Segment; readonly stage: LifecycleStage; readonly score: RfmScore } | undefined {
  const facts = customerFacts(customer, today);
  if (!facts) return undefined;
  const score = rfmScore(facts);
  return { segment: segmentOf(score, facts), stage: lifecycleOf(facts), score };
}

/** Counts of a run. */
export interface SegmentCounts {
  readonly customers: number;
  readonly segments: Readonly<Record<Segment, number>>;
  readonly lifecycle: Readonly<Record<LifecycleStage, number>>;
}

export function emptyCounts(): SegmentCounts {
  return {
    customers: 0,
    segments: Object.fromEntries(SEGMENTS.map((s) => [s, 0])) as Record<Segment, number>,
    lifecycle: Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, 0])) as Record<LifecycleStage, number>,
  };
}

export function countIn(counts: SegmentCounts, segment: Segment, stage: LifecycleStage): SegmentCounts {
  return {
    customers: counts.customers + 1,
    segments: { ...counts.segments, [segment]: counts.segments[segment] + 1 },
    lifecycle: { ...counts.lifecycle, [stage]: counts.lifecycle[stage] + 1 },
  };
}
