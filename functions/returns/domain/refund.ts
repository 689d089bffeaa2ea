/**
 * Refund allocation (AFT-1): refund exactly what the customer paid for the returned units, to the
 * fen, never more than was paid. Pure.
 *
 * - **Discounts.** An order line's `lineTotal` is already after every discount (item-level, the
 *   order-level promotion and the coupon are allocated over the lines at pricing, checkout's
 *   domain/pricing.ts), so a unit's share of every discount is its share of `lineTotal`.
 * - **Units of a line, cumulatively.** Of a line of `q` units paid `T` fen, the first `n` refunded
 *   units are worth `floor(n × T / q)`; a refund of `k` more units after `n` is the difference
 *   `floor((n + k) × T / q) − floor(n × T / q)`. Whatever the split and order of partial returns,
 *   the running sum is `floor(N × T / q) ≤ T` and the whole line (`N = q`) gives exactly `T`.
 *   The order's {@link RefundLedger} keeps `n` per SKU (written with every refund, conditionally on
 *   its version), so concurrent returns cannot both take the same fen.
 * - **Shipping** (our rule): the shipping fee is refunded only with the refund that completes the
 *   return of every unit of the order, and only when every refunded return of the order had a
 *   merchant-fault reason (damaged, wrong-item, quality, counterfeit). A no-reason return never gets
 *   shipping back (the customer chose to return; PRC CRPL art. 25 lets the consumer bear return
 *   shipping), nor does a mix.
 * - **Cap.** Never more than `paid − refunded` (paid = what the order's payment authorised and was
 *   captured; refunded = every refund the returns of the order already took). Payments caps again at
 *   what it captured, and refuses more.
 */
import { isMerchantFault, type ReturnReason, type ReturnUnits } from './return.ts';

/** A line of the order as the refund needs it (minor units). */
export interface PaidLine {
  readonly sku: string;
  readonly quantity: number;
  /** What the customer paid for the line after every discount. */
  readonly lineTotal: number;
}

/** The order as the refund needs it. */
export interface PaidOrder {
  readonly lines: readonly PaidLine[];
  readonly shippingFee: number;
  /** What the customer paid (authorised and captured): the cap. */
  readonly paid: number;
}

/** What was already refunded on the order, by returns. */
export interface RefundLedger {
  /** Refunded units per SKU. */
  readonly units: Readonly<Record<string, number>>;
  /** Refunded amount, minor units. */
  readonly amount: number;
  readonly shippingRefunded: boolean;
  /** True while every refund so far was for a merchant-fault reason. */
  readonly merchantFaultOnly: boolean;
}

/** The ledger of an order nothing was refunded on. */
export const EMPTY_LEDGER: RefundLedger = { units: {}, amount: 0, shippingRefunded: false, merchantFaultOnly: true };

/** The refund of some units. */
export interface RefundQuote {
  readonly amount: number;
  readonly shipping: number;
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number; readonly amount: number }>;
  /** The ledger once this refund is taken. */
  readonly ledger: RefundLedger;
}

/** Units or more refunded than the order has: a bug or a stale read, never a refund. */
export class RefundAllocationError extends Error {
  override readonly name = 'RefundAllocationError';
}

/** Lines by SKU (an order with the same SKU on two lines counts them as one). */
export function linesBySku(lines: readonly PaidLine[]): Map<string, PaidLine> {
  const bySku = new Map<string, PaidLine>();
  for (const line of lines) {
    const seen = bySku.get(line.sku);
    bySku.set(line.sku, seen ? { sku: line.sku, quantity: seen.quantity + line.quantity, lineTotal: seen.lineTotal + line.lineTotal } : line);
  }
  return bySku;
}

/** What the first `units` units of a line are worth: `floor(units × total / quantity)` (exact integers, no float rounding). */
export function cumulativeShare(line: PaidLine, units: number): number {
  if (units <= 0) return 0;
  if (units >= line.quantity) return line.lineTotal;
  return Number((BigInt(units) * BigInt(line.lineTotal)) / BigInt(line.quantity));
}

/**
 * The refund of `items` for `reason`, given what the ledger already refunded (see the module
 * documentation). Throws {@link RefundAllocationError} for an unknown SKU or more units than are left.
 */
export function quoteRefund(order: PaidOrder, ledger: RefundLedger, items: readonly ReturnUnits[], reason: ReturnReason): RefundQuote {
  const bySku = linesBySku(order.lines);
  const units: Record<string, number> = { ...ledger.units };
  const amounts = new Map<string, { quantity: number; amount: number }>();
  let goods = 0;
  for (const item of items) {
    const line = bySku.get(item.sku);
    if (!line) throw new RefundAllocationError(`SKU ${item.sku} is not on the order`);
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) throw new RefundAllocationError(`quantity of ${item.sku} must be a positive integer`);
    const before = units[item.sku] ?? 0;
    const after = before + item.quantity;
    if (after > line.quantity) throw new RefundAllocationError(`${item.sku}: ${after} units refunded of ${line.quantity}`);
    const amount = cumulativeShare(line, after) - cumulativeShare(line, before);
    units[item.sku] = after;
    goods += amount;
    const seen = amounts.get(item.sku) ?? { quantity: 0, amount: 0 };
    amounts.set(item.sku, { quantity: seen.quantity + item.quantity, amount: seen.amount + amount });
  }
  const merchantFaultOnly = ledger.merchantFaultOnly && isMerchantFault(reason);
  const everything = [...bySku.values()].every((line) => (units[line.sku] ?? 0) >= line.quantity);
  const shipping = everything && merchantFaultOnly && !ledger.shippingRefunded ? order.shippingFee : 0;
  const left = Math.max(0, order.paid - ledger.amount);
  const amount = Math.min(goods + shipping, left);
  return {
    amount,
    shipping: Math.min(shipping, amount),
    lines: [...amounts].map(([sku, a]) => ({ sku, ...a })),
    ledger: { units, amount: ledger.amount + amount, shippingRefunded: ledger.shippingRefunded || shipping > 0, merchantFaultOnly },
  };
}
