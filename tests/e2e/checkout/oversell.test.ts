/**
 * ORD-4 end to end: 200 concurrent `POST /orders` for a SKU with 10 in stock (spread over three
 * warehouses) → exactly 10 × 201 and 190 × 409 naming the SKU; available stock (read raw from
 * DynamoDB throughout) never below zero; cancelling 3 of the orders → exactly 3 more succeed.
 * The same for a hot SKU whose stock is split into buckets (flash sales), and a card order of a hot
 * SKU picked from the bucket it was reserved in.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { api, dynamo, getItem, poll, tables } from '../../support/e2e.ts';
import { customerToken, opsToken, orderBody, postOrder, productWithStock, rawStock } from './support.ts';

const WAREHOUSES = ['WH-EAST', 'WH-NORTH', 'WH-SOUTH'] as const;

/**
 * One client's order, retried with the same Idempotency-Key as a client does after a gateway
 * timeout (504: when the whole suite shares two cores, 200 requests queued for a few local Lambda
 * environments can wait past API Gateway's 29 s) or while its twin still runs (409
 * `request-in-progress`). The key makes the retry exactly-once: an order the timed-out request
 * placed is answered again, never placed twice.
 */
async function placeRetryingTimeouts(token: string, body: unknown) {
  const key = ulid();
  for (let attempt = 1; ; attempt++) {
    const response = await postOrder(token, body, key);
    const inProgress = response.status === 409 && String((response.json as { type?: string } | undefined)?.type).endsWith('/request-in-progress');
    if ((response.status !== 504 && !inProgress) || attempt === 6) return { ...response, token };
    await new Promise((r) => setTimeout(r, 1_000 * attempt));
  }
}

/** Fires all requests at once while sampling the raw stock; returns the responses and the lowest `available` seen. */
async function flood(sku: string, count: number, buckets: Record<string, number> = {}) {
  const run = ulid();
  const tokens = await Promise.all(Array.from({ length: count }, (_, i) => customerToken(`e2e-oversell-${run}-${i}`)));
  let sampling = true;
  let lowest = Number.POSITIVE_INFINITY;
  const sampler = (async () => {
    while (sampling) {
      const stock = await rawStock(sku, WAREHOUSES);
      for (const level of Object.values(stock)) lowest = Math.min(lowest, level.available, level.onHand - level.reserved);
      for (const [warehouseId, n] of Object.entries(buckets))
        for (const level of await rawBuckets(sku, warehouseId, n)) lowest = Math.min(lowest, level.available, level.onHand - level.reserved);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const responses = await Promise.all(tokens.map((token) => placeRetryingTimeouts(token, orderBody([{ sku, quantity: 1 }]))));
  sampling = false;
  await sampler;
  return { responses, lowest };
}

/** The raw buckets of a hot SKU's stock in a warehouse, straight from DynamoDB. */
async function rawBuckets(sku: string, warehouseId: string, n: number) {
  return Promise.all(
    Array.from({ length: n }, async (_, bucket) => {
      const item = await getItem(tables().catalog, { pk: `STOCKBUCKET#${sku}#${warehouseId}#${bucket}`, sk: 'BUCKET' });
      return { onHand: Number(item?.onHand), reserved: Number(item?.reserved), available: Number(item?.available) };
    }),
  );
}

/** Splits a warehouse's stock into buckets through the staff API. */
async function split(sku: string, warehouseId: string, buckets: number) {
  const response = await api(`/admin/stock/${sku}/${warehouseId}`, { method: 'PUT', token: await opsToken(), json: { buckets, reason: 'e2e flash sale' } });
  expect(response.status, response.text).toBe(200);
  expect(response.json).toMatchObject({ buckets });
}

/** Units available and reserved over the counters and buckets of the three warehouses. */
async function totals(sku: string, buckets: Record<string, number>) {
  const levels = [...Object.values(await rawStock(sku, WAREHOUSES)), ...(await Promise.all(Object.entries(buckets).map(([w, n]) => rawBuckets(sku, w, n)))).flat()];
  return { available: levels.reduce((s, l) => s + l.available, 0), reserved: levels.reduce((s, l) => s + l.reserved, 0) };
}

/** 200 orders for 10 units: exactly 10 placed, 190 refused as out of stock naming the SKU, stock never below zero. */
function expectTenPlaced(flooded: Awaited<ReturnType<typeof flood>>, sku: string) {
  const statuses = flooded.responses.map((r) => r.status);
  const histogram = JSON.stringify(Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((t) => t === s).length])));
  expect(
    statuses.filter((s) => s === 201),
    histogram,
  ).toHaveLength(10);
  expect(
    statuses.filter((s) => s === 409),
    histogram,
  ).toHaveLength(190);
  for (const refused of flooded.responses.filter((r) => r.status === 409)) {
    expect(refused.json).toMatchObject({ type: 'https://errors.commerce.dev/out-of-stock', status: 409 });
    expect(String(refused.json.detail)).toContain(sku);
  }
  expect(flooded.lowest).toBeGreaterThanOrEqual(0);
}

describe('no overselling under concurrency (ORD-4, e2e)', () => {
  it('200 concurrent orders for 10 units: exactly 10 placed, 190 refused naming the SKU; cancelling 3 lets exactly 3 more through', async () => {
    const sku = await productWithStock({ 'WH-EAST': 4, 'WH-NORTH': 3, 'WH-SOUTH': 3 });

    const first = await flood(sku, 200);
    expectTenPlaced(first, sku);
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

  it('a hot SKU split into buckets: 200 concurrent orders for 10 units place exactly 10, spread over the buckets; cancelling 3 lets exactly 3 more through', async () => {
    const sku = await productWithStock({ 'WH-EAST': 4, 'WH-NORTH': 3, 'WH-SOUTH': 3 });
    const buckets = { 'WH-EAST': 4, 'WH-NORTH': 3 };
    await split(sku, 'WH-EAST', 4);
    await split(sku, 'WH-NORTH', 3);

    const first = await flood(sku, 200, buckets);
    expectTenPlaced(first, sku);
    expect(await totals(sku, buckets)).toEqual({ available: 0, reserved: 10 });
    // Each bucket sold its one unit; the orders' reservation records name the bucket they hold.
    for (const [warehouseId, n] of Object.entries(buckets)) expect(await rawBuckets(sku, warehouseId, n)).toEqual(Array(n).fill({ onHand: 1, reserved: 1, available: 0 }));
    const placed = first.responses.filter((r) => r.status === 201);
    for (const order of placed) {
      const { Items = [] } = await dynamo().send(
        new QueryCommand({ TableName: tables().catalog, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `RESERVATION#${String(order.json.orderId)}` } }),
      );
      expect(Items).toHaveLength(1);
      const record = Items[0] as Record<string, unknown>;
      if (record.warehouseId === 'WH-SOUTH') expect(record.bucket).toBeUndefined();
      else expect(record.bucket).toBeLessThan(buckets[record.warehouseId as keyof typeof buckets]);
    }

    for (const order of placed.slice(0, 3)) {
      const cancelled = await api(`/orders/${String(order.json.orderId)}/cancel`, { method: 'POST', token: order.token, json: {}, headers: { 'Idempotency-Key': ulid() } });
      expect(cancelled.status).toBe(200);
    }
    expect(await totals(sku, buckets)).toEqual({ available: 3, reserved: 7 });
    const second = await flood(sku, 30, buckets);
    expect(second.responses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(second.responses.filter((r) => r.status === 409)).toHaveLength(27);
    expect(second.lowest).toBeGreaterThanOrEqual(0);
    expect(await totals(sku, buckets)).toEqual({ available: 0, reserved: 10 });
  });

  it('a card order of a hot SKU is allocated from the bucket it was reserved in', async () => {
    const sku = await productWithStock({ 'WH-EAST': 8 }, { price: 6_800 });
    await split(sku, 'WH-EAST', 4);
    const customer = await customerToken(`e2e-hot-card-${ulid()}`);
    // Priced first, as a shopper does (an unquoted first order of a new customer may go to review).
    expect((await api('/quotes', { method: 'POST', token: customer, json: { items: [{ sku, quantity: 1 }] } })).status).toBe(200);
    const placed = await postOrder(customer, orderBody([{ sku, quantity: 1 }], { payment: { method: 'card', token: 'tok_visa' } }));
    expect(placed.status, placed.text).toBe(201);
    const orderId = String(placed.json.orderId);
    const status = await poll(
      async () => String((await api(`/orders/${orderId}`, { token: customer })).json.status),
      (s) => ['FULFILLING', 'SHIPPED', 'IN_REVIEW', 'CANCELLED', 'REJECTED'].includes(s),
      90_000,
    );
    expect(status).toBe('FULFILLING'); // allocated

    const record = await poll(
      () => getItem(tables().catalog, { pk: `RESERVATION#${orderId}`, sk: `${sku}#WH-EAST` }),
      (r) => r?.status === 'picked',
      90_000,
    );
    expect(record).toMatchObject({ status: 'picked', pickedQuantity: 1 });
    expect(typeof record?.bucket).toBe('number');
    const after = await rawBuckets(sku, 'WH-EAST', 4);
    expect(after[Number(record?.bucket)]).toEqual({ onHand: 1, reserved: 0, available: 1 });
    expect(after.reduce((s, b) => s + b.onHand, 0)).toBe(7);
    const view = await api(`/admin/stock/${sku}`, { token: await opsToken() });
    expect((view.json.items as Array<Record<string, unknown>>).find((i) => i.warehouseId === 'WH-EAST')).toEqual({
      warehouseId: 'WH-EAST',
      onHand: 7,
      reserved: 0,
      available: 7,
      buckets: 4,
    });
  }, 120_000);
});
