/**
 * Returns in fulfillment end to end through the local cloud (AFT-1): `ReturnPickupRequested` on the
 * bus → the rule → `BookReturnPickupQueue` → the pickup booked with the sandbox carrier; the sandbox
 * carrier reports the return parcel picked up (ops' `POST /admin/sandbox-carrier/events`, its delay
 * queue, signed and delivered to the webhook use case) and a signed webhook reports it delivered to
 * the warehouse: ReturnFulfillmentUpdated `picked-up` / `received` (read from the tracking markers'
 * outboxes), the order's own milestones untouched. `ExchangeShipmentRequested` → the replacement
 * picked and shipped.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { ExchangeShipmentRequested, ReturnPickupRequested } from '../../../events/return-events.ts';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { api, getItem, poll, putEvent, tables } from '../../support/e2e.ts';
import { opsToken, postCarrierWebhook, reserve, shipmentsOf } from './support.ts';

const CUSTOMER = 'e2e-fulfillment-returns';

async function deliveredOrder() {
  const orderId = ulid();
  const reservations = [{ sku: 'HOME-PILLOW-LATEX', warehouseId: 'WH-EAST', quantity: 1 }];
  await reserve(orderId, reservations);
  await putEvent(OrderStatusChanged, {
    orderId,
    customerId: CUSTOMER,
    orderType: 'regular',
    paymentMethod: 'card',
    from: 'PLACED',
    to: 'APPROVED',
    reason: 'payment-authorized',
    actor: 'system:payments',
    total: { amount: 19_900, currency: 'CNY' },
    shippingRegion: 'east',
    reservations,
    changedAt: new Date().toISOString(),
  });
  const token = await opsToken();
  const allocated = await poll(
    () => shipmentsOf(orderId, token),
    (v) => v.status === 'ALLOCATED',
  );
  const [s] = allocated.items as [(typeof allocated.items)[number]];
  for (const status of ['PICKED_UP', 'DELIVERED'] as const) expect((await postCarrierWebhook({ carrier: s.carrier, waybill: s.waybill, status })).status).toBe(200);
  const delivered = await shipmentsOf(orderId, token);
  expect(delivered.status).toBe('DELIVERED');
  return { orderId, token, shipment: s, shippedAt: delivered.shippedAt, deliveredAt: delivered.deliveredAt };
}

/** The events a marker's outbox held (published or not). */
async function markerEvents(kind: string, key: string) {
  const item = await getItem(tables().fulfillment, { pk: `MARKER#${kind}#${key}`, sk: 'MARKER' });
  return (item?.events as Array<{ name: string; payload: Record<string, unknown> }> | undefined) ?? [];
}

describe('returns in fulfillment (e2e, local cloud)', () => {
  it('AFT-1: a return pickup is booked once; the sandbox carrier picks it up and a webhook delivers it to the warehouse → picked-up, received; the order stays delivered once', async () => {
    const order = await deliveredOrder();
    const returnId = ulid();
    const request = {
      returnId,
      orderId: order.orderId,
      customerId: CUSTOMER,
      items: [{ sku: 'HOME-PILLOW-LATEX', quantity: 1 }],
      warehouseId: 'WH-EAST',
      carrier: 'standard-express',
      requestedAt: new Date().toISOString(),
    };
    const eventId = ulid();
    await putEvent(ReturnPickupRequested, request, { eventId });
    await putEvent(ReturnPickupRequested, request, { eventId });
    const booked = await poll(
      () => shipmentsOf(order.orderId, order.token),
      (v) => v.items.some((i) => i.purpose === 'return-pickup'),
    );
    const pickups = booked.items.filter((i) => i.purpose === 'return-pickup');
    expect(pickups).toEqual([expect.objectContaining({ returnId, status: 'CREATED', carrier: 'standard-express', warehouseId: 'WH-EAST' })]);
    const pickup = pickups[0] as (typeof pickups)[number];
    expect((await markerEvents('RETURN_PICKUP', returnId)).map((e) => [e.name, e.payload.update, e.payload.waybill])).toEqual([
      ['ReturnFulfillmentUpdated', 'pickup-booked', pickup.waybill],
    ]);

    // The sandbox carrier reports the parcel picked up (ops schedule it: its queue signs and delivers it).
    const scheduled = await api('/admin/sandbox-carrier/events', {
      method: 'POST',
      token: order.token,
      headers: { 'idempotency-key': ulid() },
      json: { waybill: pickup.waybill, status: 'PICKED_UP', delaySeconds: 0 },
    });
    expect(scheduled.status).toBe(202);
    await poll(
      () => shipmentsOf(order.orderId, order.token),
      (v) => v.items.find((i) => i.shipmentId === pickup.shipmentId)?.status === 'PICKED_UP',
    );
    expect((await markerEvents('TRACKING', `standard-express#${scheduled.json.eventId as string}`)).map((e) => [e.name, e.payload.update])).toEqual([
      ['ReturnFulfillmentUpdated', 'picked-up'],
    ]);

    // Delivered to the warehouse: received.
    const eventIdDelivered = `e2e-${ulid()}`;
    expect((await postCarrierWebhook({ eventId: eventIdDelivered, carrier: 'standard-express', waybill: pickup.waybill, status: 'DELIVERED' })).json).toMatchObject({
      outcome: 'applied',
      status: 'DELIVERED',
    });
    expect((await markerEvents('TRACKING', `standard-express#${eventIdDelivered}`)).map((e) => [e.name, e.payload.update])).toEqual([['ReturnFulfillmentUpdated', 'received']]);
    const after = await shipmentsOf(order.orderId, order.token);
    expect(after).toMatchObject({ status: 'DELIVERED', shippedAt: order.shippedAt, deliveredAt: order.deliveredAt });
  });

  it('AFT-1: an exchange replacement is picked and shipped with the order’s carrier', async () => {
    const order = await deliveredOrder();
    const returnId = ulid();
    await putEvent(ExchangeShipmentRequested, {
      returnId,
      orderId: order.orderId,
      customerId: CUSTOMER,
      items: [{ sku: 'HOME-PILLOW-LATEX', quantity: 1 }],
      requestedAt: new Date().toISOString(),
    });
    const shipped = await poll(
      () => shipmentsOf(order.orderId, order.token),
      (v) => v.items.some((i) => i.purpose === 'replacement'),
    );
    expect(shipped.items.filter((i) => i.purpose === 'replacement')).toEqual([expect.objectContaining({ returnId, status: 'CREATED', carrier: order.shipment.carrier })]);
    expect((await markerEvents('EXCHANGE', returnId)).map((e) => e.payload.update)).toEqual(['replacement-allocated']);
  });
});
