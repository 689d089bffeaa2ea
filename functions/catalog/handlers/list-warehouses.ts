/** `GET /admin/warehouses` (ops) — every warehouse, active or not, a page at a time (`limit`, `cursor`). Env: `CATALOG_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { catalogRepositoryFromEnv, type CatalogRepository } from '../catalog-repository.ts';
import { listWarehouses } from '../manage-warehouses.ts';
import { listWarehousesRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListWarehousesHandler(ports: { readonly catalog?: () => CatalogRepository } = {}): HttpLambdaHandler {
  return httpHandler(listWarehousesRoute, async ({ query }) => ({
    statusCode: 200,
    body: await listWarehouses({ catalog: (ports.catalog ?? catalogRepositoryFromEnv)() }, query),
  }));
}

/** The Lambda handler. */
export const handler = makeListWarehousesHandler();
