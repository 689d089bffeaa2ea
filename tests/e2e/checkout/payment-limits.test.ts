/**
 * PAY-1 end to end: "over a limit the order is refused at checkout with a 409 that says why".
 * Checkout asks payments' limits contract before writing: cash on delivery is limited to ¥2,000 per
 * order by default (functions/payments/settings.ts DEFAULT_METHOD_LIMITS), so a ¥3,000 order paid
 * on delivery is a 409 `payment-limit-exceeded` naming the method and the per-order limit, with no
 * order and no reservation; the same basket by bank transfer is placed.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { DEFAULT_METHOD_LIMITS } from '../../../functions/payments/settings.ts';
import { api } from '../../support/e2e.ts';
import { customerToken, orderBody, postOrder, productWithStock, rawStock } from './support.ts';

describe('payment limits at checkout (PAY-1, e2e)', () => {
  it('cash on delivery over its per-order limit → 409 payment-limit-exceeded that says which limit; nothing written', async () => {
    // Default test product: ¥3,000 (support.ts), above cash on delivery's default ¥2,000 per order.
    expect(DEFAULT_METHOD_LIMITS.cod.perOrderMax).toBeLessThan(300_000);
    const sku = await productWithStock({ 'WH-EAST': 5 });
    const token = await customerToken(`e2e-limits-${ulid()}`);

    const refused = await postOrder(token, orderBody([{ sku, quantity: 1 }], { payment: { method: 'cod' } }));
    expect(refused.status, refused.text).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.json).toMatchObject({
      type: 'https://errors.commerce.dev/payment-limit-exceeded',
      status: 409,
      // The order's total after the demo promotions (server-side pricing), still above the limit.
      detail: expect.stringMatching(/^Cash on delivery payments are limited to CNY 2,000\.00 per order; this order is CNY 2,[0-9]{3}\.[0-9]{2}\.$/),
    });
    expect((await api('/orders', { token })).json.items).toEqual([]);
    expect(await rawStock(sku, ['WH-EAST'])).toEqual({ 'WH-EAST': { onHand: 5, reserved: 0, available: 5 } });

    // Within the limits of another method, the same basket is placed.
    const placed = await postOrder(token, orderBody([{ sku, quantity: 1 }], { payment: { method: 'bank_transfer' } }));
    expect(placed.status, placed.text).toBe(201);
    expect((await rawStock(sku, ['WH-EAST']))['WH-EAST']).toMatchObject({ reserved: 1, available: 4 });
  });
});

describe('payment methods on offer (PAY-1, e2e)', () => {
  it('GET /payment-methods needs no sign-in and lists the sandbox’s methods with the limits checkout enforces', async () => {
    const res = await api('/payment-methods');
    expect(res.status, res.text).toBe(200);
    expect(res.json.provider).toBe('sandbox');
    const items = res.json.items as Array<{ method: string; perOrderMax: { amount: number } }>;
    expect(items.map((m) => m.method)).toEqual(['card', 'wallet', 'bank_transfer', 'cod']);
    expect(items.find((m) => m.method === 'cod')?.perOrderMax.amount).toBe(DEFAULT_METHOD_LIMITS.cod.perOrderMax);
  });
});
