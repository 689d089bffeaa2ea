/**
 * Fulfillment end to end through the local cloud (FUL-1…FUL-4, ORD-6). Checkout and payments are
 * built in parallel, so these tests stand in for them at the edges: they reserve stock through
 * catalog's stock contract and put `OrderStatusChanged(APPROVED)` / `OrderPlaced` on the bus as
 * checkout would; the rest is the deployed fulfillment stack — EventBridge rules → SQS → Lambda
 * allocation, signed carrier webhooks posted over HTTP the way a carrier posts them, the scheduled
 * sweeps invoked through the Lambda API, cycle counts through catalog's `PUT /admin/stock`. Captures are payments' (on OrderShipped / OrderDelivered):
 * here the order's fulfillment status shows the milestone those events carry; the cross-capability
 * capture is wired and tested by the lead.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { api, invoke, poll, putEvent } from '../../support/e2e.ts';
import { makeOverdue, opsToken, postCarrierWebhook, reserve, shipmentsOf } from './support.ts';

const CUSTOMER = 'e2e-fulfillment-customer';
type Reservation = { sku: string; warehouseId: string; quantity: number };

/** An order checkout placed (stock reserved) and approved, as its events show it. */
async function approvedOrder(reservations: Reservation[], options: { paymentMethod?: 'card' | 'cod'; region?: string } = {}) {
  const orderId = ulid();
  await reserve(orderId, reservations);
  await putEvent(OrderStatusChanged, {
    orderId,
    customerId: CUSTOMER,
    orderType: 'regular',
    paymentMethod: options.paymentMethod ?? 'card',
    from: 'PLACED',
    to: 'APPROVED',
    reason: 'payment-authorized',
    actor: 'system:payments',
    total: { amount: 89_900, currency: 'CNY' },
    shippingRegion: options.region ?? 'east',
    reservations,
    changedAt: new Date().toISOString(),
  });
  const token = await opsToken();
  const allocated = await poll(
    () => shipmentsOf(orderId, token),
    (v) => v.status === 'ALLOCATED',
  );
  expect(allocated.status).toBe('ALLOCATED');
  return { orderId, token, shipments: allocated.items };
}

/** A product of the test's own with on-hand stock per warehouse, through catalog's staff API. */
async function ownProduct(listing: Record<string, unknown>, stock: Record<string, number>): Promise<string> {
  const sku = `E2E-FUL-${ulid()}`;
  const ops = await opsToken();
  const created = await api(`/admin/products/${sku}`, { method: 'PUT', token: ops, json: listing });
  expect(created.status, created.text).toBe(201);
  for (const [warehouseId, onHand] of Object.entries(stock))
    expect((await api(`/admin/stock/${sku}/${warehouseId}`, { method: 'PUT', token: ops, json: { onHand, reason: 'e2e fixture' } })).status).toBe(200);
  return sku;
}

describe('fulfillment (e2e, local cloud)', () => {
  // A signed event for a waybill nobody issued is a 404 — and starts the webhook function's container
  // before the timed flows below (a cold start on a machine busy with the whole suite could take most
  // of its 10 s timeout).
  beforeAll(async () => {
    const unknown = await postCarrierWebhook({ carrier: 'premium-express', waybill: 'PX0000000000', status: 'PICKED_UP' });
    expect(unknown.status).toBe(404);
  }, 60_000);

  it('card order: approved → allocated (picks, carrier, waybill) → shipped → delivered via signed carrier webhooks; duplicates change nothing', async () => {
    const { orderId, token, shipments } = await approvedOrder([{ sku: 'ELEC-EARBUDS-PRO', warehouseId: 'WH-EAST', quantity: 1 }]);
    expect(shipments).toEqual([expect.objectContaining({ warehouseId: 'WH-EAST', carrier: 'premium-express', status: 'CREATED', waybill: expect.stringMatching(/^PX\d{10}$/) })]);
    const [s] = shipments as [(typeof shipments)[number]];

    const pickup = { eventId: `e2e-${ulid()}`, carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' as const };
    const first = await postCarrierWebhook(pickup);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ received: true, outcome: 'applied', status: 'PICKED_UP' });
    expect((await postCarrierWebhook(pickup)).json).toEqual({ received: true, outcome: 'duplicate' });
    expect((await shipmentsOf(orderId, token)).status).toBe('SHIPPED'); // OrderShipped: card captured by payments

    for (const status of ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'] as const)
      expect((await postCarrierWebhook({ carrier: s.carrier, waybill: s.waybill, status })).status).toBe(200);
    const done = await shipmentsOf(orderId, token);
    expect(done).toMatchObject({ status: 'DELIVERED', shippedAt: expect.any(String), deliveredAt: expect.any(String) });
    expect(done.items[0]?.history).toHaveLength(5);
  });

  it('cash on delivery, split over two warehouses: SHIPPED when both left, DELIVERED (cod captured) only when both arrived; out-of-order events', async () => {
    // Products of its own, each stocked in one warehouse only: allocation re-plans with current stock
    // and would otherwise consolidate into the nearest warehouse that has both (FUL-1).
    const towel = await ownProduct(
      { name: 'E2E towel', category: 'home', price: { amount: 3990, currency: 'CNY' }, attributes: { weightGrams: 450, valueClass: 'low' } },
      { 'WH-EAST': 5 },
    );
    const lychee = await ownProduct(
      { name: 'E2E lychee', category: 'fresh-food', price: { amount: 5990, currency: 'CNY' }, attributes: { fresh: true, weightGrams: 1100, valueClass: 'standard' } },
      { 'WH-SOUTH': 5 },
    );
    const { orderId, token, shipments } = await approvedOrder(
      [
        { sku: towel, warehouseId: 'WH-EAST', quantity: 1 },
        { sku: lychee, warehouseId: 'WH-SOUTH', quantity: 1 },
      ],
      { paymentMethod: 'cod' },
    );
    const byWarehouse = Object.fromEntries(shipments.map((s) => [s.warehouseId, s]));
    const east = byWarehouse['WH-EAST'] as (typeof shipments)[number];
    const south = byWarehouse['WH-SOUTH'] as (typeof shipments)[number];
    expect([east.carrier, south.carrier]).toEqual(['economy-post', 'premium-express']);

    // The east parcel's DELIVERED arrives before anything else was reported for it.
    expect((await postCarrierWebhook({ carrier: east.carrier, waybill: east.waybill, status: 'DELIVERED' })).json).toMatchObject({ outcome: 'applied', status: 'DELIVERED' });
    expect((await shipmentsOf(orderId, token)).status).toBe('ALLOCATED');
    expect((await postCarrierWebhook({ carrier: east.carrier, waybill: east.waybill, status: 'IN_TRANSIT' })).json).toMatchObject({
      outcome: 'ignored',
      ignoredReason: 'already-delivered',
    });
    await postCarrierWebhook({ carrier: south.carrier, waybill: south.waybill, status: 'IN_TRANSIT' });
    expect((await shipmentsOf(orderId, token)).status).toBe('SHIPPED');
    await postCarrierWebhook({ carrier: south.carrier, waybill: south.waybill, status: 'DELIVERED' });
    expect((await shipmentsOf(orderId, token)).status).toBe('DELIVERED'); // OrderDelivered: cod captured by payments
  });

  it('undeliverable address: the shipment stops in EXCEPTION and the order is never delivered (ORD-6 problem order raised)', async () => {
    const { orderId, token, shipments } = await approvedOrder([{ sku: 'BOOK-SANTI-TRILOGY', warehouseId: 'WH-NORTH', quantity: 1 }], { region: 'north' });
    const [s] = shipments as [(typeof shipments)[number]];
    await postCarrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' });
    const exception = await postCarrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'EXCEPTION', exception: 'undeliverable-address' });
    expect(exception.json).toMatchObject({ outcome: 'applied', status: 'EXCEPTION' });
    const after = await shipmentsOf(orderId, token);
    expect(after.status).toBe('SHIPPED');
    expect(after.items[0]).toMatchObject({ status: 'EXCEPTION', exception: 'undeliverable-address' });
    expect((await postCarrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'OUT_FOR_DELIVERY' })).json).toMatchObject({
      outcome: 'ignored',
      ignoredReason: 'after-exception',
    });
  });

  it('a late delivery is alerted once by the scheduled sweep (FUL-3)', async () => {
    const { orderId, token, shipments } = await approvedOrder([{ sku: 'APP-TSHIRT-WHITE-M', warehouseId: 'WH-SOUTH', quantity: 1 }], { region: 'south' });
    const [s] = shipments as [(typeof shipments)[number]];
    await postCarrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'IN_TRANSIT' });
    await makeOverdue(orderId, s.shipmentId, new Date(Date.now() - 60 * 60_000));
    const first = await invoke('SweepLateDeliveriesFunction');
    expect(first.alerted).toBeGreaterThanOrEqual(1);
    const alerted = (await shipmentsOf(orderId, token)).items[0];
    expect(alerted?.lateAlertedAt).toEqual(expect.any(String));
    await invoke('SweepLateDeliveriesFunction');
    expect((await shipmentsOf(orderId, token)).items[0]?.lateAlertedAt).toBe(alerted?.lateAlertedAt);
  });

  it('a stock change crossing the safety level emits one replenishment suggestion, not one per order after it (FUL-4)', async () => {
    const ops = await opsToken();
    const sku = `E2E-FUL-${ulid().slice(-10)}`;
    const created = await api(`/admin/products/${sku}`, {
      method: 'PUT',
      token: ops,
      json: { name: 'E2E replenishment tea', category: 'groceries', price: { amount: 2000, currency: 'CNY' }, attributes: { weightGrams: 300, valueClass: 'low' } },
    });
    expect(created.status).toBe(201);
    // A cycle count puts 20 on hand in the east (StockAdjusted: no sales yet, nothing to suggest).
    const count = (onHand: number) => api(`/admin/stock/${sku}/WH-EAST`, { method: 'PUT', token: ops, json: { onHand, reason: 'e2e cycle count' } });
    expect((await count(20)).status).toBe(200);

    const state = () =>
      api(`/admin/replenishment/${sku}`, { token: ops }).then((r) => r.json as { suggestions: number; open: boolean; unitsSoldInWindow: number; safetyStock?: number });
    let sold = 0;
    const placeOrder = async (quantity: number) => {
      const orderId = ulid();
      const reservations = [{ sku, warehouseId: 'WH-EAST', quantity }];
      await reserve(orderId, reservations);
      await putEvent(OrderPlaced, {
        ...OrderPlaced.example,
        orderId,
        customerId: CUSTOMER,
        lines: [{ sku, quantity, category: 'groceries', unitPrice: { amount: 2000, currency: 'CNY' }, lineTotal: { amount: 2000 * quantity, currency: 'CNY' } }],
        reservations,
        placedAt: new Date().toISOString(),
      });
      sold += quantity;
      return poll(state, (s) => s.unitsSoldInWindow === sold);
    };

    // 8 sold, 12 available: safety stock (30 days of sales) 8 — above it.
    expect(await placeOrder(8)).toMatchObject({ unitsSoldInWindow: 8, suggestions: 0, open: false });
    // 11 sold, 9 available: below → one suggestion.
    await placeOrder(3);
    const crossed = await poll(state, (s) => s.suggestions === 1);
    expect(crossed).toMatchObject({ open: true, suggestions: 1, safetyStock: 11 });
    // More orders while below: still one.
    await placeOrder(2);
    await placeOrder(1);
    await new Promise((r) => setTimeout(r, 1000)); // let any in-flight check finish before counting
    expect(await state()).toMatchObject({ unitsSoldInWindow: 14, suggestions: 1, open: true });

    // Cycle counts (StockAdjusted): back above the level closes the suggestion; below again opens a new one.
    expect((await count(40)).status).toBe(200); // 26 available ≥ 14
    expect(await poll(state, (s) => !s.open)).toMatchObject({ open: false, suggestions: 1 });
    expect((await count(20)).status).toBe(200); // 6 available < 14
    expect(await poll(state, (s) => s.suggestions === 2)).toMatchObject({ open: true, suggestions: 2, safetyStock: 14 });
  });

  it('the sandbox carrier reports later: a scheduled report is signed and delivered through the webhook use case (dev stage)', async () => {
    const { orderId, token, shipments } = await approvedOrder([{ sku: 'HOME-PILLOW-LATEX', warehouseId: 'WH-EAST', quantity: 1 }]);
    const [s] = shipments as [(typeof shipments)[number]];
    const scheduled = await api('/admin/sandbox-carrier/events', {
      method: 'POST',
      token,
      headers: { 'idempotency-key': ulid() },
      json: { waybill: s.waybill, status: 'EXCEPTION', exception: 'undeliverable-address', delaySeconds: 1 },
    });
    expect(scheduled.status).toBe(202);
    const after = await poll(
      () => shipmentsOf(orderId, token),
      (v) => v.items[0]?.status === 'EXCEPTION',
    );
    expect(after.items[0]).toMatchObject({ status: 'EXCEPTION', exception: 'undeliverable-address' });
  });

  it('refuses unsigned or tampered carrier webhooks over HTTP with 4xx problems', async () => {
    const body = JSON.stringify({ eventId: 'e2e-bad', carrier: 'premium-express', waybill: 'PX0000000001', status: 'DELIVERED', occurredAt: new Date().toISOString() });
    const unsigned = await api('/webhooks/carriers', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('content-type')).toContain('application/problem+json');
    const tampered = await api('/webhooks/carriers', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'carrier-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
      body,
    });
    expect(tampered.status).toBe(401);
    // The signature is checked before the body is parsed: unsigned garbage is refused as unsigned.
    const garbage = await api('/webhooks/carriers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(garbage.status).toBe(401);
  });
});
