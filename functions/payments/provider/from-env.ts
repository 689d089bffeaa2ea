/**
 * The provider of this container, chosen by `PAYMENT_PROVIDER` (the stage decides: sandbox in dev,
 * Stripe in prod), created on first use and cached: the adapter, its webhook verifier and — for the
 * sandbox — the sandbox itself (its worker needs it).
 *
 * Webhook signing secrets come from Secrets Manager in every deployed stage (Stripe:
 * `STRIPE_SECRET_ID`; the sandbox, i.e. a deployed dev stage: `SANDBOX_WEBHOOK_SECRET_ID`, both
 * `commerce/<stage>/stripe`); the sandbox's built-in secret only in the local cloud and the tests
 * (the kernel's `stageSecret`). The sandbox's secret is read only by the functions that sign or
 * verify its webhooks ({@link ProviderWiring.webhookVerifier}, {@link sandboxWebhookSecret}), so
 * only they are granted it.
 */
import * as z from '../../../shared/zod.ts';
import { lazily } from '../../../shared/lazily.ts';
import { ConfigError } from '../../../shared/config.ts';
import { systemClock } from '../../../shared/clock.ts';
import { newId } from '../../../shared/ids.ts';
import { stageSecret, type StageSecretOptions } from '../../../shared/secrets.ts';
import { paymentsSettings, type PaymentsSettings } from '../settings.ts';
import type { PaymentProvider, WebhookVerifier } from './port.ts';
import { sqsSandboxOutbox } from './sandbox/sandbox-outbox.ts';
import { SandboxProvider } from './sandbox/sandbox-provider.ts';
import { DynamoDbSandboxStore } from './sandbox/sandbox-store.ts';
import { sandboxWebhookVerifier } from './sandbox/sandbox-webhook.ts';
import { createStripeClient, readStripeSecret } from './stripe/stripe-client.ts';
import { StripeProvider, stripeWebhookVerifier } from './stripe/stripe-provider.ts';

/** A provider and how to verify its webhooks. */
export interface ProviderWiring {
  readonly provider: PaymentProvider;
  /** The verifier of the provider's webhooks (resolved on first use: it may read the signing secret). */
  readonly webhookVerifier: () => Promise<WebhookVerifier>;
  /** The sandbox (sandbox stages only). */
  readonly sandbox?: SandboxProvider;
}

/** The secret of a deployed sandbox stage: only the webhook signing secret is used (an `apiKey` is ignored). */
const SandboxSecretSchema = /* @__PURE__ */ lazily(() => z.object({ webhookSecret: z.string().check(z.minLength(16), z.maxLength(256)) }));

/**
 * The sandbox's webhook signing secret (signs in its worker, verifies in the webhook function):
 * Secrets Manager `SANDBOX_WEBHOOK_SECRET_ID` in a deployed stage; the built-in one (or
 * `SANDBOX_WEBHOOK_SECRET`) only in the local cloud and tests; a ConfigError otherwise.
 */
export async function sandboxWebhookSecret(settings: Pick<PaymentsSettings, 'sandbox'> = paymentsSettings(), options?: StageSecretOptions): Promise<string> {
  const secret = await stageSecret(
    {
      what: 'the sandbox payment provider’s webhook signing secret',
      idVariable: 'SANDBOX_WEBHOOK_SECRET_ID',
      secretId: settings.sandbox.webhookSecretId,
      schema: SandboxSecretSchema(),
      local: () => ({ webhookSecret: settings.sandbox.localWebhookSecret }),
    },
    options,
  );
  return secret.webhookSecret;
}

let cached: Promise<ProviderWiring> | undefined;

async function build(): Promise<ProviderWiring> {
  const settings = paymentsSettings();
  if (settings.provider === 'stripe') {
    if (!settings.stripeSecretId) throw new ConfigError('STRIPE_SECRET_ID is not set: the Stripe provider needs it.');
    const secret = await readStripeSecret(settings.stripeSecretId);
    const stripe = await createStripeClient(secret.apiKey);
    const verifier = stripeWebhookVerifier(stripe, secret.webhookSecret, settings.webhookToleranceSeconds);
    return { provider: new StripeProvider(stripe, systemClock, settings.returnUrl), webhookVerifier: async () => verifier };
  }
  const { tableName, queueUrl, behaviour } = settings.sandbox;
  if (!tableName) throw new ConfigError('PAYMENT_PROVIDER_SANDBOX_TABLE_NAME is not set: the sandbox provider needs it.');
  if (!queueUrl) throw new ConfigError('SANDBOX_PROVIDER_QUEUE_URL is not set: the sandbox provider needs it.');
  const sandbox = new SandboxProvider({
    store: new DynamoDbSandboxStore(tableName),
    outbox: sqsSandboxOutbox(queueUrl),
    clock: systemClock,
    newId: () => newId(),
    settings: behaviour,
  });
  return { provider: sandbox, sandbox, webhookVerifier: async () => sandboxWebhookVerifier(await sandboxWebhookSecret(settings), settings.webhookToleranceSeconds) };
}

/** The container's provider wiring (created on first use; a failed setup is retried next time). */
export function providerFromEnv(): Promise<ProviderWiring> {
  if (!cached) {
    cached = build();
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}
