/**
 * The Stripe adapter (PAY-1, PAY-2, PAY-3) against recorded Stripe responses (tests/fixtures/stripe)
 * and a fake `StripeLike` client: PaymentIntents with manual capture, cancel, refunds, balance
 * transactions as the settlement report, error mapping, and webhook verification delegated to the
 * library's `webhooks.constructEvent` (the fake implements Stripe's documented scheme locally, only
 * to stand in for the library). No test touches the network.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../shared/clock.ts';
import { ProviderRequestError, ProviderUnavailableError, WebhookVerificationError } from '../../../functions/payments/provider/port.ts';
import type { StripeEventLike, StripeLike } from '../../../functions/payments/provider/stripe/stripe-like.ts';
import {
  STRIPE_SIGNATURE_HEADER,
  StripeProvider,
  stripeNotification,
  stripeWebhookVerifier,
  toSettlementLine,
} from '../../../functions/payments/provider/stripe/stripe-provider.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/stripe');
const fixture = <T = Record<string, unknown>>(name: string): T => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as T;

/** An error as stripe-node throws it for an API error body (`type` from the error's type). */
function stripeError(body: { error: Record<string, unknown> }, statusCode: number) {
  const raw = body.error;
  const type =
    raw.type === 'card_error'
      ? 'StripeCardError'
      : raw.type === 'invalid_request_error'
        ? 'StripeInvalidRequestError'
        : raw.type === 'idempotency_error'
          ? 'StripeIdempotencyError'
          : 'StripeAPIError';
  return Object.assign(new Error(String(raw.message)), { type, statusCode, raw, code: raw.code, decline_code: raw.decline_code, payment_intent: raw.payment_intent });
}

const WEBHOOK_SECRET = 'whsec_test_fixture_secret_0123456789';

/** Stands in for stripe-node's `webhooks.constructEvent` (Webhooks.js): same scheme, same error messages. */
function fakeConstructEvent(payload: string | Buffer, header: string, secret: string, tolerance = 300, now = () => Date.now()): StripeEventLike {
  const text = payload.toString();
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const v1 = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '');
  if (!Number.isFinite(t) || v1.length === 0)
    throw Object.assign(new Error('Unable to extract timestamp and signatures from header'), { type: 'StripeSignatureVerificationError' });
  const expected = crypto.createHmac('sha256', secret).update(`${t}.${text}`, 'utf8').digest('hex');
  if (!v1.some((s) => s.length === expected.length && crypto.timingSafeEqual(Buffer.from(s), Buffer.from(expected)))) {
    throw Object.assign(new Error('No signatures found matching the expected signature for payload. Are you passing the raw request body you received from Stripe?'), {
      type: 'StripeSignatureVerificationError',
    });
  }
  if (tolerance > 0 && Math.floor(now() / 1000) - t > tolerance)
    throw Object.assign(new Error('Timestamp outside the tolerance zone'), { type: 'StripeSignatureVerificationError' });
  return JSON.parse(text) as StripeEventLike;
}

type Call = { method: string; args: unknown[] };

function fakeStripe(answers: Partial<Record<'create' | 'capture' | 'cancel' | 'refund' | 'list', () => unknown>>, now = () => Date.now()) {
  const calls: Call[] = [];
  const answer = (method: keyof typeof answers, args: unknown[]) => {
    calls.push({ method, args });
    const fn = answers[method];
    if (!fn) throw new Error(`unexpected call ${method}`);
    return Promise.resolve().then(fn) as Promise<never>;
  };
  const client: StripeLike = {
    paymentIntents: { create: (...args) => answer('create', args), capture: (...args) => answer('capture', args), cancel: (...args) => answer('cancel', args) },
    refunds: { create: (...args) => answer('refund', args) },
    balanceTransactions: { list: (...args) => answer('list', args) },
    webhooks: {
      constructEvent: (payload, header, secret, tolerance) => {
        calls.push({ method: 'constructEvent', args: [payload, header, secret, tolerance] });
        return fakeConstructEvent(payload, header, secret, tolerance, now);
      },
    },
  };
  return { client, calls };
}

const clock = manualClock('2026-11-23T08:00:00.000Z');
const request = {
  idempotencyKey: 'authorize-01JD7ZKB11V8Q4N6M5R9T0W1YE',
  orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
  paymentId: '01JD7ZKB11V8Q4N6M5R9T0W1YE',
  method: 'card' as const,
  amount: 23040,
  currency: 'CNY',
  token: 'tok_visa',
};

describe('Stripe adapter: PaymentIntents with manual capture', () => {
  it('authorises with capture_method manual, confirm, the token, metadata and the idempotency key', async () => {
    const { client, calls } = fakeStripe({ create: () => fixture('payment_intent.requires_capture') });
    const outcome = await new StripeProvider(client, clock).authorize(request);
    expect(outcome).toEqual({
      status: 'authorized',
      providerPaymentId: 'pi_3QKx2mLkdIwHu7ix0r7a9XbQ',
      amount: 23040,
      expiresAt: new Date(1796025603 * 1000).toISOString(),
      at: new Date(1795420803 * 1000).toISOString(),
    });
    expect(calls).toHaveLength(1);
    const [params, options] = calls[0]!.args as [Record<string, unknown>, Record<string, unknown>];
    expect(params).toMatchObject({
      amount: 23040,
      currency: 'cny',
      capture_method: 'manual',
      confirm: true,
      payment_method_data: { type: 'card', card: { token: 'tok_visa' } },
      metadata: { orderId: request.orderId, paymentId: request.paymentId },
    });
    expect(options).toEqual({ idempotencyKey: request.idempotencyKey });
  });

  it('a PaymentMethod id (pm_…) is passed as payment_method', async () => {
    const { client, calls } = fakeStripe({ create: () => fixture('payment_intent.requires_capture') });
    await new StripeProvider(client, clock).authorize({ ...request, token: 'pm_card_visa' });
    expect((calls[0]!.args[0] as Record<string, unknown>).payment_method).toBe('pm_card_visa');
  });

  it('a card error is a decline (insufficient funds from decline_code), not an exception', async () => {
    const { client } = fakeStripe({
      create: () => {
        throw stripeError(fixture('error.card_declined_insufficient_funds'), 402);
      },
    });
    expect(await new StripeProvider(client, clock).authorize(request)).toMatchObject({
      status: 'declined',
      reason: 'insufficient_funds',
      providerPaymentId: 'pi_3QKx3nLkdIwHu7ix1Dcl1nEd',
    });
  });

  it('an unknown token is declined as unknown_token; bank transfer is not supported by this adapter yet', async () => {
    const { client } = fakeStripe({
      create: () => {
        throw stripeError({ error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such token' } }, 400);
      },
    });
    const provider = new StripeProvider(client, clock);
    expect(await provider.authorize(request)).toMatchObject({ status: 'declined', reason: 'unknown_token' });
    expect(await provider.authorize({ ...request, method: 'bank_transfer', token: undefined })).toMatchObject({ status: 'declined', reason: 'provider_error' });
  });

  it('connection errors, 5xx and rate limits are ProviderUnavailableError (retry with the same key); idempotency errors are a bug', async () => {
    const errors = [
      Object.assign(new Error('socket hang up'), { type: 'StripeConnectionError' }),
      Object.assign(new Error('boom'), { type: 'StripeAPIError', statusCode: 500 }),
      Object.assign(new Error('slow down'), { type: 'StripeRateLimitError', statusCode: 429 }),
      new Error('ECONNRESET'),
    ];
    for (const error of errors) {
      const { client } = fakeStripe({
        create: () => {
          throw error;
        },
      });
      await expect(new StripeProvider(client, clock).authorize(request)).rejects.toBeInstanceOf(ProviderUnavailableError);
    }
    const { client } = fakeStripe({
      create: () => {
        throw stripeError({ error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters' } }, 400);
      },
    });
    await expect(new StripeProvider(client, clock).authorize(request)).rejects.toBeInstanceOf(ProviderRequestError);
  });

  it('captures with amount_to_capture, expands the balance transaction for the fee, keyed', async () => {
    const { client, calls } = fakeStripe({ capture: () => fixture('payment_intent.captured') });
    const outcome = await new StripeProvider(client, clock).capture({
      idempotencyKey: 'capture-01JD7ZKB11V8Q4N6M5R9T0W1YE',
      providerPaymentId: 'pi_3QKx2mLkdIwHu7ix0r7a9XbQ',
      amount: 23040,
      currency: 'CNY',
    });
    expect(outcome).toEqual({
      status: 'captured',
      capture: { captureId: 'ch_3QKx2mLkdIwHu7ix0Jq8h2dF', amount: 23040, fee: 698, at: new Date(1795507200 * 1000).toISOString(), final: true },
    });
    expect(calls[0]!.args).toEqual([
      'pi_3QKx2mLkdIwHu7ix0r7a9XbQ',
      { amount_to_capture: 23040, expand: ['latest_charge.balance_transaction'] },
      { idempotencyKey: 'capture-01JD7ZKB11V8Q4N6M5R9T0W1YE' },
    ]);
  });

  it('maps capture refusals (cancelled PaymentIntent, expired authorisation)', async () => {
    const canceled = fakeStripe({
      capture: () => {
        throw stripeError(fixture('error.payment_intent_unexpected_state'), 400);
      },
    });
    expect(await new StripeProvider(canceled.client, clock).capture({ idempotencyKey: 'k', providerPaymentId: 'pi', amount: 1, currency: 'CNY' })).toEqual({
      status: 'refused',
      reason: 'canceled',
    });
    const expired = fakeStripe({
      capture: () => {
        throw stripeError({ error: { type: 'invalid_request_error', code: 'charge_expired_for_capture', message: 'expired' } }, 400);
      },
    });
    expect(await new StripeProvider(expired.client, clock).capture({ idempotencyKey: 'k', providerPaymentId: 'pi', amount: 1, currency: 'CNY' })).toEqual({
      status: 'refused',
      reason: 'authorization_expired',
    });
  });

  it('voids with paymentIntents.cancel, keyed', async () => {
    const { client, calls } = fakeStripe({ cancel: () => fixture('payment_intent.canceled') });
    expect(await new StripeProvider(client, clock).void({ idempotencyKey: 'void-1', providerPaymentId: 'pi_3QKx2mLkdIwHu7ix0r7a9XbQ' })).toEqual({
      status: 'voided',
      at: new Date(1795421400 * 1000).toISOString(),
    });
    expect(calls[0]!.args).toEqual(['pi_3QKx2mLkdIwHu7ix0r7a9XbQ', {}, { idempotencyKey: 'void-1' }]);
  });

  it('refunds with refunds.create({ payment_intent, amount, metadata }), keyed', async () => {
    const { client, calls } = fakeStripe({ refund: () => fixture('refund.succeeded') });
    const outcome = await new StripeProvider(client, clock).refund({
      idempotencyKey: 'refund-R',
      providerPaymentId: 'pi_3QKx2mLkdIwHu7ix0r7a9XbQ',
      orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
      refundId: '01JD7ZKC21V8Q4N6M5R9T0W1YF',
      amount: 5000,
      currency: 'CNY',
    });
    expect(outcome).toEqual({ status: 'refunded', providerRefundId: 're_3QKx2mLkdIwHu7ix0Vd8m1Qa', amount: 5000, at: new Date(1795680000 * 1000).toISOString() });
    expect(calls[0]!.args).toEqual([
      { payment_intent: 'pi_3QKx2mLkdIwHu7ix0r7a9XbQ', amount: 5000, metadata: { orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB', refundId: '01JD7ZKC21V8Q4N6M5R9T0W1YF' } },
      { idempotencyKey: 'refund-R' },
    ]);
  });

  it('the settlement report is the day’s balance transactions: charges as captures, refunds as refunds, payouts ignored', async () => {
    const { client, calls } = fakeStripe({ list: () => fixture('balance_transactions.day') });
    const lines = await new StripeProvider(client, clock).settlementReport('2026-11-24');
    expect(lines).toEqual([
      {
        transactionId: 'ch_3QKx2mLkdIwHu7ix0Jq8h2dF',
        type: 'capture',
        providerPaymentId: 'pi_3QKx2mLkdIwHu7ix0r7a9XbQ',
        amount: 23040,
        fee: 698,
        currency: 'CNY',
        at: new Date(1795507200 * 1000).toISOString(),
      },
      {
        transactionId: 're_3QKx2mLkdIwHu7ix0Vd8m1Qa',
        type: 'refund',
        providerPaymentId: 'pi_3QKx2mLkdIwHu7ix0r7a9XbQ',
        reference: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
        amount: 5000,
        fee: 0,
        currency: 'CNY',
        at: new Date(1795510800 * 1000).toISOString(),
      },
    ]);
    expect(calls[0]!.args[0]).toMatchObject({ created: { gte: Date.parse('2026-11-24T00:00:00Z') / 1000, lt: Date.parse('2026-11-25T00:00:00Z') / 1000 }, limit: 100 });
    expect(toSettlementLine({ id: 't', object: 'balance_transaction', amount: 1, fee: 0, net: 1, currency: 'cny', type: 'adjustment', created: 1, source: 'x' })).toBeUndefined();
  });
});

describe('Stripe adapter: Alipay and WeChat Pay (PAY-1, automatic capture, the shopper’s next step)', () => {
  const RETURN = 'https://shop.example.com/orders/{orderId}';
  const wallet = { ...request, method: 'wallet' as const, token: 'pm_1QLAli2eZvKYlo2CAlipayPM' };

  it('Alipay: a PaymentIntent with the wallet types, the shopper’s PaymentMethod, automatic capture and the return URL → pending with the redirect', async () => {
    const { client, calls } = fakeStripe({ create: () => fixture('payment_intent.alipay.requires_action') });
    const outcome = await new StripeProvider(client, clock, RETURN).authorize(wallet);
    expect(outcome).toEqual({
      status: 'pending',
      providerPaymentId: 'pi_3QLAli2eZvKYlo2C0aLipay01',
      at: new Date(1795420803 * 1000).toISOString(),
      action: { type: 'redirect', url: 'https://hooks.stripe.com/redirect/authenticate/src_1QLAli2eZvKYlo2C?client_secret=src_client_secret_alipay' },
    });
    const [params, options] = calls[0]!.args as [Record<string, unknown>, Record<string, unknown>];
    expect(params).toEqual({
      amount: 23040,
      currency: 'cny',
      confirm: true,
      payment_method_types: ['alipay', 'wechat_pay'],
      payment_method: 'pm_1QLAli2eZvKYlo2CAlipayPM',
      return_url: `https://shop.example.com/orders/${request.orderId}`,
      payment_method_options: { wechat_pay: { client: 'web' } },
      metadata: { orderId: request.orderId, paymentId: request.paymentId },
    });
    // Neither wallet supports manual capture at Stripe: none is asked for.
    expect(params).not.toHaveProperty('capture_method');
    expect(options).toEqual({ idempotencyKey: request.idempotencyKey });
  });

  it('WeChat Pay → pending with the QR code to show', async () => {
    const { client } = fakeStripe({ create: () => fixture('payment_intent.wechat_pay.requires_action') });
    expect(await new StripeProvider(client, clock, RETURN).authorize({ ...wallet, token: 'pm_1QLWeC2eZvKYlo2CWeChatPM' })).toMatchObject({
      status: 'pending',
      providerPaymentId: 'pi_3QLWeC2eZvKYlo2C0WeChat01',
      action: { type: 'qr-code', data: 'weixin://wxpay/bizpayurl?pr=Qk8wYjZzWE', imageUrl: 'https://qr.stripe.com/test_YWNjdF8x.png' },
    });
  });

  it('a wallet token that is not a PaymentMethod is an unknown token, without calling Stripe; no return URL configured is a configuration error', async () => {
    const { client, calls } = fakeStripe({});
    expect(await new StripeProvider(client, clock, RETURN).authorize({ ...wallet, token: 'tok_alipay' })).toMatchObject({ status: 'declined', reason: 'unknown_token' });
    expect(calls).toEqual([]);
    await expect(new StripeProvider(client, clock).authorize(wallet)).rejects.toBeInstanceOf(ProviderRequestError);
  });

  it('payment_intent.succeeded of a wallet is the money arriving (captured at once); of a card (manual capture) it is ignored', () => {
    const event = fixture<StripeEventLike>('event.payment_intent.succeeded.wechat_pay');
    expect(stripeNotification(event)).toEqual({
      eventId: 'evt_3QLWeC2eZvKYlo2C0Succeed',
      occurredAt: new Date(1795420900 * 1000).toISOString(),
      providerPaymentId: 'pi_3QLWeC2eZvKYlo2C0WeChat01',
      orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
      paymentId: '01JD7ZKB11V8Q4N6M5R9T0W1YE',
      currency: 'CNY',
      type: 'transfer-received',
      capture: { captureId: 'py_3QLWeC2eZvKYlo2C0Charge', amount: 23040, fee: 0, at: new Date(1795420900 * 1000).toISOString() },
    });
    const card = { ...event, data: { object: { ...(event.data.object as Record<string, unknown>), capture_method: 'manual' } } };
    expect(stripeNotification(card)).toMatchObject({ type: 'ignored', providerType: 'payment_intent.succeeded' });
  });
});

describe('Stripe webhooks: verified by the library (stripe.webhooks.constructEvent)', () => {
  const signed = (body: string, t: number, secret = WEBHOOK_SECRET) => `t=${t},v1=${crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
  const now = Date.parse('2026-11-23T08:00:05.000Z');

  it('passes the raw body, the Stripe-Signature header, the endpoint secret and the tolerance to constructEvent', () => {
    const body = JSON.stringify(fixture('event.payment_intent.amount_capturable_updated'));
    const { client, calls } = fakeStripe({}, () => now);
    const header = signed(body, Math.floor(now / 1000));
    const notification = stripeWebhookVerifier(client, WEBHOOK_SECRET, 300).verify(body, header, new Date(now));
    expect(calls).toEqual([{ method: 'constructEvent', args: [body, header, WEBHOOK_SECRET, 300] }]);
    expect(notification).toMatchObject({
      eventId: 'evt_3QKx2mLkdIwHu7ix0Hk4mT2c',
      type: 'authorized',
      providerPaymentId: 'pi_3QKx2mLkdIwHu7ix0r7a9XbQ',
      orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
      amount: 23040,
    });
    expect(STRIPE_SIGNATURE_HEADER).toBe('stripe-signature');
  });

  it('maps refund.created to a refund of our refund id', () => {
    const body = JSON.stringify(fixture('event.refund.created'));
    const { client } = fakeStripe({}, () => now);
    expect(stripeWebhookVerifier(client, WEBHOOK_SECRET, 300).verify(body, signed(body, Math.floor(now / 1000)), new Date(now))).toMatchObject({
      type: 'refunded',
      refundId: '01JD7ZKC21V8Q4N6M5R9T0W1YF',
      providerRefundId: 're_3QKx2mLkdIwHu7ix0Vd8m1Qa',
      amount: 5000,
    });
  });

  it('turns the library’s signature errors into WebhookVerificationError problems', () => {
    const body = JSON.stringify(fixture('event.refund.created'));
    const { client } = fakeStripe({}, () => now);
    const verifier = stripeWebhookVerifier(client, WEBHOOK_SECRET, 300);
    const t = Math.floor(now / 1000);
    const problem = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(WebhookVerificationError);
        return (error as WebhookVerificationError).problem;
      }
      return 'accepted';
    };
    expect(problem(() => verifier.verify(body, undefined, new Date(now)))).toBe('missing-signature');
    expect(problem(() => verifier.verify(body, 'nonsense', new Date(now)))).toBe('malformed-signature');
    expect(problem(() => verifier.verify(body, signed(body, t, 'whsec_wrong_secret_0000000000'), new Date(now)))).toBe('signature-mismatch');
    expect(problem(() => verifier.verify(body.replace('5000', '50000'), signed(body, t), new Date(now)))).toBe('signature-mismatch');
    expect(problem(() => verifier.verify(body, signed(body, t - 301), new Date(now)))).toBe('timestamp-outside-tolerance');
  });
});
