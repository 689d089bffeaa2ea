/** `PUT /admin/suppliers/{supplierId}` (ops; SUP-1): creates or replaces a supplier, audited (SEC-4). */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { putSupplierRoute } from '../routes.ts';
import { suppliersDeps, type SuppliersPorts } from '../runtime.ts';
import { putSupplier } from '../suppliers.ts';

/** Builds the handler with the given ports. */
export function makePutSupplierHandler(ports: SuppliersPorts = {}): HttpLambdaHandler {
  return idempotentHttpHandler(putSupplierRoute, async ({ path, body, principal, correlationId }) => {
    const { created, supplier } = await putSupplier(suppliersDeps(ports), principal, path.supplierId, body, correlationId);
    return { statusCode: created ? 201 : 200, body: supplier };
  });
}

/** The Lambda handler. */
export const handler = makePutSupplierHandler();
