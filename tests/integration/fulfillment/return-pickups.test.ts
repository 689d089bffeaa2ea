/**
 * AFT-1, FUL-3 on DynamoDB Local: `ReturnPickupRequested` → a doorstep pickup booked once per return
 * (ReturnFulfillmentUpdated `pickup-booked`); the return parcel's tracking — signed carrier webhooks
 * and the sandbox carrier's own reports — gives `picked-up` / `received`, never the order's
 * OrderShipped / OrderDelivered (payments captures on those) nor a late-delivery alert.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { ReturnPickupRequested } from '../../../events/return-events.ts';
import { sandboxCarrier, sandboxWaybill, type CarrierGateway } from '../../../functions/fulfillment/carrier-gateway.ts';
import { type ShipmentRecord } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { makeBookReturnPickupHandler } from '../../../functions/fulfillment/handlers/book-return-pickup.ts';
import { makeDeliverSandboxCarrierEventsHandler } from '../../../functions/fulfillment/handlers/deliver-sandbox-carrier-events.ts';
import { makeReceiveCarrierWebhookHandler } from '../../../functions/fulfillment/handlers/receive-carrier-webhook.ts';
import { returnPickupShipmentId } from '../../../functions/fulfillment/return-pickups.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { newId } from '../../../shared/ids.ts';
import { eventBridgeEvent, jsonBody, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { allocatedOrder, capturePublisher, carrierWebhook, fulfillmentWorld, type FulfillmentWorld } from './fixtures.ts';

let { tables, catalog, repository, reader } = {} as FulfillmentWorld;

beforeAll(async () => void ({ tables, catalog, repository, reader } = await fulfillmentWorld()));

/** ReturnPickupRequested in an SQS message, as the rule delivers it (the same `eventId` twice is a redelivery). */
function pickupMessage(input: { returnId: string; orderId: string; sku: string; carrier?: string; warehouseId?: string; eventId?: string }) {
  const detail = {
    version: 1,
    returnId: input.returnId,
    orderId: input.orderId,
    customerId: 'cust-ful',
    items: [{ sku: input.sku, quantity: 1 }],
    warehouseId: input.warehouseId ?? 'WH-EAST',
    carrier: input.carrier ?? 'standard-express',
    requestedAt: new Date().toISOString(),
    meta: { correlationId: `test-${ulid()}`, occurredAt: new Date().toISOString(), eventId: input.eventId ?? ulid() },
  };
  return sqsEvent(sqsRecord(eventBridgeEvent(ReturnPickupRequested.name, ReturnPickupRequested.source, detail)));
}

/** The sandbox carrier's report as its queue holds it (POST /admin/sandbox-carrier/events puts it there). */
const sandboxReport = (waybill: string, carrier: string, status: 'PICKED_UP' | 'DELIVERED') => sqsEvent(sqsRecord({ eventId: `sandbox-${ulid()}`, carrier, waybill, status }));

/** A delivered order: allocated (one shipment) and reported picked up and delivered by the carrier. */
async function deliveredOrder(publisher: ReturnType<typeof capturePublisher>) {
  const order = await allocatedOrder({ catalog, repository, reader }, ['WH-EAST']);
  const s = order.shipments[0] as ShipmentRecord;
  const webhook = makeReceiveCarrierWebhookHandler({ repository: () => repository, publisher: publisher.factory });
  for (const status of ['PICKED_UP', 'DELIVERED'] as const)
    expect((await webhook(carrierWebhook({ carrier: s.carrier, waybill: s.waybill, status }).api, lambdaContext())).statusCode).toBe(200);
  expect(publisher.named('OrderDelivered').filter((e) => e.orderId === order.orderId)).toHaveLength(1);
  return { ...order, shipment: s, webhook };
}

const ofOrder = (publisher: ReturnType<typeof capturePublisher>, name: string, orderId: string) => publisher.named(name).filter((e) => e.orderId === orderId);

describe('return pickups (AFT-1)', () => {
  it('AFT-1: booked once per return even when delivered twice; its tracking gives picked-up and received, never OrderShipped/OrderDelivered, never on the late index', async () => {
    const publisher = capturePublisher();
    const order = await deliveredOrder(publisher);
    const sku = order.skus['WH-EAST'] as string;
    const book = makeBookReturnPickupHandler({ repository: () => repository, carrier: sandboxCarrier, publisher: publisher.factory });
    const returnId = newId();
    const eventId = ulid();
    for (const message of [
      pickupMessage({ returnId, orderId: order.orderId, sku, eventId }),
      pickupMessage({ returnId, orderId: order.orderId, sku, eventId }),
      pickupMessage({ returnId, orderId: order.orderId, sku }),
    ]) {
      expect((await book(message, lambdaContext()))?.batchItemFailures ?? []).toEqual([]);
    }

    const shipmentId = returnPickupShipmentId(returnId, 'WH-EAST');
    const waybill = sandboxWaybill('standard-express', shipmentId);
    expect(ofOrder(publisher, 'ReturnFulfillmentUpdated', order.orderId)).toEqual([
      { returnId, orderId: order.orderId, update: 'pickup-booked', shipmentId, carrier: 'standard-express', waybill, warehouseId: 'WH-EAST', at: expect.any(String) },
    ]);
    const { summary, shipments } = await repository.getOrder(order.orderId);
    const pickup = shipments.find((s) => s.purpose === 'return-pickup');
    expect(shipments).toHaveLength(2);
    expect(pickup).toMatchObject({ shipmentId, returnId, status: 'CREATED', warehouseId: 'WH-EAST', lines: [{ sku, quantity: 1 }], waybill });
    expect(summary?.shipmentIds).toEqual([order.shipment.shipmentId]);
    expect(await repository.findWaybill(waybill)).toEqual({ orderId: order.orderId, shipmentId, carrier: 'standard-express' });
    // No delivery deadline for a return parcel: not on the late-delivery index.
    const item = (await documentClient().send(new GetCommand({ TableName: tables.fulfillment, Key: { pk: `ORDER#${order.orderId}`, sk: `SHIPMENT#${shipmentId}` } }))).Item;
    expect(item?.duePk).toBeUndefined();

    // The sandbox carrier reports the parcel picked up (its queue → signed → the webhook use case)…
    const deliverReports = makeDeliverSandboxCarrierEventsHandler({ repository: () => repository, publisher: publisher.factory });
    expect((await deliverReports(sandboxReport(waybill, 'standard-express', 'PICKED_UP'), lambdaContext()))?.batchItemFailures ?? []).toEqual([]);
    // …and a signed webhook reports it delivered to the warehouse (twice: the duplicate changes nothing).
    const delivered = carrierWebhook({ carrier: 'standard-express', waybill, status: 'DELIVERED' });
    expect(jsonBody(await order.webhook(delivered.api, lambdaContext()))).toMatchObject({ outcome: 'applied', shipmentId, status: 'DELIVERED' });
    expect(jsonBody(await order.webhook(delivered.api, lambdaContext()))).toMatchObject({ outcome: 'duplicate' });

    expect(ofOrder(publisher, 'ReturnFulfillmentUpdated', order.orderId).map((e) => [e.update, e.shipmentId, e.waybill])).toEqual([
      ['pickup-booked', shipmentId, waybill],
      ['picked-up', shipmentId, waybill],
      ['received', shipmentId, waybill],
    ]);
    expect(ofOrder(publisher, 'OrderShipped', order.orderId)).toHaveLength(1);
    expect(ofOrder(publisher, 'OrderDelivered', order.orderId)).toHaveLength(1);
    expect(ofOrder(publisher, 'ShipmentStatusChanged', order.orderId).map((e) => e.shipmentId)).not.toContain(shipmentId);
    expect((await repository.getOrder(order.orderId)).shipments.find((s) => s.shipmentId === shipmentId)?.status).toBe('DELIVERED');
  });

  it('AFT-1: reported delivered first → picked-up then received; an exception raises a problem for operations only', async () => {
    const publisher = capturePublisher();
    const order = await deliveredOrder(publisher);
    const book = makeBookReturnPickupHandler({ repository: () => repository, carrier: sandboxCarrier, publisher: publisher.factory });
    const first = newId();
    await book(pickupMessage({ returnId: first, orderId: order.orderId, sku: order.skus['WH-EAST'] as string }), lambdaContext());
    const [booked] = ofOrder(publisher, 'ReturnFulfillmentUpdated', order.orderId);
    expect(
      (await order.webhook(carrierWebhook({ carrier: booked!.carrier as string, waybill: booked!.waybill as string, status: 'DELIVERED' }).api, lambdaContext())).statusCode,
    ).toBe(200);
    expect(ofOrder(publisher, 'ReturnFulfillmentUpdated', order.orderId).map((e) => e.update)).toEqual(['pickup-booked', 'picked-up', 'received']);

    const second = newId();
    await book(pickupMessage({ returnId: second, orderId: order.orderId, sku: order.skus['WH-EAST'] as string, warehouseId: 'WH-NORTH' }), lambdaContext());
    const secondBooked = ofOrder(publisher, 'ReturnFulfillmentUpdated', order.orderId).find((e) => e.returnId === second)!;
    expect(secondBooked).toMatchObject({ warehouseId: 'WH-NORTH', update: 'pickup-booked' });
    expect(
      (
        await order.webhook(
          carrierWebhook({ carrier: secondBooked.carrier as string, waybill: secondBooked.waybill as string, status: 'EXCEPTION', exception: 'lost' }).api,
          lambdaContext(),
        )
      ).statusCode,
    ).toBe(200);
    expect(ofOrder(publisher, 'ProblemOrderRaised', order.orderId)).toEqual([expect.objectContaining({ problem: 'parcel-lost', shipmentId: secondBooked.shipmentId })]);
    expect(ofOrder(publisher, 'CustomerNotificationRequested', order.orderId)).toEqual([]);
    expect(ofOrder(publisher, 'OrderShipped', order.orderId)).toHaveLength(1);
    expect(ofOrder(publisher, 'OrderDelivered', order.orderId)).toHaveLength(1);
  });

  it("AFT-1: a carrier the platform does not book → the order's own carrier; a real carrier gets the customer's address as the sender, just in time", async () => {
    const publisher = capturePublisher();
    const order = await deliveredOrder(publisher);
    const requests: Array<{ direction?: string; carrier: string; warehouseId: string; sender: string }> = [];
    const recording: CarrierGateway = {
      provider: 'recording',
      idempotent: false,
      book: async (request, sender) => {
        requests.push({ direction: request.direction, carrier: request.carrier, warehouseId: request.warehouseId, sender: (await sender()).name });
        return { waybill: `RC${ulid().slice(-10)}`, booking: { provider: 'recording', taskId: 't-1', reference: request.shipmentId } };
      },
      cancel: async () => undefined,
    };
    const book = makeBookReturnPickupHandler({
      repository: () => repository,
      carrier: recording,
      recipients: async () => ({ name: 'Customer', phone: '13800000000', printAddress: 'somewhere' }),
      publisher: publisher.factory,
    });
    const returnId = newId();
    const message = pickupMessage({ returnId, orderId: order.orderId, sku: order.skus['WH-EAST'] as string, carrier: 'standard-post' });
    await book(message, lambdaContext());
    await book(pickupMessage({ returnId, orderId: order.orderId, sku: order.skus['WH-EAST'] as string, carrier: 'standard-post' }), lambdaContext());
    expect(requests).toEqual([{ direction: 'return', carrier: order.shipment.carrier, warehouseId: 'WH-EAST', sender: 'Customer' }]);
    const updates = ofOrder(publisher, 'ReturnFulfillmentUpdated', order.orderId);
    expect(updates).toEqual([expect.objectContaining({ update: 'pickup-booked', carrier: order.shipment.carrier })]);
    // The address is nowhere in what fulfillment stored or published.
    const stored = JSON.stringify(await repository.getOrder(order.orderId));
    expect(stored).not.toContain('13800000000');
    expect(JSON.stringify(publisher.published)).not.toContain('13800000000');
  });

  it('AFT-1: an order fulfillment never allocated fails the record (redelivered, then the DLQ) and books nothing', async () => {
    const publisher = capturePublisher();
    const book = makeBookReturnPickupHandler({ repository: () => repository, carrier: sandboxCarrier, publisher: publisher.factory });
    const result = await book(pickupMessage({ returnId: newId(), orderId: newId(), sku: 'FT-NONE' }), lambdaContext());
    expect(result?.batchItemFailures).toHaveLength(1);
    expect(publisher.published).toEqual([]);
  });
});
