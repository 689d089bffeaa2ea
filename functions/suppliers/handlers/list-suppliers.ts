/** `GET /admin/suppliers` (ops; SUP-1): suppliers with licences, scorecard and tier. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { listSuppliersRoute } from '../routes.ts';
import { suppliersDeps, type SuppliersPorts } from '../runtime.ts';
import { listSuppliers } from '../suppliers.ts';

/** Builds the handler with the given ports. */
export function makeListSuppliersHandler(ports: SuppliersPorts = {}): HttpLambdaHandler {
  return httpHandler(listSuppliersRoute, async ({ query }) => ({
    statusCode: 200,
    body: await listSuppliers(suppliersDeps(ports), { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}), ...(query.status ? { status: query.status } : {}) }),
  }));
}

/** The Lambda handler. */
export const handler = makeListSuppliersHandler();
