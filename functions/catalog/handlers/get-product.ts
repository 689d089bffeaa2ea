/** `GET /products/{sku}` — one product; 404 problem for an unknown SKU. Env: `CATALOG_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { catalogRepositoryFromEnv, type CatalogRepository } from '../catalog-repository.ts';
import { getProduct } from '../get-product.ts';
import { getProductRoute } from '../routes.ts';

let catalog: CatalogRepository | undefined;

/** The Lambda handler. */
export const handler = httpHandler(getProductRoute, async ({ path }) => {
  catalog ??= catalogRepositoryFromEnv();
  return { statusCode: 200, body: await getProduct({ catalog }, path.sku) };
});
