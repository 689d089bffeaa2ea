/**
 * Prices a requested basket on the server (ORD-1, ORD-3): reads the products and their stock from
 * catalog (stock-contract.ts), the promotions and the customer's coupon and membership, and runs
 * the pure pricing. Shared by `POST /quotes` and `POST /orders`; client prices are never read.
 */
import { setNewest } from '../../shared/cache.ts';
import { cachedWarehouses, type CatalogEntry, type WarehouseView } from '../catalog/stock-contract.ts';
import { priceBasket, type BasketLine, type PricedBasket, type PricingSettings, type Promotion } from './domain/pricing.ts';
import type { FieldIssue, RequestedItem } from './domain/order-request.ts';
import type { PricingContext, PromotionStore } from './promotions-repository.ts';
import { InvalidCheckoutRequestError } from './domain/checkout-errors.ts';

/** How current {@link CatalogPort.entries} must be. */
export interface EntriesOptions {
  readonly fresh?: boolean;
  readonly maxAgeMs?: number;
}

/** What checkout reads from catalog. */
export interface CatalogPort {
  /**
   * Products and their stock by SKU (unknown SKUs absent). `fresh` skips any cache (a re-plan after a
   * lost race); `maxAgeMs` takes from it only what was read within that (a refusal for want of stock).
   */
  entries(skus: readonly string[], options?: EntriesOptions): Promise<Map<string, CatalogEntry>>;
  /**
   * When any of `skus` is a split (hot) SKU this port remembers — a flash sale's order — how long it
   * remembers: the order's promotions may be as old. Undefined otherwise.
   */
  saleMaxAgeMs?(skus: readonly string[]): number | undefined;
  /** Every warehouse; `fresh` skips any cache (a SKU stocked in a warehouse the cached list does not know yet). */
  warehouses(options?: { readonly fresh?: boolean }): Promise<WarehouseView[]>;
}

/** A catalog port whose warehouse list is cached for `ttlMs` (warehouses change rarely). */
export function withCachedWarehouses(catalog: CatalogPort, ttlMs: number, now: () => number = Date.now): CatalogPort {
  return { entries: (skus, options) => catalog.entries(skus, options), warehouses: cachedWarehouses(catalog, ttlMs, now) };
}

/**
 * A catalog port that remembers, for `ttlMs`, the entries of SKUs whose stock is split into buckets
 * (a flash sale's hot SKUs); other SKUs are read every time. A hot SKU's product item and each of
 * its buckets is one partition, which takes about 3,000 strongly consistent reads a second: read by
 * every order, they would cap a sale there whatever the number of buckets. Remembered, a
 * container's orders read them once per `ttlMs` — plus the re-plans after a refused reservation,
 * which read `fresh`, and refusals for want of stock, decided on levels read within
 * {@link REFUSAL_MAX_AGE_MS} (place-order.ts; once sold out, about ten reads a second per
 * container). A stale level cannot oversell: every reservation is a write conditional on the units
 * being there. The price an order is priced with was read within `ttlMs` when placement started.
 */
export function withRememberedSplitStock(catalog: CatalogPort, ttlMs: number, now: () => number = Date.now, maxEntries = 1_000): CatalogPort {
  if (ttlMs <= 0) return catalog;
  const remembered = new Map<string, { entry: CatalogEntry; at: number }>();
  return {
    warehouses: (options) => catalog.warehouses(options),
    saleMaxAgeMs: (skus) => (skus.some((sku) => now() - (remembered.get(sku)?.at ?? -Infinity) < ttlMs) ? ttlMs : undefined),
    async entries(skus, options) {
      const at = now();
      const unique = [...new Set(skus)];
      const found = new Map<string, CatalogEntry>();
      const maxAge = Math.min(ttlMs, options?.maxAgeMs ?? ttlMs);
      const toRead = unique.filter((sku) => {
        const hit = options?.fresh ? undefined : remembered.get(sku);
        if (hit && at - hit.at >= 0 && at - hit.at < maxAge) found.set(sku, hit.entry);
        return !found.has(sku);
      });
      if (toRead.length > 0) {
        for (const [sku, entry] of await catalog.entries(toRead, options)) {
          found.set(sku, entry);
          if (holdsSplitStock(entry)) setNewest(remembered, sku, { entry, at }, maxEntries);
          else remembered.delete(sku);
        }
      }
      // In the order asked (planning reads the levels in this order).
      return new Map(unique.filter((sku) => found.has(sku)).map((sku) => [sku, found.get(sku) as CatalogEntry]));
    },
  };
}

/** Whether a SKU's stock is split into buckets somewhere (a flash sale's hot SKU). */
export const holdsSplitStock = (entry: CatalogEntry): boolean => entry.stock.some((level) => level.buckets !== undefined);

/** A split SKU refused for want of stock is refused on a level at most this old (read again if older): units a cancellation or the rebalancer just freed are offered at once, while a sold-out sale's refusals read each hot item about ten times a second per container. */
export const REFUSAL_MAX_AGE_MS = 100;

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
  const skus = input.items.map((i) => i.sku);
  // A flash sale's order takes the promotions the container read as recently as its hot SKU's stock:
  // the promotions index is one partition, read by every order otherwise.
  const saleMaxAgeMs = deps.catalog.saleMaxAgeMs?.(skus);
  const [entries, promotions, context] = await Promise.all([
    deps.catalog.entries(skus),
    deps.promotions.promotions(saleMaxAgeMs === undefined ? undefined : { maxAgeMs: saleMaxAgeMs }),
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
