/**
 * May this customer return these units now (AFT-1)? Pure.
 *
 * - **The window** runs from the order's delivery: `noReasonDays` (7, PRC Consumer Rights
 *   Protection Law art. 25) for `no-reason` and `other`; `merchantFaultDays` (15 by default, the
 *   "三包" period for quality problems) for damaged, wrong-item, quality and counterfeit goods.
 * - **Non-returnable goods** (custom-made, perishable, digital, opened hygiene items: a product
 *   marked `returnable: false` in the catalog, a fresh product, or a configured category) are
 *   excluded from the no-reason return only — art. 25 does not take away the right to return goods
 *   that are damaged, wrong, faulty or fake.
 * - **Quantities**: per SKU, what was delivered minus what other returns of the order already hold
 *   (every return except rejected, failed-inspection and cancelled ones).
 */
import { isMerchantFault, RELEASED_RETURN_STATUSES, type ReturnItem, type ReturnReason, type ReturnStatus, type ReturnUnits } from './return.ts';

/** Window lengths, in days. */
export interface ReturnWindows {
  readonly noReasonDays: number;
  readonly merchantFaultDays: number;
}

/** The last moment a return for `reason` may be requested, from the delivery time. */
export function windowEnd(deliveredAt: string, reason: ReturnReason, windows: ReturnWindows): Date {
  const days = isMerchantFault(reason) ? windows.merchantFaultDays : windows.noReasonDays;
  return new Date(Date.parse(deliveredAt) + days * 24 * 60 * 60 * 1000);
}

/** True when a return for `reason` may still be requested at `now`. */
export function withinWindow(deliveredAt: string, reason: ReturnReason, windows: ReturnWindows, now: Date): boolean {
  return now.getTime() <= windowEnd(deliveredAt, reason, windows).getTime();
}

/** Another return of the same order, as far as quantities go. */
export interface ExistingReturn {
  readonly status: ReturnStatus;
  readonly items: readonly ReturnUnits[];
}

/** Delivered minus held by other returns, per SKU. */
export function returnableQuantities(delivered: readonly ReturnUnits[], others: readonly ExistingReturn[]): Map<string, number> {
  const left = new Map<string, number>();
  for (const d of delivered) left.set(d.sku, (left.get(d.sku) ?? 0) + d.quantity);
  for (const other of others) {
    if (RELEASED_RETURN_STATUSES.includes(other.status)) continue;
    for (const item of other.items) left.set(item.sku, (left.get(item.sku) ?? 0) - item.quantity);
  }
  return left;
}

/** Why a requested item cannot be returned. */
export type ItemRefusal =
  | { readonly sku: string; readonly problem: 'not-on-order' }
  | { readonly sku: string; readonly problem: 'too-many'; readonly returnable: number }
  | { readonly sku: string; readonly problem: 'non-returnable' };

/** The problems of `items` (empty = fine). Items of the same SKU are added up. */
export function itemRefusals(items: readonly ReturnItem[], returnable: ReadonlyMap<string, number>, reason: ReturnReason, nonReturnable: ReadonlySet<string>): ItemRefusal[] {
  const wanted = new Map<string, number>();
  for (const item of items) wanted.set(item.sku, (wanted.get(item.sku) ?? 0) + item.quantity);
  const refusals: ItemRefusal[] = [];
  for (const [sku, quantity] of wanted) {
    const left = returnable.get(sku);
    if (left === undefined) refusals.push({ sku, problem: 'not-on-order' });
    else if (!isMerchantFault(reason) && nonReturnable.has(sku)) refusals.push({ sku, problem: 'non-returnable' });
    else if (quantity > left) refusals.push({ sku, problem: 'too-many', returnable: Math.max(0, left) });
  }
  return refusals;
}

/** A product as the non-returnable rule sees it. */
export interface ProductReturnability {
  readonly sku: string;
  readonly category: string;
  /** Catalog's `attributes.returnable` (false = custom-made, digital, opened hygiene item, …). */
  readonly returnable?: boolean;
  /** Catalog's `attributes.fresh`: perishable. */
  readonly fresh?: boolean;
}

/** True when the product is excluded from the no-reason return. */
export function isNonReturnable(product: ProductReturnability, nonReturnableCategories: readonly string[]): boolean {
  return product.returnable === false || product.fresh === true || nonReturnableCategories.includes(product.category);
}

/** The order's risk decision, as fraud made it (checkout keeps it). */
export interface RiskProfileInput {
  readonly risk?: { readonly outcome: string; readonly score: number; readonly decidedBy: string };
  /** The review threshold of the fraud settings (score ≥ it → manual review). */
  readonly reviewThreshold: number;
  /** Earlier returns of the customer that failed inspection. */
  readonly failedInspections: number;
}

/**
 * The "good risk profile" of the express refund (our rule, computed from data we hold): the order
 * was approved by fraud's rules (not by an analyst after a review) with a score below the review
 * threshold, and no earlier return of the customer failed inspection.
 */
export function goodRiskProfile(input: RiskProfileInput): boolean {
  const risk = input.risk;
  return risk !== undefined && risk.outcome === 'approved' && risk.decidedBy === 'rules' && risk.score < input.reviewThreshold && input.failedInspections === 0;
}
