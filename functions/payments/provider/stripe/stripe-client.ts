/**
 * Production wiring of the Stripe adapter: its client over Stripe's REST API (./stripe-http-client.ts,
 * which sends what the official `stripe` package sends for the same calls), created on first use
 * from the API key and webhook signing secret kept in AWS Secrets Manager (`STRIPE_SECRET_ID`, a
 * JSON secret `{ "apiKey": "sk_live_…", "webhookSecret": "whsec_…" }`, read with the kernel's cached
 * secret reader).
 */
import * as z from 'zod';
import { readJsonSecret } from '../../../../shared/secrets.ts';
import type { StripeLike } from './stripe-like.ts';
import { stripeHttpClient } from './stripe-http-client.ts';

const StripeSecretSchema = z.object({ apiKey: z.string().min(1), webhookSecret: z.string().min(1) });

/** The secret's content. */
export type StripeSecret = z.infer<typeof StripeSecretSchema>;

/** Reads the Stripe secret from Secrets Manager. */
export async function readStripeSecret(secretId: string): Promise<StripeSecret> {
  return readJsonSecret(secretId, StripeSecretSchema);
}

/** The client, as a {@link StripeLike}. Two network retries as stripe-node's; timeouts are short so an SQS retry takes over. */
export async function createStripeClient(apiKey: string): Promise<StripeLike> {
  return stripeHttpClient(apiKey, { maxNetworkRetries: 2, timeoutMs: 8_000, appInfo: { name: 'serverless-commerce' } });
}
