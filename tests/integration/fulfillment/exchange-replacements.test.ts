/**
 * AFT-1, FUL-1 on DynamoDB Local: `ExchangeShipmentRequested` → the replacement units picked through
 * catalog's stock contract and shipped with the order's carrier, once per return
 * (ReturnFulfillmentUpdated `replacement-allocated`), or `replacement-unavailable` when out of stock;
 * the replacement's tracking never re-triggers the order's OrderShipped / OrderDelivered.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { ExchangeShipmentRequested } from '../../../events/return-events.ts';
import { sandboxCarrier } from '../../../functions/fulfillment/carrier-gateway.ts';
import { type ShipmentRecord } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { replacementShipmentId } from '../../../functions/fulfillment/exchange-shipments.ts';
import { makeReceiveCarrierWebhookHandler } from '../../../functions/fulfillment/handlers/receive-carrier-webhook.ts';
import { makeShipExchangeReplacementHandler } from '../../../functions/fulfillment/handlers/ship-exchange-replacement.ts';
import { newId } from '../../../shared/ids.ts';
import { eventBridgeEvent, jsonBody, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { allocatedOrder, capturePublisher, carrierWebhook, LISTINGS, fulfillmentWorld, type FulfillmentWorld } from './fixtures.ts';

let { tables, catalog, repository, reader } = {} as FulfillmentWorld;

beforeAll(async () => void ({ tables, catalog, repository, reader } = await fulfillmentWorld()));

function exchangeMessage(input: { returnId: string; orderId: string; items: Array<{ sku: string; quantity: number }>; eventId?: string }) {
  const detail = {
    version: 1,
    returnId: input.returnId,
    orderId: input.orderId,
    customerId: 'cust-ful',
    items: input.items,
    requestedAt: new Date().toISOString(),
    meta: { correlationId: `test-${ulid()}`, occurredAt: new Date().toISOString(), eventId: input.eventId ?? ulid() },
  };
  return sqsEvent(sqsRecord(eventBridgeEvent(ExchangeShipmentRequested.name, ExchangeShipmentRequested.source, detail)));
}

/** A delivered order (one shipment from WH-EAST, region east). */
async function deliveredOrder(publisher: ReturnType<typeof capturePublisher>) {
  const order = await allocatedOrder({ catalog, repository, reader }, ['WH-EAST']);
  const s = order.shipments[0] as ShipmentRecord;
  const webhook = makeReceiveCarrierWebhookHandler({ repository: () => repository, publisher: publisher.factory });
  for (const status of ['PICKED_UP', 'DELIVERED'] as const)
    expect((await webhook(carrierWebhook({ carrier: s.carrier, waybill: s.waybill, status }).api, lambdaContext())).statusCode).toBe(200);
  return { ...order, shipment: s, webhook };
}

const ofOrder = (publisher: ReturnType<typeof capturePublisher>, name: string, orderId: string) => publisher.named(name).filter((e) => e.orderId === orderId);
const handlerFor = (publisher: ReturnType<typeof capturePublisher>) =>
  makeShipExchangeReplacementHandler({
    repository: () => repository,
    catalog: () => reader,
    catalogTableName: tables.catalog,
    carrier: sandboxCarrier,
    publisher: publisher.factory,
  });

describe('exchange replacements (AFT-1)', () => {
  it('AFT-1: the replacement is picked once (stock −1 once) and shipped with the order’s carrier even when delivered twice; its tracking never re-ships or re-delivers the order', async () => {
    const publisher = capturePublisher();
    const order = await deliveredOrder(publisher);
    // The replacement SKU: the same T-shirt in another size, 3 on hand in WH-EAST (and in WH-NORTH).
    const replacementSku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 3, 'WH-NORTH': 3 });
    const ship = handlerFor(publisher);
    const returnId = newId();
    const eventId = ulid();
    const items = [{ sku: replacementSku, quantity: 1 }];
    for (const message of [
      exchangeMessage({ returnId, orderId: order.orderId, items, eventId }),
      exchangeMessage({ returnId, orderId: order.orderId, items, eventId }),
      exchangeMessage({ returnId, orderId: order.orderId, items }),
    ]) {
      expect((await ship(message, lambdaContext()))?.batchItemFailures ?? []).toEqual([]);
    }

    const shipmentId = replacementShipmentId(returnId, 'WH-EAST');
    const updates = ofOrder(publisher, 'ReturnFulfillmentUpdated', order.orderId);
    expect(updates).toEqual([
      {
        returnId,
        orderId: order.orderId,
        update: 'replacement-allocated',
        shipmentId,
        carrier: order.shipment.carrier,
        waybill: expect.any(String),
        warehouseId: 'WH-EAST',
        at: expect.any(String),
      },
    ]);
    expect(await catalog.level(replacementSku, 'WH-EAST')).toMatchObject({ onHand: 2, reserved: 0 });
    expect(await catalog.level(replacementSku, 'WH-NORTH')).toMatchObject({ onHand: 3 });
    expect(await catalog.reservations(returnId)).toMatchObject([{ sku: replacementSku, warehouseId: 'WH-EAST', status: 'picked', pickedQuantity: 1 }]);
    const { summary, shipments } = await repository.getOrder(order.orderId);
    expect(summary?.shipmentIds).toEqual([order.shipment.shipmentId]);
    const replacement = shipments.find((s) => s.purpose === 'replacement') as ShipmentRecord;
    expect(replacement).toMatchObject({ shipmentId, returnId, status: 'CREATED', carrier: order.shipment.carrier, region: 'east', lines: items });

    // The replacement ships like any shipment (ShipmentStatusChanged), but the order already shipped and was delivered once.
    for (const status of ['PICKED_UP', 'DELIVERED'] as const) {
      expect(jsonBody(await order.webhook(carrierWebhook({ carrier: replacement.carrier, waybill: replacement.waybill, status }).api, lambdaContext()))).toMatchObject({
        outcome: 'applied',
        shipmentId,
      });
    }
    expect(
      ofOrder(publisher, 'ShipmentStatusChanged', order.orderId)
        .filter((e) => e.shipmentId === shipmentId)
        .map((e) => e.to),
    ).toEqual(['PICKED_UP', 'DELIVERED']);
    expect(ofOrder(publisher, 'OrderShipped', order.orderId)).toHaveLength(1);
    expect(ofOrder(publisher, 'OrderDelivered', order.orderId)).toHaveLength(1);
  });

  it('AFT-1: out of stock (or unknown SKU) → replacement-unavailable once; nothing picked or shipped', async () => {
    const publisher = capturePublisher();
    const order = await deliveredOrder(publisher);
    const scarce = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 1 });
    const ship = handlerFor(publisher);
    const returnId = newId();
    for (let i = 0; i < 2; i++)
      expect((await ship(exchangeMessage({ returnId, orderId: order.orderId, items: [{ sku: scarce, quantity: 2 }] }), lambdaContext()))?.batchItemFailures ?? []).toEqual([]);
    expect(ofOrder(publisher, 'ReturnFulfillmentUpdated', order.orderId)).toEqual([
      { returnId, orderId: order.orderId, update: 'replacement-unavailable', at: expect.any(String) },
    ]);
    expect(await catalog.level(scarce, 'WH-EAST')).toMatchObject({ onHand: 1, reserved: 0 });
    expect(await catalog.reservations(returnId)).toEqual([]);
    expect((await repository.getOrder(order.orderId)).shipments.filter((s) => s.purpose === 'replacement')).toEqual([]);

    const unknown = newId();
    await ship(exchangeMessage({ returnId: unknown, orderId: order.orderId, items: [{ sku: 'FT-NO-SUCH-SKU', quantity: 1 }] }), lambdaContext());
    expect(
      ofOrder(publisher, 'ReturnFulfillmentUpdated', order.orderId)
        .filter((e) => e.returnId === unknown)
        .map((e) => e.update),
    ).toEqual(['replacement-unavailable']);
  });

  it('AFT-1: two exchanges racing for the last unit: one gets it, the other is unavailable (never oversold)', async () => {
    const publisher = capturePublisher();
    const order = await deliveredOrder(publisher);
    const last = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 1 });
    const ship = handlerFor(publisher);
    const [a, b] = [newId(), newId()];
    await Promise.all([a, b].map((returnId) => ship(exchangeMessage({ returnId, orderId: order.orderId, items: [{ sku: last, quantity: 1 }] }), lambdaContext())));
    const updates = ofOrder(publisher, 'ReturnFulfillmentUpdated', order.orderId)
      .map((e) => e.update)
      .sort();
    expect(updates).toEqual(['replacement-allocated', 'replacement-unavailable']);
    expect(await catalog.level(last, 'WH-EAST')).toMatchObject({ onHand: 0, reserved: 0 });
  });
});
