/**
 * KPI aggregation (KPI-1), pure: what each analytics record contributes to the daily aggregates,
 * and how an event changes a record. The consumer keeps one record per order, per customer and per
 * risk-assessed order; an event changes a record, and the aggregates receive the change of that
 * record's contribution (new minus old) in the same transaction. So every figure is a function of
 * the records alone — whatever order events arrive in, once all have arrived the aggregates are
 * the sum of the records' contributions, exactly (duplicates are dropped by event id before this).
 *
 * Definitions (all by the UTC day the order was PLACED, unless said otherwise):
 * - an order counts when it was placed and is not cancelled, rejected by risk, or failed payment;
 *   GMV is the sum of those orders' totals (fen; goods after discounts plus shipping);
 * - refunded / returned: counted orders with at least one refund / return request;
 * - deliveries: counted orders delivered or reported late; late deliveries: those reported late;
 * - a customer is NEW on the day of their first counted order (the earliest placedAt) and
 *   RETURNING on each other day they placed a counted order (customer-days); the 30/90-day repeat
 *   counts of day D are D's new customers with another counted order within 30/90 days of the first;
 * - quotes: priced baskets on the day (counted by checkout, see quote-counter-contract.ts);
 * - ratings, NPS answers: on the day of the rating; tickets resolved and within both clocks
 *   (SLA): on the day of the resolution;
 * - fraud: orders flagged by the rules (review or reject) on the day of the first such decision,
 *   and of those the ones an analyst approved (fraud's definition, functions/fraud/metrics-contract.ts).
 */

/** The counters of a daily aggregate (all sums, so days and dimensions add up). */
export const COUNTERS = [
  'orders',
  'gmv',
  'refundedOrders',
  'returnedOrders',
  'deliveries',
  'lateDeliveries',
  'newCustomers',
  'returningCustomers',
  'repeat30',
  'repeat90',
  'quotes',
  'ratings',
  'scoreSum',
  'npsResponses',
  'promoters',
  'detractors',
  'resolved',
  'slaMet',
  'riskFlagged',
  'riskAnalystApproved',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Readonly<Record<Counter, number>>;

export const ZERO: Counters = Object.freeze(Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>);

/** An aggregate: a day's total, or a day's figures for one category or payment method. */
export type Dimension = { readonly kind: 'total' } | { readonly kind: 'category'; readonly value: string } | { readonly kind: 'method'; readonly value: string };

/** The key of an aggregate: `<day>#TOTAL`, `<day>#CAT#<category>`, `<day>#PM#<method>`. */
export function aggregateKey(day: string, dimension: Dimension): string {
  return dimension.kind === 'total' ? `${day}#TOTAL` : `${day}#${dimension.kind === 'category' ? 'CAT' : 'PM'}#${dimension.value}`;
}

/** Parses an aggregate key. */
export function parseAggregateKey(key: string): { readonly day: string; readonly dimension: Dimension } {
  const [day, kind, ...rest] = key.split('#');
  const value = rest.join('#');
  if (kind === 'CAT') return { day: day!, dimension: { kind: 'category', value } };
  if (kind === 'PM') return { day: day!, dimension: { kind: 'method', value } };
  return { day: day!, dimension: { kind: 'total' } };
}

/** Counter changes by aggregate key. */
export type Contribution = Readonly<Record<string, Partial<Counters>>>;

/** Adds `counters` × `sign` to `into[key]`. */
function add(into: Record<string, Partial<Record<Counter, number>>>, key: string, counters: Partial<Counters>, sign = 1): void {
  const target = (into[key] ??= {});
  for (const [name, value] of Object.entries(counters) as Array<[Counter, number]>) if (value) target[name] = (target[name] ?? 0) + sign * value;
}

/** Sum of contributions. */
export function sumContributions(...contributions: readonly Contribution[]): Contribution {
  const out: Record<string, Partial<Record<Counter, number>>> = {};
  for (const c of contributions) for (const [key, counters] of Object.entries(c)) add(out, key, counters);
  return out;
}

/** `after − before`, without zero counters or empty aggregates: what to ADD to the aggregates. */
export function contributionDelta(before: Contribution, after: Contribution): Contribution {
  const out: Record<string, Partial<Record<Counter, number>>> = {};
  for (const [key, counters] of Object.entries(after)) add(out, key, counters);
  for (const [key, counters] of Object.entries(before)) add(out, key, counters, -1);
  for (const [key, counters] of Object.entries(out)) {
    for (const [name, value] of Object.entries(counters)) if (value === 0) delete counters[name as Counter];
    if (Object.keys(counters).length === 0) delete out[key];
  }
  return out;
}

/** The UTC day (YYYY-MM-DD) of an ISO timestamp. */
export function utcDay(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

// ── orders ─────────────────────────────────────────────────────────────────────────────────────

/** What OrderPlaced tells about an order. */
export interface PlacedOrder {
  readonly customerId: string;
  readonly placedAt: string;
  /** Fen. */
  readonly total: number;
  readonly paymentMethod: string;
  /** Goods value (line totals after discounts, fen) by category. */
  readonly categories: Readonly<Record<string, number>>;
}

/** An order as analytics keeps it. Flags set by events that may arrive before OrderPlaced. */
export interface OrderRecord {
  readonly orderId: string;
  readonly placed?: PlacedOrder;
  /** Cancelled, rejected by risk, or its payment failed: it does not count. */
  readonly voided: boolean;
  readonly refunded: boolean;
  readonly returned: boolean;
  readonly delivered: boolean;
  readonly late: boolean;
}

export function emptyOrder(orderId: string): OrderRecord {
  return { orderId, voided: false, refunded: false, returned: false, delivered: false, late: false };
}

/** Whether the order counts (placed, not voided). */
export function orderCounts(order: OrderRecord | undefined): order is OrderRecord & { placed: PlacedOrder } {
  return order?.placed !== undefined && !order.voided;
}

/** What an order adds to the aggregates of its placement day. */
export function orderContribution(order: OrderRecord | undefined): Contribution {
  if (!orderCounts(order)) return {};
  const { placed } = order;
  const day = utcDay(placed.placedAt);
  const out: Record<string, Partial<Counters>> = {
    [aggregateKey(day, { kind: 'total' })]: {
      orders: 1,
      gmv: placed.total,
      refundedOrders: order.refunded ? 1 : 0,
      returnedOrders: order.returned ? 1 : 0,
      deliveries: order.delivered || order.late ? 1 : 0,
      lateDeliveries: order.late ? 1 : 0,
    },
    [aggregateKey(day, { kind: 'method', value: placed.paymentMethod })]: { orders: 1, gmv: placed.total },
  };
  for (const [category, amount] of Object.entries(placed.categories)) out[aggregateKey(day, { kind: 'category', value: category })] = { orders: 1, gmv: amount };
  return out;
}

/** A change to an order record. */
export type OrderChange =
  | { readonly kind: 'placed'; readonly placed: PlacedOrder }
  | { readonly kind: 'voided' }
  | { readonly kind: 'refunded' }
  | { readonly kind: 'returned' }
  | { readonly kind: 'delivered' }
  | { readonly kind: 'late' };

/** Applies a change (each is idempotent and commutes with the others). */
export function changeOrder(order: OrderRecord, change: OrderChange): OrderRecord {
  switch (change.kind) {
    case 'placed':
      return { ...order, placed: change.placed };
    case 'voided':
      return { ...order, voided: true };
    case 'refunded':
      return { ...order, refunded: true };
    case 'returned':
      return { ...order, returned: true };
    case 'delivered':
      return { ...order, delivered: true };
    case 'late':
      return { ...order, late: true };
  }
}

// ── customers ──────────────────────────────────────────────────────────────────────────────────

/** A counted order of a customer. */
export interface CustomerOrder {
  readonly placedAt: string;
  /** Fen. */
  readonly total: number;
}

/** A customer as analytics keeps it: their counted orders (ids, times, totals; nothing personal). */
export interface CustomerRecord {
  readonly customerId: string;
  readonly orders: Readonly<Record<string, CustomerOrder>>;
}

export function emptyCustomer(customerId: string): CustomerRecord {
  return { customerId, orders: {} };
}

/** The customer's counted orders oldest first (ties by order id). */
export function customerOrders(customer: CustomerRecord): Array<CustomerOrder & { readonly orderId: string }> {
  return Object.entries(customer.orders)
    .map(([orderId, o]) => ({ orderId, ...o }))
    .sort((a, b) => a.placedAt.localeCompare(b.placedAt) || a.orderId.localeCompare(b.orderId));
}

/** Repeat-purchase windows (days after the first order's day, inclusive). */
export const REPEAT_WINDOWS = { repeat30: 30, repeat90: 90 } as const;

/** What a customer adds: new on the first order's day (with the repeat counts), returning on each other day. */
export function customerContribution(customer: CustomerRecord | undefined): Contribution {
  if (!customer) return {};
  const orders = customerOrders(customer);
  const [first, ...rest] = orders;
  if (!first) return {};
  const firstDay = utcDay(first.placedAt);
  const within = (days: number) => (rest.some((o) => daysBetween(firstDay, utcDay(o.placedAt)) <= days) ? 1 : 0);
  const out: Record<string, Partial<Counters>> = {
    [aggregateKey(firstDay, { kind: 'total' })]: { newCustomers: 1, repeat30: within(REPEAT_WINDOWS.repeat30), repeat90: within(REPEAT_WINDOWS.repeat90) },
  };
  for (const day of new Set(rest.map((o) => utcDay(o.placedAt)))) if (day !== firstDay) out[aggregateKey(day, { kind: 'total' })] = { returningCustomers: 1 };
  return out;
}

/** The customer with `order` among their counted orders if it counts, without it otherwise. */
export function syncCustomer(customer: CustomerRecord, order: OrderRecord): CustomerRecord {
  const orders = { ...customer.orders };
  if (orderCounts(order)) orders[order.orderId] = { placedAt: order.placed.placedAt, total: order.placed.total };
  else delete orders[order.orderId];
  return { ...customer, orders };
}

// ── risk ───────────────────────────────────────────────────────────────────────────────────────

/** An order's risk decisions as the false-positive rate needs them. */
export interface RiskRecord {
  readonly orderId: string;
  /** The day of the first rules decision that flagged it (review or reject). */
  readonly flaggedDay?: string;
  readonly analystApproved: boolean;
}

export function emptyRisk(orderId: string): RiskRecord {
  return { orderId, analystApproved: false };
}

/** A risk decision. */
export type RiskChange = { readonly kind: 'flagged'; readonly day: string } | { readonly kind: 'analyst-approved' };

export function changeRisk(risk: RiskRecord, change: RiskChange): RiskRecord {
  if (change.kind === 'analyst-approved') return { ...risk, analystApproved: true };
  return { ...risk, flaggedDay: risk.flaggedDay === undefined || change.day < risk.flaggedDay ? change.day : risk.flaggedDay };
}

/** Flagged on its day; approved by an analyst counts on the same day (fraud's definition). */
export function riskContribution(risk: RiskRecord | undefined): Contribution {
  if (!risk?.flaggedDay) return {};
  return { [aggregateKey(risk.flaggedDay, { kind: 'total' })]: { riskFlagged: 1, riskAnalystApproved: risk.analystApproved ? 1 : 0 } };
}

// ── tickets ────────────────────────────────────────────────────────────────────────────────────

/** A rating (score 1–5, optional NPS 0–10) on its day. */
export function ratingContribution(day: string, score: number, nps?: number): Contribution {
  return {
    [aggregateKey(day, { kind: 'total' })]: {
      ratings: 1,
      scoreSum: score,
      ...(nps === undefined ? {} : { npsResponses: 1, promoters: nps >= 9 ? 1 : 0, detractors: nps <= 6 ? 1 : 0 }),
    },
  };
}

/** A resolution on its day: within SLA when both clocks were met. */
export function resolutionContribution(day: string, firstResponseMet: boolean, resolutionMet: boolean): Contribution {
  return { [aggregateKey(day, { kind: 'total' })]: { resolved: 1, slaMet: firstResponseMet && resolutionMet ? 1 : 0 } };
}
