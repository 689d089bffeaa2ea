/**
 * Cancel after allocation, end to end through the local cloud (API.md: cancel before shipment;
 * ORD-4, FUL-1, PAY-2): POST /orders (card) → fraud approves → payments authorises → APPROVED →
 * fulfillment allocates (stock picked) → FULFILLING → the customer cancels → fulfillment cancels the
 * shipment that has not left and returns its picked stock (catalog's reservation record: returned),
 * payments voids the authorisation; checkout's order shows the shipment CANCELLED
 * (ShipmentStatusChanged); the cancelled shipment's carrier reports change nothing.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { api, dynamo, e2e, poll, tokenFor } from '../../support/e2e.ts';
import { postCarrierWebhook } from '../fulfillment/support.ts';
import { customerToken, opsToken, orderBody, postOrder, productWithStock, rawStock } from './support.ts';

type Shipments = { status: string; items: Array<{ shipmentId: string; warehouseId: string; carrier: string; waybill: string; status: string }> };

const shipmentsOf = async (orderId: string): Promise<Shipments> => (await api(`/admin/shipments?orderId=${orderId}`, { token: await opsToken() })).json as unknown as Shipments;
const reservationsOf = async (orderId: string) =>
  (
    (
      await dynamo().send(
        new QueryCommand({
          TableName: e2e().tables.catalog,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `RESERVATION#${orderId}` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? []
  ).map((i) => ({
    warehouseId: String(i.warehouseId),
    status: String(i.status),
    quantity: Number(i.quantity),
    pickedQuantity: i.pickedQuantity === undefined ? undefined : Number(i.pickedQuantity),
  }));
/** Payments' staff view (undefined while payments does not know the order). */
const paymentOf = async (orderId: string): Promise<{ payment: { status: string }; balances: { held: number; captured: number } } | undefined> => {
  const res = await api(`/admin/payments/${orderId}`, { token: await tokenFor('e2e-checkout-ops', ['ops']) });
  return res.status === 200 ? (res.json as never) : undefined;
};

describe('cancel after allocation (e2e)', () => {
  it('place → approved → allocated (FULFILLING) → cancel: the shipment is cancelled, the stock back on hand, the payment voided', async () => {
    // A modest price and a card: fraud approves, payments authorises, fulfillment allocates.
    const sku = await productWithStock({ 'WH-EAST': 5 }, { price: 12_900 });
    const customerId = `e2e-cancel-fulfilling-${ulid()}`;
    const token = await customerToken(customerId);
    const placed = await postOrder(token, orderBody([{ sku, quantity: 2 }], { payment: { method: 'card', token: 'tok_visa' } }));
    expect(placed.status, placed.text).toBe(201);
    const orderId = String(placed.json.orderId);

    const fulfilling = await poll(
      async () => (await api(`/orders/${orderId}`, { token })).json,
      (o) => o.status === 'FULFILLING',
      60_000,
    );
    expect(fulfilling.status).toBe('FULFILLING');
    expect(await rawStock(sku, ['WH-EAST'])).toEqual({ 'WH-EAST': { onHand: 3, reserved: 0, available: 3 } });
    expect(await reservationsOf(orderId)).toEqual([{ warehouseId: 'WH-EAST', status: 'picked', quantity: 2, pickedQuantity: 2 }]);
    const allocated = await shipmentsOf(orderId);
    expect(allocated).toMatchObject({ status: 'ALLOCATED', items: [{ warehouseId: 'WH-EAST', status: 'CREATED' }] });
    const [shipment] = allocated.items;

    // API.md's cancel has no body: a client may send none at all.
    const cancelled = await api(`/orders/${orderId}/cancel`, { method: 'POST', token, headers: { 'Idempotency-Key': ulid() } });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json).toMatchObject({ status: 'CANCELLED', cancellation: { by: 'customer' } });

    // Fulfillment (OrderCancelled): shipment cancelled, picked stock returned exactly once.
    const stopped = await poll(
      () => shipmentsOf(orderId),
      (s) => s.status === 'CANCELLED',
      30_000,
    );
    expect(stopped).toMatchObject({ status: 'CANCELLED', items: [{ shipmentId: shipment?.shipmentId, status: 'CANCELLED' }] });
    expect(
      await poll(
        () => rawStock(sku, ['WH-EAST']),
        (s) => s['WH-EAST']?.onHand === 5,
      ),
    ).toEqual({ 'WH-EAST': { onHand: 5, reserved: 0, available: 5 } });
    expect(await reservationsOf(orderId)).toEqual([{ warehouseId: 'WH-EAST', status: 'returned', quantity: 2, pickedQuantity: 2 }]);

    // Checkout's read model (ShipmentStatusChanged CREATED → CANCELLED): the customer sees the shipment cancelled.
    const seen = await poll(
      async () => (await api(`/orders/${orderId}`, { token })).json,
      (o) => (o.shipments as Array<{ status: string }>)[0]?.status === 'CANCELLED',
      30_000,
    );
    expect(seen.shipments).toEqual([
      expect.objectContaining({ shipmentId: shipment?.shipmentId, warehouseId: 'WH-EAST', carrier: shipment?.carrier, waybill: shipment?.waybill, status: 'CANCELLED' }),
    ]);

    // Payments (OrderCancelled): the authorisation is voided.
    const voided = await poll(
      () => paymentOf(orderId),
      (p) => p?.payment.status === 'voided',
      45_000,
    );
    expect(voided?.payment.status).toBe('voided');
    expect(voided?.balances).toMatchObject({ held: 0, captured: 0 });

    // The carrier's report about the cancelled parcel is acknowledged and changes nothing.
    const late = await postCarrierWebhook({ carrier: String(shipment?.carrier), waybill: String(shipment?.waybill), status: 'PICKED_UP' });
    expect(late.status).toBe(200);
    expect(late.json).toMatchObject({ outcome: 'ignored', ignoredReason: 'shipment-cancelled' });
    expect((await shipmentsOf(orderId)).items[0]?.status).toBe('CANCELLED');
    expect(await rawStock(sku, ['WH-EAST'])).toEqual({ 'WH-EAST': { onHand: 5, reserved: 0, available: 5 } });
    const order = (await api(`/orders/${orderId}`, { token })).json;
    expect(order.status).toBe('CANCELLED');
    expect((order.shipments as Array<{ status: string }>).map((s) => s.status)).toEqual(['CANCELLED']);
    expect((order.timeline as Array<{ to: string }>).map((t) => t.to)).toEqual(['PLACED', 'APPROVED', 'FULFILLING', 'CANCELLED']);
  });
});
