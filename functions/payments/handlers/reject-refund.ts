/**
 * `POST /orders/{orderId}/refunds/{refundId}/reject` (ops, cs-agent; Idempotency-Key) — RISK-7:
 * a second, different staff member rejects a large refund. Env: `PAYMENTS_TABLE_NAME`,
 * `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { ProviderUnavailableError, type PaymentProvider } from '../provider/port.ts';
import { rejectPendingRefund } from '../refunds.ts';
import { rejectRefundRoute } from '../routes.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** Rejecting never calls the provider. */
const noProvider: PaymentProvider = new Proxy({} as PaymentProvider, {
  get: (_target, property) => (property === 'name' ? 'none' : () => Promise.reject(new ProviderUnavailableError('rejecting a refund does not use the provider'))),
});

/** Builds the handler with the given ports. */
export function makeRejectRefundHandler(ports: PaymentsPorts = {}): HttpLambdaHandler {
  const runtime = paymentsRuntime(ports);
  return idempotentHttpHandler(rejectRefundRoute, async ({ path, body, principal, correlationId }) => {
    const refund = await rejectPendingRefund(
      { ...runtime.engine(), provider: noProvider, audit: runtime.audit(), ...runtime.refundPolicy() },
      { orderId: path.orderId, refundId: path.refundId, principal, note: body.note, correlationId },
    );
    return { statusCode: 200, body: refund };
  });
}

/** The Lambda handler. */
export const handler = makeRejectRefundHandler();
