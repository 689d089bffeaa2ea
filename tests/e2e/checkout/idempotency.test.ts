/**
 * ORD-7 end to end: 20 concurrent identical `POST /orders` with one Idempotency-Key → one order and
 * the same response (status and body) each time; the same key with a different body → 422.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { api } from '../../support/e2e.ts';
import { customerToken, orderBody, postOrder, productWithStock, rawStock } from './support.ts';

describe('idempotent order placement (ORD-7, e2e)', () => {
  it('20 concurrent identical requests with one key → one order, the same 201 response each time; another body with that key → 422', async () => {
    const sku = await productWithStock({ 'WH-EAST': 50 });
    const customerId = `e2e-idem-${ulid()}`;
    const token = await customerToken(customerId);
    const key = ulid();
    const body = orderBody([{ sku, quantity: 2 }]);
    const headers = { 'x-device-id': 'device-e2e-idem' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => postOrder(token, body, key, headers)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const orderIds = new Set(responses.map((r) => r.json.orderId));
    expect(orderIds.size).toBe(1);
    for (const r of responses) expect(r.json).toEqual(responses[0]!.json);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true').length).toBeGreaterThanOrEqual(19);

    const list = await api('/orders', { token });
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(1);
    expect((await rawStock(sku, ['WH-EAST']))['WH-EAST']).toMatchObject({ reserved: 2, available: 48 });

    const different = await postOrder(token, orderBody([{ sku, quantity: 3 }]), key, headers);
    expect(different.status).toBe(422);
    expect(different.json.type).toBe('https://errors.commerce.dev/idempotency-key-reused');
    expect((await api('/orders', { token })).json.items).toHaveLength(1);
  });
});
