/** `GET /admin/payments/{orderId}` (ops, cs-agent, analyst): payment, ledger, balances, refunds. Env: `PAYMENTS_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { getPaymentRoute } from '../routes.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';
import { getPaymentView } from '../views.ts';

/** Builds the handler with the given ports. */
export function makeGetOrderPaymentHandler(ports: PaymentsPorts = {}): HttpLambdaHandler {
  const runtime = paymentsRuntime(ports);
  return httpHandler(getPaymentRoute, async ({ path }) => ({ statusCode: 200, body: await getPaymentView(runtime.repo(), path.orderId) }));
}

/** The Lambda handler. */
export const handler = makeGetOrderPaymentHandler();
