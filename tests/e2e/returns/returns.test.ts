/**
 * Returns end to end through the local cloud (AFT-1): a real order placed, paid by card, allocated,
 * and delivered by signed carrier webhooks; then the return over HTTP — requested by the customer,
 * approved by a cs-agent (→ `ReturnPickupRequested` → fulfillment books the doorstep pickup with the
 * sandbox carrier → `pickup-booked`), picked up (the sandbox carrier's report → `picked-up`),
 * delivered to the warehouse (a signed webhook → `received`), inspected by ops (restocked exactly
 * once → `ReturnRefundRequested` → payments refunds the card → `PaymentRefunded` with the returnId)
 * → REFUNDED. Another customer cannot see it; a second return for more than delivered minus
 * returned is a 409; an exchange ships a replacement.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { api, poll, tokenFor } from '../../support/e2e.ts';
import { rawStock } from '../checkout/support.ts';
import { postCarrierWebhook, shipmentsOf } from '../fulfillment/support.ts';

type Json = Record<string, unknown>;
type ReturnDoc = Json & {
  returnId: string;
  status: string;
  pickup: { waybill?: string; carrier: string; warehouseId: string };
  refund?: Json;
  timeline: Array<{ status: string; event: string }>;
};

const opsToken = () => tokenFor('e2e-ops-returns', ['ops']);
const agentToken = () => tokenFor('e2e-cs-returns', ['cs-agent']);
const customerToken = (sub: string) => tokenFor(sub, ['customer']);

/** A product at `price` fen with stock in WH-EAST, through the staff API. */
async function product(price: number, onHand: number): Promise<string> {
  const sku = `E2E-RET-${ulid()}`;
  const token = await opsToken();
  const created = await api(`/admin/products/${sku}`, {
    method: 'PUT',
    token,
    json: { name: `退货测试 ${sku}`, category: 'home', price: { amount: price, currency: 'CNY' }, attributes: { weightGrams: 300, valueClass: 'low' }, reason: 'e2e fixture' },
  });
  expect(created.status, created.text).toBe(201);
  const counted = await api(`/admin/stock/${sku}/WH-EAST`, { method: 'PUT', token, json: { onHand, reason: 'e2e fixture' } });
  expect(counted.status, counted.text).toBe(200);
  return sku;
}

/** A card order of `quantity` units, approved by the rules, paid, allocated and delivered (signed carrier webhooks). */
async function deliveredOrder(customer: string, sku: string, quantity: number): Promise<string> {
  const n = ulid();
  const placed = await api('/orders', {
    method: 'POST',
    token: await customerToken(customer),
    headers: { 'Idempotency-Key': ulid(), 'x-device-id': `dev-${n}` },
    json: {
      items: [{ sku, quantity }],
      shippingAddress: { name: '李雷', phone: '+86 138 0000 0000', line1: `中山路1号${n}`, city: '杭州', region: 'east', postalCode: '310052', country: 'CN' },
      contactEmail: `buyer.${n.toLowerCase()}@example.cn`,
      payment: { method: 'card', token: 'tok_visa' },
    },
  });
  expect(placed.status, placed.text).toBe(201);
  const orderId = String(placed.json.orderId);
  const ops = await opsToken();
  const allocated = await poll(
    () => shipmentsOf(orderId, ops),
    (v) => v.items.length > 0 && v.items.every((i) => i.waybill),
    45_000,
  );
  for (const s of allocated.items)
    for (const status of ['PICKED_UP', 'DELIVERED'] as const) expect((await postCarrierWebhook({ carrier: s.carrier, waybill: s.waybill, status })).status).toBe(200);
  const token = await customerToken(customer);
  await poll(
    async () => (await api(`/orders/${orderId}`, { token })).json,
    (o) => o.status === 'DELIVERED',
    45_000,
  );
  return orderId;
}

const getReturn = async (returnId: string, token: string) => (await api(`/returns/${returnId}`, { token })).json as ReturnDoc;
const untilReturn = async (returnId: string, done: (r: ReturnDoc) => boolean) => poll(async () => getReturn(returnId, await agentToken()), done, 45_000);

describe('returns (e2e, local cloud)', () => {
  it('AFT-1: delivered order → return requested → approved → pickup → received → inspected → refunded; stock back on the shelf exactly once; another customer cannot see it; more than delivered minus returned → 409', async () => {
    const sku = await product(15_000, 10);
    const customer = `e2e-returns-${ulid()}`;
    const orderId = await deliveredOrder(customer, sku, 3);
    const token = await customerToken(customer);
    // What the customer paid for the line, after whatever promotion applied (e.g. a spend threshold): 2 of 3 units are worth floor(2 × total / 3).
    const order = (await api(`/orders/${orderId}`, { token })).json as { lines: Array<{ lineTotal: { amount: number } }> };
    const paidForTwo = Math.floor((2 * (order.lines[0]?.lineTotal.amount as number)) / 3);

    const requested = await api(`/orders/${orderId}/returns`, {
      method: 'POST',
      token,
      headers: { 'Idempotency-Key': ulid() },
      json: { kind: 'refund', reason: 'no-reason', items: [{ sku, quantity: 2 }], comment: '请联系李华 13800138000' },
    });
    expect(requested.status, requested.text).toBe(201);
    const returnId = String(requested.json.returnId);
    expect(requested.json).toMatchObject({ orderId, status: 'REQUESTED', refundEstimate: { amount: paidForTwo, currency: 'CNY' }, comment: '请联系李华 13800138000' });

    // Another customer: 404 for the return and the order's returns.
    const other = await customerToken(`e2e-returns-other-${ulid()}`);
    expect((await api(`/returns/${returnId}`, { token: other })).status).toBe(404);
    expect((await api(`/orders/${orderId}/returns`, { token: other })).status).toBe(404);
    // Staff see it without the customer's comment.
    expect((await getReturn(returnId, await agentToken())).comment).toBeUndefined();

    // 2 of 3 are being returned: 2 more is a 409, 1 more would be fine.
    const tooMany = await api(`/orders/${orderId}/returns`, {
      method: 'POST',
      token,
      headers: { 'Idempotency-Key': ulid() },
      json: { kind: 'refund', reason: 'no-reason', items: [{ sku, quantity: 2 }] },
    });
    expect(tooMany.status, tooMany.text).toBe(409);
    expect(tooMany.json.type).toMatch(/return-quantity-exceeded$/);

    const decided = await api(`/admin/returns/${returnId}/decision`, {
      method: 'POST',
      token: await agentToken(),
      headers: { 'Idempotency-Key': ulid() },
      json: { decision: 'approve', note: 'no-reason return within 7 days' },
    });
    expect(decided.status, decided.text).toBe(200);
    expect(decided.json.status).toBe('APPROVED');

    // Fulfillment books the doorstep pickup with the order's carrier.
    const booked = await untilReturn(returnId, (r) => r.status === 'PICKUP_BOOKED' && Boolean(r.pickup.waybill));
    const waybill = booked.pickup.waybill as string;
    expect(booked.pickup.warehouseId).toBe('WH-EAST');

    // The sandbox carrier picks the parcel up…
    const ops = await opsToken();
    const scheduled = await api('/admin/sandbox-carrier/events', {
      method: 'POST',
      token: ops,
      headers: { 'idempotency-key': ulid() },
      json: { waybill, status: 'PICKED_UP', delaySeconds: 0 },
    });
    expect(scheduled.status, scheduled.text).toBe(202);
    await untilReturn(returnId, (r) => r.status === 'IN_TRANSIT');
    // …and delivers it to the warehouse.
    expect((await postCarrierWebhook({ carrier: booked.pickup.carrier, waybill, status: 'DELIVERED' })).status).toBe(200);
    await untilReturn(returnId, (r) => r.status === 'RECEIVED');

    const before = (await rawStock(sku, ['WH-EAST']))['WH-EAST'] as { onHand: number };
    const key = ulid();
    const inspect = () =>
      api(`/admin/returns/${returnId}/inspection`, {
        method: 'POST',
        token: ops,
        headers: { 'Idempotency-Key': key },
        json: { passed: true, restock: true, note: 'sealed, as new' },
      });
    const inspected = await inspect();
    expect(inspected.status, inspected.text).toBe(200);
    expect(inspected.json).toMatchObject({ inspection: { passed: true, restock: true, outcome: 'restocked' }, refund: { amount: { amount: paidForTwo }, express: false } });
    // The same request again (replayed), and a new one: the units go back on the shelf once.
    expect((await inspect()).status).toBe(200);
    expect(
      (
        await api(`/admin/returns/${returnId}/inspection`, {
          method: 'POST',
          token: ops,
          headers: { 'Idempotency-Key': ulid() },
          json: { passed: true, restock: true, note: 'sealed, as new' },
        })
      ).status,
    ).toBe(200);
    expect((await rawStock(sku, ['WH-EAST']))['WH-EAST']?.onHand).toBe(before.onHand + 2);

    // Payments refunds the card; PaymentRefunded with the returnId → REFUNDED.
    const refunded = await untilReturn(returnId, (r) => r.status === 'REFUNDED');
    expect(refunded.refund).toMatchObject({ status: 'refunded', amount: { amount: paidForTwo, currency: 'CNY' } });
    expect(refunded.timeline.map((t) => t.status)).toEqual(['REQUESTED', 'APPROVED', 'PICKUP_BOOKED', 'IN_TRANSIT', 'RECEIVED', 'RECEIVED', 'REFUNDED']);
    expect((await rawStock(sku, ['WH-EAST']))['WH-EAST']?.onHand).toBe(before.onHand + 2);

    const list = await api(`/orders/${orderId}/returns`, { token });
    expect(list.status).toBe(200);
    expect((list.json.items as ReturnDoc[]).map((r) => [r.returnId, r.status])).toEqual([[returnId, 'REFUNDED']]);
  }, 240_000);

  it('AFT-1: an exchange ships a replacement', async () => {
    const sku = await product(9_000, 10);
    const customer = `e2e-returns-ex-${ulid()}`;
    const orderId = await deliveredOrder(customer, sku, 1);
    const token = await customerToken(customer);
    const requested = await api(`/orders/${orderId}/returns`, {
      method: 'POST',
      token,
      headers: { 'Idempotency-Key': ulid() },
      json: { kind: 'exchange', reason: 'quality', items: [{ sku, quantity: 1 }] },
    });
    expect(requested.status, requested.text).toBe(201);
    const returnId = String(requested.json.returnId);
    expect(
      (
        await api(`/admin/returns/${returnId}/decision`, {
          method: 'POST',
          token: await agentToken(),
          headers: { 'Idempotency-Key': ulid() },
          json: { decision: 'approve', note: 'faulty seam' },
        })
      ).status,
    ).toBe(200);
    const booked = await untilReturn(returnId, (r) => r.status === 'PICKUP_BOOKED' && Boolean(r.pickup.waybill));
    for (const status of ['PICKED_UP', 'DELIVERED'] as const)
      expect((await postCarrierWebhook({ carrier: booked.pickup.carrier, waybill: booked.pickup.waybill as string, status })).status).toBe(200);
    await untilReturn(returnId, (r) => r.status === 'RECEIVED');
    const inspected = await api(`/admin/returns/${returnId}/inspection`, {
      method: 'POST',
      token: await opsToken(),
      headers: { 'Idempotency-Key': ulid() },
      json: { passed: true, restock: false, note: 'faulty, written off' },
    });
    expect(inspected.status, inspected.text).toBe(200);
    const exchanged = await untilReturn(returnId, (r) => r.status === 'EXCHANGED');
    expect(exchanged.replacement).toMatchObject({ status: 'allocated' });
    const shipments = await shipmentsOf(orderId, await opsToken());
    expect(shipments.items.filter((i) => i.purpose === 'replacement')).toEqual([expect.objectContaining({ returnId, status: 'CREATED' })]);
  }, 240_000);
});
