/**
 * The payment methods on offer (PAY-1): only what the configured provider takes — so a shop on
 * Stripe never accepts an order its provider would decline — with each method's limits, served by
 * the public `GET /payment-methods`.
 */
import { describe, expect, it } from 'vitest';
import { offeredMethods, PROVIDER_METHODS, providerTakes } from '../../../functions/payments/domain/payment-methods.ts';
import type { PaymentLimits } from '../../../functions/payments/domain/limits.ts';
import { makeListPaymentMethodsHandler } from '../../../functions/payments/handlers/list-payment-methods.ts';
import { DEFAULT_METHOD_LIMITS } from '../../../functions/payments/settings.ts';
import { apiEvent, jsonBody, lambdaContext } from '../../support/http-events.ts';

const limits: PaymentLimits = { currency: 'CNY', perMethod: DEFAULT_METHOD_LIMITS, customerDailyMax: 12_000_000, dayOffsetMinutes: 480 };

describe('payment methods by provider (PAY-1)', () => {
  it('Stripe takes cards, Alipay and WeChat Pay (wallet) and cash on delivery (which needs no provider); not bank transfers', () => {
    expect(PROVIDER_METHODS.stripe).toEqual(['card', 'wallet', 'cod']);
    expect(providerTakes('stripe', 'bank_transfer')).toBe(false);
    expect(providerTakes('stripe', 'wallet')).toBe(true);
    expect(PROVIDER_METHODS.sandbox).toEqual(['card', 'wallet', 'bank_transfer', 'cod']);
  });

  it('Stripe’s wallets are charged when the shopper pays (no manual capture for Alipay or WeChat Pay); the sandbox wallet at shipment', () => {
    expect(offeredMethods('stripe', limits).find((m) => m.method === 'wallet')).toMatchObject({
      needsToken: true,
      charged: 'on-arrival-of-funds',
      wallets: ['alipay', 'wechat_pay'],
    });
    expect(offeredMethods('sandbox', limits).find((m) => m.method === 'wallet')).toMatchObject({ needsToken: true, charged: 'at-shipment' });
    expect(offeredMethods('stripe', limits).find((m) => m.method === 'card')).not.toHaveProperty('wallets');
  });

  it('each offered method carries its limits; the daily one never above the customer’s overall daily limit', () => {
    const offered = offeredMethods('sandbox', { ...limits, customerDailyMax: 100_000 });
    const card = offered.find((m) => m.method === 'card');
    expect(card).toMatchObject({ needsToken: true, charged: 'at-shipment', perOrderMax: { amount: DEFAULT_METHOD_LIMITS.card.perOrderMax, currency: 'CNY' } });
    expect(offered.every((m) => m.dailyMax.amount <= 100_000)).toBe(true);
    expect(offered.find((m) => m.method === 'cod')).toMatchObject({ needsToken: false, charged: 'on-delivery' });
  });

  it('GET /payment-methods answers without a token, for the configured provider', async () => {
    const handler = makeListPaymentMethodsHandler(() => ({ provider: 'stripe', limits }));
    const res = await handler(apiEvent({ method: 'GET', path: '/payment-methods' }), lambdaContext());
    expect(res.statusCode).toBe(200);
    expect(jsonBody(res)).toMatchObject({ provider: 'stripe', items: [{ method: 'card' }, { method: 'wallet', wallets: ['alipay', 'wechat_pay'] }, { method: 'cod' }] });
  });
});
