/**
 * The Stripe client over fetch (functions/payments/provider/stripe/stripe-http-client.ts, issue 15)
 * against the official `stripe` package (a development dependency only): both make the same calls
 * against one local HTTP server standing in for api.stripe.com, and what each sent is compared —
 * method, path, query, form body, API version, authorization, idempotency key. Then what each makes
 * of Stripe's answers: results, errors (type, code, decline code, status, PaymentIntent), retries
 * (409, 5xx, `stripe-should-retry: false`), and webhook signatures made by the library's own signer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeForm, STRIPE_API_VERSION, stripeHttpClient } from '../../../functions/payments/provider/stripe/stripe-http-client.ts';
import type { StripeLike } from '../../../functions/payments/provider/stripe/stripe-like.ts';

interface Seen {
  method: string;
  url: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** What the server answers next: a queue per test (default 200 with `{}`-like objects). */
let answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }> = [];
let seen: Seen[] = [];
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      const answer = answers.shift() ?? { status: 200, body: { id: 'pi_1', object: 'payment_intent' } };
      res.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': 'req_123', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const official = (): StripeLike =>
  new Stripe('sk_test_123', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 2, timeout: 8_000, telemetry: false }) as unknown as StripeLike;
const ours = (): StripeLike => stripeHttpClient('sk_test_123', { baseUrl: `http://127.0.0.1:${port}`, maxNetworkRetries: 2, timeoutMs: 8_000, sleep: async () => {} });

/** The idempotency key sent: the caller's, "generated" (each client names its own), or "none". */
function keyOf(header: string | string[] | undefined): string {
  const key = Array.isArray(header) ? header.join(',') : header;
  if (key === undefined) return 'none';
  return /^(stripe-node|serverless-commerce)-retry-/.test(key) ? 'generated' : key;
}

/** The parts of a request both clients must agree on. */
function essentials(s: Seen) {
  return {
    method: s.method,
    path: decodeURIComponent(s.url.split('?')[0] ?? ''),
    // as sent, byte for byte (pair order aside)
    query: (s.url.split('?')[1] ?? '').split('&').sort(),
    form: s.body.split('&').sort(),
    version: s.headers['stripe-version'],
    authorization: s.headers.authorization,
    contentType: s.method === 'POST' ? s.headers['content-type'] : undefined,
    idempotencyKey: keyOf(s.headers['idempotency-key']),
  };
}

/** Runs `call` with each client and returns what each sent. */
async function sentBy(call: (client: StripeLike) => Promise<unknown>) {
  seen = [];
  await call(official());
  const theirs = seen.map(essentials);
  seen = [];
  await call(ours());
  return { theirs, ours: seen.map(essentials) };
}

describe('Stripe over fetch, request for request as stripe-node', () => {
  it('pins the same API version as the library', () => {
    expect(STRIPE_API_VERSION).toBe(Stripe.API_VERSION);
  });

  it('creates a manual-capture PaymentIntent with metadata, method types and expansions', async () => {
    const { theirs, ours: mine } = await sentBy((c) =>
      c.paymentIntents.create(
        {
          amount: 12_345,
          currency: 'cny',
          capture_method: 'manual',
          confirm: true,
          payment_method: 'pm_card_visa',
          payment_method_types: ['card', 'alipay'],
          metadata: { orderId: '01HX', note: "a & b = c (d)! it's*" },
          expand: ['latest_charge.balance_transaction'],
          return_url: 'https://shop.example.com/orders/01HX',
        },
        { idempotencyKey: 'authorize-01HX' },
      ),
    );
    expect(mine).toEqual(theirs);
    expect(mine[0]).toMatchObject({ method: 'POST', path: '/v1/payment_intents', idempotencyKey: 'authorize-01HX', version: Stripe.API_VERSION });
  });

  it('captures and cancels by id, refunds, and lists balance transactions with a created range', async () => {
    for (const call of [
      (c: StripeLike) => c.paymentIntents.capture('pi_1', { amount_to_capture: 500, expand: ['latest_charge'] }, { idempotencyKey: 'capture-1' }),
      (c: StripeLike) => c.paymentIntents.cancel('pi_1', {}, { idempotencyKey: 'cancel-1' }),
      (c: StripeLike) => c.refunds.create({ payment_intent: 'pi_1', amount: 250, metadata: { refundId: 'r1' } }, { idempotencyKey: 'refund-r1' }),
      (c: StripeLike) => c.refunds.create({ payment_intent: 'pi_1', amount: 250 }),
      (c: StripeLike) => c.balanceTransactions.list({ created: { gte: 1_796_000_000, lt: 1_796_086_400 }, limit: 100, starting_after: 'txn_9', expand: ['data.source'] }),
    ]) {
      answers = [
        { status: 200, body: { object: 'list', data: [], has_more: false } },
        { status: 200, body: { object: 'list', data: [], has_more: false } },
      ];
      const { theirs, ours: mine } = await sentBy(call);
      expect(mine).toEqual(theirs);
    }
  });

  it('encodes forms as the library does', () => {
    expect(encodeForm({ a: 1, b: { c: 'x y', d: [1, { e: true }] }, u: undefined, n: null, at: new Date(1_796_000_000_123) })).toBe(
      'a=1&b[c]=x%20y&b[d][0]=1&b[d][1][e]=true&n=&at=1796000000',
    );
  });
});

describe('Stripe over HTTP, answers as stripe-node makes of them', () => {
  const errorOf = async (client: StripeLike) => {
    try {
      await client.paymentIntents.create({ amount: 1, currency: 'cny' }, { idempotencyKey: 'k' });
    } catch (error) {
      const e = error as Record<string, unknown>;
      return { type: e.type, code: e.code, decline_code: e.decline_code, statusCode: e.statusCode, payment_intent: e.payment_intent, message: e.message };
    }
    return 'no error';
  };

  it('returns the parsed object', async () => {
    const pi = { id: 'pi_9', object: 'payment_intent', amount: 100, status: 'requires_capture', metadata: { orderId: 'o' } };
    answers = [{ status: 200, body: pi }];
    expect(await ours().paymentIntents.create({ amount: 100, currency: 'cny' })).toEqual(pi);
  });

  it.each([
    [
      402,
      {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
        payment_intent: { id: 'pi_x', status: 'requires_payment_method' },
      },
    ],
    [400, { type: 'invalid_request_error', code: 'parameter_missing', message: 'Missing required param: amount.' }],
    [400, { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters.' }],
    [401, { type: 'invalid_request_error', message: 'Invalid API Key provided.' }],
    [403, { type: 'invalid_request_error', message: 'The provided key does not have access.' }],
    [429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests.' }],
  ])('an HTTP %i is the same error', async (status, error) => {
    answers = [{ status, body: { error } }];
    const theirs = await errorOf(official());
    answers = [{ status, body: { error } }];
    const mine = await errorOf(ours());
    expect(mine).toEqual(theirs);
  });

  it('retries 409 and 5xx with the same idempotency key, and not when Stripe says not to', async () => {
    for (const client of [official, ours]) {
      seen = [];
      answers = [
        { status: 409, body: { error: { type: 'api_error', message: 'lock timeout' } } },
        { status: 500, body: { error: { type: 'api_error', message: 'oops' } } },
        { status: 200, body: { id: 'pi_ok', object: 'payment_intent' } },
      ];
      await expect(client().paymentIntents.create({ amount: 1, currency: 'cny' })).resolves.toMatchObject({ id: 'pi_ok' });
      expect(seen).toHaveLength(3);
      expect(new Set(seen.map((s) => s.headers['idempotency-key'])).size).toBe(1);

      seen = [];
      answers = [{ status: 500, body: { error: { type: 'api_error', message: 'no retry' } }, headers: { 'stripe-should-retry': 'false' } }];
      await expect(client().paymentIntents.create({ amount: 1, currency: 'cny' })).rejects.toMatchObject({ type: 'StripeAPIError', statusCode: 500 });
      expect(seen).toHaveLength(1);
    }
  }, 30_000);

  it('a connection failure is a StripeConnectionError after the retries', async () => {
    const unreachable = stripeHttpClient('sk_test_123', { baseUrl: 'http://127.0.0.1:1', maxNetworkRetries: 1, timeoutMs: 1_000, sleep: async () => {} });
    await expect(unreachable.paymentIntents.cancel('pi_1', {}, { idempotencyKey: 'c' })).rejects.toMatchObject({ type: 'StripeConnectionError' });
  });
});

describe('Stripe webhooks over fetch: verified as the library verifies them', () => {
  const secret = 'whsec_test_abcdefghijklmnop';
  const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', created: 1, data: { object: { id: 'pi_1' } } });
  const stripe = new Stripe('sk_test_123');

  it('accepts what the library signs, refuses a tampered body, another secret and an old timestamp', () => {
    const now = Math.floor(Date.now() / 1000);
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: now });
    expect(ours().webhooks.constructEvent(payload, header, secret, 300)).toEqual(JSON.parse(payload));
    expect(ours().webhooks.constructEvent(Buffer.from(payload), header, secret, 300).id).toBe('evt_1');
    for (const [body, key, at] of [
      [payload.replace('pi_1', 'pi_2'), secret, now],
      [payload, 'whsec_another_secret_123456', now],
      [payload, secret, now - 301],
    ] as const) {
      const signed = stripe.webhooks.generateTestHeaderString({ payload, secret: key, timestamp: at });
      expect(() => ours().webhooks.constructEvent(body, signed, secret, 300)).toThrow(expect.objectContaining({ type: 'StripeSignatureVerificationError' }));
      expect(() => stripe.webhooks.constructEvent(body, signed, secret, 300)).toThrow(expect.objectContaining({ type: 'StripeSignatureVerificationError' }));
    }
  });
});
