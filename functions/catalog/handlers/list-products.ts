/** `GET /products` — browse the catalog. Env: `CATALOG_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { catalogRepositoryFromEnv, type CatalogRepository } from '../catalog-repository.ts';
import { listProducts } from '../list-products.ts';
import { listProductsRoute } from '../routes.ts';

let catalog: CatalogRepository | undefined;

/** The Lambda handler. */
export const handler = httpHandler(listProductsRoute, async ({ query }) => {
  catalog ??= catalogRepositoryFromEnv();
  return { statusCode: 200, body: await listProducts({ catalog }, query) };
});
