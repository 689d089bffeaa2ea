/**
 * Prices a requested basket on the server (ORD-1, ORD-3): reads the products and their stock from
 * catalog (stock-contract.ts), the promotions and the customer's coupon and membership, and runs
 * the pure pricing. Shared by `POST /quotes` and `POST /orders`; client prices are never read.
 */
import { cachedWarehouses, type CatalogEntry, type WarehouseView } from '../catalog/stock-contract.ts';
import { priceBasket, type BasketLine, type PricedBasket, type PricingSettings, type Promotion } from './domain/pricing.ts';
import type { FieldIssue, RequestedItem } from './domain/order-request.ts';
import type { PricingContext, PromotionStore } from './promotions-repository.ts';
import { InvalidCheckoutRequestError } from './domain/checkout-errors.ts';

/** What checkout reads from catalog. */
export interface CatalogPort {
  entries(skus: readonly string[]): Promise<Map<string, CatalogEntry>>;
  /** Every warehouse; `fresh` skips any cache (a SKU stocked in a warehouse the cached list does not know yet). */
  warehouses(options?: { readonly fresh?: boolean }): Promise<WarehouseView[]>;
}

/** A catalog port whose warehouse list is cached for `ttlMs` (warehouses change rarely). */
export function withCachedWarehouses(catalog: CatalogPort, ttlMs: number, now: () => number = Date.now): CatalogPort {
  return { entries: (skus) => catalog.entries(skus), warehouses: cachedWarehouses(catalog, ttlMs, now) };
}

/** Ports of {@link priceRequestedBasket}. */
export interface PriceDeps {
  readonly catalog: CatalogPort;
  readonly promotions: PromotionStore;
}

/** The result: the priced basket and what was read to price it. */
export interface PricedRequest {
  readonly priced: PricedBasket;
  readonly entries: Map<string, CatalogEntry>;
  readonly context: PricingContext;
  /** The promotions priced with (placement reads flash sales' own per-customer caps from them). */
  readonly promotions: readonly Promotion[];
}

/**
 * Prices `items`. Unknown SKUs and an unknown coupon code are 400 problems naming the fields
 * (`body.items[i].sku`, `body.couponCode`).
 */
export async function priceRequestedBasket(
  deps: PriceDeps,
  input: {
    customerId: string;
    items: readonly RequestedItem[];
    couponCode?: string;
    shippingRegion?: string;
    groupBuy?: { promotionId?: string };
    now: Date;
    settings: PricingSettings;
  },
): Promise<PricedRequest> {
  const [entries, promotions, context] = await Promise.all([
    deps.catalog.entries(input.items.map((i) => i.sku)),
    deps.promotions.promotions(),
    deps.promotions.pricingContext(input.customerId, input.couponCode),
  ]);
  const errors: FieldIssue[] = [];
  input.items.forEach((item, i) => {
    if (!entries.has(item.sku)) errors.push({ path: `body.items[${i}].sku`, message: 'Unknown SKU' });
  });
  if (input.couponCode !== undefined && context.coupon === null) errors.push({ path: 'body.couponCode', message: 'Unknown coupon' });
  if (errors.length > 0) throw new InvalidCheckoutRequestError(errors);
  const lines: BasketLine[] = input.items.map((item) => {
    const { product } = entries.get(item.sku) as CatalogEntry;
    return {
      product: { sku: product.sku, name: product.name, category: product.category, price: product.price, weightGrams: product.attributes.weightGrams },
      quantity: item.quantity,
    };
  });
  const priced = priceBasket({
    lines,
    promotions,
    ...(context.coupon ? { coupon: context.coupon } : {}),
    member: context.member,
    ...(context.memberTier ? { memberTier: context.memberTier } : {}),
    ...(input.groupBuy ? { groupBuy: input.groupBuy } : {}),
    ...(input.shippingRegion !== undefined ? { shippingRegion: input.shippingRegion } : {}),
    now: input.now,
    settings: input.settings,
  });
  return { priced, entries, context, promotions };
}
