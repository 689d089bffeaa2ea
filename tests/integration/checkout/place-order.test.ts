/**
 * Placing orders against DynamoDB Local (ORD-1, ORD-2, ORD-4, ORD-5, ORD-7, SEC-2): one transaction
 * for the order and its reservations, never oversold under concurrency, 409 naming the short SKUs
 * with nothing written, personal data encrypted and bound to the order, coupons counted exactly
 * once per order, events published through the outbox.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { PAYMENT_TOKEN_SEAL } from '../../../events/order-placed.ts';
import { drainOutbox } from '../../../functions/checkout/outbox.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import { decryptPersonalData } from '../../../functions/checkout/personal-data.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { FieldDecryptionError, isEncryptedField, subjectOfEncryptedField } from '../../../shared/field-encryption.ts';
import { asProblem, customer, problem, useCheckoutWorld } from './fixtures.ts';

const world = useCheckoutWorld();

const rawOrderItem = async (orderId: string) =>
  (await documentClient().send(new GetCommand({ TableName: world.tables.orders, Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' }, ConsistentRead: true }))).Item;

const ordersOf = async (customerId: string) =>
  (
    await documentClient().send(
      new QueryCommand({
        TableName: world.tables.orders,
        IndexName: 'byCustomerSummary',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
      }),
    )
  ).Items ?? [];

describe('placeOrder against DynamoDB Local', () => {
  it('ORD-1/ORD-4: writes the order, its PLACED timeline entry and the reservations in one transaction; publishes ids only', async () => {
    const sku = await world.product({ price: 12900, stock: { 'WH-EAST': 5, 'WH-NORTH': 5 } });
    const customerId = customer();
    const result = await placeOrder(world.placeDeps(), {
      customerId,
      request: world.request([{ sku, quantity: 2 }]),
      idempotencyKey: ulid(),
      deviceId: 'dev-1',
      sourceIp: '10.1.2.3',
      correlationId: 'corr-1',
    });
    const { order } = result;
    expect(order).toMatchObject({ status: 'PLACED', version: 1, customerId, orderType: 'regular', reservations: [{ sku, warehouseId: 'WH-EAST', quantity: 2 }] });
    // Re-priced on the server: 2 × ¥129 = ¥258; no demo promotions in this table partition? (promotions are global: none seeded here)
    expect(order.subtotal).toEqual({ amount: 25800, currency: 'CNY' });
    expect(order.total.amount).toBe(order.subtotal.amount - order.discountTotal.amount + order.shippingFee.amount);
    expect(order.amountDue).toEqual(order.total);
    expect(await world.stock(sku)).toEqual({ 'WH-EAST': { onHand: 5, reserved: 2, available: 3 }, 'WH-NORTH': { onHand: 5, reserved: 0, available: 5 } });
    const stored = await world.orders.get(order.orderId);
    expect(stored?.timeline).toEqual([{ at: order.placedAt, from: null, to: 'PLACED', reason: 'order-placed', actor: customerId }]);
    const placed = world.events.of('OrderPlaced', order.orderId);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({
      orderId: order.orderId,
      reservations: [{ sku, warehouseId: 'WH-EAST', quantity: 2 }],
      paymentMethod: 'card',
      shippingRegion: 'east',
      riskSignals: { emailDomain: 'example.cn', deviceId: 'dev-1' },
    });
    // OrderPlaced announces the placement: no OrderStatusChanged repeats it (one EventBridge entry per fact).
    expect(world.events.of('OrderStatusChanged', order.orderId)).toEqual([]);
    const text = JSON.stringify(world.events.published);
    for (const secret of ['王小明', '139 1234 5678', '世纪大道', 'xiaoming.wang', '200120', '10.1.2.3']) expect(text).not.toContain(secret);
    // The outbox entry was deleted after publishing.
    expect(await world.orders.pendingOutbox(0, new Date(Date.now() + 60_000), 100).then((e) => e.filter((x) => x.key.sk.includes(order.orderId)))).toEqual([]);
  });

  it('SEC-2: the raw DynamoDB item holds no plaintext personal data; a ciphertext copied onto another order does not decrypt', async () => {
    const sku = await world.product();
    const a = await placeOrder(world.placeDeps(), { customerId: customer(), request: world.request([{ sku, quantity: 1 }]), correlationId: 'c' });
    const b = await placeOrder(world.placeDeps(), {
      customerId: customer(),
      request: world.request([{ sku, quantity: 1 }], { contactEmail: 'other@example.cn' }),
      correlationId: 'c',
    });
    const raw = await rawOrderItem(a.order.orderId);
    const text = JSON.stringify(raw);
    for (const plain of ['王小明', '139', '世纪大道', '8楼', '上海', '200120', 'xiaoming.wang@example.cn']) expect(text).not.toContain(plain);
    expect(raw?.shippingRegion).toBe('east');
    expect(raw?.shippingCountry).toBe('CN');
    expect(await decryptPersonalData(world.cipher, a.order.orderId, a.order.personal!)).toMatchObject({ name: '王小明', email: 'xiaoming.wang@example.cn' });
    // One sealed value holds it all, under the customer's key (v2) — not a map of one value per field.
    expect(isEncryptedField(raw?.personal)).toBe(true);
    expect(subjectOfEncryptedField(raw?.personal)).toBe(a.order.customerId);
    // Copy A's sealed data onto B: it does not decrypt as B's.
    await expect(decryptPersonalData(world.newEncryptor(), b.order.orderId, a.order.personal!)).rejects.toBeInstanceOf(FieldDecryptionError);
  });

  it('ORD-4: not enough stock → 409 naming the short SKUs, nothing written', async () => {
    const plenty = await world.product({ stock: { 'WH-EAST': 50 } });
    const scarce = await world.product({ stock: { 'WH-EAST': 1, 'WH-SOUTH': 1 } });
    const customerId = customer();
    const error = await problem(
      placeOrder(world.placeDeps(), {
        customerId,
        request: world.request([
          { sku: plenty, quantity: 3 },
          { sku: scarce, quantity: 3 },
        ]),
        idempotencyKey: ulid(),
        correlationId: 'c',
      }),
    );
    expect(error.status).toBe(409);
    expect(error.slug).toBe('out-of-stock');
    expect(error.detail).toContain(scarce);
    expect(error.detail).not.toContain(plenty);
    expect(error.errors).toEqual([{ path: 'body.items[1].quantity', message: `${scarce}: 3 requested, 2 available` }]);
    expect(await ordersOf(customerId)).toEqual([]);
    expect(await world.stock(plenty)).toEqual({ 'WH-EAST': { onHand: 50, reserved: 0, available: 50 } });
  });

  it('FUL-1: reserves from the nearest warehouses, splitting when no single one has enough', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 2, 'WH-NORTH': 3, 'WH-SOUTH': 10 } });
    const near = await placeOrder(world.placeDeps(), {
      customerId: customer(),
      request: world.request([{ sku, quantity: 3 }], { shippingAddress: { ...world.request([]).shippingAddress, region: 'north' } }),
      correlationId: 'c',
    });
    expect(near.order.reservations).toEqual([{ sku, warehouseId: 'WH-NORTH', quantity: 3 }]);
    const split = await placeOrder(world.placeDeps(), {
      customerId: customer(),
      request: world.request([{ sku, quantity: 11 }], { shippingAddress: { ...world.request([]).shippingAddress, region: 'east' } }),
      correlationId: 'c',
    });
    expect(split.order.reservations.reduce((s, r) => s + r.quantity, 0)).toBe(11);
    expect(await world.stock(sku)).toMatchObject({ 'WH-NORTH': { available: 0 } });
    const total = Object.values(await world.stock(sku)).reduce((s, l) => s + l.available, 0);
    expect(total).toBe(15 - 3 - 11);
  });

  it('ORD-4: 40 concurrent orders for 10 units → exactly 10 placed, the rest 409, available never below zero', async () => {
    const sku = await world.product({ stock: { 'WH-EAST': 4, 'WH-NORTH': 3, 'WH-SOUTH': 3 } });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => placeOrder(world.placeDeps(), { customerId: customer(), request: world.request([{ sku, quantity: 1 }]), correlationId: 'c' })),
    );
    const placed = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(placed).toHaveLength(10);
    expect(refused).toHaveLength(30);
    for (const r of refused) expect(asProblem(r.reason)).toMatchObject({ status: 409, slug: 'out-of-stock' });
    const stock = await world.stock(sku);
    for (const level of Object.values(stock)) {
      expect(level.available).toBe(0);
      expect(level.reserved).toBe(level.onHand);
    }
  });

  it('ORD-7: the same request (customer + Idempotency-Key) placed again returns the first order; a different body is 422', async () => {
    const sku = await world.product();
    const customerId = customer();
    const key = ulid();
    const request = world.request([{ sku, quantity: 1 }]);
    const first = await placeOrder(world.placeDeps(), { customerId, request, idempotencyKey: key, correlationId: 'c' });
    const again = await placeOrder(world.placeDeps(), { customerId, request, idempotencyKey: key, correlationId: 'c' });
    expect(again.created).toBe(false);
    expect(again.order.orderId).toBe(first.order.orderId);
    expect(await ordersOf(customerId)).toHaveLength(1);
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 1 });
    const different = await problem(placeOrder(world.placeDeps(), { customerId, request: world.request([{ sku, quantity: 2 }]), idempotencyKey: key, correlationId: 'c' }));
    expect(different.status).toBe(422);
  });

  it('ORD-3/ORD-7: a coupon is counted exactly once per order — retries do not count again; limits hold under concurrency', async () => {
    const code = `T${ulid().slice(-12)}`;
    await world.promotions.putCoupon({
      code,
      title: 'test',
      kind: 'percentage',
      percentBasisPoints: 1000,
      minSpend: { amount: 0, currency: 'CNY' },
      validFrom: '2020-01-01T00:00:00Z',
      validUntil: '2099-01-01T00:00:00Z',
      perCustomerLimit: 1,
      totalLimit: 3,
    });
    const sku = await world.product({ stock: { 'WH-EAST': 100 } });
    const customerId = customer();
    const key = ulid();
    const request = world.request([{ sku, quantity: 1 }], { couponCode: code });
    const first = await placeOrder(world.placeDeps(), { customerId, request, idempotencyKey: key, correlationId: 'c' });
    expect(first.order.couponCode).toBe(code);
    expect(first.order.discounts.find((d) => d.kind === 'coupon')?.amount.amount).toBeGreaterThan(0);
    await placeOrder(world.placeDeps(), { customerId, request, idempotencyKey: key, correlationId: 'c' });
    const usage = async () => (await world.promotions.pricingContext(customerId, code)).coupon?.usage;
    expect(await usage()).toEqual({ total: 1, byCustomer: 1, issued: false });
    // The same customer with a new request: the per-customer limit (1) is reached.
    const again = await problem(placeOrder(world.placeDeps(), { customerId, request, idempotencyKey: ulid(), correlationId: 'c' }));
    expect(again).toMatchObject({ status: 409, slug: 'coupon-not-applicable' });
    // 10 other customers at once: the total limit (3) allows exactly 2 more.
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => placeOrder(world.placeDeps(), { customerId: customer(), request, correlationId: 'c' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect((await world.promotions.pricingContext(customer(), code)).coupon?.usage.total).toBe(3);
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 3 });
  });

  it('SEC-5: unknown SKUs, an unknown coupon, an unknown region, card numbers → 400, nothing written', async () => {
    const sku = await world.product();
    const customerId = customer();
    const cases = [
      world.request([{ sku: 'NOPE-404', quantity: 1 }]),
      world.request([{ sku, quantity: 1 }], { couponCode: 'NO-SUCH-COUPON' }),
      world.request([{ sku, quantity: 1 }], { shippingAddress: { ...world.request([]).shippingAddress, region: 'mars' } }),
      world.request([{ sku, quantity: 1 }], { payment: { method: 'card', token: '4111111111111111' } }),
      world.request([{ sku, quantity: 1000 }]),
    ];
    for (const request of cases) {
      const error = await problem(placeOrder(world.placeDeps(), { customerId, request, correlationId: 'c' }));
      expect(error.status).toBe(400);
    }
    expect(await ordersOf(customerId)).toEqual([]);
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 0 });
  });

  it('ORD-5: a pre-sale order is due a 20 % deposit now and the balance later', async () => {
    const sku = await world.product({ price: 10000 });
    const { order } = await placeOrder(world.placeDeps(), {
      customerId: customer(),
      request: world.request([{ sku, quantity: 1 }], { orderType: 'pre-sale' }),
      correlationId: 'c',
    });
    expect(order.orderType).toBe('pre-sale');
    expect(order.amountDue.amount + order.balanceDue.amount).toBe(order.total.amount);
    expect(order.amountDue.amount).toBe(Math.round(order.total.amount * 0.2));
    expect(world.events.of('OrderPlaced', order.orderId)[0]).toMatchObject({ orderType: 'pre-sale', amountDue: order.amountDue });
  });

  it('events are never lost: when publishing fails the order stands and the outbox sweep publishes later', async () => {
    const sku = await world.product();
    world.events.setFailing(true);
    let orderId: string;
    try {
      ({
        order: { orderId },
      } = await placeOrder(world.placeDeps(), { customerId: customer(), request: world.request([{ sku, quantity: 1 }]), correlationId: 'corr-outbox' }));
    } finally {
      world.events.setFailing(false);
    }
    expect(world.events.of('OrderPlaced', orderId)).toEqual([]);
    expect(await world.orders.getOrder(orderId)).toMatchObject({ status: 'PLACED' });
    // The outbox entry keeps the payment token sealed, never in clear (SEC-2).
    const pending = (await Promise.all([0, 1, 2, 3].map((shard) => world.orders.pendingOutbox(shard, new Date(Date.now() + 1000), 1000))))
      .flat()
      .filter((e) => e.orderId === orderId);
    expect(pending).toHaveLength(1);
    expect(JSON.stringify(pending)).not.toContain('tok_visa');
    const summary = await drainOutbox({ orders: world.orders, eventsFor: world.events.forCorrelation }, new Date(Date.now() + 1000));
    expect(summary.republished).toBeGreaterThanOrEqual(1);
    expect(world.events.of('OrderPlaced', orderId)).toHaveLength(1);
    // Republished as it was published: the token sealed for payments, which opens it with the order id.
    const republished = world.events.of('OrderPlaced', orderId)[0] as { sealedPaymentToken?: string };
    expect(JSON.stringify(republished)).not.toContain('tok_visa');
    expect(await world.cipher.decryptFields({ entity: PAYMENT_TOKEN_SEAL.entity, recordId: orderId }, { [PAYMENT_TOKEN_SEAL.field]: republished.sealedPaymentToken })).toEqual({
      [PAYMENT_TOKEN_SEAL.field]: 'tok_visa',
    });
    expect(world.events.published.find((p) => (p.event.payload as { orderId?: string }).orderId === orderId)?.correlationId).toBe('corr-outbox');
    // Drained: a second drain does not publish it again.
    await drainOutbox({ orders: world.orders, eventsFor: world.events.forCorrelation }, new Date(Date.now() + 1000));
    expect(world.events.of('OrderPlaced', orderId)).toHaveLength(1);
  });
});
