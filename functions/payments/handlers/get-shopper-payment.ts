/**
 * `GET /orders/{orderId}/payment` (customer: own orders; ops, cs-agent): the payment's state and,
 * while a wallet payment waits, what the shopper must open or scan (PAY-1). Env: `PAYMENTS_TABLE_NAME`.
 */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { getShopperPaymentRoute } from '../shopper-payment-routes.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';
import { getShopperPaymentView } from '../views.ts';

/** Builds the handler with the given ports. */
export function makeGetShopperPaymentHandler(ports: PaymentsPorts = {}): HttpLambdaHandler {
  const runtime = paymentsRuntime(ports);
  return httpHandler(getShopperPaymentRoute, async ({ path, principal }) => ({
    statusCode: 200,
    body: await getShopperPaymentView(runtime.repo(), path.orderId, principal.isStaff ? {} : { customerId: principal.userId }),
  }));
}

/** The Lambda handler. */
export const handler = makeGetShopperPaymentHandler();
