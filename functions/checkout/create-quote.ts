/**
 * Use case: price a basket (`POST /quotes`, ORD-1/ORD-3) — every line, every discount, shipping
 * and the totals, by the same rules `POST /orders` applies. Writes nothing.
 */
import type { Clock } from '../../shared/clock.ts';
import type { Money } from '../../shared/money.ts';
import { addressIssues, basketIssues, shippingZone, type RequestedItem } from './domain/order-request.ts';
import { COUPON_REJECTION_TEXT, type AppliedDiscount, type CouponRejection, type PricedBasket } from './domain/pricing.ts';
import { priceRequestedBasket, type PriceDeps } from './price-basket.ts';
import type { CheckoutSettings } from './settings.ts';
import { InvalidCheckoutRequestError } from './domain/checkout-errors.ts';

/** `POST /quotes` body (API.md). The address is optional; only its region matters for pricing. */
export interface QuoteRequest {
  readonly items: readonly RequestedItem[];
  readonly couponCode?: string;
  readonly shippingAddress?: { readonly region?: string; readonly province?: string; readonly country?: string; readonly postalCode?: string; readonly phone?: string };
  /** `group-buy`: price the SKU at its running group price, as a group-buy order would be (ORD-5). */
  readonly orderType?: 'regular' | 'pre-sale' | 'group-buy';
}

/** A priced line as the API shows it. */
export interface QuoteLineView {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly flashPrice?: Money;
  readonly lineSubtotal: Money;
  readonly discounts: ReadonlyArray<{ readonly id: string; readonly amount: Money }>;
  readonly lineDiscount: Money;
  readonly lineTotal: Money;
  /** Enough available stock for this quantity right now (not a reservation). */
  readonly inStock: boolean;
}

/** The quote. */
export interface QuoteView {
  readonly currency: string;
  readonly lines: readonly QuoteLineView[];
  readonly subtotal: Money;
  readonly discounts: readonly AppliedDiscount[];
  readonly discountTotal: Money;
  readonly goodsTotal: Money;
  readonly shipping: PricedBasket['shipping'] & { readonly freeAbove: Money };
  readonly shippingFee: Money;
  readonly total: Money;
  readonly coupon?: { readonly code: string; readonly applied: boolean; readonly reason?: CouponRejection; readonly message?: string };
  readonly member: boolean;
  readonly pricedAt: string;
}

/** Ports and settings. */
export interface QuoteDeps extends PriceDeps {
  readonly clock: Clock;
  readonly settings: CheckoutSettings;
  /** Known shipping regions (catalog settings). */
  readonly regions: readonly string[];
}

/** Prices the basket. Bad input → 400 problems naming the fields. */
export async function createQuote(deps: QuoteDeps, customerId: string, request: QuoteRequest): Promise<QuoteView> {
  const issues = basketIssues(request.items, deps.settings);
  const address = request.shippingAddress;
  if (address) issues.push(...addressIssues(address, deps.regions));
  if (issues.length > 0) throw new InvalidCheckoutRequestError(issues);
  const region = address ? shippingZone(address) : undefined;
  const now = deps.clock.now();
  const { priced, entries, context } = await priceRequestedBasket(deps, {
    customerId,
    items: request.items,
    ...(request.couponCode !== undefined ? { couponCode: request.couponCode } : {}),
    ...(region !== undefined ? { shippingRegion: region } : {}),
    ...(request.orderType === 'group-buy' ? { groupBuy: {} } : {}),
    now,
    settings: deps.settings,
  });
  return {
    currency: priced.currency,
    lines: priced.lines.map((line) => {
      const available = (entries.get(line.sku)?.stock ?? []).reduce((s, level) => s + Math.max(0, level.available), 0);
      return {
        sku: line.sku,
        name: line.name,
        category: line.category,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        ...(line.flashPrice ? { flashPrice: line.flashPrice } : {}),
        lineSubtotal: line.lineSubtotal,
        discounts: line.discounts,
        lineDiscount: line.lineDiscount,
        lineTotal: line.lineTotal,
        inStock: available >= line.quantity,
      };
    }),
    subtotal: priced.subtotal,
    discounts: priced.discounts,
    discountTotal: priced.discountTotal,
    goodsTotal: priced.goodsTotal,
    shipping: { ...priced.shipping, freeAbove: { amount: deps.settings.freeShippingThreshold, currency: priced.currency } },
    shippingFee: priced.shippingFee,
    total: priced.total,
    ...(priced.coupon ? { coupon: { ...priced.coupon, ...(priced.coupon.reason ? { message: COUPON_REJECTION_TEXT[priced.coupon.reason] } : {}) } } : {}),
    member: context.member,
    pricedAt: now.toISOString(),
  };
}
