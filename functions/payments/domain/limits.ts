/**
 * Payment limits (PAY-1): per method, a maximum per order and a maximum per customer per day; and
 * a maximum per customer per day over all methods. Amounts are minor units of the store currency.
 * A "day" is a calendar day at the configured UTC offset (China Standard Time by default), so
 * limits reset at local midnight.
 *
 * Used twice: by checkout before it places an order (through `limits-contract.ts`, answering 409
 * with the message below), and by payments when it authorises (PaymentFailed `limit_exceeded`), so
 * the limit holds even if checkout's check was missed or raced.
 *
 * Pure: no I/O.
 */
import type { PaymentMethod } from '../../../events/common.ts';
import { formatMoney, money } from '../../../shared/money.ts';

/** The limits of one method. */
export interface MethodLimit {
  /** Largest amount of one order paid with this method. */
  readonly perOrderMax: number;
  /** Largest total a customer may pay with this method in one day. */
  readonly dailyMax: number;
}

/** All payment limits (settings). */
export interface PaymentLimits {
  readonly currency: string;
  readonly perMethod: Readonly<Record<PaymentMethod, MethodLimit>>;
  /** Largest total a customer may pay in one day, all methods together. */
  readonly customerDailyMax: number;
  /** Offset of the limit day from UTC, in minutes (480 = UTC+8). */
  readonly dayOffsetMinutes: number;
}

/** What a customer has committed today (authorised, pending or accepted, minus voided and failed). */
export interface DailyTotals {
  readonly total: number;
  readonly byMethod: Readonly<Partial<Record<PaymentMethod, number>>>;
}

/** No spending yet today. */
export const NO_SPENDING: DailyTotals = Object.freeze({ total: 0, byMethod: {} });

/** Why a payment is over a limit. */
export type LimitViolation = 'currency' | 'per-order-method-limit' | 'daily-method-limit' | 'daily-customer-limit';

/** The answer of {@link checkPaymentLimits}. */
export type LimitCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly violation: LimitViolation;
      /** The limit that would be exceeded, in minor units (0 for a currency violation). */
      readonly limit: number;
      /** A sentence for the customer (no personal data): which limit, how much. */
      readonly message: string;
    };

const METHOD_NAMES: Record<PaymentMethod, string> = { card: 'Card', wallet: 'Wallet', bank_transfer: 'Bank transfer', cod: 'Cash on delivery' };

/** The calendar day (`YYYY-MM-DD`) of `at` at the limits' UTC offset. */
export function limitDay(at: Date, dayOffsetMinutes: number): string {
  return new Date(at.getTime() + dayOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/**
 * Checks one payment of `amount` minor units with `method` against the limits, given what the
 * customer has already committed today. Exactly at a limit is allowed; one fen over is not.
 *
 * `orderAmount` is the whole order's total when the payment is only part of it (a pre-sale's
 * deposit or balance, ORD-5): the per-order limit applies to the order, the daily limits to what
 * this payment commits today. Default: `amount`.
 */
export function checkPaymentLimits(input: {
  method: PaymentMethod;
  amount: number;
  orderAmount?: number;
  currency: string;
  today: DailyTotals;
  limits: PaymentLimits;
}): LimitCheck {
  const { method, amount, currency, today, limits } = input;
  const orderAmount = input.orderAmount ?? amount;
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount must be a non-negative integer, got ${amount}`);
  if (!Number.isSafeInteger(orderAmount) || orderAmount < amount) throw new RangeError(`orderAmount must be an integer of at least the amount, got ${orderAmount}`);
  const fmt = (minor: number) => formatMoney(money(minor, limits.currency));
  if (currency !== limits.currency) {
    return { ok: false, violation: 'currency', limit: 0, message: `Payments are accepted in ${limits.currency} only.` };
  }
  const methodLimit = limits.perMethod[method];
  const name = METHOD_NAMES[method];
  if (orderAmount > methodLimit.perOrderMax) {
    return {
      ok: false,
      violation: 'per-order-method-limit',
      limit: methodLimit.perOrderMax,
      message: `${name} payments are limited to ${fmt(methodLimit.perOrderMax)} per order; this order is ${fmt(orderAmount)}.`,
    };
  }
  const methodToday = today.byMethod[method] ?? 0;
  if (methodToday + amount > methodLimit.dailyMax) {
    return {
      ok: false,
      violation: 'daily-method-limit',
      limit: methodLimit.dailyMax,
      message: `${name} payments are limited to ${fmt(methodLimit.dailyMax)} per customer per day; ${fmt(methodToday)} is already committed today, so this order of ${fmt(amount)} would exceed it.`,
    };
  }
  if (today.total + amount > limits.customerDailyMax) {
    return {
      ok: false,
      violation: 'daily-customer-limit',
      limit: limits.customerDailyMax,
      message: `Payments are limited to ${fmt(limits.customerDailyMax)} per customer per day; ${fmt(today.total)} is already committed today, so this order of ${fmt(amount)} would exceed it.`,
    };
  }
  return { ok: true };
}

/** The largest totals (all methods, this method) that still leave room for `amount` — the counter's write condition. */
export function roomFor(method: PaymentMethod, amount: number, limits: PaymentLimits): { maxTotalBefore: number; maxMethodBefore: number } {
  return { maxTotalBefore: limits.customerDailyMax - amount, maxMethodBefore: limits.perMethod[method].dailyMax - amount };
}
