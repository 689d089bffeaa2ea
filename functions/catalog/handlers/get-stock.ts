/** `GET /admin/stock/{sku}` (ops) — stock per warehouse. Env: `CATALOG_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { catalogRepositoryFromEnv, type CatalogRepository } from '../catalog-repository.ts';
import { getStockRoute } from '../routes.ts';
import { getStock } from '../stock-admin.ts';

/** Builds the handler with the given ports. */
export function makeGetStockHandler(ports: { readonly catalog?: () => CatalogRepository } = {}): HttpLambdaHandler {
  let catalog: CatalogRepository | undefined;
  return httpHandler(getStockRoute, async ({ path }) => {
    catalog ??= (ports.catalog ?? catalogRepositoryFromEnv)();
    return { statusCode: 200, body: await getStock({ catalog }, path.sku) };
  });
}

/** The Lambda handler. */
export const handler = makeGetStockHandler();
