/**
 * ORD-4 end to end: 200 concurrent `POST /orders` for a SKU with 10 in stock (spread over three
 * warehouses) → exactly 10 × 201 and 190 × 409 naming the SKU; available stock (read raw from
 * DynamoDB throughout) never below zero; cancelling 3 of the orders → exactly 3 more succeed.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { api } from '../../support/e2e.ts';
import { customerToken, orderBody, postOrder, productWithStock, rawStock } from './support.ts';

const WAREHOUSES = ['WH-EAST', 'WH-NORTH', 'WH-SOUTH'] as const;

/** Fires all requests at once while sampling the raw stock; returns the responses and the lowest `available` seen. */
async function flood(sku: string, count: number) {
  const run = ulid();
  const tokens = await Promise.all(Array.from({ length: count }, (_, i) => customerToken(`e2e-oversell-${run}-${i}`)));
  let sampling = true;
  let lowest = Number.POSITIVE_INFINITY;
  const sampler = (async () => {
    while (sampling) {
      const stock = await rawStock(sku, WAREHOUSES);
      for (const level of Object.values(stock)) lowest = Math.min(lowest, level.available, level.onHand - level.reserved);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const responses = await Promise.all(tokens.map((token) => postOrder(token, orderBody([{ sku, quantity: 1 }])).then((r) => ({ ...r, token }))));
  sampling = false;
  await sampler;
  return { responses, lowest };
}

describe('no overselling under concurrency (ORD-4, e2e)', () => {
  it('200 concurrent orders for 10 units: exactly 10 placed, 190 refused naming the SKU; cancelling 3 lets exactly 3 more through', async () => {
    const sku = await productWithStock({ 'WH-EAST': 4, 'WH-NORTH': 3, 'WH-SOUTH': 3 });

    const first = await flood(sku, 200);
    const statuses = first.responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(190);
    for (const refused of first.responses.filter((r) => r.status === 409)) {
      expect(refused.json).toMatchObject({ type: 'https://errors.commerce.dev/out-of-stock', status: 409 });
      expect(String(refused.json.detail)).toContain(sku);
    }
    expect(first.lowest).toBeGreaterThanOrEqual(0);
    const afterFlood = await rawStock(sku, WAREHOUSES);
    for (const level of Object.values(afterFlood)) expect(level).toMatchObject({ available: 0, reserved: level.onHand });

    // Cancel 3 of the placed orders (each by its own customer).
    const placed = first.responses.filter((r) => r.status === 201).slice(0, 3);
    for (const order of placed) {
      const cancelled = await api(`/orders/${String(order.json.orderId)}/cancel`, { method: 'POST', token: order.token, json: {}, headers: { 'Idempotency-Key': ulid() } });
      expect(cancelled.status).toBe(200);
      expect(cancelled.json.status).toBe('CANCELLED');
    }
    const released = await rawStock(sku, WAREHOUSES);
    expect(Object.values(released).reduce((s, l) => s + l.available, 0)).toBe(3);

    const second = await flood(sku, 30);
    expect(second.responses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(second.responses.filter((r) => r.status === 409)).toHaveLength(27);
    expect(second.lowest).toBeGreaterThanOrEqual(0);
    const end = await rawStock(sku, WAREHOUSES);
    expect(Object.values(end).reduce((s, l) => s + l.available, 0)).toBe(0);
    expect(Object.values(end).reduce((s, l) => s + l.reserved, 0)).toBe(10);
  });
});
