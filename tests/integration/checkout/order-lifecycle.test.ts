/**
 * The order after placement, against DynamoDB Local: the event consumer (flow steps 3, 5, 7) drives
 * the state machine idempotently (duplicates and late events change nothing), terminal exits
 * release stock (ORD-4), cancel by customer or ops (SEC-1, SEC-4), the unpaid-order timeout with an
 * injected clock (ORD-4), and reads (own orders only; staff see the risk decision, audited).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../shared/dynamodb.ts';
import { OrderAllocated, OrderDelivered, OrderShipped, ShipmentStatusChanged } from '../../../events/fulfillment-events.ts';
import { PaymentAuthorized, PaymentFailed, PaymentPending } from '../../../events/payment-events.ts';
import { RiskApproved, RiskRejected, RiskReviewRequired } from '../../../events/risk-assessed.ts';
import type { AnyEventDefinition } from '../../../events/event-definition.ts';
import { makeApplyOrderEventsHandler } from '../../../functions/checkout/handlers/apply-order-events.ts';
import { makeCancelOrderHandler } from '../../../functions/checkout/handlers/cancel-order.ts';
import { makeGetOrderHandler } from '../../../functions/checkout/handlers/get-order.ts';
import { makeListOrdersHandler } from '../../../functions/checkout/handlers/list-orders.ts';
import { makeExpireUnpaidOrdersHandler } from '../../../functions/checkout/handlers/expire-unpaid-orders.ts';
import { expireUnpaidOrders } from '../../../functions/checkout/expire-unpaid-orders.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import { DynamoDbAuditLog } from '../../../shared/audit.ts';
import { manualClock } from '../../../shared/clock.ts';
import { apiEvent, claimsFor, eventBridgeEvent, jsonBody, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { checkoutWorld, customer, startLocalKms } from './fixtures.ts';

let kms: Awaited<ReturnType<typeof startLocalKms>>;
let world: ReturnType<typeof checkoutWorld>;
let audit: DynamoDbAuditLog;

beforeAll(async () => {
  const { tables } = useLocalDynamoDb();
  kms = await startLocalKms();
  world = checkoutWorld(tables, kms);
  audit = new DynamoDbAuditLog(tables.audit);
  await world.ensureWarehouses();
});

afterAll(async () => {
  await kms.close();
});

const consumer = () => makeApplyOrderEventsHandler({ orders: () => world.orders, events: world.events.forCorrelation });

/** An SQS record carrying `definition` with `payload` as EventBridge delivers it; returns its event id. */
function message(definition: AnyEventDefinition, payload: Record<string, unknown>, eventId = ulid()) {
  const detail = { version: definition.version, ...payload, meta: { correlationId: `corr-${eventId}`, occurredAt: new Date().toISOString(), eventId } };
  return { record: sqsRecord(eventBridgeEvent(definition.name, definition.source, detail)), eventId };
}

async function deliver(...records: ReturnType<typeof message>[]) {
  const result = await consumer()(sqsEvent(...records.map((r) => r.record)), lambdaContext());
  return result as { batchItemFailures: Array<{ itemIdentifier: string }> };
}

const risk = (orderId: string, customerId: string, overrides: Record<string, unknown> = {}) => ({
  orderId,
  customerId,
  assessmentId: ulid(),
  score: 10,
  level: 'low',
  rulesFired: [],
  decidedBy: 'rules',
  decidedAt: new Date().toISOString(),
  ...overrides,
});
const payment = (orderId: string, customerId: string, amount: number, paymentId = ulid()) => ({
  orderId,
  customerId,
  paymentId,
  method: 'card',
  amount: { amount, currency: 'CNY' },
  captureOn: 'shipment',
  authorizedAt: new Date().toISOString(),
});

async function placed(quantity = 2, extra: Parameters<typeof world.request>[1] = {}, clock?: ReturnType<typeof manualClock>) {
  const sku = await world.product({ stock: { 'WH-EAST': 10 } });
  const customerId = customer();
  const { order } = await placeOrder(world.placeDeps(clock ? { clock } : {}), { customerId, request: world.request([{ sku, quantity }], extra), correlationId: 'c' });
  return { sku, customerId, order };
}

describe('order events consumer (EventConsumer → changeOrder)', () => {
  it('happy path: RiskApproved → PaymentAuthorized → OrderAllocated → OrderShipped → OrderDelivered, one timeline entry each; OrderStatusChanged only where no event of its cause announced it', async () => {
    const { sku, customerId, order } = await placed();
    const shipmentId = ulid();
    expect((await deliver(message(RiskApproved, risk(order.orderId, customerId)))).batchItemFailures).toEqual([]);
    await deliver(message(PaymentAuthorized, payment(order.orderId, customerId, order.total.amount)));
    let current = await world.orders.getOrder(order.orderId);
    expect(current).toMatchObject({ status: 'APPROVED', paymentDueBy: null, payment: { status: 'authorized' }, risk: { outcome: 'approved' } });
    const approved = world.events.of('OrderStatusChanged', order.orderId).find((e) => e.to === 'APPROVED');
    expect(approved).toMatchObject({ from: 'PLACED', reason: 'payment-authorized', reservations: [{ sku, warehouseId: 'WH-EAST', quantity: 2 }] });
    await deliver(
      message(OrderAllocated, {
        orderId: order.orderId,
        shipments: [{ shipmentId, warehouseId: 'WH-EAST', carrier: 'premium-express', lines: [{ sku, quantity: 2 }] }],
        allocatedAt: new Date().toISOString(),
      }),
    );
    await deliver(
      message(ShipmentStatusChanged, {
        orderId: order.orderId,
        shipmentId,
        carrier: 'premium-express',
        waybill: 'PX123',
        from: 'CREATED',
        to: 'PICKED_UP',
        changedAt: new Date().toISOString(),
      }),
    );
    await deliver(message(OrderShipped, { orderId: order.orderId, shipmentIds: [shipmentId], shippedAt: new Date().toISOString() }));
    await deliver(message(OrderDelivered, { orderId: order.orderId, shipmentIds: [shipmentId], deliveredAt: new Date().toISOString() }));
    const found = await world.orders.get(order.orderId);
    expect(found?.order).toMatchObject({ status: 'DELIVERED', reservations: [], shipments: [{ shipmentId, waybill: 'PX123', status: 'PICKED_UP', warehouseId: 'WH-EAST' }] });
    expect(found?.timeline.map((t) => `${t.from}→${t.to}`)).toEqual(['null→PLACED', 'PLACED→APPROVED', 'APPROVED→FULFILLING', 'FULFILLING→SHIPPED', 'SHIPPED→DELIVERED']);
    // PLACED, FULFILLING and SHIPPED are announced by OrderPlaced, OrderAllocated and OrderShipped (order-events.ts).
    expect(world.events.of('OrderStatusChanged', order.orderId).map((e) => `${e.from}→${e.to}`)).toEqual(['PLACED→APPROVED', 'SHIPPED→DELIVERED']);
    // Everything checkout published about the order: three entries on the bus.
    expect(world.events.published.filter((p) => (p.event.payload as { orderId?: string }).orderId === order.orderId).map((p) => p.event.definition.name)).toEqual([
      'OrderPlaced',
      'OrderStatusChanged',
      'OrderStatusChanged',
    ]);
    // Stock stays reserved for fulfillment to pick (checkout releases nothing on the happy path).
    expect((await world.stock(sku))['WH-EAST']).toMatchObject({ reserved: 2 });
    current = await world.orders.getOrder(order.orderId);
    expect(current?.version).toBe(found?.order.version);
  });

  it('the placement is not stored as a timeline item (it follows from the order); an order placed before December 2026, which stores it, reads it once', async () => {
    const partition = async (orderId: string) =>
      (
        await documentClient().send(
          new QueryCommand({ TableName: world.tables.orders, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` }, ConsistentRead: true }),
        )
      ).Items ?? [];
    const { customerId, order } = await placed();
    const placement = { at: order.placedAt, from: null, to: 'PLACED', reason: 'order-placed', actor: customerId };
    expect((await partition(order.orderId)).map((i) => i.sk)).toEqual(['ORDER']);
    expect((await world.orders.get(order.orderId))?.timeline).toEqual([placement]);
    await deliver(message(RiskApproved, risk(order.orderId, customerId)));
    await deliver(message(PaymentAuthorized, payment(order.orderId, customerId, order.total.amount)));
    const timelineItems = (await partition(order.orderId)).filter((i) => String(i.sk).startsWith('TIMELINE#'));
    expect(timelineItems.map((i) => [i.from, i.to])).toEqual([['PLACED', 'APPROVED']]);
    const approved = { at: timelineItems[0]?.at, from: 'PLACED', to: 'APPROVED', reason: 'payment-authorized', actor: timelineItems[0]?.actor };
    expect((await world.orders.get(order.orderId))?.timeline).toEqual([placement, approved]);
    // An order placed before December 2026 stores its placement entry as version 1: read once, not twice.
    await documentClient().send(
      new PutCommand({ TableName: world.tables.orders, Item: { pk: `ORDER#${order.orderId}`, sk: 'TIMELINE#000001', type: 'Timeline', ...placement, actor: 'stored-actor' } }),
    );
    expect((await world.orders.get(order.orderId))?.timeline).toEqual([{ ...placement, actor: 'stored-actor' }, approved]);
  });

  it('FUL-1/ORD-6: a shipment fulfillment cancelled with its order (ShipmentStatusChanged → CANCELLED) shows CANCELLED; replays and late carrier statuses change nothing', async () => {
    const { sku, customerId, order } = await placed();
    const shipmentId = ulid();
    await deliver(message(PaymentAuthorized, payment(order.orderId, customerId, order.total.amount)));
    await deliver(
      message(OrderAllocated, {
        orderId: order.orderId,
        shipments: [{ shipmentId, warehouseId: 'WH-EAST', carrier: 'premium-express', lines: [{ sku, quantity: 2 }] }],
        allocatedAt: new Date(Date.now() - 1000).toISOString(),
      }),
    );
    await world.orders.getOrder(order.orderId).then((o) => expect(o?.status).toBe('FULFILLING'));
    const cancelled = await makeCancelOrderHandler({ orders: () => world.orders, events: world.events.forCorrelation, audit: () => audit })(
      apiEvent({
        method: 'POST',
        path: `/orders/${order.orderId}/cancel`,
        resource: '/orders/{orderId}/cancel',
        pathParameters: { orderId: order.orderId },
        body: {},
        claims: claimsFor(customerId, 'customer'),
        headers: { 'Idempotency-Key': ulid() },
      }),
      lambdaContext(),
    );
    expect(cancelled.statusCode).toBe(200);
    const shipmentCancelled = message(ShipmentStatusChanged, {
      orderId: order.orderId,
      shipmentId,
      carrier: 'premium-express',
      waybill: 'PX0000000001',
      from: 'CREATED',
      to: 'CANCELLED',
      changedAt: new Date().toISOString(),
    });
    expect((await deliver(shipmentCancelled)).batchItemFailures).toEqual([]);
    const expected = { shipmentId, warehouseId: 'WH-EAST', carrier: 'premium-express', waybill: 'PX0000000001', status: 'CANCELLED', lines: [{ sku, quantity: 2 }] };
    const after = await world.orders.get(order.orderId);
    expect(after?.order).toMatchObject({ status: 'CANCELLED', shipments: [expected] });
    // Replayed, or a carrier status after it: nothing changes (no new version, no new timeline entry).
    await deliver(shipmentCancelled);
    await deliver(
      message(ShipmentStatusChanged, {
        orderId: order.orderId,
        shipmentId,
        carrier: 'premium-express',
        waybill: 'PX0000000001',
        from: 'CREATED',
        to: 'PICKED_UP',
        changedAt: new Date(Date.now() + 1000).toISOString(),
      }),
    );
    const later = await world.orders.get(order.orderId);
    expect(later?.order.version).toBe(after?.order.version);
    expect(later?.order.shipments).toEqual(after?.order.shipments);
    // The customer's GET /orders/{id} shows it.
    const view = await makeGetOrderHandler({ orders: () => world.orders, cipher: () => world.cipher, audit: () => audit })(
      apiEvent({
        method: 'GET',
        path: `/orders/${order.orderId}`,
        resource: '/orders/{orderId}',
        pathParameters: { orderId: order.orderId },
        claims: claimsFor(customerId, 'customer'),
      }),
      lambdaContext(),
    );
    expect(view.statusCode).toBe(200);
    expect(jsonBody(view)).toMatchObject({ status: 'CANCELLED', shipments: [expected] });
  });

  it('a redelivered event (same event id) changes nothing; a late one is ignored, never an error', async () => {
    const { customerId, order } = await placed();
    const authorized = message(PaymentAuthorized, payment(order.orderId, customerId, order.total.amount));
    await deliver(authorized);
    const version = (await world.orders.getOrder(order.orderId))?.version;
    expect((await deliver(authorized)).batchItemFailures).toEqual([]);
    // Late: RiskReviewRequired after approval.
    expect((await deliver(message(RiskReviewRequired, risk(order.orderId, customerId, { decidedAt: new Date(Date.now() - 60_000).toISOString() })))).batchItemFailures).toEqual([]);
    const after = await world.orders.get(order.orderId);
    expect(after?.order.status).toBe('APPROVED');
    expect(after?.timeline).toHaveLength(2);
    expect(after?.order.version).toBeGreaterThanOrEqual(version ?? 0);
    expect(world.events.of('OrderStatusChanged', order.orderId).filter((e) => e.to === 'APPROVED')).toHaveLength(1);
    // Recognised by the order's state (the payment id is counted): no processed-event marker is written.
    const { Item } = await documentClient().send(new GetCommand({ TableName: world.tables.orders, Key: { pk: `EVENT#${authorized.eventId}`, sk: 'EVENT' }, ConsistentRead: true }));
    expect(Item).toBeUndefined();
  });

  it('ORD-4: RiskRejected and PaymentFailed release the reservation exactly once, even when redelivered', async () => {
    const a = await placed(3);
    const rejected = message(RiskRejected, risk(a.order.orderId, a.customerId, { score: 90, level: 'high' }));
    await deliver(rejected);
    await deliver(rejected);
    expect((await world.orders.getOrder(a.order.orderId))?.status).toBe('REJECTED');
    expect((await world.stock(a.sku))['WH-EAST']).toEqual({ onHand: 10, reserved: 0, available: 10 });

    const b = await placed(4);
    await deliver(message(RiskReviewRequired, risk(b.order.orderId, b.customerId, { score: 55, level: 'medium' })));
    expect((await world.orders.getOrder(b.order.orderId))?.status).toBe('IN_REVIEW');
    const failed = message(PaymentFailed, {
      orderId: b.order.orderId,
      customerId: b.customerId,
      paymentId: ulid(),
      method: 'card',
      reason: 'declined',
      failedAt: new Date().toISOString(),
    });
    await deliver(failed, failed);
    expect(await world.orders.getOrder(b.order.orderId)).toMatchObject({ status: 'PAYMENT_FAILED', payment: { status: 'failed', failureReason: 'declined' } });
    expect((await world.stock(b.sku))['WH-EAST']).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });

  it('PaymentPending is kept as the payment status; a message that is not a consumed event fails to the DLQ path', async () => {
    const { customerId, order } = await placed(1, { payment: { method: 'bank_transfer' } });
    await deliver(
      message(PaymentPending, { orderId: order.orderId, customerId, paymentId: ulid(), method: 'bank_transfer', amount: order.total, pendingSince: new Date().toISOString() }),
    );
    expect(await world.orders.getOrder(order.orderId)).toMatchObject({ status: 'PLACED', payment: { status: 'pending' } });
    const bad = sqsRecord('not json');
    const wrong = sqsRecord(eventBridgeEvent('PaymentAuthorized', 'commerce.payments', { orderId: 'x' }));
    const spoofed = sqsRecord(eventBridgeEvent('PaymentAuthorized', 'commerce.evil', payment(order.orderId, customerId, 1)));
    const result = (await consumer()(sqsEvent(bad, wrong, spoofed), lambdaContext())) as { batchItemFailures: Array<{ itemIdentifier: string }> };
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([bad.messageId, wrong.messageId, spoofed.messageId].sort());
  });

  it('ORD-5: a pre-sale order stays PLACED after its deposit (PreSaleBalanceDue) and is approved by the balance', async () => {
    const { customerId, order } = await placed(1, { orderType: 'pre-sale' });
    await deliver(message(PaymentAuthorized, payment(order.orderId, customerId, order.amountDue.amount)));
    const afterDeposit = await world.orders.getOrder(order.orderId);
    expect(afterDeposit).toMatchObject({ status: 'PLACED', payment: { status: 'deposit-authorized', authorized: order.amountDue } });
    expect(Date.parse(afterDeposit?.paymentDueBy ?? '')).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(world.events.of('PreSaleBalanceDue', order.orderId)).toEqual([expect.objectContaining({ balance: order.balanceDue, authorized: order.amountDue })]);
    await deliver(message(PaymentAuthorized, payment(order.orderId, customerId, order.balanceDue.amount)));
    expect(await world.orders.getOrder(order.orderId)).toMatchObject({ status: 'APPROVED', payment: { status: 'authorized', authorized: order.total } });
  });
});

describe('cancel (POST /orders/{orderId}/cancel)', () => {
  const cancelHandler = () => makeCancelOrderHandler({ orders: () => world.orders, events: world.events.forCorrelation, audit: () => audit });
  const cancel = (orderId: string, claims: Record<string, string>, body: unknown = {}, key = ulid()) =>
    cancelHandler()(
      apiEvent({
        method: 'POST',
        path: `/orders/${orderId}/cancel`,
        resource: '/orders/{orderId}/cancel',
        pathParameters: { orderId },
        body,
        claims,
        headers: { 'Idempotency-Key': key },
      }),
      lambdaContext(),
    );

  it('the customer cancels their own order: stock released, OrderCancelled + OrderStatusChanged published', async () => {
    const { sku, customerId, order } = await placed(3);
    const result = await cancel(order.orderId, claimsFor(customerId, 'customer'));
    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toMatchObject({ status: 'CANCELLED', cancellation: { by: 'customer', actor: customerId, reason: 'customer-request' }, reservations: [] });
    expect(jsonBody(result)).not.toHaveProperty('contactEmail');
    expect((await world.stock(sku))['WH-EAST']).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(world.events.of('OrderCancelled', order.orderId)).toEqual([expect.objectContaining({ from: 'PLACED', cancelledBy: 'customer', actor: customerId })]);
    expect(world.events.of('OrderStatusChanged', order.orderId).map((e) => e.to)).toEqual(['CANCELLED']);
    // Again with a new key: 409, nothing released twice.
    expect((await cancel(order.orderId, claimsFor(customerId, 'customer'))).statusCode).toBe(409);
    expect((await world.stock(sku))['WH-EAST']).toEqual({ onHand: 10, reserved: 0, available: 10 });
  });

  it('someone else’s order is a 404; ops may cancel any order before shipment, audited with the reason; after shipment 409', async () => {
    const { customerId, order } = await placed();
    expect((await cancel(order.orderId, claimsFor(customer(), 'customer'))).statusCode).toBe(404);
    expect((await cancel(ulid(), claimsFor(customerId, 'customer'))).statusCode).toBe(404);
    const byOps = await cancel(order.orderId, claimsFor('ops-9', 'ops'), { reason: 'customer phoned: duplicate order' });
    expect(byOps.statusCode).toBe(200);
    expect(jsonBody(byOps)).toMatchObject({ cancellation: { by: 'staff', actor: 'ops-9', reason: 'staff-request' } });
    const trail = await audit.forResource('order', order.orderId);
    expect(trail.map((e) => [e.actor, e.action, e.reason])).toEqual([['ops-9', 'order.cancel', 'customer phoned: duplicate order']]);

    const shipped = await placed();
    await deliver(message(PaymentAuthorized, payment(shipped.order.orderId, shipped.customerId, shipped.order.total.amount)));
    await deliver(message(OrderShipped, { orderId: shipped.order.orderId, shipmentIds: [ulid()], shippedAt: new Date().toISOString() }));
    expect((await cancel(shipped.order.orderId, claimsFor(shipped.customerId, 'customer'))).statusCode).toBe(409);
    expect((await cancel(shipped.order.orderId, claimsFor('ops-9', 'ops'))).statusCode).toBe(409);
  });
});

describe('unpaid-order timeout (ORD-4, injected clock)', () => {
  // The clock starts in the past, so the sweep sees only this test's orders (the DynamoDB Local is shared).
  it('cancels orders past their payment window and releases their stock; paid and fresh orders are kept', async () => {
    const clock = manualClock('2020-03-01T00:00:00.000Z');
    const unpaid = await placed(2, {}, clock);
    const paid = await placed(1, {}, clock);
    await deliver(message(PaymentAuthorized, payment(paid.order.orderId, paid.customerId, paid.order.total.amount)));
    const deps = { ...world.changeDeps(clock), eventsFor: world.events.forCorrelation, outboxGraceSeconds: 30 };

    // Before the window ends: nothing to do for these orders.
    await expireUnpaidOrders(deps, { correlationId: 'sweep-1' });
    expect((await world.orders.getOrder(unpaid.order.orderId))?.status).toBe('PLACED');

    clock.advance(world.settings.paymentWindowMinutes * 60_000 + 1000);
    const fresh = await placed(1, {}, clock);
    const summary = await expireUnpaidOrders(deps, { correlationId: 'sweep-2' });
    expect(summary.cancelled).toBeGreaterThanOrEqual(1);
    expect(await world.orders.get(unpaid.order.orderId)).toMatchObject({
      order: { status: 'CANCELLED', reservations: [], paymentDueBy: null, cancellation: { by: 'timeout', actor: 'system:payment-timeout', reason: 'payment-window-expired' } },
    });
    expect((await world.stock(unpaid.sku))['WH-EAST']).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(world.events.of('OrderCancelled', unpaid.order.orderId)).toEqual([
      expect.objectContaining({ cancelledBy: 'timeout', reason: 'payment-window-expired', from: 'PLACED' }),
    ]);
    expect((await world.orders.getOrder(paid.order.orderId))?.status).toBe('APPROVED');
    // Placed at the sweep's "now": its window is still open.
    expect((await world.orders.getOrder(fresh.order.orderId))?.status).toBe('PLACED');

    // Running again changes nothing more (the order left the awaiting-payment index).
    const again = await expireUnpaidOrders(deps, { correlationId: 'sweep-3' });
    expect(world.events.of('OrderCancelled', unpaid.order.orderId)).toHaveLength(1);
    expect(again.failed).toBe(0);
  });

  it('the scheduled handler runs the same sweep', async () => {
    const placedAt = manualClock('2020-04-01T00:00:00.000Z');
    const unpaid = await placed(1, {}, placedAt);
    const later = new Date(Date.parse('2020-04-01T00:00:00.000Z') + (world.settings.paymentWindowMinutes + 1) * 60_000);
    const handler = makeExpireUnpaidOrdersHandler({ orders: () => world.orders, events: world.events.forCorrelation, clock: { now: () => later } });
    const summary = (await handler({}, lambdaContext(60_000))) as { cancelled: number };
    expect(summary.cancelled).toBeGreaterThanOrEqual(1);
    expect((await world.orders.getOrder(unpaid.order.orderId))?.status).toBe('CANCELLED');
    expect((await world.stock(unpaid.sku))['WH-EAST']).toMatchObject({ reserved: 0 });
  });
});

describe('reads (GET /orders, GET /orders/{orderId})', () => {
  const getHandler = () => makeGetOrderHandler({ orders: () => world.orders, cipher: () => world.cipher, audit: () => audit });
  const get = (orderId: string, claims: Record<string, string>, headers: Record<string, string> = {}) =>
    getHandler()(apiEvent({ path: `/orders/${orderId}`, resource: '/orders/{orderId}', pathParameters: { orderId }, claims, headers }), lambdaContext());
  const list = (claims: Record<string, string>, query: Record<string, string> = {}) =>
    makeListOrdersHandler({ orders: () => world.orders })(apiEvent({ path: '/orders', query, claims }), lambdaContext());

  it('a customer reads their own order with its personal data and timeline; anyone else’s is a 404', async () => {
    const { customerId, order } = await placed();
    const own = await get(order.orderId, claimsFor(customerId, 'customer'));
    expect(own.statusCode).toBe(200);
    expect(jsonBody(own)).toMatchObject({
      orderId: order.orderId,
      status: 'PLACED',
      shippingAddress: { name: '王小明', region: 'east', country: 'CN' },
      contactEmail: 'xiaoming.wang@example.cn',
      timeline: [{ to: 'PLACED' }],
    });
    expect(jsonBody(own)).not.toHaveProperty('risk');
    expect((await get(order.orderId, claimsFor(customer(), 'customer'))).statusCode).toBe(404);
    expect((await get(ulid(), claimsFor(customerId, 'customer'))).statusCode).toBe(404);
  });

  it('SEC-4: staff see the risk decision; a cs-agent’s read of personal data is audited with the reason; an analyst sees none', async () => {
    const { customerId, order } = await placed();
    await deliver(message(RiskReviewRequired, risk(order.orderId, customerId, { score: 60, level: 'medium', rulesFired: ['new-account-high-value'] })));
    const agent = await get(order.orderId, claimsFor('cs-7', 'cs-agent'), { 'x-access-reason': 'ticket T-42' });
    expect(jsonBody(agent)).toMatchObject({ status: 'IN_REVIEW', risk: { outcome: 'review', rulesFired: ['new-account-high-value'] }, shippingAddress: { name: '王小明' } });
    expect((await audit.forResource('order', order.orderId)).map((e) => [e.actor, e.action, e.reason])).toEqual([['cs-7', 'order.read-personal-data', 'ticket T-42']]);
    const analyst = await get(order.orderId, claimsFor('an-1', 'analyst'));
    expect(jsonBody(analyst)).toMatchObject({ risk: { outcome: 'review' }, shippingAddress: { region: 'east', country: 'CN' } });
    expect(jsonBody<{ shippingAddress: Record<string, unknown> }>(analyst).shippingAddress).not.toHaveProperty('name');
    expect(jsonBody(analyst)).not.toHaveProperty('contactEmail');
    expect(await audit.forResource('order', order.orderId)).toHaveLength(1);
  });

  it('SEC-4: a staff read of personal data without X-Access-Reason is a 400 problem naming the header, reads nothing and is not audited; CORS allows the header', async () => {
    const { order } = await placed();
    for (const headers of [{}, { 'x-access-reason': '' }, { 'x-access-reason': 'bad\u0007reason' }] as Array<Record<string, string>>) {
      const refused = await get(order.orderId, claimsFor('cs-8', 'cs-agent'), headers);
      expect(refused.statusCode).toBe(400);
      expect(refused.headers?.['content-type'] ?? refused.headers?.['Content-Type']).toContain('application/problem+json');
      expect(jsonBody<{ detail: string }>(refused).detail).toContain('X-Access-Reason');
      expect(JSON.stringify(jsonBody(refused))).not.toContain('王小明');
    }
    expect(await audit.forResource('order', order.orderId)).toHaveLength(0);
    const allowed = await get(order.orderId, claimsFor('cs-8', 'cs-agent'), { 'x-access-reason': 'ticket T-43', origin: 'http://localhost:5173' });
    expect(allowed.statusCode).toBe(200);
    expect(String(allowed.headers?.['Access-Control-Allow-Headers'] ?? allowed.headers?.['access-control-allow-headers'] ?? '')).toContain('x-access-reason');
  });

  it('GET /orders lists the caller’s orders newest first, a page at a time, without personal data', async () => {
    const customerId = customer();
    const sku = await world.product({ stock: { 'WH-EAST': 10 } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await placeOrder(world.placeDeps(), { customerId, request: world.request([{ sku, quantity: 1 }]), correlationId: 'c' })).order.orderId);
    const first = await list(claimsFor(customerId, 'customer'), { limit: '2' });
    const page1 = jsonBody<{ items: Array<{ orderId: string }>; nextCursor?: string }>(first);
    expect(page1.items.map((o) => o.orderId)).toEqual([ids[2], ids[1]]);
    expect(JSON.stringify(page1)).not.toContain('王小明');
    const second = jsonBody<{ items: Array<{ orderId: string }>; nextCursor?: string }>(
      await list(claimsFor(customerId, 'customer'), { limit: '2', cursor: page1.nextCursor ?? '' }),
    );
    expect(second.items.map((o) => o.orderId)).toEqual([ids[0]]);
    // Another customer's cursor or id → refused.
    expect((await list(claimsFor(customer(), 'customer'), { cursor: page1.nextCursor ?? '' })).statusCode).toBe(400);
    expect((await list(claimsFor(customer(), 'customer'), { customerId })).statusCode).toBe(403);
    expect(jsonBody<{ items: unknown[] }>(await list(claimsFor('ops-1', 'ops'), { customerId })).items).toHaveLength(3);
  });
});
