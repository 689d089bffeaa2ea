/**
 * Production wiring of the Stripe adapter: the official `stripe` client, created lazily on first
 * use from the API key and webhook signing secret kept in AWS Secrets Manager (`STRIPE_SECRET_ID`,
 * a JSON secret `{ "apiKey": "sk_live_…", "webhookSecret": "whsec_…" }`, read with the kernel's
 * cached secret reader). `stripe` is imported dynamically so sandbox stages never evaluate it.
 */
import * as z from 'zod';
import { readJsonSecret } from '../../../../shared/secrets.ts';
import type { StripeLike } from './stripe-like.ts';

const StripeSecretSchema = z.object({ apiKey: z.string().min(1), webhookSecret: z.string().min(1) });

/** The secret's content. */
export type StripeSecret = z.infer<typeof StripeSecretSchema>;

/** Reads the Stripe secret from Secrets Manager. */
export async function readStripeSecret(secretId: string): Promise<StripeSecret> {
  return readJsonSecret(secretId, StripeSecretSchema);
}

/** The official client, as a {@link StripeLike}. Network retries are the library's; timeouts are short so an SQS retry takes over. */
export async function createStripeClient(apiKey: string): Promise<StripeLike> {
  const { default: Stripe } = await import('stripe');
  return new Stripe(apiKey, { maxNetworkRetries: 2, timeout: 8_000, appInfo: { name: 'serverless-commerce' } }) as unknown as StripeLike;
}
