/**
 * `GET /payment-methods` — public (PAY-1): the methods the configured provider takes, with their
 * limits. Env: `PAYMENT_PROVIDER` (and any overridden `PAYMENT_*` limit settings). No I/O.
 */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { offeredMethods, type ProviderName } from '../domain/payment-methods.ts';
import type { PaymentLimits } from '../domain/limits.ts';
import { listPaymentMethodsRoute } from '../routes.ts';
import { paymentsSettings } from '../settings.ts';

/** Builds the handler (tests pass the provider and limits). */
export function makeListPaymentMethodsHandler(config: () => { provider: ProviderName; limits: PaymentLimits } = paymentsSettings): HttpLambdaHandler {
  return httpHandler(listPaymentMethodsRoute, async () => {
    const { provider, limits } = config();
    return { statusCode: 200, body: { provider, items: offeredMethods(provider, limits) }, headers: { 'cache-control': 'public, max-age=60' } };
  });
}

/** The Lambda handler. */
export const handler = makeListPaymentMethodsHandler();
