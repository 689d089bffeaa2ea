/**
 * The provider of this container, chosen by `PAYMENT_PROVIDER` (the stage decides: sandbox in dev,
 * Stripe in prod), created on first use and cached: the adapter, its webhook verifier and — for the
 * sandbox — the sandbox itself (its worker needs it).
 */
import { ConfigError } from '../../../shared/config.ts';
import { systemClock } from '../../../shared/clock.ts';
import { newId } from '../../../shared/ids.ts';
import { paymentsSettings } from '../settings.ts';
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
  readonly verifier: WebhookVerifier;
  /** The sandbox (sandbox stages only). */
  readonly sandbox?: SandboxProvider;
}

let cached: Promise<ProviderWiring> | undefined;

async function build(): Promise<ProviderWiring> {
  const settings = paymentsSettings();
  if (settings.provider === 'stripe') {
    if (!settings.stripeSecretId) throw new ConfigError('STRIPE_SECRET_ID is not set: the Stripe provider needs it.');
    const secret = await readStripeSecret(settings.stripeSecretId);
    const stripe = await createStripeClient(secret.apiKey);
    return { provider: new StripeProvider(stripe, systemClock), verifier: stripeWebhookVerifier(stripe, secret.webhookSecret, settings.webhookToleranceSeconds) };
  }
  const { tableName, queueUrl, webhookSecret, behaviour } = settings.sandbox;
  if (!tableName) throw new ConfigError('PAYMENT_PROVIDER_SANDBOX_TABLE_NAME is not set: the sandbox provider needs it.');
  if (!queueUrl) throw new ConfigError('SANDBOX_PROVIDER_QUEUE_URL is not set: the sandbox provider needs it.');
  const sandbox = new SandboxProvider({ store: new DynamoDbSandboxStore(tableName), outbox: sqsSandboxOutbox(queueUrl), clock: systemClock, newId: () => newId(), settings: behaviour });
  return { provider: sandbox, sandbox, verifier: sandboxWebhookVerifier(webhookSecret, settings.webhookToleranceSeconds) };
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
