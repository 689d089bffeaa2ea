/**
 * `POST /webhooks/payments` (public: the provider calls it; the signature is checked) — PAY-2.
 * A body over 64 KB → 413 before anything else (the route's `maxBodyBytes`). The raw body is
 * verified before anything is parsed. Bad signature, a replay older than the tolerance, or a
 * malformed body → 400 (a bad signature is reported as such whatever the body); a duplicate → 200
 * `duplicate: true`; an amount or currency the payment does not expect → 202 `held` (nothing
 * applied, a problem order raised); the provider or a concurrent write not ready → 503 with
 * `retry-after` (the provider redelivers).
 * Env: `PAYMENTS_TABLE_NAME`, `EVENT_BUS_NAME`, the provider's settings.
 */
import { ProblemError } from '../../../shared/errors.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { RetryLaterError } from '../engine.ts';
import { PaymentWriteConflict } from '../payments-repository.ts';
import { ProviderUnavailableError, WebhookVerificationError } from '../provider/port.ts';
import { receivePaymentWebhookRoute } from '../webhook-route.ts';
import { providerFromEnv } from '../provider/from-env.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';
import { receiveWebhook } from '../webhook.ts';

const TITLES: Record<WebhookVerificationError['problem'], string> = {
  'missing-signature': 'The signature header is missing.',
  'malformed-signature': 'The signature header is malformed.',
  'signature-mismatch': 'The signature does not match the body.',
  'timestamp-outside-tolerance': 'The signature timestamp is outside the replay window.',
  'malformed-body': 'The body is not a notification of the configured provider.',
};

/** Builds the handler with the given ports. */
export function makeReceivePaymentWebhookHandler(ports: PaymentsPorts = {}): HttpLambdaHandler {
  const runtime = paymentsRuntime(ports, providerFromEnv);
  return httpHandler(receivePaymentWebhookRoute, async ({ event, correlationId }) => {
    const raw = typeof event.body === 'string' ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
    const wiring = await runtime.wiring();
    try {
      const answer = await receiveWebhook({ ...(await runtime.providerDeps()), verifier: await wiring.webhookVerifier() }, raw, event.headers ?? {}, correlationId);
      // Held (amount or currency not what the payment expects): accepted, not applied — a 2xx, so the provider stops resending it.
      return { statusCode: answer.outcome === 'held' ? 202 : 200, body: answer };
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw new ProblemError(`webhook-${error.problem}`, 'Invalid webhook', 400, { detail: TITLES[error.problem] });
      if (error instanceof ProviderUnavailableError || error instanceof RetryLaterError || error instanceof PaymentWriteConflict) {
        throw new ProblemError('webhook-retry-later', 'Retry later', 503, {
          detail: 'The notification could not be applied yet; send it again later.',
          headers: { 'retry-after': '30' },
          cause: error,
        });
      }
      throw error;
    }
  });
}

/** The Lambda handler. */
export const handler = makeReceivePaymentWebhookHandler();
