/**
 * The catalog's HTTP contracts: validation schemas and OpenAPI in one place.
 */
import { z } from 'zod';
import { defineRoute } from '../../shared/http/route.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';
import { CategorySchema, ProductInputSchema, ProductSchema, ProductViewSchema, SkuSchema } from './domain/product.ts';

const SkuPath = z.object({ sku: SkuSchema });

// Named components in the OpenAPI document (copies with an id; validation uses the originals).
const ProductDoc = ProductSchema.meta({ id: 'Product' });
const ProductViewDoc = ProductViewSchema.meta({ id: 'ProductView' });
const ProductInputDoc = ProductInputSchema.meta({ id: 'ProductInput' });

/** `GET /products?limit&cursor&category` — public. */
export const listProductsRoute = defineRoute({
  operation: 'listProducts',
  method: 'get',
  pathTemplate: '/products',
  summary: 'List products (paginated), optionally of one category',
  tags: ['catalog'],
  auth: 'public',
  query: paginationQuerySchema().extend({ category: CategorySchema.optional() }),
  responses: { 200: { description: 'A page of products', schema: pageSchema(ProductViewDoc) } },
});

/** `GET /products/{sku}` — public. */
export const getProductRoute = defineRoute({
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
export const putProductRoute = defineRoute({
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

/** Every catalog route, for the OpenAPI document. */
export const catalogRoutes = [listProductsRoute, getProductRoute, putProductRoute] as const;
