/**
 * PAY-1 on DynamoDB Local with the Stripe adapter on a fake client (recorded response shapes, no
 * network): a WeChat Pay order waits pending with the QR code its shopper must scan — shown by
 * `GET /orders/{orderId}/payment` to the shopper (another customer gets a 404) — until Stripe's
 * signed `payment_intent.succeeded` says the money arrived: captured at once, the ledger balanced,
 * the shipment captures nothing more.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { balancesOf } from '../../../functions/payments/domain/ledger.ts';
import type { StripeEventLike, StripeLike, StripePaymentIntentLike } from '../../../functions/payments/provider/stripe/stripe-like.ts';
import { StripeProvider, stripeWebhookVerifier } from '../../../functions/payments/provider/stripe/stripe-provider.ts';
import { systemClock } from '../../../shared/clock.ts';
import { apiEvent, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, type PaymentsHarness } from './harness.ts';

const SECRET = 'whsec_wallet_integration_0123456789';
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/stripe');
const wechat = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'payment_intent.wechat_pay.requires_action.json'), 'utf8')) as StripePaymentIntentLike;

/** The Stripe client, faked: PaymentIntents answered with the recorded WeChat Pay shape; webhooks verified by Stripe's documented scheme. */
function fakeStripe() {
  const created: Array<Record<string, unknown>> = [];
  const client: StripeLike = {
    paymentIntents: {
      create: async (params) => {
        created.push(params);
        return { ...wechat, id: `pi_wallet_${created.length}_${Date.now()}`, metadata: params.metadata as Record<string, string> };
      },
      capture: async () => {
        throw new Error('a wallet payment is never captured by us');
      },
      cancel: async () => {
        throw new Error('unexpected cancel');
      },
    },
    refunds: { create: async () => Promise.reject(new Error('unexpected refund')) },
    balanceTransactions: { list: async () => ({ object: 'list', data: [], has_more: false }) },
    webhooks: {
      constructEvent: (payload, header) => {
        const t = Number(/t=(\d+)/.exec(header)?.[1]);
        const v1 = /v1=([0-9a-f]+)/.exec(header)?.[1] ?? '';
        const expected = crypto.createHmac('sha256', SECRET).update(`${t}.${payload.toString()}`).digest('hex');
        if (v1 !== expected) throw Object.assign(new Error('No signatures found matching the expected signature for payload.'), { type: 'StripeSignatureVerificationError' });
        return JSON.parse(payload.toString()) as StripeEventLike;
      },
    },
  };
  return { client, created };
}

let h: PaymentsHarness;
let stripe: ReturnType<typeof fakeStripe>;

beforeAll(() => {
  useLocalDynamoDb();
  stripe = fakeStripe();
  const provider = new StripeProvider(stripe.client, systemClock, 'https://shop.example.com/orders/{orderId}');
  const verifier = stripeWebhookVerifier(stripe.client, SECRET, 300);
  h = paymentsHarness({ wiring: () => ({ provider, webhookVerifier: async () => verifier }) });
});

async function shopperView(orderId: string, sub: string, roles: string[] = ['customer']) {
  return h.http(h.handlers.getShopperPayment, {
    method: 'GET',
    path: `/orders/${orderId}/payment`,
    resource: '/orders/{orderId}/payment',
    pathParameters: { orderId },
    sub,
    roles,
  });
}

describe('Alipay / WeChat Pay through Stripe (PAY-1)', () => {
  it('pending with the QR code the shopper scans; Stripe’s payment_intent.succeeded captures it at once; the ledger balances', async () => {
    const o = h.newOrder('wallet', 23040, 'pm_1QLWeC2eZvKYlo2CWeChatPM');
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    expect(stripe.created.at(-1)).toMatchObject({
      payment_method: 'pm_1QLWeC2eZvKYlo2CWeChatPM',
      payment_method_types: ['alipay', 'wechat_pay'],
      return_url: `https://shop.example.com/orders/${o.orderId}`,
    });
    const pending = (await h.repo.getPayment(o.orderId))?.payment;
    expect(pending).toMatchObject({ status: 'pending', method: 'wallet' });
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentPending']);

    const mine = await shopperView(o.orderId, o.customerId);
    expect(mine.status).toBe(200);
    expect(mine.json).toEqual({
      orderId: o.orderId,
      payments: [
        {
          paymentId: pending?.paymentId,
          method: 'wallet',
          status: 'pending',
          amount: { amount: 23040, currency: 'CNY' },
          captured: 0,
          refunded: 0,
          nextAction: { type: 'qr-code', data: 'weixin://wxpay/bizpayurl?pr=Qk8wYjZzWE', imageUrl: 'https://qr.stripe.com/test_YWNjdF8x.png' },
        },
      ],
    });
    expect((await shopperView(o.orderId, 'someone-else')).status).toBe(404);
    expect((await shopperView(o.orderId, 'agent-1', ['cs-agent'])).status).toBe(200);

    // The shopper scanned and paid: Stripe signs payment_intent.succeeded.
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      id: `evt_${pending?.providerPaymentId}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: now,
      data: {
        object: {
          id: pending?.providerPaymentId,
          object: 'payment_intent',
          amount: 23040,
          amount_received: 23040,
          capture_method: 'automatic',
          currency: 'cny',
          latest_charge: `py_${pending?.paymentId}`,
          metadata: { orderId: o.orderId, paymentId: pending?.paymentId },
          status: 'succeeded',
        },
      },
    });
    const signature = `t=${now},v1=${crypto.createHmac('sha256', SECRET).update(`${now}.${body}`).digest('hex')}`;
    const received = await h.handlers.webhook(
      apiEvent({ method: 'POST', path: '/webhooks/payments', headers: { 'stripe-signature': signature, 'content-type': 'application/json' }, body }),
      lambdaContext(),
    );
    expect(received.statusCode).toBe(200);

    const paid = (await h.repo.getPayment(o.orderId))?.payment;
    expect(paid).toMatchObject({ status: 'captured', captureOn: 'already-captured', capturedAmount: 23040 });
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentPending', 'PaymentAuthorized', 'PaymentCaptured']);
    const ledger = await h.repo.listMovements(o.orderId);
    expect(balancesOf(ledger)).toMatchObject({ captured: 23040, held: 0, balanced: true });
    const after = await shopperView(o.orderId, o.customerId);
    expect(after.json.payments).toEqual([expect.objectContaining({ status: 'captured', captured: 23040 })]);
    expect(JSON.stringify(after.json)).not.toContain('nextAction');

    // The shipment captures nothing more (the wallet was captured when paid).
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect(await h.repo.listMovements(o.orderId)).toHaveLength(ledger.length);
  });
});
