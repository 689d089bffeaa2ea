/**
 * Safety stock and replenishment (FUL-4). Pure: no I/O.
 *
 * Demand history: units ordered per SKU per UTC day (recorded from OrderPlaced), over the last
 * `windowDays` days including today (default 30).
 *
 * Two methods (setting `SAFETY_STOCK_METHOD`):
 * - `days-of-sales` (default, the handbook's rule): safety stock = average daily sales over the
 *   window × `coverDays` (default 30), rounded up. With the defaults that is "30 days of sales".
 * - `demand-variability`: safety stock = z × σ(daily sales) × √(supplier lead time in days),
 *   rounded up, where z is the service factor (default 1.65 ≈ 95 % cycle service level).
 *
 * A SKU is *below* its safety stock when its available stock (on hand − reserved, summed over all
 * warehouses) is strictly less than the safety stock; a SKU with no sales has safety stock 0 and is
 * never below. The suggested quantity brings available stock up to an order-up-to level of safety
 * stock + average daily sales × `reorderCycleDays` (default 30), at least 1.
 *
 * Exactly one suggestion per crossing: a stock change emits a suggestion only when the SKU is below
 * AND no suggestion is open; the open flag is cleared when a check finds the SKU back at or above
 * its safety stock. The daily sweep reminds once per SKU per day while it stays below.
 */

export const SAFETY_STOCK_METHODS = ['days-of-sales', 'demand-variability'] as const;
export type SafetyStockMethod = (typeof SAFETY_STOCK_METHODS)[number];

/** The safety-stock settings. */
export interface SafetyStockPolicy {
  readonly method: SafetyStockMethod;
  /** Days of sales history looked at (default 30). */
  readonly windowDays: number;
  /** days-of-sales: days of average demand kept as safety stock (default 30). */
  readonly coverDays: number;
  /** demand-variability: supplier lead time in days. */
  readonly leadTimeDays: number;
  /** demand-variability: the service factor z (e.g. 1.65). */
  readonly serviceFactor: number;
  /** Days of average demand ordered on top of the safety stock (default 30). */
  readonly reorderCycleDays: number;
}

export const DEFAULT_SAFETY_STOCK_POLICY: SafetyStockPolicy = {
  method: 'days-of-sales',
  windowDays: 30,
  coverDays: 30,
  leadTimeDays: 14,
  serviceFactor: 1.65,
  reorderCycleDays: 30,
};

/** UTC day `yyyy-mm-dd` of an instant. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The `windowDays` UTC days ending with the day of `now`, oldest first. */
export function windowDays(now: Date, days: number): string[] {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/** Daily sales over the window (0 for days without sales), oldest first. */
export function dailySeries(salesByDay: ReadonlyMap<string, number>, now: Date, days: number): number[] {
  return windowDays(now, days).map((day) => Math.max(0, salesByDay.get(day) ?? 0));
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Population standard deviation. */
function stddev(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((sum, x) => sum + (x - m) ** 2, 0) / xs.length);
}

/** Rounds up, tolerating floating-point noise (e.g. 29.999999999 → 30, 30.0000000001 → 30). */
function ceilUnits(x: number): number {
  const rounded = Math.round(x);
  return Math.abs(x - rounded) < 1e-9 ? rounded : Math.ceil(x);
}

/** A SKU's safety stock and the average daily demand it was computed from. */
export interface SafetyLevel {
  readonly safetyStock: number;
  readonly averageDailySales: number;
  readonly method: SafetyStockMethod;
}

/** The safety stock from the daily sales series (the window, oldest first). */
export function safetyLevel(policy: SafetyStockPolicy, daily: readonly number[]): SafetyLevel {
  const avg = mean(daily);
  const safetyStock = policy.method === 'days-of-sales' ? ceilUnits(avg * policy.coverDays) : ceilUnits(policy.serviceFactor * stddev(daily) * Math.sqrt(policy.leadTimeDays));
  return { safetyStock: Math.max(0, safetyStock), averageDailySales: avg, method: policy.method };
}

/** True when `available` is below the safety stock. */
export function isBelowSafety(available: number, level: Pick<SafetyLevel, 'safetyStock'>): boolean {
  return available < level.safetyStock;
}

/** Units to order: up to safety stock + `reorderCycleDays` of average demand, at least 1. */
export function suggestedQuantity(policy: SafetyStockPolicy, level: SafetyLevel, available: number): number {
  const orderUpTo = level.safetyStock + ceilUnits(level.averageDailySales * policy.reorderCycleDays);
  return Math.max(1, orderUpTo - available);
}

/** What a check does. */
export type ReplenishmentAction = 'suggest' | 'clear' | 'none';

/**
 * The action of a check: a stock change suggests only on a new crossing (no suggestion open); the
 * daily sweep suggests whenever the SKU is below (the caller keeps it to once per day); any check
 * that finds the SKU at or above its safety stock clears an open suggestion.
 */
export function replenishmentAction(input: { below: boolean; open: boolean; trigger: 'stock-change' | 'daily-sweep' }): ReplenishmentAction {
  if (!input.below) return input.open ? 'clear' : 'none';
  if (input.trigger === 'daily-sweep') return 'suggest';
  return input.open ? 'none' : 'suggest';
}
