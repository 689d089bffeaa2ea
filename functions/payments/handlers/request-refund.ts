/**
 * `POST /orders/{orderId}/refunds` (ops, cs-agent; Idempotency-Key) — PAY-2, RISK-7.
 * Env: `PAYMENTS_TABLE_NAME`, `EVENT_BUS_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`, the provider's settings.
 */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { requestRefund } from '../refunds.ts';
import { requestRefundRoute } from '../routes.ts';
import { providerFromEnv } from '../provider/from-env.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeRequestRefundHandler(ports: PaymentsPorts = {}): HttpLambdaHandler {
  const runtime = paymentsRuntime(ports, providerFromEnv);
  return idempotentHttpHandler(requestRefundRoute, async ({ path, body, principal, correlationId, idempotencyKey }) => {
    const result = await requestRefund(
      { ...(await runtime.providerDeps()), audit: runtime.audit(), ...runtime.refundPolicy() },
      { orderId: path.orderId, amount: body.amount, reason: body.reason, principal, idempotencyKey: idempotencyKey ?? '', correlationId },
    );
    return { statusCode: result.statusCode, body: result.refund };
  });
}

/** The Lambda handler. */
export const handler = makeRequestRefundHandler();
