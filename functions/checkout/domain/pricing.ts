/**
 * Pricing and promotions (ORD-2, ORD-3): pure functions over integer minor units — no I/O, no
 * floats. The server prices every basket itself; client prices are never read.
 *
 * ## Promotions
 * - **Flash price** (`flash-price`): a lower unit price for one SKU inside a time window
 *   (optionally members only).
 * - **Spend threshold** (`spend-threshold`): "spend ≥ X, get Y off" (满减), e.g. ≥ ¥100 → ¥50 off;
 *   optionally limited to categories and/or members.
 * - **Member offer** (`member-discount`): a percentage off for members (optionally capped and
 *   limited to categories).
 * - **Group price** (`group-buy`, 拼团, ORD-5): a lower unit price for one SKU that only a group-buy
 *   order gets (domain/group-buy.ts); regular orders never see it.
 * - **Coupon**: a code, percentage (optionally capped) or fixed amount, with a minimum spend, a
 *   validity window, a per-customer and a total usage limit (optionally members only, categories).
 *
 * ## The stacking rule (one rule, applied in this order)
 * 1. **Item level.** Each line's unit price is the lowest of its list price and any active flash
 *    price that applies to the customer — or, on a group-buy order's SKU, the group price. The
 *    saving is a discount line of its own.
 * 2. **Order level, automatic.** Of the active spend thresholds and member offers the customer
 *    qualifies for, **the single one that saves the most** applies (ties: the lower promotion id).
 *    Thresholds are measured on the eligible lines' amounts after step 1.
 * 3. **Coupon.** At most one coupon, applied after step 2; its minimum spend is measured on the
 *    eligible lines' amounts after step 2.
 * 4. Goods never go below zero: each discount is at most what is left of its eligible lines.
 * 5. **Shipping** is priced on the total weight for the shipping region and is free when the goods
 *    total after discounts reaches the free-shipping threshold. Shipping is never discounted.
 *
 * Every discount is allocated across its eligible lines in proportion to what is left of each
 * (largest remainder, {@link allocate}), so each line's total is exact to the fen and the line
 * totals add up to the goods total exactly; the order total is the goods total plus shipping.
 */
import { add, allocate, compare, isNegative, min, money, multiply, percentage, subtract, sum, zero, type Money } from '../../../shared/money.ts';

/** A product as pricing needs it. */
export interface PricedProduct {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly price: Money;
  readonly weightGrams: number;
}

/** A line of a basket: a product and a quantity (a positive integer). */
export interface BasketLine {
  readonly product: PricedProduct;
  readonly quantity: number;
}

/** When a promotion is active: `startsAt` ≤ now < `endsAt` (either bound may be open). */
export interface ActiveWindow {
  readonly startsAt?: string;
  readonly endsAt?: string;
}

/** A flash price for one SKU. */
export interface FlashPricePromotion extends ActiveWindow {
  readonly kind: 'flash-price';
  readonly promotionId: string;
  readonly title: string;
  readonly sku: string;
  readonly price: Money;
  readonly membersOnly?: boolean;
  /** Units of the SKU one customer may hold reserved at once while the sale runs (default: the checkout-wide cap). */
  readonly perCustomerLimit?: number;
}

/** Spend ≥ threshold → amountOff (满减). */
export interface SpendThresholdPromotion extends ActiveWindow {
  readonly kind: 'spend-threshold';
  readonly promotionId: string;
  readonly title: string;
  readonly threshold: Money;
  readonly amountOff: Money;
  readonly membersOnly?: boolean;
  /** Only lines of these categories count and are discounted (default: all). */
  readonly categories?: readonly string[];
}

/** A percentage off for members. */
export interface MemberDiscountPromotion extends ActiveWindow {
  readonly kind: 'member-discount';
  readonly promotionId: string;
  readonly title: string;
  /** 1 000 bp = 10 %. */
  readonly percentBasisPoints: number;
  readonly maxDiscount?: Money;
  readonly categories?: readonly string[];
  /** Only members of these tiers (default: every member). */
  readonly tiers?: readonly string[];
}

/** Group-buy windows: a group stays open this long after its first buyer opens it unless the promotion says otherwise (24 h). */
export const DEFAULT_GROUP_WINDOW_MINUTES = 1440;

/** A group price for one SKU (拼团, ORD-5): groups of `groupSize` buyers pay `price` each. */
export interface GroupBuyPromotion extends ActiveWindow {
  readonly kind: 'group-buy';
  readonly promotionId: string;
  readonly title: string;
  readonly sku: string;
  readonly price: Money;
  /** Buyers a group needs: 2–10. */
  readonly groupSize: number;
  /** How long a group stays open after it is opened (default {@link DEFAULT_GROUP_WINDOW_MINUTES}); never past the promotion's end. */
  readonly windowMinutes?: number;
}

/** A promotion. */
export type Promotion = FlashPricePromotion | SpendThresholdPromotion | MemberDiscountPromotion | GroupBuyPromotion;

/** A coupon definition. */
export interface Coupon {
  /** Upper-case code, e.g. `WELCOME10`. */
  readonly code: string;
  readonly title: string;
  readonly kind: 'percentage' | 'fixed';
  /** For `percentage`: 1 000 bp = 10 %. */
  readonly percentBasisPoints?: number;
  /** For `fixed`. */
  readonly amountOff?: Money;
  /** Caps a percentage coupon. */
  readonly maxDiscount?: Money;
  /** The eligible goods (after automatic promotions) must reach this. */
  readonly minSpend: Money;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly perCustomerLimit: number;
  readonly totalLimit: number;
  readonly membersOnly?: boolean;
  readonly categories?: readonly string[];
  /** Only for customers it was issued to (`POST /admin/coupons/{code}/issues`). */
  readonly issuedOnly?: boolean;
}

/** How often a coupon was used: in total and by this customer; whether it was issued to them. */
export interface CouponUsage {
  readonly total: number;
  readonly byCustomer: number;
  readonly issued?: boolean;
}

/** Shipping rate of a region (fen): `base` covers `includedGrams`, then `perKg` per started kilogram. */
export interface ShippingRate {
  readonly base: number;
  readonly includedGrams: number;
  readonly perKg: number;
}

/** Rates by region. */
export type ShippingRates = Readonly<Record<string, ShippingRate>>;

/** Settings pricing needs. */
export interface PricingSettings {
  readonly currency: string;
  readonly freeShippingThreshold: number;
  readonly shippingRates: ShippingRates;
}

/** What to price. */
export interface PricingInput {
  readonly lines: readonly BasketLine[];
  readonly promotions: readonly Promotion[];
  /** The coupon the customer entered (already looked up), with its usage. */
  readonly coupon?: { readonly definition: Coupon; readonly usage: CouponUsage };
  readonly member: boolean;
  /** The member's tier (member offers may name tiers). */
  readonly memberTier?: string;
  /** A group-buy order: its SKU gets the group price of this promotion (a joined group's), or of the cheapest running one (a new group) — instead of any flash price. */
  readonly groupBuy?: { readonly promotionId?: string };
  /** The shipping region, when known. */
  readonly shippingRegion?: string;
  readonly now: Date;
  readonly settings: PricingSettings;
}

/** Kinds of discount lines. */
export type DiscountKind = 'flash-price' | 'group-price' | 'spend-threshold' | 'member-discount' | 'coupon';

/** One discount of the quote. */
export interface AppliedDiscount {
  readonly kind: DiscountKind;
  /** The promotion id, or the coupon code. */
  readonly id: string;
  readonly title: string;
  readonly amount: Money;
}

/** A priced line. */
export interface PricedLine {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly quantity: number;
  /** The list price of one unit. */
  readonly unitPrice: Money;
  /** The flash price (or a group-buy order's group price) of one unit, when one applied. */
  readonly flashPrice?: Money;
  /** unitPrice × quantity. */
  readonly lineSubtotal: Money;
  /** This line's share of each discount (ids as in the order's discounts). */
  readonly discounts: ReadonlyArray<{ readonly id: string; readonly amount: Money }>;
  readonly lineDiscount: Money;
  /** lineSubtotal − lineDiscount. */
  readonly lineTotal: Money;
  readonly weightGrams: number;
}

/** Why a coupon was not applied. */
export type CouponRejection =
  'not-started' | 'expired' | 'members-only' | 'not-issued' | 'usage-limit-reached' | 'customer-limit-reached' | 'min-spend-not-met' | 'no-eligible-items';

/** Shipping of a quote. */
export interface ShippingQuote {
  /** Null when no shipping region was given (the fee is then 0 and the total excludes shipping). */
  readonly region: string | null;
  readonly weightGrams: number;
  readonly fee: Money;
  readonly free: boolean;
}

/** A priced basket. */
export interface PricedBasket {
  readonly currency: string;
  readonly lines: readonly PricedLine[];
  /** Σ list price × quantity. */
  readonly subtotal: Money;
  readonly discounts: readonly AppliedDiscount[];
  readonly discountTotal: Money;
  /** subtotal − discountTotal = Σ line totals. */
  readonly goodsTotal: Money;
  readonly shipping: ShippingQuote;
  readonly shippingFee: Money;
  /** goodsTotal + shippingFee. */
  readonly total: Money;
  /** The coupon asked for: applied, or why not. */
  readonly coupon?: { readonly code: string; readonly applied: boolean; readonly reason?: CouponRejection };
}

/** A programming or configuration error in pricing input. */
export class PricingError extends Error {
  override readonly name = 'PricingError';
}

/** True when `window` is active at `now`. */
export function isActive(window: ActiveWindow, now: Date): boolean {
  const t = now.getTime();
  if (window.startsAt !== undefined && t < Date.parse(window.startsAt)) return false;
  if (window.endsAt !== undefined && t >= Date.parse(window.endsAt)) return false;
  return true;
}

const eligible = (categories: readonly string[] | undefined, category: string) => categories === undefined || categories.length === 0 || categories.includes(category);

/** The shipping fee for `weightGrams` to `region` (unknown regions pay the highest base rate's table). */
export function shippingFee(rates: ShippingRates, region: string, weightGrams: number, currency: string): Money {
  const rate = rates[region] ?? Object.values(rates).reduce<ShippingRate | undefined>((worst, r) => (!worst || r.base > worst.base ? r : worst), undefined);
  if (!rate) throw new PricingError('no shipping rates configured');
  const extraKg = Math.ceil(Math.max(0, weightGrams - rate.includedGrams) / 1000);
  return money(rate.base + rate.perKg * extraKg, currency);
}

/** Prices a basket by the stacking rule (see the module documentation). */
export function priceBasket(input: PricingInput): PricedBasket {
  const { currency } = input.settings;
  if (input.lines.length === 0) throw new PricingError('a basket needs at least one line');
  for (const line of input.lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) throw new PricingError(`quantity of ${line.product.sku} must be a positive integer`);
    if (line.product.price.currency !== currency) throw new PricingError(`price of ${line.product.sku} is not in ${currency}`);
    if (line.product.price.amount < 0) throw new PricingError(`price of ${line.product.sku} is negative`);
  }
  const subtotals = input.lines.map((l) => multiply(l.product.price, l.quantity));
  /** What is left of each line after the discounts so far. */
  const remaining = [...subtotals];
  const shares: Array<Array<{ id: string; amount: Money }>> = input.lines.map(() => []);
  const discounts: AppliedDiscount[] = [];

  const applyDiscount = (discount: Omit<AppliedDiscount, 'amount'>, total: Money, lineIndexes: readonly number[]) => {
    if (total.amount <= 0 || lineIndexes.length === 0) return;
    const weights = lineIndexes.map((i) => (remaining[i] as Money).amount);
    const parts = allocate(total, weights);
    lineIndexes.forEach((i, k) => {
      const part = parts[k] as Money;
      if (part.amount === 0) return;
      remaining[i] = subtract(remaining[i] as Money, part);
      shares[i]?.push({ id: discount.id, amount: part });
    });
    discounts.push({ ...discount, amount: total });
  };

  // 1. Item level: the group price on a group-buy order's SKU, else the lowest applicable flash price per line.
  const flashPrices: Array<Money | undefined> = input.lines.map(() => undefined);
  input.lines.forEach((line, i) => {
    const group = input.groupBuy ? groupPromotionFor(input.promotions, line.product, input.groupBuy.promotionId, input.now) : undefined;
    if (group) {
      flashPrices[i] = group.price;
      const saving = multiply(subtract(line.product.price, group.price), line.quantity);
      remaining[i] = subtract(remaining[i] as Money, saving);
      shares[i]?.push({ id: group.promotionId, amount: saving });
      discounts.push({ kind: 'group-price', id: group.promotionId, title: group.title, amount: saving });
      return;
    }
    const best = input.promotions
      .filter((p): p is FlashPricePromotion => p.kind === 'flash-price' && p.sku === line.product.sku && isActive(p, input.now) && (!p.membersOnly || input.member))
      .filter((p) => p.price.currency === currency && p.price.amount >= 0 && compare(p.price, line.product.price) < 0)
      .sort((a, b) => a.price.amount - b.price.amount || a.promotionId.localeCompare(b.promotionId))[0];
    if (!best) return;
    flashPrices[i] = best.price;
    const saving = multiply(subtract(line.product.price, best.price), line.quantity);
    // A flash saving belongs to exactly one line.
    remaining[i] = subtract(remaining[i] as Money, saving);
    shares[i]?.push({ id: best.promotionId, amount: saving });
    discounts.push({ kind: 'flash-price', id: best.promotionId, title: best.title, amount: saving });
  });

  // 2. Order level: the single best automatic promotion.
  const indexesOf = (categories: readonly string[] | undefined) => input.lines.map((l, i) => (eligible(categories, l.product.category) ? i : -1)).filter((i) => i >= 0);
  const baseOf = (indexes: readonly number[]) =>
    sum(
      indexes.map((i) => remaining[i] as Money),
      currency,
    );
  const candidates: Array<{ promotion: SpendThresholdPromotion | MemberDiscountPromotion; amount: Money; indexes: number[] }> = [];
  for (const p of input.promotions) {
    if (!isActive(p, input.now)) continue;
    if (p.kind === 'spend-threshold') {
      if (p.membersOnly && !input.member) continue;
      if (p.threshold.currency !== currency || p.amountOff.currency !== currency) continue;
      const indexes = indexesOf(p.categories);
      const base = baseOf(indexes);
      if (base.amount === 0 || compare(base, p.threshold) < 0) continue;
      candidates.push({ promotion: p, amount: min(p.amountOff, base), indexes });
    } else if (p.kind === 'member-discount') {
      if (!input.member) continue;
      if (p.tiers && p.tiers.length > 0 && (input.memberTier === undefined || !p.tiers.includes(input.memberTier))) continue;
      const indexes = indexesOf(p.categories);
      const base = baseOf(indexes);
      if (base.amount === 0) continue;
      let amount = percentage(base, p.percentBasisPoints);
      if (p.maxDiscount && p.maxDiscount.currency === currency) amount = min(amount, p.maxDiscount);
      candidates.push({ promotion: p, amount: min(amount, base), indexes });
    }
  }
  const bestAutomatic = candidates.sort((a, b) => b.amount.amount - a.amount.amount || a.promotion.promotionId.localeCompare(b.promotion.promotionId))[0];
  if (bestAutomatic && bestAutomatic.amount.amount > 0) {
    applyDiscount(
      { kind: bestAutomatic.promotion.kind, id: bestAutomatic.promotion.promotionId, title: bestAutomatic.promotion.title },
      bestAutomatic.amount,
      bestAutomatic.indexes,
    );
  }

  // 3. At most one coupon.
  let couponOutcome: PricedBasket['coupon'];
  if (input.coupon) {
    const { definition: c, usage } = input.coupon;
    const rejection = couponRejection(c, usage, input.member, input.now);
    const indexes = indexesOf(c.categories);
    const base = baseOf(indexes);
    if (rejection) couponOutcome = { code: c.code, applied: false, reason: rejection };
    else if (base.amount === 0) couponOutcome = { code: c.code, applied: false, reason: 'no-eligible-items' };
    else if (c.minSpend.currency !== currency || compare(base, c.minSpend) < 0) couponOutcome = { code: c.code, applied: false, reason: 'min-spend-not-met' };
    else {
      let amount: Money;
      if (c.kind === 'percentage') {
        amount = percentage(base, c.percentBasisPoints ?? 0);
        if (c.maxDiscount && c.maxDiscount.currency === currency) amount = min(amount, c.maxDiscount);
      } else {
        amount = c.amountOff && c.amountOff.currency === currency ? c.amountOff : zero(currency);
      }
      amount = min(amount, base);
      if (amount.amount > 0) applyDiscount({ kind: 'coupon', id: c.code, title: c.title }, amount, indexes);
      couponOutcome = { code: c.code, applied: true };
    }
  }

  const lines: PricedLine[] = input.lines.map((line, i) => {
    const lineSubtotal = subtotals[i] as Money;
    const lineTotal = remaining[i] as Money;
    if (isNegative(lineTotal)) throw new PricingError(`line ${line.product.sku} went below zero`);
    const flashPrice = flashPrices[i];
    return {
      sku: line.product.sku,
      name: line.product.name,
      category: line.product.category,
      quantity: line.quantity,
      unitPrice: line.product.price,
      ...(flashPrice ? { flashPrice } : {}),
      lineSubtotal,
      discounts: shares[i] ?? [],
      lineDiscount: subtract(lineSubtotal, lineTotal),
      lineTotal,
      weightGrams: line.product.weightGrams * line.quantity,
    };
  });
  const subtotal = sum(subtotals, currency);
  const goodsTotal = sum(remaining, currency);
  const discountTotal = subtract(subtotal, goodsTotal);
  const weightGrams = lines.reduce((s, l) => s + l.weightGrams, 0);
  let shipping: ShippingQuote;
  if (input.shippingRegion === undefined) {
    shipping = { region: null, weightGrams, fee: zero(currency), free: false };
  } else {
    const free = goodsTotal.amount >= input.settings.freeShippingThreshold;
    const fee = free ? zero(currency) : shippingFee(input.settings.shippingRates, input.shippingRegion, weightGrams, currency);
    shipping = { region: input.shippingRegion, weightGrams, fee, free };
  }
  return {
    currency,
    lines,
    subtotal,
    discounts,
    discountTotal,
    goodsTotal,
    shipping,
    shippingFee: shipping.fee,
    total: add(goodsTotal, shipping.fee),
    ...(couponOutcome ? { coupon: couponOutcome } : {}),
  };
}

/** The running group-buy promotion of `product` that undercuts its list price: `promotionId` if given, else the cheapest. */
export function groupPromotionFor(
  promotions: readonly Promotion[],
  product: Pick<PricedProduct, 'sku' | 'price'>,
  promotionId: string | undefined,
  now: Date,
): GroupBuyPromotion | undefined {
  return promotions
    .filter((p): p is GroupBuyPromotion => p.kind === 'group-buy' && p.sku === product.sku && (promotionId === undefined || p.promotionId === promotionId) && isActive(p, now))
    .filter((p) => p.price.currency === product.price.currency && compare(p.price, product.price) < 0)
    .sort((a, b) => a.price.amount - b.price.amount || a.promotionId.localeCompare(b.promotionId))[0];
}

/** Why `coupon` cannot be used now by this customer (ignoring the basket), or undefined. */
export function couponRejection(coupon: Coupon, usage: CouponUsage, member: boolean, now: Date): CouponRejection | undefined {
  if (now.getTime() < Date.parse(coupon.validFrom)) return 'not-started';
  if (now.getTime() >= Date.parse(coupon.validUntil)) return 'expired';
  if (coupon.membersOnly && !member) return 'members-only';
  if (coupon.issuedOnly && !usage.issued) return 'not-issued';
  if (usage.total >= coupon.totalLimit) return 'usage-limit-reached';
  if (usage.byCustomer >= coupon.perCustomerLimit) return 'customer-limit-reached';
  return undefined;
}

/** Human text for a coupon rejection (for problem details; no personal data). */
export const COUPON_REJECTION_TEXT: Readonly<Record<CouponRejection, string>> = {
  'not-started': 'The coupon is not valid yet.',
  expired: 'The coupon has expired.',
  'members-only': 'The coupon is for members only.',
  'not-issued': 'The coupon was not issued to you.',
  'usage-limit-reached': 'The coupon has been used up.',
  'customer-limit-reached': 'You have already used this coupon as often as allowed.',
  'min-spend-not-met': 'The basket does not reach the coupon’s minimum spend.',
  'no-eligible-items': 'No item in the basket is eligible for the coupon.',
};

/**
 * The pre-sale deposit (ORD-5): `basisPoints` of the total, rounded half-up to the fen, at least
 * one fen (for a non-zero total) and never more than the total. The balance is the rest.
 */
export function presaleDeposit(total: Money, basisPoints: number): { deposit: Money; balance: Money } {
  if (total.amount === 0) return { deposit: total, balance: total };
  let deposit = percentage(total, basisPoints);
  if (deposit.amount === 0) deposit = money(1, total.currency);
  deposit = min(deposit, total);
  return { deposit, balance: subtract(total, deposit) };
}
