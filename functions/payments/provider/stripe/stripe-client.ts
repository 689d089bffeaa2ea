/**
 * Production wiring of the Stripe adapter: its client over Stripe's REST API (./stripe-http-client.ts,
 * which sends what the official `stripe` package sends for the same calls), created on first use
 * from the API key and webhook signing secret kept in AWS Secrets Manager (`STRIPE_SECRET_ID`, a
 * JSON secret `{ "apiKey": "sk_live_…", "webhookSecret": "whsec_…" }`, read with the kernel's cached
 * secret reader).
 */
import * as z from '../../../../shared/zod.ts';
import { lazily } from '../../../../shared/lazily.ts';
import { readJsonSecret } from '../../../../shared/secrets.ts';
import type { StripeLike } from './stripe-like.ts';
import { stripeHttpClient, stripeRetryWaitsMaxMs } from './stripe-http-client.ts';

const StripeSecretSchema = /* @__PURE__ */ lazily(() => z.object({ apiKey: z.string().check(z.minLength(1)), webhookSecret: z.string().check(z.minLength(1)) }));

/** The secret's content. */
export type StripeSecret = z.infer<ReturnType<typeof StripeSecretSchema>>;

/** Reads the Stripe secret from Secrets Manager. */
export async function readStripeSecret(secretId: string): Promise<StripeSecret> {
  return readJsonSecret(secretId, StripeSecretSchema());
}

/** How the functions call Stripe: two network retries as stripe-node's, each attempt given up after 5 s. */
export const STRIPE_CALLS = { maxNetworkRetries: 2, timeoutMs: 5_000 } as const;

/**
 * The longest one Stripe call can take with {@link STRIPE_CALLS}: every attempt timing out, plus the
 * client's longest waits between them (stripe-http-client.ts: 0.5 s, then 1 s) — 16.5 s. A function
 * calling Stripe must run longer than this (infra/capabilities/payments.ts; checked by the infra
 * tests), so a slow Stripe ends in a clean retryable error rather than a Lambda timeout mid-retry.
 */
export const STRIPE_WORST_CASE_MS = (STRIPE_CALLS.maxNetworkRetries + 1) * STRIPE_CALLS.timeoutMs + stripeRetryWaitsMaxMs(STRIPE_CALLS.maxNetworkRetries);

/** What a payments consumer keeps in hand before starting another record: one worst-case call and 2 s for its reads and writes. */
export const PROVIDER_CALL_BUDGET_MS = STRIPE_WORST_CASE_MS + 2_000;

/** The client, as a {@link StripeLike} ({@link STRIPE_CALLS}). */
export async function createStripeClient(apiKey: string): Promise<StripeLike> {
  return stripeHttpClient(apiKey, { ...STRIPE_CALLS, appInfo: { name: 'serverless-commerce' } });
}
