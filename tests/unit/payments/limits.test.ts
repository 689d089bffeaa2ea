/**
 * Payment limits (PAY-1): per method per order, per method per customer per day, per customer per
 * day; the message says why (checkout answers 409 with it).
 */
import { describe, expect, it } from 'vitest';
import { checkPaymentLimits, limitDay, roomFor, type PaymentLimits } from '../../../functions/payments/domain/limits.ts';
import { paymentLimitProblem } from '../../../functions/payments/limits-contract.ts';
import { DEFAULT_METHOD_LIMITS, paymentsSettings } from '../../../functions/payments/settings.ts';

const limits: PaymentLimits = { currency: 'CNY', perMethod: DEFAULT_METHOD_LIMITS, customerDailyMax: 12_000_000, dayOffsetMinutes: 480 };
const none = { total: 0, byMethod: {} };

describe('payment limits (PAY-1)', () => {
  it('allows exactly the limit, refuses one fen more, per order and method', () => {
    expect(checkPaymentLimits({ method: 'cod', amount: 200_000, currency: 'CNY', today: none, limits })).toEqual({ ok: true });
    const over = checkPaymentLimits({ method: 'cod', amount: 200_001, currency: 'CNY', today: none, limits });
    expect(over).toMatchObject({ ok: false, violation: 'per-order-method-limit', limit: 200_000 });
    expect(!over.ok && over.message).toBe('Cash on delivery payments are limited to CNY 2,000.00 per order; this order is CNY 2,000.01.');
  });

  it('counts what the customer committed today with the method', () => {
    const today = { total: 9_000_000, byMethod: { card: 9_000_000 } };
    expect(checkPaymentLimits({ method: 'card', amount: 1_000_000, currency: 'CNY', today, limits })).toEqual({ ok: true });
    const over = checkPaymentLimits({ method: 'card', amount: 1_000_001, currency: 'CNY', today, limits });
    expect(over).toMatchObject({ ok: false, violation: 'daily-method-limit', limit: 10_000_000 });
    expect(!over.ok && over.message).toContain('CNY 90,000.00 is already committed today');
  });

  it('counts every method against the customer daily limit', () => {
    const today = { total: 11_500_000, byMethod: { card: 6_000_000, wallet: 2_500_000, bank_transfer: 3_000_000 } };
    const over = checkPaymentLimits({ method: 'wallet', amount: 600_000, currency: 'CNY', today, limits });
    expect(over).toMatchObject({ ok: false, violation: 'daily-customer-limit', limit: 12_000_000 });
  });

  it('refuses another currency', () => {
    expect(checkPaymentLimits({ method: 'card', amount: 1, currency: 'USD', today: none, limits })).toMatchObject({ ok: false, violation: 'currency' });
  });

  it('the limit day is the calendar day at the configured offset (China Standard Time by default)', () => {
    expect(limitDay(new Date('2026-11-23T15:59:59Z'), 480)).toBe('2026-11-23');
    expect(limitDay(new Date('2026-11-23T16:00:00Z'), 480)).toBe('2026-11-24');
    expect(limitDay(new Date('2026-11-23T16:00:00Z'), 0)).toBe('2026-11-23');
  });

  it('roomFor gives the counter write condition', () => {
    expect(roomFor('cod', 100_000, limits)).toEqual({ maxTotalBefore: 11_900_000, maxMethodBefore: 400_000 });
  });

  it('the checkout contract turns a violation into a 409 problem that says why', () => {
    const over = checkPaymentLimits({ method: 'cod', amount: 300_000, currency: 'CNY', today: none, limits });
    if (over.ok) throw new Error('expected a violation');
    expect(paymentLimitProblem(over).toJSON()).toEqual({
      type: 'https://errors.commerce.dev/payment-limit-exceeded',
      title: 'Payment limit exceeded',
      status: 409,
      detail: over.message,
    });
  });

  it('limits are configuration (PAYMENT_METHOD_LIMITS, PAYMENT_CUSTOMER_DAILY_LIMIT_MINOR), validated', () => {
    const custom = paymentsSettings({
      PAYMENT_METHOD_LIMITS: JSON.stringify({ ...DEFAULT_METHOD_LIMITS, cod: { perOrderMax: 1, dailyMax: 2 } }),
      PAYMENT_CUSTOMER_DAILY_LIMIT_MINOR: '5',
    });
    expect(custom.limits.perMethod.cod).toEqual({ perOrderMax: 1, dailyMax: 2 });
    expect(custom.limits.customerDailyMax).toBe(5);
    expect(() => paymentsSettings({ PAYMENT_METHOD_LIMITS: '{"card":{}}' })).toThrow(/PAYMENT_METHOD_LIMITS/);
    expect(() => paymentsSettings({ PAYMENT_CUSTOMER_DAILY_LIMIT_MINOR: '1.5' })).toThrow(/PAYMENT_CUSTOMER_DAILY_LIMIT_MINOR/);
  });
});
