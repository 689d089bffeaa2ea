/**
 * Production wiring of the Stripe adapter: the real `stripe` client, created lazily on first use
 * from the API key and webhook signing secret kept in AWS Secrets Manager (`STRIPE_SECRET_ID`, a JSON
 * secret `{ "apiKey": "sk_live_…", "webhookSecret": "whsec_…" }`).
 *
 * NOTE for the lead: `stripe` and `@aws-sdk/client-secrets-manager` are not dependencies yet, so
 * both are loaded with a computed specifier (the adapter itself depends only on {@link StripeLike}
 * and compiles without them). Once they are added to package.json, replace the two dynamic imports
 * below with static imports (`import Stripe from 'stripe'`,
 * `import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager'`)
 * so esbuild bundles them.
 */
import type { StripeLike } from './stripe-like.ts';

/** The secret's content. */
export interface StripeSecret {
  readonly apiKey: string;
  readonly webhookSecret: string;
}

async function load<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ specifier)) as T;
}

/** Reads the Stripe secret from Secrets Manager. */
export async function readStripeSecret(secretId: string): Promise<StripeSecret> {
  const sm = await load<{ SecretsManagerClient: new (config: object) => { send(command: unknown): Promise<{ SecretString?: string }> }; GetSecretValueCommand: new (input: { SecretId: string }) => unknown }>(
    ['@aws-sdk', 'client-secrets-manager'].join('/'),
  );
  const { SecretString } = await new sm.SecretsManagerClient({}).send(new sm.GetSecretValueCommand({ SecretId: secretId }));
  const parsed = JSON.parse(SecretString ?? '{}') as Partial<StripeSecret>;
  if (typeof parsed.apiKey !== 'string' || typeof parsed.webhookSecret !== 'string') throw new Error(`secret ${secretId} must hold { apiKey, webhookSecret }`);
  return { apiKey: parsed.apiKey, webhookSecret: parsed.webhookSecret };
}

/** The official client, as a {@link StripeLike}. Network retries are the library's; timeouts are short so an SQS retry takes over. */
export async function createStripeClient(apiKey: string): Promise<StripeLike> {
  const mod = await load<{ default: new (key: string, config: object) => unknown }>(['str', 'ipe'].join(''));
  return new mod.default(apiKey, { maxNetworkRetries: 2, timeout: 8_000, appInfo: { name: 'serverless-commerce' } }) as StripeLike;
}
