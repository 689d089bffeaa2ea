/**
 * What stops an order before anything is written, against DynamoDB Local:
 * - PAY-1 payment limits through payments' limits contract (functions/payments/limits-contract.ts):
 *   per method per order (on the order's total), per method per day and per customer per day (on
 *   what is due now, plus what payments has counted today) → 409 `payment-limit-exceeded` saying
 *   which limit, nothing written; a retry of an order already placed still gets its order (ORD-7).
 * - the risk-signal key (SEC-2): when it cannot be had the order is not placed (fail closed, 500),
 *   but a client's mistake is still its 4xx.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { makePlaceOrderHandler } from '../../../functions/checkout/handlers/place-order.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import { RiskSignalKeyUnavailableError } from '../../../functions/checkout/risk-signal-key.ts';
import { limitDay, paymentLimits } from '../../../functions/payments/limits-contract.ts';
import { DEFAULT_METHOD_LIMITS } from '../../../functions/payments/settings.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { PROBLEM_TYPE_BASE } from '../../../shared/errors.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { customer, problem, useCheckoutWorld } from './fixtures.ts';

const world = useCheckoutWorld();

/** What payments has counted for a customer today (its counter item, as payments writes it). */
async function committedToday(customerId: string, totals: { total: number; card?: number; wallet?: number; bank_transfer?: number; cod?: number }) {
  const day = limitDay(new Date(), paymentLimits().dayOffsetMinutes);
  await documentClient().send(new PutCommand({ TableName: world.tables.payments, Item: { pk: `LIMITS#${customerId}`, sk: `DAY#${day}`, ...totals } }));
}

/** Nothing of this customer's request exists: no order, no request marker, no events; the stock is untouched. */
async function expectNothingWritten(customerId: string, sku: string, key?: string) {
  const orders = await documentClient().send(
    new QueryCommand({
      TableName: world.tables.orders,
      IndexName: 'byCustomerSummary',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
    }),
  );
  expect(orders.Items ?? []).toEqual([]);
  if (key) expect(await world.orders.findRequest(customerId, key)).toBeUndefined();
  expect(world.events.published.filter((p) => (p.event.payload as { customerId?: string }).customerId === customerId)).toEqual([]);
  expect((await world.stock(sku))['WH-EAST']).toEqual({ onHand: 10, reserved: 0, available: 10 });
}

const LIMIT_EXCEEDED = `${PROBLEM_TYPE_BASE}payment-limit-exceeded`;

describe('PAY-1: payment limits at checkout (payments limits contract)', () => {
  it('only the configured provider’s methods: with Stripe, a bank transfer order → 400 on body.payment.method, nothing written; card and wallet (Alipay / WeChat Pay) orders are placed', async () => {
    const sku = await world.product();
    const customerId = customer();
    const onStripe = world.placeDeps({ paymentLimits: { ...world.limitsPort(), provider: 'stripe' } });
    for (const payment of [{ method: 'bank_transfer' as const }]) {
      const key = ulid();
      const error = await problem(placeOrder(onStripe, { customerId, request: world.request([{ sku, quantity: 1 }], { payment }), idempotencyKey: key, correlationId: 'c' }));
      expect(error.status).toBe(400);
      expect(error.errors).toEqual([{ path: 'body.payment.method', message: 'Not offered by this shop; one of: card, wallet, cod (GET /payment-methods)' }]);
      await expectNothingWritten(customerId, sku, key);
    }
    await expect(placeOrder(onStripe, { customerId, request: world.request([{ sku, quantity: 1 }]), correlationId: 'c' })).resolves.toMatchObject({ created: true });
    await expect(
      placeOrder(onStripe, { customerId, request: world.request([{ sku, quantity: 1 }], { payment: { method: 'wallet', token: 'pm_1QAlipayShopper' } }), correlationId: 'c' }),
    ).resolves.toMatchObject({ created: true });
  });

  it('cash on delivery over its per-order limit → 409 payment-limit-exceeded naming the method and the per-order limit; nothing written', async () => {
    expect(DEFAULT_METHOD_LIMITS.cod.perOrderMax).toBe(200_000);
    const sku = await world.product({ price: 150_000 });
    const customerId = customer();
    const key = ulid();
    const error = await problem(
      placeOrder(world.placeDeps(), { customerId, request: world.request([{ sku, quantity: 2 }], { payment: { method: 'cod' } }), idempotencyKey: key, correlationId: 'c' }),
    );
    expect(error.status).toBe(409);
    expect(error.slug).toBe('payment-limit-exceeded');
    expect(error.detail).toBe('Cash on delivery payments are limited to CNY 2,000.00 per order; this order is CNY 3,000.00.');
    await expectNothingWritten(customerId, sku, key);
    // The same basket by card (limit CNY 50,000 per order) is placed.
    const { order } = await placeOrder(world.placeDeps(), { customerId, request: world.request([{ sku, quantity: 2 }]), correlationId: 'c' });
    expect(order.status).toBe('PLACED');
  });

  it('a method’s daily limit counts what payments committed today → 409 naming the method and the daily limit; nothing written', async () => {
    const sku = await world.product({ price: 150_000 });
    const customerId = customer();
    await committedToday(customerId, { total: 9_900_000, card: 9_900_000 });
    const error = await problem(placeOrder(world.placeDeps(), { customerId, request: world.request([{ sku, quantity: 1 }]), idempotencyKey: ulid(), correlationId: 'c' }));
    expect(error).toMatchObject({ status: 409, slug: 'payment-limit-exceeded' });
    expect(error.detail).toMatch(/^Card payments are limited to CNY 100,000.00 per customer per day; CNY 99,000.00 is already committed today/);
    await expectNothingWritten(customerId, sku);
    // Another method still has room today.
    expect(
      (await placeOrder(world.placeDeps(), { customerId, request: world.request([{ sku, quantity: 1 }], { payment: { method: 'bank_transfer' } }), correlationId: 'c' })).order
        .status,
    ).toBe('PLACED');
  });

  it('the customer’s daily limit over all methods → 409 naming it; nothing written', async () => {
    const sku = await world.product({ price: 150_000 });
    const customerId = customer();
    await committedToday(customerId, { total: 19_950_000, bank_transfer: 19_950_000 });
    const error = await problem(placeOrder(world.placeDeps(), { customerId, request: world.request([{ sku, quantity: 1 }]), correlationId: 'c' }));
    expect(error).toMatchObject({ status: 409, slug: 'payment-limit-exceeded' });
    expect(error.detail).toMatch(/^Payments are limited to CNY 200,000.00 per customer per day/);
    await expectNothingWritten(customerId, sku);
  });

  it('ORD-5: a pre-sale’s per-order limit applies to the whole order, its daily limits to the deposit due now', async () => {
    const sku = await world.product({ price: 150_000 });
    const big = customer();
    // CNY 3,000 by cash on delivery: the deposit (CNY 600) is under CNY 2,000, the order is not.
    const error = await problem(
      placeOrder(world.placeDeps(), { customerId: big, request: world.request([{ sku, quantity: 2 }], { orderType: 'pre-sale', payment: { method: 'cod' } }), correlationId: 'c' }),
    );
    expect(error.detail).toBe('Cash on delivery payments are limited to CNY 2,000.00 per order; this order is CNY 3,000.00.');
    await expectNothingWritten(big, sku);

    const small = await world.product({ price: 75_000 });
    const customerId = customer();
    // CNY 4,500 of CNY 5,000 cash on delivery already today: a CNY 1,500 pre-sale (deposit CNY 300) still fits; the whole CNY 1,500 would not.
    await committedToday(customerId, { total: 450_000, cod: 450_000 });
    const { order } = await placeOrder(world.placeDeps(), {
      customerId,
      request: world.request([{ sku: small, quantity: 2 }], { orderType: 'pre-sale', payment: { method: 'cod' } }),
      correlationId: 'c',
    });
    expect(order).toMatchObject({ status: 'PLACED', total: { amount: 150_000 }, amountDue: { amount: 30_000 } });
  });

  it('ORD-7: a retry of an order already placed gets that order even when its own payment has since filled the day', async () => {
    const sku = await world.product({ price: 150_000 });
    const customerId = customer();
    const key = ulid();
    const request = world.request([{ sku, quantity: 1 }]);
    const first = await placeOrder(world.placeDeps(), { customerId, request, idempotencyKey: key, correlationId: 'c' });
    await committedToday(customerId, { total: 10_000_000, card: 10_000_000 });
    const again = await placeOrder(world.placeDeps(), { customerId, request, idempotencyKey: key, correlationId: 'c' });
    expect(again).toMatchObject({ created: false, order: { orderId: first.order.orderId } });
    // A new request (another key) is refused.
    expect((await problem(placeOrder(world.placeDeps(), { customerId, request, idempotencyKey: ulid(), correlationId: 'c' }))).slug).toBe('payment-limit-exceeded');
  });
});

describe('POST /orders handler', () => {
  const handler = (overrides: Parameters<typeof makePlaceOrderHandler>[0] = {}) =>
    makePlaceOrderHandler({
      orders: () => world.orders,
      catalog: () => world.catalog,
      promotions: () => world.promotions,
      cipher: () => world.cipher,
      events: world.events.forCorrelation,
      paymentLimits: () => world.limitsPort(),
      riskSignalKey: async () => world.settings.riskSignalKey,
      ...overrides,
    });
  const post = (h: ReturnType<typeof handler>, customerId: string, body: unknown, key = ulid()) =>
    h(apiEvent({ method: 'POST', path: '/orders', resource: '/orders', body, claims: claimsFor(customerId, 'customer'), headers: { 'Idempotency-Key': key } }), lambdaContext());

  it('PAY-1: over a limit → 409 application/problem+json with the stable type and a detail saying which limit; the risk-signal key is not even asked', async () => {
    const sku = await world.product({ price: 150_000 });
    const customerId = customer();
    let keyAsked = 0;
    const result = await post(
      handler({ riskSignalKey: async () => (keyAsked++, world.settings.riskSignalKey) }),
      customerId,
      world.request([{ sku, quantity: 2 }], { payment: { method: 'cod' } }),
    );
    expect(result.statusCode).toBe(409);
    expect(result.headers?.['content-type'] ?? result.headers?.['Content-Type']).toMatch(/application\/problem\+json/);
    expect(jsonBody(result)).toMatchObject({
      type: LIMIT_EXCEEDED,
      status: 409,
      detail: expect.stringContaining('Cash on delivery payments are limited to CNY 2,000.00 per order'),
    });
    expect(keyAsked).toBe(0);
    await expectNothingWritten(customerId, sku);
  });

  it('SEC-2: without its risk-signal key checkout places nothing (500, fail closed); a client’s mistake is still a 400', async () => {
    const sku = await world.product({ price: 12_900 });
    const customerId = customer();
    const unavailable = handler({
      riskSignalKey: async () => {
        throw new RiskSignalKeyUnavailableError('risk-signal key unavailable: secret commerce/prod/risk-signals (AccessDeniedException)');
      },
    });
    const key = ulid();
    const result = await post(unavailable, customerId, world.request([{ sku, quantity: 1 }]), key);
    expect(result.statusCode).toBe(500);
    expect(jsonBody(result)).not.toHaveProperty('detail', expect.stringContaining('commerce/prod'));
    await expectNothingWritten(customerId, sku, key);
    const bad = await post(unavailable, customerId, world.request([{ sku, quantity: 1 }], { shippingAddress: { ...world.request([]).shippingAddress, region: 'atlantis' } }));
    expect(bad.statusCode).toBe(400);
    // Once the key is readable again the same request (same key: errors are not stored) is placed.
    expect((await post(handler(), customerId, world.request([{ sku, quantity: 1 }]), key)).statusCode).toBe(201);
  });
});
