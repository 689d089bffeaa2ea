/**
 * The catalog's HTTP contracts: validation schemas and OpenAPI in one place.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { defineRoute } from '../../shared/http/route.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';
import { freeText } from '../../shared/text.ts';
import { CategorySchema, ProductInputSchema, ProductSchema, ProductViewSchema, SkuSchema } from './domain/product.ts';
import { MAX_STOCK_SHARDS } from './domain/stock-shards.ts';

const SkuPath = /* @__PURE__ */ lazily(() => z.object({ sku: SkuSchema() }));

// Named components in the OpenAPI document (copies with an id; validation uses the originals).
const ProductDoc = /* @__PURE__ */ lazily(() => ProductSchema().clone().register(z.globalRegistry, { id: 'Product' }));
const ProductViewDoc = /* @__PURE__ */ lazily(() => ProductViewSchema().clone().register(z.globalRegistry, { id: 'ProductView' }));
/** `PUT /admin/products/{sku}` body: the listing, and optionally why (recorded in the audit trail). */
export const PutProductBodySchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    ...ProductInputSchema().shape,
    reason: z.optional(freeText(200)).check(z.describe('Why the listing changes (audit trail)')),
  }),
);
const ProductInputDoc = /* @__PURE__ */ lazily(() => PutProductBodySchema().clone().register(z.globalRegistry, { id: 'ProductInput' }));

/** `PUT /admin/stock/{sku}/{warehouseId}` body: the counted quantity (FUL-4) or the buckets of a hot SKU, and why. */
export const PutStockBodySchema = /* @__PURE__ */ lazily(() =>
  z
    .strictObject({
      onHand: z.optional(z.number().check(z.int(), z.gte(0), z.lte(1_000_000_000))).check(z.describe('The counted quantity on hand (a cycle count)')),
      buckets: z
        .optional(z.number().check(z.int(), z.gte(1), z.lte(MAX_STOCK_SHARDS)))
        .check(
          z.describe(
            'Split the available stock into this many buckets for a sale (a hot SKU: reservations spread over them); 1 merges the buckets back into one counter after the sale',
          ),
        ),
      reason: freeText(200).check(z.describe('Why (cycle count, damage, flash sale, …): recorded with the adjustment and in the audit trail')),
    })
    .check(
      z.refine((body) => (body.onHand === undefined) !== (body.buckets === undefined), {
        message: 'Give either onHand (a count) or buckets (a split, or 1 to merge back), not both',
      }),
    )
    .register(z.globalRegistry, { id: 'StockCount' }),
);

const StockLevelDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    warehouseId: z.string(),
    onHand: z.number().check(z.int()),
    reserved: z.number().check(z.int()),
    available: z.number().check(z.int()),
    buckets: z.optional(z.number().check(z.int())).check(z.describe('Split into this many buckets for a sale')),
    draining: z
      .optional(z.boolean())
      .check(z.describe('Being merged back after the sale: new reservations take from the counter; the buckets left hold only what orders reserved in them')),
  }),
);
const StockDoc = /* @__PURE__ */ lazily(() => z.object({ sku: z.string(), items: z.array(StockLevelDoc()) }).register(z.globalRegistry, { id: 'Stock' }));

/** `GET /products?limit&cursor&category` — public. */
export const listProductsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listProducts',
  method: 'get',
  pathTemplate: '/products',
  summary: 'List products (paginated), optionally of one category',
  tags: ['catalog'],
  auth: 'public',
  query: () => z.extend(paginationQuerySchema(), { category: z.optional(CategorySchema()) }),
  responses: { 200: { description: 'A page of products', schema: () => pageSchema(ProductViewDoc()) } },
});

/** `GET /products/{sku}` — public. */
export const getProductRoute = /* @__PURE__ */ defineRoute({
  operation: 'getProduct',
  method: 'get',
  pathTemplate: '/products/{sku}',
  summary: 'Get a product with its available stock',
  tags: ['catalog'],
  auth: 'public',
  path: SkuPath,
  responses: { 200: { description: 'The product', schema: ProductViewDoc } },
  problems: [404],
});

/** `PUT /admin/products/{sku}` — ops. Idempotent by nature (no Idempotency-Key). */
export const putProductRoute = /* @__PURE__ */ defineRoute({
  operation: 'putProduct',
  method: 'put',
  pathTemplate: '/admin/products/{sku}',
  summary: 'Create or update a product',
  description: 'Creates the product (201) or replaces its listing (200). Sending the same listing again changes nothing. Publishes ProductChanged.',
  tags: ['catalog', 'admin'],
  auth: { roles: ['ops'] },
  path: SkuPath,
  body: ProductInputDoc,
  responses: {
    200: { description: 'Updated (or unchanged)', schema: ProductDoc },
    201: { description: 'Created', schema: ProductDoc },
  },
  problems: [409],
});

const WarehouseId = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Z0-9-]{2,40}$/, 'Must be a warehouse id like WH-EAST')));

/** `GET /admin/stock/{sku}` — ops: the SKU's stock in every warehouse. */
export const getStockRoute = /* @__PURE__ */ defineRoute({
  operation: 'getStock',
  method: 'get',
  pathTemplate: '/admin/stock/{sku}',
  summary: 'Stock of a SKU per warehouse: on hand, reserved, available',
  tags: ['catalog', 'admin'],
  auth: { roles: ['ops'] },
  path: SkuPath,
  responses: { 200: { description: 'Per warehouse', schema: StockDoc } },
  problems: [404],
});

/** `PUT /admin/stock/{sku}/{warehouseId}` — ops: a cycle count (FUL-4), or a split stock's buckets. */
export const putStockRoute = /* @__PURE__ */ defineRoute({
  operation: 'putStock',
  method: 'put',
  pathTemplate: '/admin/stock/{sku}/{warehouseId}',
  summary: 'Set the counted quantity on hand (cycle count), split the stock into buckets for a sale, or merge them back',
  description:
    "With onHand: records an adjustment (who, when, why, difference), audits it and publishes StockAdjusted; counting the current quantity again changes nothing; a count below the reserved quantity, or of stock split into buckets, is a 409. With buckets 2–64: moves the available units into that many buckets (a hot SKU: each bucket takes its own share of a flash sale's reservations), audited; the same number again changes nothing, another number is a 409 (merge first). With buckets 1: after the sale, merges the buckets back into the warehouse's one counter, audited: every bucket's available units move to the counter and the buckets go (200), and the stock can be counted again. Buckets where orders still hold reservations (unpaid orders, pre-sales awaiting their balance, group buys) stay until those are picked or released: the answer is then 202 with draining true, new reservations take from the counter, and the scheduled rebalancer finishes the merge. A stock that is not split is unchanged; a warehouse without stock of the SKU is a 409.",
  tags: ['catalog', 'admin'],
  auth: { roles: ['ops'] },
  path: () => z.object({ sku: SkuSchema(), warehouseId: WarehouseId() }),
  body: PutStockBodySchema,
  responses: {
    200: { description: 'The stock level after the change', schema: StockLevelDoc },
    202: { description: 'Merging back: buckets still hold units orders reserved in them (draining)', schema: StockLevelDoc },
  },
  problems: [404, 409],
});

/** Every catalog route, for the OpenAPI document. */
const WarehouseDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      warehouseId: z.string(),
      name: z.string(),
      city: z.string(),
      region: z.string(),
      active: z.boolean(),
      updatedBy: z.optional(z.string()),
      updatedAt: z.optional(z.string()),
    })
    .register(z.globalRegistry, { id: 'Warehouse' }),
);

/** `PUT /admin/warehouses/{warehouseId}` — ops. Idempotent by nature. */
export const putWarehouseRoute = /* @__PURE__ */ defineRoute({
  operation: 'putWarehouse',
  method: 'put',
  pathTemplate: '/admin/warehouses/{warehouseId}',
  summary: 'Create or replace a warehouse (FUL-1)',
  description:
    'Creates (201) or replaces (200) a warehouse: name, city, the shipping region it serves, and whether new orders may reserve from it. Switching one off keeps its stock and lets orders already reserved there ship. Audited with the reason.',
  tags: ['catalog', 'admin'],
  auth: { roles: ['ops'] },
  path: () => z.object({ warehouseId: WarehouseId() }),
  body: () =>
    z.strictObject({
      name: freeText(100).check(z.minLength(1)),
      city: freeText(100).check(z.minLength(1)),
      region: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/), z.describe('One of the store’s shipping regions (catalog settings), e.g. east')),
      active: z._default(z.boolean(), true),
      reason: freeText(500).check(z.minLength(3), z.describe('Why (audit trail)')),
    }),
  responses: { 200: { description: 'Replaced (or unchanged)', schema: WarehouseDoc }, 201: { description: 'Created', schema: WarehouseDoc } },
});

/** `GET /admin/warehouses` — ops. */
export const listWarehousesRoute = /* @__PURE__ */ defineRoute({
  operation: 'listWarehouses',
  method: 'get',
  pathTemplate: '/admin/warehouses',
  summary: 'Every warehouse, active or not, by id (paginated)',
  tags: ['catalog', 'admin'],
  auth: { roles: ['ops'] },
  query: paginationQuerySchema,
  responses: { 200: { description: 'A page of warehouses', schema: () => pageSchema(WarehouseDoc()) } },
});

export const catalogRoutes = [listProductsRoute, getProductRoute, putProductRoute, getStockRoute, putStockRoute, putWarehouseRoute, listWarehousesRoute] as const;
