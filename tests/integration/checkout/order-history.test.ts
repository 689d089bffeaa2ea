/**
 * A customer's order history (`GET /orders`) on DynamoDB Local: the `byCustomerSummary` index copies
 * an order's summary only — never its lines or personal data — and pages newest first; an order
 * item written before the index existed (without `itemCount` and `paymentMethod`) is read whole, so
 * its summary is the same.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { listOrders } from '../../../functions/checkout/get-order.ts';
import { ORDER_INDEXES, ORDER_SUMMARY_ATTRIBUTES } from '../../../functions/checkout/orders-repository.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { customer, useCheckoutWorld } from './fixtures.ts';

const world = useCheckoutWorld();

const principal = (userId: string) => ({ userId, roles: ['customer'], isStaff: false }) as never;

async function place(customerId: string, items: Array<{ sku: string; quantity: number }>, payment: Record<string, unknown> = { method: 'bank_transfer' }) {
  const { order } = await placeOrder(world.placeDeps(), {
    customerId,
    request: world.request(items, { payment: payment as never }),
    correlationId: 'c',
    idempotencyKey: ulid(),
  });
  return order;
}

describe('the order history (byCustomerSummary)', () => {
  it('lists summaries newest first, a page at a time; the index holds the summary attributes and keys only', async () => {
    const customerId = customer('history');
    const tea = await world.product({ stock: { 'WH-EAST': 20 } });
    const cup = await world.product({ stock: { 'WH-EAST': 20 } });
    const first = await place(customerId, [{ sku: tea, quantity: 1 }]);
    const second = await place(customerId, [
      { sku: tea, quantity: 2 },
      { sku: cup, quantity: 1 },
    ]);

    const page1 = await listOrders({ orders: world.orders }, { principal: principal(customerId), limit: 1 });
    expect(page1.items).toEqual([
      {
        orderId: second.orderId,
        orderType: 'regular',
        status: second.status,
        placedAt: second.placedAt,
        total: second.total,
        amountDue: second.amountDue,
        itemCount: 3,
        paymentMethod: 'bank_transfer',
      },
    ]);
    const page2 = await listOrders({ orders: world.orders }, { principal: principal(customerId), limit: 1, cursor: page1.nextCursor! });
    expect(page2.items.map((o) => [o.orderId, o.itemCount])).toEqual([[first.orderId, 1]]);

    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: world.tables.orders,
        IndexName: ORDER_INDEXES.byCustomer,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
      }),
    );
    for (const item of Items ?? []) expect(Object.keys(item).sort()).toEqual(['pk', 'sk', 'gsi1pk', 'gsi1sk', ...ORDER_SUMMARY_ATTRIBUTES].sort());
  });

  it('an order item written before the summary attributes existed is read whole: the same summary', async () => {
    const customerId = customer('history-old');
    const tea = await world.product({ stock: { 'WH-EAST': 20 } });
    const order = await place(customerId, [{ sku: tea, quantity: 4 }]);
    await documentClient().send(
      new UpdateCommand({ TableName: world.tables.orders, Key: { pk: `ORDER#${order.orderId}`, sk: 'ORDER' }, UpdateExpression: 'REMOVE itemCount, paymentMethod' }),
    );
    const page = await listOrders({ orders: world.orders }, { principal: principal(customerId), limit: 10 });
    expect(page.items).toEqual([expect.objectContaining({ orderId: order.orderId, itemCount: 4, paymentMethod: 'bank_transfer', total: order.total })]);
    // Not part of the order: the derived attributes never reach the domain.
    expect(await world.orders.getOrder(order.orderId)).not.toHaveProperty('itemCount');
  });
});
