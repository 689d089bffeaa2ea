/**
 * The product listing (catalog): pure types, schemas and rules. No I/O, no AWS.
 */
import * as z from '../../../shared/zod.ts';
import { lazily } from '../../../shared/lazily.ts';
import { MAX_UNIT_PRICE_MINOR } from '../../../shared/money.ts';
import { freeText } from '../../../shared/text.ts';

/** SKUs: 3–40 characters of A–Z, 0–9 and `-`. */
export const SKU_PATTERN = /^[A-Z0-9-]{3,40}$/;

/** A SKU. */
export const SkuSchema = /* @__PURE__ */ lazily(() => z.string().check(z.regex(SKU_PATTERN, 'Must be 3–40 characters of A–Z, 0–9 or -')));

/** A category slug, e.g. `fresh-food`, `electronics`. */
export const CategorySchema = /* @__PURE__ */ lazily(() =>
  z.string().check(z.minLength(2), z.maxLength(40), z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Must be a lower-case slug like fresh-food')),
);

/** How valuable an item is, for carrier choice and insurance (FUL-2). */
export const ValueClassSchema = /* @__PURE__ */ lazily(() => z.enum(['low', 'standard', 'high']));

/** Attributes the fulfillment rules read (FUL-2: fresh food and electronics → premium carrier). */
export const ProductAttributesSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    fresh: z.optional(z.boolean()),
    electronics: z.optional(z.boolean()),
    /** AFT-1: false = excluded from the 7-day no-reason return (custom-made, digital, opened personal-hygiene items); absent = returnable. */
    returnable: z.optional(z.boolean()),
    weightGrams: z.number().check(z.int(), z.positive(), z.lte(1_000_000)),
    valueClass: ValueClassSchema(),
  }),
);

/**
 * A price: integer minor units (fen) and an ISO 4217 currency (ORD-2). At most the kernel's
 * {@link MAX_UNIT_PRICE_MINOR}, so the largest basket of it still prices exactly (SEC-5: a price
 * above it is a 400, never a 500 when a basket is priced).
 */
export const PriceSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    amount: z.number().check(z.int(), z.positive(), z.lte(MAX_UNIT_PRICE_MINOR, `Must be at most ${MAX_UNIT_PRICE_MINOR} minor units`)),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'Must be an ISO 4217 code like CNY')),
  }),
);

/** What staff send to create or update a product (`PUT /admin/products/{sku}`). */
export const ProductInputSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    name: freeText(200),
    category: CategorySchema(),
    price: PriceSchema(),
    attributes: ProductAttributesSchema(),
  }),
);

/**
 * A price as stored: read leniently (any safe integer), so a listing saved before the
 * {@link MAX_UNIT_PRICE_MINOR} bound still reads; every write goes through {@link PriceSchema}.
 */
const StoredPriceSchema = /* @__PURE__ */ lazily(() => z.extend(PriceSchema(), { amount: z.number().check(z.int(), z.positive(), z.lte(Number.MAX_SAFE_INTEGER)) }));

/** A stored product listing. */
export const ProductSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    sku: SkuSchema(),
    ...ProductInputSchema().shape,
    price: StoredPriceSchema(),
    updatedAt: z.iso.datetime(),
    /** The staff user id that made the last change. */
    updatedBy: z.string().check(z.minLength(1), z.maxLength(128)),
  }),
);

/** The public view of a product (`GET /products`): no staff ids, plus available stock. */
export const ProductViewSchema = /* @__PURE__ */ lazily(() =>
  z.extend(z.omit(ProductSchema(), { updatedBy: true }), {
    availableStock: z.number().check(z.int(), z.nonnegative(), z.describe('Sum over warehouses of on-hand minus reserved')),
  }),
);

/** Product attributes. */
export type ProductAttributes = z.infer<ReturnType<typeof ProductAttributesSchema>>;
/** A price. */
export type Price = z.infer<ReturnType<typeof PriceSchema>>;
/** Input of a create/update. */
export type ProductInput = z.infer<ReturnType<typeof ProductInputSchema>>;
/** A stored product. */
export type Product = z.infer<ReturnType<typeof ProductSchema>>;
/** The public view of a product. */
export type ProductView = z.infer<ReturnType<typeof ProductViewSchema>>;

/** Stock of one SKU in one warehouse. */
export interface StockLevel {
  readonly warehouseId: string;
  readonly onHand: number;
  readonly reserved: number;
  /** A hot SKU's stock split into this many buckets for a sale (their units are in the figures above). */
  readonly buckets?: number;
  /** Its buckets are being merged back into the counter after the sale. */
  readonly draining?: boolean;
}

/** Units that can still be sold: Σ max(0, onHand − reserved) over warehouses. */
export function availableStock(levels: readonly StockLevel[]): number {
  return levels.reduce((sum, level) => sum + Math.max(0, level.onHand - level.reserved), 0);
}

/** The public view of a product with its stock. */
export function toProductView(product: Product, stock: readonly StockLevel[]): ProductView {
  const { updatedBy: _updatedBy, ...rest } = product;
  return { ...rest, availableStock: availableStock(stock) };
}

/** True when two inputs describe the same listing (so a PUT would change nothing). */
export function sameListing(a: ProductInput, b: ProductInput): boolean {
  return (
    a.name === b.name &&
    a.category === b.category &&
    a.price.amount === b.price.amount &&
    a.price.currency === b.price.currency &&
    Boolean(a.attributes.fresh) === Boolean(b.attributes.fresh) &&
    Boolean(a.attributes.electronics) === Boolean(b.attributes.electronics) &&
    (a.attributes.returnable !== false) === (b.attributes.returnable !== false) &&
    a.attributes.weightGrams === b.attributes.weightGrams &&
    a.attributes.valueClass === b.attributes.valueClass
  );
}

/** The listing part of a product. */
export function listingOf(product: Product): ProductInput {
  return { name: product.name, category: product.category, price: product.price, attributes: product.attributes };
}

/** A product as it will be stored after `changedBy` set `input` at `at`. */
export function applyProductInput(sku: string, input: ProductInput, changedBy: string, at: Date): Product {
  return { sku, ...input, updatedAt: at.toISOString(), updatedBy: changedBy };
}
