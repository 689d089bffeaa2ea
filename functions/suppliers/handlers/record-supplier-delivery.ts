/** `POST /admin/suppliers/{supplierId}/deliveries` (ops; SUP-1): a delivery and its inspection, audited; may trigger review or termination. */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { recordSupplierDeliveryRoute } from '../routes.ts';
import { suppliersDeps, type SuppliersPorts } from '../runtime.ts';
import { recordDelivery } from '../suppliers.ts';

/** Builds the handler with the given ports. */
export function makeRecordSupplierDeliveryHandler(ports: SuppliersPorts = {}): HttpLambdaHandler {
  return idempotentHttpHandler(recordSupplierDeliveryRoute, async ({ path, body, principal, correlationId }) => ({
    statusCode: 201,
    body: await recordDelivery(suppliersDeps(ports), principal, path.supplierId, body, correlationId),
  }));
}

/** The Lambda handler. */
export const handler = makeRecordSupplierDeliveryHandler();
