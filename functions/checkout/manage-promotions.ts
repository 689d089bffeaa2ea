/**
 * Use cases: marketers run promotions and coupons without a deploy (API.md `PUT /admin/promotions/
 * {promotionId}`, `GET /admin/promotions`, `PUT /admin/coupons/{code}`, `GET /admin/coupons`; ORD-3).
 *
 * - A promotion (flash price, spend threshold such as 满100减50, member price, group price) is created (201) or
 *   replaced (200) whole; `active: false` keeps it listed but out of every quote. Its money is in the
 *   store currency, its window is ordered, a flash price names a SKU of the catalog and undercuts
 *   its list price; so does a group price (拼团: group size 2–10, window default 24 h).
 * - A coupon (percentage or fixed, minimum spend, window, per-customer and total limits) is created
 *   or replaced the same way; its usage counters are kept — a total limit below what was already
 *   used is a 409.
 * - Every change is audited before it is written (SEC-4: who, what, why — the `reason`); replaying
 *   the same definition changes nothing and is not audited again.
 * The dev seeders write through the same store methods, so production and demo data share one path.
 */
import type { AuditLog } from '../../shared/audit.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Page } from '../../shared/http/pagination.ts';
import type { Coupon, Promotion } from './domain/pricing.ts';
import type { PromotionAdmin, StoredCoupon, StoredPromotion } from './promotions-repository.ts';
import { CheckoutNotFoundError, InvalidCheckoutRequestError, StateConflictError } from './domain/checkout-errors.ts';
import type { FieldIssue } from './domain/order-request.ts';
import { CouponTotalBelowUsageError } from './domain/order-store-errors.ts';

/** Reading a product's list price (flash prices must name a real SKU and undercut it). */
export interface ListPrices {
  /** The list price of each known SKU (unknown SKUs are absent). */
  listPrices(skus: readonly string[]): Promise<Map<string, { amount: number; currency: string }>>;
}

/** Ports of the promotion and coupon use cases. */
export interface ManagePromotionsDeps {
  readonly store: PromotionAdmin;
  readonly catalog: ListPrices;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** The store currency (config). */
  readonly currency: string;
}

/** Who changes what, and why. */
export interface StaffChange {
  readonly changedBy: string;
  readonly roles: readonly string[];
  readonly reason: string;
  readonly correlationId: string;
}

/** The outcome of a PUT. */
export interface PutOutcome<T> {
  readonly item: T;
  readonly outcome: 'created' | 'updated' | 'unchanged';
}

const moneyIssues = (path: string, money: { currency: string } | undefined, currency: string): FieldIssue[] =>
  money && money.currency !== currency ? [{ path: `${path}.currency`, message: `Amounts are in ${currency}` }] : [];

function windowIssues(from: string | undefined, to: string | undefined, paths: [string, string]): FieldIssue[] {
  if (from === undefined || to === undefined || Date.parse(from) < Date.parse(to)) return [];
  return [{ path: paths[1], message: `Must be after ${paths[0].replace('body.', '')}` }];
}

/** Records a staff change in the audit trail, before it is written (SEC-4). */
function recordChange(deps: { audit: AuditLog }, change: StaffChange, action: string, resource: { type: string; id: string }, details: Record<string, string | number | boolean>) {
  return deps.audit.record({ actor: change.changedBy, roles: change.roles, action, resource, reason: change.reason, details, correlationId: change.correlationId });
}

/** Creates or replaces a promotion (see the module documentation). */
export async function putPromotion(deps: ManagePromotionsDeps, input: { promotion: Promotion; active: boolean } & StaffChange): Promise<PutOutcome<StoredPromotion>> {
  const { promotion } = input;
  const issues: FieldIssue[] = [...windowIssues(promotion.startsAt, promotion.endsAt, ['body.startsAt', 'body.endsAt'])];
  if (promotion.kind === 'flash-price' || promotion.kind === 'group-buy') {
    issues.push(...moneyIssues('body.price', promotion.price, deps.currency));
    const listPrice = (await deps.catalog.listPrices([promotion.sku])).get(promotion.sku);
    if (!listPrice) issues.push({ path: 'body.sku', message: 'Unknown SKU' });
    else if (promotion.price.amount >= listPrice.amount)
      issues.push({ path: 'body.price.amount', message: `A ${promotion.kind === 'flash-price' ? 'flash' : 'group'} price must be below the list price (${listPrice.amount})` });
  } else if (promotion.kind === 'spend-threshold') {
    issues.push(...moneyIssues('body.threshold', promotion.threshold, deps.currency), ...moneyIssues('body.amountOff', promotion.amountOff, deps.currency));
    if (promotion.amountOff.amount >= promotion.threshold.amount) issues.push({ path: 'body.amountOff.amount', message: 'Must be less than the threshold' });
  } else {
    issues.push(...moneyIssues('body.maxDiscount', promotion.maxDiscount, deps.currency));
  }
  if (issues.length > 0) throw new InvalidCheckoutRequestError(issues);

  const existing = await deps.store.getPromotion(promotion.promotionId);
  if (existing && existing.active === input.active && canonicalJson(existing.promotion) === canonicalJson(promotion)) return { item: existing, outcome: 'unchanged' };
  await recordChange(
    deps,
    input,
    existing ? 'promotion.update' : 'promotion.create',
    { type: 'promotion', id: promotion.promotionId },
    {
      kind: promotion.kind,
      active: input.active,
      ...(promotion.startsAt ? { startsAt: promotion.startsAt } : {}),
      ...(promotion.endsAt ? { endsAt: promotion.endsAt } : {}),
    },
  );
  const stored: StoredPromotion = { promotion, active: input.active, updatedBy: input.changedBy, updatedAt: deps.clock.now().toISOString() };
  await deps.store.savePromotion(stored);
  return { item: stored, outcome: existing ? 'updated' : 'created' };
}

/** Creates or replaces a coupon, keeping its usage (see the module documentation). */
export async function putCoupon(deps: Omit<ManagePromotionsDeps, 'catalog'>, input: { coupon: Coupon; active: boolean } & StaffChange): Promise<PutOutcome<StoredCoupon>> {
  const { coupon } = input;
  const issues: FieldIssue[] = [
    ...windowIssues(coupon.validFrom, coupon.validUntil, ['body.validFrom', 'body.validUntil']),
    ...moneyIssues('body.minSpend', coupon.minSpend, deps.currency),
    ...moneyIssues('body.amountOff', coupon.amountOff, deps.currency),
    ...moneyIssues('body.maxDiscount', coupon.maxDiscount, deps.currency),
  ];
  if (coupon.kind === 'percentage' && coupon.percentBasisPoints === undefined) issues.push({ path: 'body.percentBasisPoints', message: 'Required for a percentage coupon' });
  if (coupon.kind === 'fixed' && coupon.amountOff === undefined) issues.push({ path: 'body.amountOff', message: 'Required for a fixed coupon' });
  if (coupon.perCustomerLimit > coupon.totalLimit) issues.push({ path: 'body.perCustomerLimit', message: 'Must not exceed totalLimit' });
  if (issues.length > 0) throw new InvalidCheckoutRequestError(issues);

  const existing = await deps.store.getCoupon(coupon.code);
  if (existing && existing.active === input.active && canonicalJson(existing.coupon) === canonicalJson(coupon)) return { item: existing, outcome: 'unchanged' };
  if (existing && coupon.totalLimit < existing.used) throw new StateConflictError(`Coupon ${coupon.code} was used ${existing.used} times already; totalLimit cannot be lower.`);
  await recordChange(
    deps,
    input,
    existing ? 'coupon.update' : 'coupon.create',
    { type: 'coupon', id: coupon.code },
    {
      kind: coupon.kind,
      active: input.active,
      totalLimit: coupon.totalLimit,
      perCustomerLimit: coupon.perCustomerLimit,
      validUntil: coupon.validUntil,
    },
  );
  try {
    const stored = await deps.store.saveCoupon({ coupon, active: input.active, updatedBy: input.changedBy, updatedAt: deps.clock.now().toISOString() });
    return { item: stored, outcome: existing ? 'updated' : 'created' };
  } catch (error) {
    if (error instanceof CouponTotalBelowUsageError) throw new StateConflictError(`Coupon ${coupon.code} was used more often than totalLimit ${coupon.totalLimit} meanwhile.`);
    throw error;
  }
}

/**
 * Issues a coupon to customers (`POST /admin/coupons/{code}/issues`): it appears in each one's
 * wallet (`GET /me/coupons`) and, for an `issuedOnly` coupon, becomes usable by them only. Audited
 * once per request (how many customers, not who); issuing again to the same customer changes nothing.
 */
export async function issueCoupon(
  deps: { store: Pick<PromotionAdmin, 'getCoupon' | 'issueCoupon'>; audit: AuditLog; clock: Clock },
  input: { code: string; customerIds: readonly string[] } & StaffChange,
): Promise<{ code: string; customers: number; newlyIssued: number }> {
  const stored = await deps.store.getCoupon(input.code);
  if (!stored) throw new CheckoutNotFoundError(`No coupon ${input.code}.`);
  if (!stored.active) throw new StateConflictError(`Coupon ${input.code} is inactive; activate it before issuing it.`);
  if (deps.clock.now().getTime() >= Date.parse(stored.coupon.validUntil)) throw new StateConflictError(`Coupon ${input.code} has expired.`);
  const customerIds = [...new Set(input.customerIds)];
  await recordChange(deps, input, 'coupon.issue', { type: 'coupon', id: input.code }, { customers: customerIds.length });
  const newlyIssued = await deps.store.issueCoupon(input.code, customerIds, deps.clock.now().toISOString(), input.changedBy);
  return { code: input.code, customers: customerIds.length, newlyIssued };
}

/** A coupon in a customer's wallet, as they see it: its terms, uses left, and whether usable now (active, in its window, uses left; the basket's minimum spend still applies). */
export type WalletCoupon = Pick<Coupon, 'code' | 'title' | 'kind' | 'percentBasisPoints' | 'amountOff' | 'maxDiscount' | 'minSpend' | 'validFrom' | 'validUntil'> & {
  readonly usesLeft: number;
  readonly usable: boolean;
  readonly issuedAt: string;
};

/** The coupons issued to a customer, usable ones first, soonest ending first. */
export async function listWalletCoupons(deps: { store: Pick<PromotionAdmin, 'issuedCoupons'>; clock: Clock }, customerId: string): Promise<WalletCoupon[]> {
  const now = deps.clock.now().getTime();
  const issued = await deps.store.issuedCoupons(customerId);
  return issued
    .map(({ coupon, active, usedByCustomer, issuedAt }): WalletCoupon => {
      const usesLeft = Math.max(0, coupon.perCustomerLimit - usedByCustomer);
      return {
        code: coupon.code,
        title: coupon.title,
        kind: coupon.kind,
        ...(coupon.percentBasisPoints !== undefined ? { percentBasisPoints: coupon.percentBasisPoints } : {}),
        ...(coupon.amountOff ? { amountOff: coupon.amountOff } : {}),
        ...(coupon.maxDiscount ? { maxDiscount: coupon.maxDiscount } : {}),
        minSpend: coupon.minSpend,
        validFrom: coupon.validFrom,
        validUntil: coupon.validUntil,
        usesLeft,
        usable: active && usesLeft > 0 && now >= Date.parse(coupon.validFrom) && now < Date.parse(coupon.validUntil),
        issuedAt,
      };
    })
    .sort((a, b) => Number(b.usable) - Number(a.usable) || a.validUntil.localeCompare(b.validUntil) || a.code.localeCompare(b.code));
}

/** A page of promotions, every kind, active or not, ended or not. */
export function listPromotions(deps: { store: PromotionAdmin }, page: { limit: number; cursor?: string }): Promise<Page<StoredPromotion>> {
  return deps.store.listPromotions(page);
}

/** A page of coupons with their usage, soonest ending first. */
export function listCoupons(deps: { store: PromotionAdmin }, page: { limit: number; cursor?: string }): Promise<Page<StoredCoupon>> {
  return deps.store.listCoupons(page);
}
