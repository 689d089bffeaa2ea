/**
 * The KPI report (KPI-1), pure: KPIs from summed counters, per day, in total, per category and per
 * payment method, and the handbook targets. Money in fen (integers); rates 0..1 with 4 decimals,
 * null when the denominator is 0.
 */
import { COUNTERS, ZERO, type Counter, type Counters } from './aggregation.ts';

/** The KPIs of a set of counters. */
export interface Kpis {
  readonly gmv: number;
  readonly orders: number;
  readonly averageOrderValue: number | null;
  readonly quotes: number;
  readonly conversionRate: number | null;
  readonly refundRate: number | null;
  readonly returnRate: number | null;
  readonly repeatPurchaseRate30d: number | null;
  readonly repeatPurchaseRate90d: number | null;
  readonly newCustomers: number;
  readonly returningCustomers: number;
  readonly csat: number | null;
  readonly nps: number | null;
  readonly slaCompliance: number | null;
  readonly lateDeliveryRate: number | null;
  readonly fraudFalsePositiveRate: number | null;
}

/** A rate, 4 decimals; null without a denominator. */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/** Integer fen average (half up); null without orders. */
export function averageFen(total: number, count: number): number | null {
  return count === 0 ? null : Math.round(total / count);
}

/** Adds counters. */
export function addCounters(a: Counters, b: Partial<Counters>): Counters {
  return Object.fromEntries(COUNTERS.map((c) => [c, a[c] + (b[c] ?? 0)])) as Record<Counter, number>;
}

/** Sum of many. */
export function sumCounters(list: ReadonlyArray<Partial<Counters>>): Counters {
  return list.reduce<Counters>((acc, c) => addCounters(acc, c), ZERO);
}

/**
 * The KPIs of counters. `fraudRate` is fraud's own false-positive formula (fraud's metrics contract),
 * passed in so this module stays inside analytics.
 */
export function kpis(c: Counters, fraudRate: (flagged: number, analystApproved: number) => number | null): Kpis {
  return {
    gmv: c.gmv,
    orders: c.orders,
    averageOrderValue: averageFen(c.gmv, c.orders),
    quotes: c.quotes,
    // Orders per quote: an order is placed from a priced basket, so orders ≤ quotes, except for orders placed without a quote first.
    conversionRate: rate(c.orders, c.quotes),
    refundRate: rate(c.refundedOrders, c.orders),
    returnRate: rate(c.returnedOrders, c.orders),
    repeatPurchaseRate30d: rate(c.repeat30, c.newCustomers),
    repeatPurchaseRate90d: rate(c.repeat90, c.newCustomers),
    newCustomers: c.newCustomers,
    returningCustomers: c.returningCustomers,
    csat: c.ratings === 0 ? null : Math.round((c.scoreSum / c.ratings) * 100) / 100,
    nps: c.npsResponses === 0 ? null : Math.round(((c.promoters - c.detractors) / c.npsResponses) * 1000) / 10,
    slaCompliance: rate(c.slaMet, c.resolved),
    lateDeliveryRate: rate(c.lateDeliveries, c.deliveries),
    fraudFalsePositiveRate: fraudRate(c.riskFlagged, c.riskAnalystApproved),
  };
}

/** A slice (category or payment method): GMV, orders, average order value. */
export function sliceKpis(c: Pick<Counters, 'gmv' | 'orders'>) {
  return { gmv: c.gmv, orders: c.orders, averageOrderValue: averageFen(c.gmv, c.orders) };
}

/** Whether a KPI should stay above or below its target. */
export type TargetDirection = 'above' | 'below';

/**
 * The handbook targets (the staff console colours a KPI by them). Conversion ≥ 3 % (e-commerce
 * norm for quote-to-order); refunds ≤ 5 % and returns ≤ 8 % of orders; tickets within both clocks
 * ≥ 95 %; late deliveries ≤ 5 %; fraud false positives ≤ 30 % of flagged orders (above that the
 * rules cost more good customers than they stop fraud); CSAT ≥ 4.5 and NPS ≥ 70 as in tickets'
 * service handbook (functions/tickets/domain/metrics.ts); repeat purchase within 90 days ≥ 25 %,
 * within 30 days ≥ 10 %.
 */
export const KPI_TARGETS: Readonly<Partial<Record<keyof Kpis, { readonly target: number; readonly direction: TargetDirection }>>> = {
  conversionRate: { target: 0.03, direction: 'above' },
  refundRate: { target: 0.05, direction: 'below' },
  returnRate: { target: 0.08, direction: 'below' },
  repeatPurchaseRate30d: { target: 0.1, direction: 'above' },
  repeatPurchaseRate90d: { target: 0.25, direction: 'above' },
  slaCompliance: { target: 0.95, direction: 'above' },
  lateDeliveryRate: { target: 0.05, direction: 'below' },
  fraudFalsePositiveRate: { target: 0.3, direction: 'below' },
  csat: { target: 4.5, direction: 'above' },
  nps: { target: 70, direction: 'above' },
};

/** The UTC days from `from` to `to` inclusive. */
export function daysInRange(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00.000Z`);
  for (let t = Date.parse(`${from}T00:00:00.000Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The months (YYYY-MM) the range touches. */
export function monthsInRange(from: string, to: string): string[] {
  return [...new Set(daysInRange(from, to).map((d) => d.slice(0, 7)))];
}

/** The aggregates read for a range: total counters by day, and counters by category and by method (summed over the range). */
export interface RangeAggregates {
  readonly days: ReadonlyMap<string, Counters>;
  readonly categories: ReadonlyMap<string, Counters>;
  readonly methods: ReadonlyMap<string, Counters>;
}

/** The report of `GET /admin/kpis`. */
export function kpiReport(from: string, to: string, aggregates: RangeAggregates, fraudRate: (flagged: number, analystApproved: number) => number | null) {
  const days = daysInRange(from, to).map((day) => ({ day, counters: aggregates.days.get(day) ?? ZERO }));
  const slices = <K extends string>(name: K, map: ReadonlyMap<string, Counters>) =>
    [...map.entries()]
      .filter(([, c]) => c.orders !== 0 || c.gmv !== 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([value, c]) => ({ [name]: value, ...sliceKpis(c) }) as { [P in K]: string } & ReturnType<typeof sliceKpis>);
  return {
    from,
    to,
    currency: 'CNY' as const,
    total: kpis(sumCounters(days.map((d) => d.counters)), fraudRate),
    days: days.map(({ day, counters }) => ({ day, ...kpis(counters, fraudRate) })),
    byCategory: slices('category', aggregates.categories),
    byPaymentMethod: slices('method', aggregates.methods),
    targets: KPI_TARGETS,
  };
}
