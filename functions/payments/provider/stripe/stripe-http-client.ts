/**
 * The Stripe adapter's client: the few calls of {@link StripeLike} over Stripe's REST API with
 * `node:https` (shared/http-client.ts: not `fetch`, whose first call costs a cold start ≈ 50 ms), in place of the `stripe` package (issue 15: 247 KB and ≈ 50 ms of every cold start of the
 * functions that call Stripe, for five endpoints and a signature check).
 *
 * It sends what stripe-node sends for the same calls — form-encoded bodies in the library's own
 * bracket notation (`metadata[orderId]=…`, `expand[0]=latest_charge`), the pinned API version
 * ({@link STRIPE_API_VERSION}, stripe-node 23's), an `Idempotency-Key` on every POST (the caller's, or
 * a generated one so that retries never charge twice) — and retries as the library does: connection
 * failures, 409 and 5xx (unless Stripe answers `stripe-should-retry: false`), `maxNetworkRetries`
 * times with exponential backoff from 0.5 s to 5 s. Errors carry stripe-node's fields and `type`
 * (StripeCardError, StripeInvalidRequestError, …). tests/unit/payments/stripe-http-client.test.ts
 * drives it and the official library against the same local server and compares what each sent.
 *
 * Webhooks are verified by the documented scheme (HMAC-SHA256 over `t.body`, any `v1`, within the
 * tolerance), the same check as the sandbox's (../../domain/webhook-signature.ts).
 */
import crypto from 'node:crypto';
import { nodeHttpSend, type HttpAnswer } from '../../../../shared/http-client.ts';
import { backoffDelay, sleep } from '../../../../shared/retry.ts';
import { verifySignature } from '../../domain/webhook-signature.ts';
import type { StripeBalanceTransactionLike, StripeEventLike, StripeLike, StripeListLike, StripePaymentIntentLike, StripeRefundLike, StripeRequestOptions } from './stripe-like.ts';

/** The API version requests are pinned to (stripe-node 23.1's `ApiVersion`; a unit test keeps them equal). */
export const STRIPE_API_VERSION = '2026-10-28.endive';

export interface StripeHttpOptions {
  /** Retries of a failed request (connection error, 409, 5xx). stripe-node's default is 2. */
  readonly maxNetworkRetries?: number;
  /** Per attempt, in ms. */
  readonly timeoutMs?: number;
  /** `https://api.stripe.com` unless a test points elsewhere. */
  readonly baseUrl?: string;
  /** Appended to the User-Agent (`name/version`). */
  readonly appInfo?: { readonly name: string; readonly version?: string };
  /** Waits between retries (tests: no wait). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Encodes a value as stripe-node does: `encodeURIComponent`, plus `!*()'`, brackets left readable. */
function encodeValue(value: string): string {
  return encodeURIComponent(value)
    .replace(/!/g, '%21')
    .replace(/\*/g, '%2A')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/'/g, '%27')
    .replace(/%5B/g, '[')
    .replace(/%5D/g, ']');
}

/** stripe-node's form encoding: nested objects as `a[b]`, arrays as `a[0]`, dates as epoch seconds, `undefined` left out. */
export function encodeForm(data: Record<string, unknown>): string {
  const pairs: string[] = [];
  const encode = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (value === null || typeof value !== 'object' || value instanceof Date) {
      const text = value instanceof Date ? String(Math.floor(value.getTime() / 1000)) : value === null ? '' : String(value);
      pairs.push(`${encodeValue(key)}=${encodeValue(text)}`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => encode(`${key}[${i}]`, item));
      return;
    }
    for (const [k, v] of Object.entries(value)) encode(`${key}[${k}]`, v);
  };
  for (const [key, value] of Object.entries(data)) encode(key, value);
  return pairs.join('&');
}

/** An error as stripe-node raises it: `type` is the class name; Stripe's own fields alongside. */
export class StripeHttpError extends Error {
  readonly type: string;
  readonly rawType?: string;
  readonly code?: string;
  readonly decline_code?: string;
  readonly statusCode?: number;
  readonly requestId?: string;
  readonly payment_intent?: { readonly id?: string; readonly status?: string } | null;

  constructor(
    type: string,
    raw: { message?: string; type?: string; code?: string; decline_code?: string; payment_intent?: { id?: string; status?: string } | null },
    statusCode?: number,
    requestId?: string,
  ) {
    super(raw.message ?? type);
    this.name = type;
    this.type = type;
    this.rawType = raw.type;
    this.code = raw.code;
    this.decline_code = raw.decline_code;
    this.statusCode = statusCode;
    this.requestId = requestId;
    this.payment_intent = raw.payment_intent;
  }
}

/** stripe-node's `generateV1Error`: the class of an API error from its status and body. */
export function errorTypeOf(statusCode: number, raw: { type?: string; code?: string }): string {
  if (statusCode === 429 || (statusCode === 400 && raw.code === 'rate_limit')) return 'StripeRateLimitError';
  if (statusCode === 400 || statusCode === 404) return raw.type === 'idempotency_error' ? 'StripeIdempotencyError' : 'StripeInvalidRequestError';
  if (statusCode === 401) return 'StripeAuthenticationError';
  if (statusCode === 402) return 'StripeCardError';
  if (statusCode === 403) return 'StripePermissionError';
  return 'StripeAPIError';
}

const RETRY_BACKOFF = { baseMs: 500, maxMs: 5_000, jitter: false } as const;

/** stripe-node's wait after failed attempt `attempt` (0-based): 0.5 s doubling to 5 s, jittered down to half, never under 0.5 s (`random` in [0, 1)). */
const retryWaitMs = (attempt: number, random: number): number => Math.max(RETRY_BACKOFF.baseMs, backoffDelay(attempt + 1, RETRY_BACKOFF) * (0.5 * (1 + random)));

/** The longest the waits between `retries` retries can add up to. */
export function stripeRetryWaitsMaxMs(retries: number): number {
  let total = 0;
  for (let attempt = 0; attempt < retries; attempt++) total += retryWaitMs(attempt, 1);
  return total;
}

/** A {@link StripeLike} over `node:https` (shared/http-client.ts). */
export function stripeHttpClient(apiKey: string, options: StripeHttpOptions = {}): StripeLike {
  const baseUrl = options.baseUrl ?? 'https://api.stripe.com';
  const maxRetries = options.maxNetworkRetries ?? 2;
  const timeoutMs = options.timeoutMs ?? 80_000;
  const pause = options.sleep ?? sleep;
  const wait = (attempt: number) => pause(retryWaitMs(attempt, Math.random()));
  const userAgent = `Stripe/v1 serverless-commerce${options.appInfo ? ` ${options.appInfo.name}${options.appInfo.version ? `/${options.appInfo.version}` : ''}` : ''}`;

  async function request<T>(method: 'GET' | 'POST', path: string, params: Record<string, unknown> = {}, requestOptions: StripeRequestOptions = {}): Promise<T> {
    const form = encodeForm(params);
    const url = `${baseUrl}/v1/${path}${method === 'GET' && form ? `?${form}` : ''}`;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${apiKey}`,
      'Stripe-Version': STRIPE_API_VERSION,
      'User-Agent': userAgent,
    };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      // every POST carries a key, so a retry after a lost response can never act twice
      headers['Idempotency-Key'] = requestOptions.idempotencyKey ?? `serverless-commerce-retry-${crypto.randomUUID()}`;
    }
    for (let attempt = 0; ; attempt++) {
      let response: HttpAnswer;
      try {
        // the body is read inside: a connection lost halfway through the answer is a connection error too
        const body = method === 'POST' ? form : undefined;
        response = await nodeHttpSend(new URL(url), {
          method,
          headers: body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
          body,
          timeoutMs,
        });
      } catch (error) {
        if (attempt < maxRetries) {
          await wait(attempt);
          continue;
        }
        throw new StripeHttpError('StripeConnectionError', { message: `An error occurred with our connection to Stripe: ${(error as Error).message}` });
      }
      const text = response.body;
      const requestId = response.headers['request-id'];
      if (response.status >= 200 && response.status < 300) {
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new StripeHttpError('StripeAPIError', { message: `Invalid JSON received from the Stripe API (status ${response.status})` }, response.status, requestId);
        }
      }
      const shouldRetry = response.headers['stripe-should-retry'];
      const retryable = shouldRetry === 'true' || (shouldRetry !== 'false' && (response.status === 409 || response.status >= 500));
      if (retryable && attempt < maxRetries) {
        await wait(attempt);
        continue;
      }
      let raw: { message?: string; type?: string; code?: string; decline_code?: string; payment_intent?: { id?: string; status?: string } | null } = {};
      try {
        raw = (JSON.parse(text) as { error?: typeof raw }).error ?? {};
      } catch {
        raw = { message: `Invalid JSON received from the Stripe API (status ${response.status})` };
      }
      throw new StripeHttpError(errorTypeOf(response.status, raw), raw, response.status, requestId);
    }
  }

  const id = (value: string) => encodeURIComponent(value);
  return {
    paymentIntents: {
      create: (params, opts) => request<StripePaymentIntentLike>('POST', 'payment_intents', params, opts),
      capture: (pi, params, opts) => request<StripePaymentIntentLike>('POST', `payment_intents/${id(pi)}/capture`, params, opts),
      cancel: (pi, params, opts) => request<StripePaymentIntentLike>('POST', `payment_intents/${id(pi)}/cancel`, params, opts),
    },
    refunds: {
      create: (params, opts) => request<StripeRefundLike>('POST', 'refunds', params, opts),
    },
    balanceTransactions: {
      list: (params) => request<StripeListLike<StripeBalanceTransactionLike>>('GET', 'balance_transactions', params),
    },
    webhooks: {
      constructEvent(payload, header, secret, tolerance = 300): StripeEventLike {
        const body = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
        const checked = verifySignature({ header, body, secret, nowSeconds: Math.floor(Date.now() / 1000), toleranceSeconds: tolerance });
        if (!checked.ok) throw new StripeHttpError('StripeSignatureVerificationError', { message: `Webhook signature verification failed: ${checked.problem}` });
        return JSON.parse(body) as StripeEventLike;
      },
    },
  };
}
