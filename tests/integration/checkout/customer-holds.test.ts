/**
 * Per-customer caps against DynamoDB Local (SEC-5, abuse and denial of wallet): at most 5 orders
 * awaiting payment and at most 20 units of one SKU reserved at once per customer (a flash sale may
 * set its own), enforced inside the placement transaction so concurrent orders cannot slip past;
 * given back when an order stops awaiting payment or stops holding its stock.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { changeOrder } from '../../../functions/checkout/change-order.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import { PROBLEM_TYPE_BASE } from '../../../shared/errors.ts';
import { asProblem, customer, problem, useCheckoutWorld } from './fixtures.ts';

const world = useCheckoutWorld();

const LIMIT = `${PROBLEM_TYPE_BASE}purchase-limit-reached`;
const place = (customerId: string, items: Array<{ sku: string; quantity: number }>) =>
  placeOrder(world.placeDeps(), { customerId, request: world.request(items, { payment: { method: 'bank_transfer' } }), correlationId: `c-${ulid()}`, idempotencyKey: ulid() });
const cancel = (orderId: string, customerId: string) =>
  changeOrder(world.changeDeps(), { orderId, fact: { type: 'Cancel', by: 'customer', actor: customerId, reason: 'customer-request' }, correlationId: `c-${ulid()}` });

describe('open unpaid orders per customer (SEC-5)', () => {
  it('the 6th unpaid order is refused with 409 and writes nothing; cancelling one frees its slot', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 100 } });
    const alice = customer('holds');
    const placed = [];
    for (let i = 0; i < 5; i++) placed.push((await place(alice, [{ sku, quantity: 1 }])).order);
    const refused = await problem(place(alice, [{ sku, quantity: 1 }]));
    expect(refused.status).toBe(409);
    expect(refused.type).toBe(LIMIT);
    expect(refused.detail).toMatch(/5 unpaid orders; at most 5/);
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 5 });
    expect((await world.orders.customerHolds(alice)).openUnpaid).toBe(5);
    // Another customer is not affected.
    await expect(place(customer('other'), [{ sku, quantity: 1 }])).resolves.toMatchObject({ created: true });

    await cancel((placed[0] as { orderId: string }).orderId, alice);
    expect(await world.orders.customerHolds(alice)).toMatchObject({ openUnpaid: 4 });
    await expect(place(alice, [{ sku, quantity: 1 }])).resolves.toMatchObject({ created: true });
  });

  it('concurrent orders cannot slip past the cap: 8 at once → exactly 5 placed', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 100 } });
    const bob = customer('burst');
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => place(bob, [{ sku, quantity: 1 }])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    for (const r of results) if (r.status === 'rejected') expect(asProblem(r.reason).status).toBe(409);
    expect((await world.orders.customerHolds(bob)).openUnpaid).toBe(5);
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 5 });
  });
});

describe('units of one SKU reserved per customer (SEC-5)', () => {
  it('one order above 20 units is refused before anything is written', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 100 } });
    const carol = customer('bulk');
    const refused = await problem(place(carol, [{ sku, quantity: 21 }]));
    expect(refused.status).toBe(409);
    expect(refused.detail).toContain(`at most 20 units of ${sku}`);
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 0 });
  });

  it('orders add up: 15 then 10 of one SKU → the second is refused; other SKUs are not affected; a cancellation gives the units back', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 100 } });
    const other = await world.product({ stock: { 'WH-EAST': 100 } });
    const dave = customer('adds');
    const first = await place(dave, [{ sku, quantity: 15 }]);
    const refused = await problem(
      place(dave, [
        { sku, quantity: 10 },
        { sku: other, quantity: 1 },
      ]),
    );
    expect(refused.status).toBe(409);
    expect(refused.detail).toContain(`already hold 15 units of ${sku}; at most 20`);
    expect((await world.stock(other))['WH-EAST']).toMatchObject({ reserved: 0 });
    await expect(
      place(dave, [
        { sku, quantity: 5 },
        { sku: other, quantity: 20 },
      ]),
    ).resolves.toMatchObject({ created: true });
    expect((await world.orders.customerHolds(dave)).reserved.get(sku)).toBe(20);

    await cancel(first.order.orderId, dave);
    const holds = await world.orders.customerHolds(dave);
    expect(holds.reserved.get(sku)).toBe(5);
    expect(holds.openUnpaid).toBe(1);
    await expect(place(dave, [{ sku, quantity: 15 }])).resolves.toMatchObject({ created: true });
  });

  it('a flash sale sets its own per-customer cap while it runs', async () => {
    const sku = await world.product({ price: 12900, stock: { 'WH-EAST': 100 } });
    const now = Date.now();
    await world.promotions.putPromotion({
      kind: 'flash-price',
      promotionId: `FLASH-${ulid()}`,
      title: '限时抢购',
      sku,
      price: { amount: 9900, currency: 'CNY' },
      perCustomerLimit: 2,
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
    });
    const erin = customer('flash');
    await expect(place(erin, [{ sku, quantity: 2 }])).resolves.toMatchObject({ created: true });
    const refused = await problem(place(erin, [{ sku, quantity: 1 }]));
    expect(refused.status).toBe(409);
    expect(refused.detail).toContain('at most 2 may be held');
  });

  it('orders placed before the caps existed (nothing counted) give nothing back', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 100 } });
    const frank = customer('legacy');
    const { order } = await place(frank, [{ sku, quantity: 3 }]);
    // Make it look like an order placed before the caps: no heldByCustomer, and no counters.
    const { DeleteCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('../../../shared/dynamodb.ts');
    await documentClient().send(
      new UpdateCommand({ TableName: world.tables.orders, Key: { pk: `ORDER#${order.orderId}`, sk: 'ORDER' }, UpdateExpression: 'REMOVE heldByCustomer' }),
    );
    await documentClient().send(new DeleteCommand({ TableName: world.tables.orders, Key: { pk: `CUSTOMER#${frank}`, sk: 'HOLDS' } }));
    await cancel(order.orderId, frank);
    const holds = await world.orders.customerHolds(frank);
    expect(holds.openUnpaid).toBe(0);
    expect(holds.reserved.size).toBe(0);
  });
});
