/** `GET /admin/suppliers/{supplierId}` (ops; SUP-1): one supplier with scorecard, tier and latest deliveries. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { getSupplierRoute } from '../routes.ts';
import { suppliersDeps, type SuppliersPorts } from '../runtime.ts';
import { getSupplier } from '../suppliers.ts';

/** Builds the handler with the given ports. */
export function makeGetSupplierHandler(ports: SuppliersPorts = {}): HttpLambdaHandler {
  return httpHandler(getSupplierRoute, async ({ path }) => ({ statusCode: 200, body: await getSupplier(suppliersDeps(ports), path.supplierId) }));
}

/** The Lambda handler. */
export const handler = makeGetSupplierHandler();
