/**
 * AFT-1 on DynamoDB Local: the returns use cases against the real ReturnsTable, checkout's order
 * contract on the real OrdersTable and catalog's stock contract on the real CatalogTable, consuming
 * the answers fulfillment (`ReturnFulfillmentUpdated`) and payments (`PaymentRefunded`) send.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CatalogReader, restockReturnedStock } from '../../../functions/catalog/stock-contract.ts';
import { readOrderFacts, type OrderFacts } from '../../../functions/checkout/order-contract.ts';
import type { ReturnRequestInput, ReturnProduct } from '../../../functions/returns/returns.ts';
import { applyFulfillmentUpdate, applyRefundCompleted, cancelReturn, decideReturn, inspectReturn, readReturn, requestReturn } from '../../../functions/returns/returns.ts';
import { ReturnsRepository } from '../../../functions/returns/returns-repository.ts';
import { flushOutbox } from '../../../functions/returns/outbox.ts';
import type { AuditEvent, AuditLog } from '../../../shared/audit.ts';
import type { Principal } from '../../../shared/auth.ts';
import { manualClock } from '../../../shared/clock.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { isProblemError } from '../../../shared/errors.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { newId } from '../../../shared/ids.ts';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let tables: ReturnType<typeof useLocalDynamoDb>['tables'];
let repository: ReturnsRepository;
let catalog: CatalogReader;
const client = () => documentClient();
const clock = manualClock('2026-11-20T12:00:00.000Z');

beforeAll(() => {
  tables = useLocalDynamoDb().tables;
  repository = new ReturnsRepository(tables.returns);
  catalog = new CatalogReader(tables.catalog);
});

const customer = (userId: string): Principal => ({ userId, roles: ['customer'], isStaff: false });
const agent: Principal = { userId: 'cs-1', roles: ['cs-agent'], isStaff: true };
const ops: Principal = { userId: 'ops-1', roles: ['ops'], isStaff: true };

function capture() {
  const published: DomainEvent[] = [];
  return {
    published,
    named: (name: string) => published.filter((e) => e.definition.name === name).map((e) => e.payload as Record<string, unknown>),
    factory: (_correlationId: string): EventPublisher => ({ publish: async (events) => void published.push(...events) }),
  };
}

function memoryAudit(): AuditLog & { entries: AuditEvent[] } {
  const entries: AuditEvent[] = [];
  return { entries, record: async (e) => (entries.push(e), { ...e, seq: entries.length, at: clock.now().toISOString(), prevHash: '', hash: '' }) };
}

/** A unique SKU per test (the tables are shared). */
const sku = (name: string) => `${name}-${newId().slice(-8)}`;

async function putProduct(s: string, price: number, attributes: Record<string, unknown> = {}, stock: Record<string, number> = { 'WH-EAST': 10 }): Promise<void> {
  await client().send(
    new PutCommand({
      TableName: tables.catalog,
      Item: {
        pk: `PRODUCT#${s}`,
        sk: 'PRODUCT',
        type: 'Product',
        sku: s,
        name: 'Test product',
        category: 'tea',
        price: { amount: price, currency: 'CNY' },
        attributes: { weightGrams: 100, valueClass: 'standard', ...attributes },
        updatedAt: '2026-11-01T00:00:00.000Z',
        updatedBy: 'ops-1',
      },
    }),
  );
  for (const [warehouseId, onHand] of Object.entries(stock)) {
    await client().send(
      new PutCommand({
        TableName: tables.catalog,
        Item: { pk: `PRODUCT#${s}`, sk: `STOCK#${warehouseId}`, type: 'Stock', sku: s, warehouseId, onHand, reserved: 0, available: onHand, updatedAt: '2026-11-01T00:00:00.000Z' },
      }),
    );
  }
}

const onHand = async (s: string, warehouseId = 'WH-EAST') =>
  (await client().send(new GetCommand({ TableName: tables.catalog, Key: { pk: `PRODUCT#${s}`, sk: `STOCK#${warehouseId}` } }))).Item?.onHand as number;

interface OrderSpec {
  customerId: string;
  lines: Array<{ sku: string; quantity: number; unitPrice: number; lineTotal: number }>;
  shippingFee?: number;
  deliveredAt?: string;
  risk?: { outcome: string; score: number; decidedBy: string };
  status?: string;
}

/** A delivered order as checkout stores it (order item with encrypted personal data, and its timeline). */
async function putOrder(spec: OrderSpec): Promise<string> {
  const orderId = newId();
  const goods = spec.lines.reduce((s, l) => s + l.lineTotal, 0);
  const shippingFee = spec.shippingFee ?? 1000;
  const cny = (amount: number) => ({ amount, currency: 'CNY' });
  await client().send(
    new PutCommand({
      TableName: tables.orders,
      Item: {
        pk: `ORDER#${orderId}`,
        sk: 'ORDER',
        type: 'Order',
        orderId,
        customerId: spec.customerId,
        orderType: 'regular',
        status: spec.status ?? 'DELIVERED',
        version: 5,
        currency: 'CNY',
        lines: spec.lines.map((l) => ({
          sku: l.sku,
          name: 'Tea',
          category: 'tea',
          quantity: l.quantity,
          unitPrice: cny(l.unitPrice),
          lineSubtotal: cny(l.unitPrice * l.quantity),
          lineDiscount: cny(l.unitPrice * l.quantity - l.lineTotal),
          lineTotal: cny(l.lineTotal),
          weightGrams: 100,
        })),
        discounts: [{ kind: 'coupon', id: 'SAVE', title: 'Coupon', amount: cny(spec.lines.reduce((s, l) => s + l.unitPrice * l.quantity - l.lineTotal, 0)) }],
        shippingFee: cny(shippingFee),
        total: cny(goods + shippingFee),
        payment: { method: 'card', status: 'authorized', authorized: cny(goods + shippingFee), paymentIds: [newId()], captureOn: 'shipment' },
        shipments: [
          {
            shipmentId: newId(),
            warehouseId: 'WH-EAST',
            carrier: 'standard-post',
            waybill: 'SP1',
            status: 'DELIVERED',
            lines: spec.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
            updatedAt: '2026-11-19T12:00:00.000Z',
          },
        ],
        risk: {
          assessmentId: newId(),
          level: 'low',
          rulesFired: [],
          decidedAt: '2026-11-18T00:00:00.000Z',
          ...(spec.risk ?? { outcome: 'review', score: 50, decidedBy: 'analyst' }),
        },
        personal: { name: 'v1.ciphertext-name', phone: 'v1.ciphertext-phone', line1: 'v1.x', city: 'v1.x', postalCode: 'v1.x', email: 'v1.x' },
        reservations: [],
        placedAt: '2026-11-18T00:00:00.000Z',
        paymentDueBy: null,
        updatedAt: '2026-11-19T12:00:00.000Z',
      },
    }),
  );
  await client().send(
    new PutCommand({
      TableName: tables.orders,
      Item: {
        pk: `ORDER#${orderId}`,
        sk: 'TIMELINE#000005',
        type: 'Timeline',
        at: spec.deliveredAt ?? '2026-11-19T12:00:00.000Z',
        from: 'SHIPPED',
        to: 'DELIVERED',
        reason: 'order-delivered',
        actor: 'system:fulfillment',
      },
    }),
  );
  return orderId;
}

function world(publisher = capture(), audit = memoryAudit()) {
  const base = { repository, publisher: publisher.factory, clock };
  const products = async (skus: readonly string[]): Promise<ReadonlyMap<string, ReturnProduct>> => {
    const entries = await catalog.entries(skus);
    return new Map(
      [...entries].map(([s, { product }]) => [
        s,
        {
          sku: s,
          category: product.category,
          price: product.price.amount,
          ...(product.attributes.returnable !== undefined ? { returnable: product.attributes.returnable } : {}),
          ...(product.attributes.fresh ? { fresh: true } : {}),
        },
      ]),
    );
  };
  return {
    publisher,
    audit,
    request: (orderId: string, principal: Principal, request: ReturnRequestInput) =>
      requestReturn(
        {
          ...base,
          orders: (id: string): Promise<OrderFacts | undefined> => readOrderFacts(client(), tables.orders, id),
          products,
          encryptComment: async (id, text) => `sealed:${id}:${Buffer.from(text).toString('base64')}`,
          newId: () => newId(),
          windows: { noReasonDays: 7, merchantFaultDays: 15 },
          nonReturnableCategories: [],
        },
        { orderId, principal, request, correlationId: newId() },
      ),
    decide: (returnId: string, decision: 'approve' | 'reject') =>
      decideReturn({ ...base, audit }, { returnId, principal: agent, decision, note: 'checked the photos', correlationId: newId() }),
    inspect: (returnId: string, passed: boolean, restock: boolean) =>
      inspectReturn(
        { ...base, audit, restockItems: (m, at) => restockReturnedStock(tables.catalog, m, at) },
        { returnId, principal: ops, passed, restock, note: 'inspected at the dock', correlationId: newId() },
      ),
    update: (returnId: string, update: 'pickup-booked' | 'picked-up' | 'received' | 'replacement-allocated' | 'replacement-unavailable', extra: Record<string, string> = {}) =>
      applyFulfillmentUpdate({ ...base, expressRefundMaxMinor: 20_000, reviewThreshold: 40 }, { returnId, update, at: clock.now().toISOString(), ...extra }, newId()),
    refunded: (returnId: string, amount: number) =>
      applyRefundCompleted(base, { returnId, refundId: returnId, amount: { amount, currency: 'CNY' }, refundedAt: clock.now().toISOString() }, newId()),
    cancel: (returnId: string, principal: Principal) => cancelReturn(base, { returnId, principal, correlationId: newId() }),
  };
}

async function problemOf(promise: Promise<unknown>): Promise<{ status: number; slug: string }> {
  try {
    await promise;
  } catch (error) {
    if (isProblemError(error)) return { status: error.status, slug: error.slug };
    throw error;
  }
  throw new Error('expected a problem');
}

describe('AFT-1 returns on DynamoDB Local', () => {
  it('AFT-1: delivered order → requested → approved → pickup → received → inspected (restocked exactly once) → refunded, the exact amount paid for the units', async () => {
    const tea = sku('TEA');
    await putProduct(tea, 1000);
    // 3 units at ¥10.00 with a coupon share of ¥2.01: paid 2799 fen for the line.
    const orderId = await putOrder({ customerId: 'alice', lines: [{ sku: tea, quantity: 3, unitPrice: 1000, lineTotal: 2799 }] });
    const w = world();

    const requested = await w.request(orderId, customer('alice'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 2 }], comment: 'Too strong for me' });
    expect(requested).toMatchObject({ status: 'REQUESTED', orderId, customerId: 'alice', refundEstimate: 1866, pickup: { carrier: 'standard-post', warehouseId: 'WH-EAST' } });
    expect(requested.comment).toMatch(/^sealed:/);
    expect(w.publisher.named('ReturnRequested')).toMatchObject([
      { returnId: requested.returnId, orderId, kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 2 }] },
    ]);

    const approved = await w.decide(requested.returnId, 'approve');
    expect(approved.status).toBe('APPROVED');
    expect(w.publisher.named('ReturnPickupRequested')).toMatchObject([
      { returnId: requested.returnId, carrier: 'standard-post', warehouseId: 'WH-EAST', items: [{ sku: tea, quantity: 2 }] },
    ]);
    expect(w.audit.entries).toMatchObject([{ actor: 'cs-1', action: 'return.approve', resource: { type: 'return', id: requested.returnId }, reason: 'checked the photos' }]);

    expect(await w.update(requested.returnId, 'pickup-booked', { waybill: 'SPR123', carrier: 'standard-post' })).toBe('applied');
    expect(await w.update(requested.returnId, 'pickup-booked', { waybill: 'SPR123' })).toBe('ignored');
    // The order was approved after an analyst's review: no express refund at pickup.
    expect(await w.update(requested.returnId, 'picked-up')).toBe('applied');
    expect(await w.update(requested.returnId, 'received', { warehouseId: 'WH-EAST' })).toBe('applied');
    expect((await readReturn({ repository }, requested.returnId, customer('alice'))).pickup).toMatchObject({ waybill: 'SPR123', warehouseId: 'WH-EAST' });
    expect(w.publisher.named('ReturnRefundRequested')).toEqual([]);

    const before = await onHand(tea);
    const inspected = await w.inspect(requested.returnId, true, true);
    expect(inspected).toMatchObject({
      status: 'RECEIVED',
      inspection: { passed: true, restock: true, outcome: 'restocked', warehouseId: 'WH-EAST' },
      refund: { amount: 1866, status: 'requested', express: false },
    });
    expect(await onHand(tea)).toBe(before + 2);
    // The same inspection again (a retry) changes nothing: stock back on the shelf exactly once.
    await w.inspect(requested.returnId, true, true);
    expect(await onHand(tea)).toBe(before + 2);
    expect(await problemOf(w.inspect(requested.returnId, false, false))).toEqual({ status: 409, slug: 'return-already-inspected' });
    expect(w.publisher.named('ReturnRefundRequested')).toMatchObject([
      { returnId: requested.returnId, orderId, amount: { amount: 1866, currency: 'CNY' }, express: false, requestedBy: 'ops-1', reason: 'no-reason' },
    ]);
    expect(w.audit.entries.map((e) => e.action)).toEqual(['return.approve', 'return.restock']);

    expect(await w.refunded(requested.returnId, 1866)).toBe('applied');
    expect(await w.refunded(requested.returnId, 1866)).toBe('ignored');
    const done = await readReturn({ repository }, requested.returnId, customer('alice'));
    expect(done).toMatchObject({ status: 'REFUNDED', refund: { status: 'refunded', amount: 1866 } });
    expect(done.timeline.map((t) => t.status)).toEqual(['REQUESTED', 'APPROVED', 'PICKUP_BOOKED', 'IN_TRANSIT', 'RECEIVED', 'RECEIVED', 'REFUNDED']);
    expect(w.publisher.named('ReturnStatusChanged').map((e) => e.status)).toEqual(['APPROVED', 'PICKUP_BOOKED', 'IN_TRANSIT', 'RECEIVED', 'REFUNDED']);

    // The last unit, damaged: its share makes the line exact (2799 − 1866 = 933); not the whole order with one reason → no shipping.
    const last = await w.request(orderId, customer('alice'), { kind: 'refund', reason: 'damaged', items: [{ sku: tea, quantity: 1 }] });
    expect(last.refundEstimate).toBe(933);
  });

  it('AFT-1: another customer cannot see the return nor return from the order (404)', async () => {
    const tea = sku('TEA');
    await putProduct(tea, 1000);
    const orderId = await putOrder({ customerId: 'alice', lines: [{ sku: tea, quantity: 1, unitPrice: 1000, lineTotal: 1000 }] });
    const w = world();
    const ret = await w.request(orderId, customer('alice'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] });
    expect(await problemOf(readReturn({ repository }, ret.returnId, customer('mallory')))).toEqual({ status: 404, slug: 'not-found' });
    expect(await problemOf(w.request(orderId, customer('mallory'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] }))).toEqual({
      status: 404,
      slug: 'not-found',
    });
    expect(await problemOf(w.cancel(ret.returnId, customer('mallory')))).toEqual({ status: 404, slug: 'not-found' });
    expect((await readReturn({ repository }, ret.returnId, agent)).returnId).toBe(ret.returnId);
  });

  it('AFT-1: a second return for more than delivered minus returned → 409; cancelled or rejected returns give their units back', async () => {
    const tea = sku('TEA');
    await putProduct(tea, 500);
    const orderId = await putOrder({ customerId: 'bob', lines: [{ sku: tea, quantity: 2, unitPrice: 500, lineTotal: 1000 }] });
    const w = world();
    const first = await w.request(orderId, customer('bob'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] });
    expect(await problemOf(w.request(orderId, customer('bob'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 2 }] }))).toEqual({
      status: 409,
      slug: 'return-quantity-exceeded',
    });
    const second = await w.request(orderId, customer('bob'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] });
    expect(await problemOf(w.request(orderId, customer('bob'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] }))).toEqual({
      status: 409,
      slug: 'return-quantity-exceeded',
    });
    expect((await w.cancel(first.returnId, customer('bob'))).status).toBe('CANCELLED');
    expect((await w.decide(second.returnId, 'reject')).status).toBe('REJECTED');
    const again = await w.request(orderId, customer('bob'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 2 }] });
    expect(again.status).toBe('REQUESTED');
    // Cancelling after the pickup is refused.
    await w.decide(again.returnId, 'approve');
    await w.update(again.returnId, 'picked-up');
    expect(await problemOf(w.cancel(again.returnId, customer('bob')))).toEqual({ status: 409, slug: 'return-not-cancellable' });
  });

  it('AFT-1: two concurrent requests for the last unit: one is accepted, the other is 409', async () => {
    const tea = sku('TEA');
    await putProduct(tea, 500);
    const orderId = await putOrder({ customerId: 'carol', lines: [{ sku: tea, quantity: 1, unitPrice: 500, lineTotal: 500 }] });
    const w = world();
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => w.request(orderId, customer('carol'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) expect(isProblemError(r.reason) && r.reason.status).toBe(409);
  });

  it('AFT-1: the window: 7 days from delivery without a reason, 15 for a damaged item; not before delivery', async () => {
    const tea = sku('TEA');
    await putProduct(tea, 500);
    const w = world();
    const old = await putOrder({ customerId: 'dan', lines: [{ sku: tea, quantity: 2, unitPrice: 500, lineTotal: 1000 }], deliveredAt: '2026-11-10T12:00:00.000Z' });
    expect(await problemOf(w.request(old, customer('dan'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] }))).toEqual({
      status: 409,
      slug: 'return-window-closed',
    });
    expect((await w.request(old, customer('dan'), { kind: 'refund', reason: 'damaged', items: [{ sku: tea, quantity: 1 }] })).status).toBe('REQUESTED');
    const shipped = await putOrder({ customerId: 'dan', lines: [{ sku: tea, quantity: 1, unitPrice: 500, lineTotal: 500 }], status: 'SHIPPED' });
    expect(await problemOf(w.request(shipped, customer('dan'), { kind: 'refund', reason: 'damaged', items: [{ sku: tea, quantity: 1 }] }))).toEqual({
      status: 409,
      slug: 'order-not-delivered',
    });
  });

  it('AFT-1: a product marked non-returnable (or fresh) is refused without a reason, accepted when damaged', async () => {
    const custom = sku('ENGRAVED');
    const cake = sku('CAKE');
    await putProduct(custom, 800, { returnable: false });
    await putProduct(cake, 300, { fresh: true });
    const orderId = await putOrder({
      customerId: 'erin',
      lines: [
        { sku: custom, quantity: 1, unitPrice: 800, lineTotal: 800 },
        { sku: cake, quantity: 1, unitPrice: 300, lineTotal: 300 },
      ],
    });
    const w = world();
    expect(await problemOf(w.request(orderId, customer('erin'), { kind: 'refund', reason: 'no-reason', items: [{ sku: custom, quantity: 1 }] }))).toEqual({
      status: 409,
      slug: 'non-returnable',
    });
    expect(await problemOf(w.request(orderId, customer('erin'), { kind: 'refund', reason: 'other', items: [{ sku: cake, quantity: 1 }] }))).toEqual({
      status: 409,
      slug: 'non-returnable',
    });
    // The whole order, damaged: everything paid, shipping included.
    const all = await w.request(orderId, customer('erin'), {
      kind: 'refund',
      reason: 'damaged',
      items: [
        { sku: custom, quantity: 1 },
        { sku: cake, quantity: 1 },
      ],
    });
    expect(all.refundEstimate).toBe(800 + 300 + 1000);
  });

  it('AFT-1: an exchange ships a replacement (like for like), EXCHANGED when it is allocated; no replacement → refunded instead', async () => {
    const small = sku('SHIRT-S');
    const large = sku('SHIRT-L');
    const pricier = sku('SHIRT-XL');
    await putProduct(small, 2000);
    await putProduct(large, 2000);
    await putProduct(pricier, 2500);
    const orderId = await putOrder({ customerId: 'fay', lines: [{ sku: small, quantity: 2, unitPrice: 2000, lineTotal: 3600 }] });
    const w = world();
    expect(await problemOf(w.request(orderId, customer('fay'), { kind: 'exchange', reason: 'no-reason', items: [{ sku: small, quantity: 1, exchangeSku: pricier }] }))).toEqual({
      status: 409,
      slug: 'exchange-not-like-for-like',
    });
    const ex = await w.request(orderId, customer('fay'), { kind: 'exchange', reason: 'no-reason', items: [{ sku: small, quantity: 1, exchangeSku: large }] });
    await w.decide(ex.returnId, 'approve');
    await w.update(ex.returnId, 'received', { warehouseId: 'WH-EAST' });
    const before = await onHand(small);
    const inspected = await w.inspect(ex.returnId, true, true);
    expect(inspected).toMatchObject({ status: 'RECEIVED', replacement: { status: 'requested' } });
    expect(await onHand(small)).toBe(before + 1);
    expect(w.publisher.named('ExchangeShipmentRequested')).toMatchObject([{ returnId: ex.returnId, orderId, items: [{ sku: large, quantity: 1 }] }]);
    expect(w.publisher.named('ReturnRefundRequested')).toEqual([]);
    const shipmentId = newId();
    expect(await w.update(ex.returnId, 'replacement-allocated', { shipmentId })).toBe('applied');
    expect(await readReturn({ repository }, ex.returnId, customer('fay'))).toMatchObject({ status: 'EXCHANGED', replacement: { status: 'allocated', shipmentId } });

    // The other unit: no replacement in stock → the unit is refunded instead (its exact share).
    const ex2 = await w.request(orderId, customer('fay'), { kind: 'exchange', reason: 'quality', items: [{ sku: small, quantity: 1 }] });
    await w.decide(ex2.returnId, 'approve');
    await w.update(ex2.returnId, 'received');
    await w.inspect(ex2.returnId, true, false);
    expect(await w.update(ex2.returnId, 'replacement-unavailable')).toBe('applied');
    expect(w.publisher.named('ReturnRefundRequested')).toMatchObject([{ returnId: ex2.returnId, amount: { amount: 3600 - 1800 } }]);
    await w.refunded(ex2.returnId, 1800);
    expect((await readReturn({ repository }, ex2.returnId, customer('fay'))).status).toBe('REFUNDED');
    expect(w.audit.entries.filter((e) => e.resource.id === ex2.returnId).map((e) => e.action)).toEqual(['return.approve', 'return.write-off']);
  });

  it('AFT-1: express refund (极速退款) at pickup for a good risk profile below the ceiling; REFUNDED once inspected; a failed inspection ends express refunds for the customer', async () => {
    const tea = sku('TEA');
    await putProduct(tea, 3000);
    const good = { outcome: 'approved', score: 10, decidedBy: 'rules' };
    const orderId = await putOrder({ customerId: 'gus', lines: [{ sku: tea, quantity: 3, unitPrice: 3000, lineTotal: 9000 }], risk: good });
    const w = world();
    const ret = await w.request(orderId, customer('gus'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] });
    await w.decide(ret.returnId, 'approve');
    expect(await w.update(ret.returnId, 'picked-up')).toBe('express-refund');
    expect(w.publisher.named('ReturnRefundRequested')).toMatchObject([{ returnId: ret.returnId, amount: { amount: 3000 }, express: true, requestedBy: 'system:returns-express' }]);
    await w.refunded(ret.returnId, 3000);
    expect(await readReturn({ repository }, ret.returnId, customer('gus'))).toMatchObject({ status: 'IN_TRANSIT', refund: { status: 'refunded', express: true } });
    await w.update(ret.returnId, 'received');
    expect((await w.inspect(ret.returnId, true, true)).status).toBe('REFUNDED');
    expect(w.publisher.named('ReturnRefundRequested')).toHaveLength(1);

    // A second unit, express again; its inspection fails (the goods did not match): that ends express refunds for gus.
    const second = await w.request(orderId, customer('gus'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] });
    await w.decide(second.returnId, 'approve');
    expect(await w.update(second.returnId, 'picked-up')).toBe('express-refund');
    await w.update(second.returnId, 'received');
    expect((await w.inspect(second.returnId, false, false)).status).toBe('INSPECTION_FAILED');
    expect(w.audit.entries.filter((e) => e.resource.id === second.returnId).map((e) => e.action)).toEqual(['return.approve', 'return.inspection-failed']);
    const order2 = await putOrder({ customerId: 'gus', lines: [{ sku: tea, quantity: 1, unitPrice: 3000, lineTotal: 3000 }], risk: good });
    const third = await w.request(order2, customer('gus'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] });
    await w.decide(third.returnId, 'approve');
    expect(await w.update(third.returnId, 'picked-up')).toBe('applied');

    // Above the ceiling (¥200) no express refund, whatever the profile.
    const pricey = sku('TEA');
    await putProduct(pricey, 30_000);
    const order3 = await putOrder({ customerId: 'ivy', lines: [{ sku: pricey, quantity: 1, unitPrice: 30_000, lineTotal: 30_000 }], risk: good });
    const fourth = await w.request(order3, customer('ivy'), { kind: 'refund', reason: 'no-reason', items: [{ sku: pricey, quantity: 1 }] });
    await w.decide(fourth.returnId, 'approve');
    expect(await w.update(fourth.returnId, 'picked-up')).toBe('applied');
    expect(w.publisher.named('ReturnRefundRequested').filter((e) => e.returnId === fourth.returnId)).toEqual([]);
  });

  it('AFT-1: checkout’s order contract reads the facts and never the personal data; an interrupted publish is completed from the outbox', async () => {
    const tea = sku('TEA');
    await putProduct(tea, 1000);
    const orderId = await putOrder({ customerId: 'hal', lines: [{ sku: tea, quantity: 1, unitPrice: 1000, lineTotal: 900 }] });
    const facts = await readOrderFacts(client(), tables.orders, orderId);
    expect(facts).toMatchObject({
      orderId,
      customerId: 'hal',
      status: 'DELIVERED',
      deliveredAt: '2026-11-19T12:00:00.000Z',
      paid: { amount: 1900 },
      paymentMethod: 'card',
      lines: [{ sku: tea, quantity: 1, lineTotal: { amount: 900 } }],
    });
    expect(JSON.stringify(facts)).not.toContain('ciphertext');
    expect(await readOrderFacts(client(), tables.orders, newId())).toBeUndefined();

    // The publisher fails once: the change is committed, its events wait in the outbox.
    const failing = capture();
    let fail = true;
    const flaky = {
      ...failing,
      factory: (id: string): EventPublisher => ({
        publish: async (events) => {
          if (fail) {
            fail = false;
            throw new Error('EventBridge down (test)');
          }
          await failing.factory(id).publish(events);
        },
      }),
    };
    const w = world(flaky);
    // The request still succeeds (it is committed); the sweep publishes what is left.
    expect((await w.request(orderId, customer('hal'), { kind: 'refund', reason: 'no-reason', items: [{ sku: tea, quantity: 1 }] })).status).toBe('REQUESTED');
    expect(failing.named('ReturnRequested')).toEqual([]);
    const pending = await repository.pendingOutbox(new Date(Date.now() + 60_000).toISOString(), 1000);
    const mine = pending.filter((p) => p.events.some((e) => (e.payload as { orderId?: string }).orderId === orderId));
    expect(mine).toHaveLength(1);
    await flushOutbox({ repository, publisher: flaky.factory, clock }, mine[0]);
    expect(failing.named('ReturnRequested')).toMatchObject([{ orderId }]);
    expect(await repository.pendingOf(mine[0]!.returnId)).toEqual([]);
  });
});
