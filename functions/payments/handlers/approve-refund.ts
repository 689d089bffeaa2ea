/**
 * `POST /orders/{orderId}/refunds/{refundId}/approve` (ops, cs-agent; Idempotency-Key) — RISK-7:
 * a second, different staff member approves a large refund, which is then executed.
 * Env: `PAYMENTS_TABLE_NAME`, `EVENT_BUS_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`, the provider's settings.
 */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { approvePendingRefund } from '../refunds.ts';
import { approveRefundRoute } from '../routes.ts';
import { providerFromEnv } from '../provider/from-env.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeApproveRefundHandler(ports: PaymentsPorts = {}): HttpLambdaHandler {
  const runtime = paymentsRuntime(ports, providerFromEnv);
  return idempotentHttpHandler(approveRefundRoute, async ({ path, principal, correlationId }) => {
    const result = await approvePendingRefund(
      { ...(await runtime.providerDeps()), audit: runtime.audit(), ...runtime.refundPolicy() },
      { orderId: path.orderId, refundId: path.refundId, principal, correlationId },
    );
    return { statusCode: result.statusCode, body: result.refund };
  });
}

/** The Lambda handler. */
export const handler = makeApproveRefundHandler();
