/**
 * Money (ORD-2): an integer number of minor units (fen for CNY) and an ISO 4217 currency code.
 * Never a float. Every operation checks both operands share a currency and that results stay
 * safe integers; products and ratios are computed with BigInt so nothing rounds silently.
 *
 * Pure: no I/O, no AWS (the dependency rule in .dependency-cruiser.cjs enforces it).
 */

/** An amount of money in minor units. */
export interface Money {
  /** Integer minor units (fen), a safe integer; may be negative only where a caller allows it. */
  readonly amount: number;
  /** ISO 4217 code, e.g. `CNY`. */
  readonly currency: string;
}

/** A programming error in money arithmetic (mixed currencies, non-integers, overflow). */
export class MoneyError extends Error {
  override readonly name = 'MoneyError';
}

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The largest basket any request can name (SEC-5, ORD-2): at most {@link MAX_BASKET_LINES} lines of
 * at most {@link MAX_LINE_QUANTITY} units. Checkout's request schema and settings (MAX_ORDER_LINES,
 * MAX_LINE_QUANTITY) may be stricter, never looser (tested).
 */
export const MAX_BASKET_LINES = 100;
/** The most units of one line any request can name. */
export const MAX_LINE_QUANTITY = 10_000;

/**
 * The highest unit price (minor units) a product may have: 1 000 000 000 (CNY 10 000 000.00).
 * Chosen so that a whole basket at this price — price × {@link MAX_LINE_QUANTITY} ×
 * {@link MAX_BASKET_LINES} = 10^15 — stays exact with a margin of nine (below
 * `Number.MAX_SAFE_INTEGER` ≈ 9.007 × 10^15, with room for shipping and sums): no client input
 * can drive pricing into a {@link MoneyError}. Catalog's price schema enforces it (400 above it).
 */
export const MAX_UNIT_PRICE_MINOR = 1_000_000_000;

/** Minor-unit exponents that differ from 2 (ISO 4217). */
const EXPONENTS: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, KWD: 3, BHD: 3, OMR: 3, JOD: 3, TND: 3 };

/** Decimal places of a currency's minor unit (CNY 2, JPY 0, KWD 3). */
export function minorUnitExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

function checkAmount(amount: number | bigint): number {
  const n = typeof amount === 'bigint' ? Number(amount) : amount;
  if (typeof amount === 'bigint' ? BigInt(n) !== amount || !Number.isSafeInteger(n) : !Number.isSafeInteger(n)) {
    throw new MoneyError(`amount must be a safe integer number of minor units, got ${String(amount)}`);
  }
  return n;
}

/** A {@link Money}; throws {@link MoneyError} for a non-integer amount or a malformed currency. */
export function money(amount: number, currency = 'CNY'): Money {
  if (!CURRENCY.test(currency)) throw new MoneyError(`currency must be an ISO 4217 code, got ${currency}`);
  return Object.freeze({ amount: checkAmount(amount), currency });
}

/** Zero in `currency`. */
export function zero(currency = 'CNY'): Money {
  return money(0, currency);
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new MoneyError(`currency mismatch: ${a.currency} vs ${b.currency}`);
}

/** a + b. */
export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

/** a − b (may be negative; callers that must not go below zero check with {@link isNegative}). */
export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

/** The sum of `items` in `currency` (zero for none). */
export function sum(items: readonly Money[], currency = items[0]?.currency ?? 'CNY'): Money {
  return items.reduce((total, item) => add(total, item), zero(currency));
}

/** m × quantity, for an integer quantity. */
export function multiply(m: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity)) throw new MoneyError(`quantity must be an integer, got ${quantity}`);
  return money(checkAmount(BigInt(m.amount) * BigInt(quantity)), m.currency);
}

/** How to round a fraction of a minor unit. */
export type Rounding = 'half-up' | 'down' | 'up';

/** numerator / denominator rounded, both non-negative BigInts. */
function divide(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n || rounding === 'down') return quotient;
  if (rounding === 'up') return quotient + 1n;
  return remainder * 2n >= denominator ? quotient + 1n : quotient;
}

/**
 * `basisPoints` / 10 000 of a non-negative amount (1 500 bp = 15 %), rounded (default half-up).
 * Used for percentage coupons; a percentage discount of a line rounds once, here.
 */
export function percentage(m: Money, basisPoints: number, rounding: Rounding = 'half-up'): Money {
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0) throw new MoneyError(`basis points must be a non-negative integer, got ${basisPoints}`);
  if (m.amount < 0) throw new MoneyError('percentage of a negative amount');
  return money(checkAmount(divide(BigInt(m.amount) * BigInt(basisPoints), 10_000n, rounding)), m.currency);
}

/**
 * Splits `total` into parts proportional to `weights` (non-negative integers, e.g. line subtotals)
 * by the largest-remainder method: the parts always add up to exactly `total` — no fen lost or
 * invented — and each part is within one minor unit of its exact share. Ties go to the earlier
 * weight. When `total` ≤ Σ weights, no part exceeds its weight (a discount never exceeds its line).
 * All-zero weights split `total` evenly.
 */
export function allocate(total: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0) throw new MoneyError('allocate needs at least one weight');
  if (total.amount < 0) throw new MoneyError('allocate needs a non-negative total');
  for (const w of weights) if (!Number.isSafeInteger(w) || w < 0) throw new MoneyError(`weights must be non-negative integers, got ${w}`);
  const effective = weights.every((w) => w === 0) ? weights.map(() => 1) : weights;
  const totalWeight = effective.reduce((s, w) => s + BigInt(w), 0n);
  const amount = BigInt(total.amount);
  const shares = effective.map((w, index) => {
    const exact = amount * BigInt(w);
    return { index, base: exact / totalWeight, remainder: exact % totalWeight };
  });
  let leftover = amount - shares.reduce((s, x) => s + x.base, 0n);
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (leftover === 0n) break;
    share.base += 1n;
    leftover -= 1n;
  }
  return shares.map((s) => money(checkAmount(s.base), total.currency));
}

/** −1, 0 or 1. */
export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

/** True when a and b are the same amount in the same currency. */
export function equals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.amount === b.amount;
}

/** The smaller of a and b. */
export function min(a: Money, b: Money): Money {
  return compare(a, b) <= 0 ? a : b;
}

/** The larger of a and b. */
export function max(a: Money, b: Money): Money {
  return compare(a, b) >= 0 ? a : b;
}

/** True for zero. */
export function isZero(m: Money): boolean {
  return m.amount === 0;
}

/** True below zero. */
export function isNegative(m: Money): boolean {
  return m.amount < 0;
}

/** A display string like `CNY 1,234.50` (for humans: logs of amounts, reports; never for arithmetic). */
export function formatMoney(m: Money): string {
  const exponent = minorUnitExponent(m.currency);
  const sign = m.amount < 0 ? '-' : '';
  const digits = String(Math.abs(m.amount)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = exponent > 0 ? `.${digits.slice(-exponent)}` : '';
  return `${sign}${m.currency} ${whole}${fraction}`;
}
