/** `GET /admin/warehouses` (ops) — every warehouse, active or not. Env: `CATALOG_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { catalogRepositoryFromEnv, type CatalogRepository } from '../catalog-repository.ts';
import { listWarehouses } from '../manage-warehouses.ts';
import { listWarehousesRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListWarehousesHandler(ports: { readonly catalog?: () => CatalogRepository } = {}): HttpLambdaHandler {
  return httpHandler(listWarehousesRoute, async () => ({ statusCode: 200, body: { items: await listWarehouses({ catalog: (ports.catalog ?? catalogRepositoryFromEnv)() }) } }));
}

/** The Lambda handler. */
export const handler = makeListWarehousesHandler();
