/**
 * Cancellation after allocation (API.md: cancel before shipment; FUL-1, ORD-4, ORD-6) on DynamoDB
 * Local: `OrderCancelled` → in one transaction every shipment the carrier has not picked up is
 * cancelled (announced with `ShipmentStatusChanged` → `CANCELLED`, exactly once, for checkout's
 * read model) and its picked stock returned (catalog's returnPickedStock, exactly once); a shipment
 * that already left raises `ProblemOrderRaised` (`cancelled-after-pickup`); replays change nothing;
 * carrier reports about a cancelled shipment are acknowledged and change nothing; an order
 * cancelled before allocation is never allocated.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import type { ShipmentRecord } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { makeAllocateOrderHandler } from '../../../functions/fulfillment/handlers/allocate-order.ts';
import { makeCancelFulfillmentHandler } from '../../../functions/fulfillment/handlers/cancel-fulfillment.ts';
import { makeReceiveCarrierWebhookHandler } from '../../../functions/fulfillment/handlers/receive-carrier-webhook.ts';
import { newId } from '../../../shared/ids.ts';
import { jsonBody, lambdaContext } from '../../support/http-events.ts';
import { allocatedOrder, capturePublisher, carrierWebhook, LISTINGS, orderCancelledMessage, statusChangedMessage, fulfillmentWorld, type FulfillmentWorld } from './fixtures.ts';

let { catalog, repository, reader } = {} as FulfillmentWorld;
beforeAll(async () => void ({ catalog, repository, reader } = await fulfillmentWorld()));

const cancelHandler = (publisher: ReturnType<typeof capturePublisher>) =>
  makeCancelFulfillmentHandler({ repository: () => repository, catalog: () => reader, publisher: publisher.factory });

/** An allocated order: `quantity` of a fresh SKU per warehouse (5 on hand each), one shipment per warehouse. */
const allocated = (warehouses: string[], quantity = 2) => allocatedOrder({ catalog, repository, reader }, warehouses, { quantity });

function webhook(publisher = capturePublisher()) {
  const handler = makeReceiveCarrierWebhookHandler({ repository: () => repository, publisher: publisher.factory });
  return async (...args: Parameters<typeof carrierWebhook>) => {
    const result = await handler(carrierWebhook(...args).api, lambdaContext());
    return { status: result.statusCode, body: jsonBody(result) };
  };
}

describe('cancellation after allocation (FULFILLING)', () => {
  it('cancels the shipments not picked up and returns their stock exactly once; a shipment that left raises cancelled-after-pickup', async () => {
    const { orderId, skus, byWarehouse: shipments } = await allocated(['WH-EAST', 'WH-SOUTH']);
    const east = shipments['WH-EAST'] as ShipmentRecord;
    const south = shipments['WH-SOUTH'] as ShipmentRecord;
    const eastSku = skus['WH-EAST'] as string;
    const southSku = skus['WH-SOUTH'] as string;
    expect(await catalog.level(eastSku, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 3, reserved: 0 });
    // The south parcel is already with the carrier.
    expect((await webhook()({ carrier: south.carrier, waybill: south.waybill, status: 'PICKED_UP' })).body).toMatchObject({ outcome: 'applied' });

    const publisher = capturePublisher();
    const message = orderCancelledMessage({ orderId, from: 'FULFILLING' });
    expect(await cancelHandler(publisher)(message, lambdaContext())).toEqual({ batchItemFailures: [] });

    // East: back on hand; south: still picked (the goods are with the carrier).
    expect(await catalog.level(eastSku, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 5, reserved: 0 });
    expect(await catalog.level(southSku, 'WH-SOUTH')).toEqual({ warehouseId: 'WH-SOUTH', onHand: 3, reserved: 0 });
    expect(Object.fromEntries((await catalog.reservations(orderId)).map((r) => [r.warehouseId, r.status]))).toEqual({ 'WH-EAST': 'returned', 'WH-SOUTH': 'picked' });
    const after = await repository.getOrder(orderId);
    expect(after.summary).toMatchObject({ status: 'CANCELLED', cancelledAt: expect.any(String) });
    const cancelledEast = after.shipments.find((s) => s.shipmentId === east.shipmentId);
    expect(cancelledEast).toMatchObject({ status: 'CANCELLED', cancelledAt: expect.any(String) });
    expect(cancelledEast?.history.map((h) => h.status)).toEqual(['CREATED', 'CANCELLED']);
    expect(after.shipments.find((s) => s.shipmentId === south.shipmentId)?.status).toBe('PICKED_UP');
    expect(publisher.named('ProblemOrderRaised')).toEqual([
      { orderId, problem: 'cancelled-after-pickup', shipmentId: south.shipmentId, raisedBy: 'fulfillment', raisedAt: expect.any(String) },
    ]);
    // The cancelled shipment is announced (checkout shows it CANCELLED); the one that left is not.
    expect(publisher.named('ShipmentStatusChanged')).toEqual([
      { orderId, shipmentId: east.shipmentId, carrier: east.carrier, waybill: east.waybill, from: 'CREATED', to: 'CANCELLED', changedAt: cancelledEast?.cancelledAt },
    ]);

    // Replays (same message, a redelivery with a new event id) change nothing: stock returned once.
    expect(await cancelHandler(publisher)(message, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await cancelHandler(publisher)(orderCancelledMessage({ orderId, from: 'FULFILLING' }), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await catalog.level(eastSku, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 5, reserved: 0 });
    expect(publisher.named('ProblemOrderRaised')).toHaveLength(1);
    expect(publisher.named('ShipmentStatusChanged')).toHaveLength(1);

    // The cancelled parcel's carrier reports are acknowledged and change nothing.
    const trackingPublisher = capturePublisher();
    const post = webhook(trackingPublisher);
    for (const status of ['PICKED_UP', 'DELIVERED'] as const) {
      expect(await post({ carrier: east.carrier, waybill: east.waybill, status })).toEqual({
        status: 200,
        body: { received: true, outcome: 'ignored', shipmentId: east.shipmentId, ignoredReason: 'shipment-cancelled' },
      });
    }
    expect(trackingPublisher.published).toHaveLength(0);
    expect((await repository.getOrder(orderId)).shipments.find((s) => s.shipmentId === east.shipmentId)).toEqual(cancelledEast);
    // The parcel that left is still tracked, but the cancelled order reaches no milestone.
    expect((await post({ carrier: south.carrier, waybill: south.waybill, status: 'DELIVERED' })).body).toMatchObject({ outcome: 'applied', status: 'DELIVERED' });
    expect(trackingPublisher.named('ShipmentStatusChanged')).toHaveLength(1);
    expect(trackingPublisher.named('OrderDelivered')).toHaveLength(0);
    expect(trackingPublisher.named('OrderShipped')).toHaveLength(0);
  });

  it('a cancellation racing the carrier’s pickup: either the shipment is cancelled and restocked, or it left and a problem is raised — never both', async () => {
    for (let i = 0; i < 8; i++) {
      const { orderId, skus, byWarehouse: shipments } = await allocated(['WH-NORTH'], 1);
      const s = shipments['WH-NORTH'] as ShipmentRecord;
      const publisher = capturePublisher();
      const [tracking] = await Promise.all([
        webhook()({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' }),
        cancelHandler(publisher)(orderCancelledMessage({ orderId, from: 'FULFILLING' }), lambdaContext()),
      ]);
      const level = await catalog.level(skus['WH-NORTH'] as string, 'WH-NORTH');
      const final = (await repository.getOrder(orderId)).shipments[0];
      if (final?.status === 'CANCELLED') {
        expect(tracking.body).toMatchObject({ outcome: 'ignored', ignoredReason: 'shipment-cancelled' });
        expect(level?.onHand).toBe(5);
        expect(publisher.named('ProblemOrderRaised')).toHaveLength(0);
        expect(publisher.named('ShipmentStatusChanged')).toEqual([expect.objectContaining({ shipmentId: s.shipmentId, from: 'CREATED', to: 'CANCELLED' })]);
      } else {
        expect(final?.status).toBe('PICKED_UP');
        expect(level?.onHand).toBe(4);
        expect(publisher.named('ProblemOrderRaised')).toEqual([expect.objectContaining({ problem: 'cancelled-after-pickup', shipmentId: s.shipmentId })]);
        expect(publisher.named('ShipmentStatusChanged')).toHaveLength(0);
      }
    }
  });

  it('ORD-4 (flash sales): goods picked from a bucket go back to that bucket; once the split stock was merged back after its sale, to the warehouse counter', async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 8 });
    await catalog.repo.splitStock({ sku, warehouseId: 'WH-EAST', available: 8, buckets: 2, at: new Date().toISOString() });
    const allocate = makeAllocateOrderHandler({ repository: () => repository, catalog: () => reader, publisher: capturePublisher().factory });
    const pickedFrom = async (bucket: number) => {
      const orderId = newId();
      const reservations = [{ sku, warehouseId: 'WH-EAST', quantity: 2, bucket }];
      await catalog.reserve(orderId, reservations);
      await allocate(statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east' }), lambdaContext());
      expect((await catalog.reservations(orderId))[0]).toMatchObject({ status: 'picked', pickedQuantity: 2, bucket });
      return orderId;
    };
    const cancel = (orderId: string) => cancelHandler(capturePublisher())(orderCancelledMessage({ orderId, from: 'FULFILLING' }), lambdaContext());

    // Split: the cancelled order's goods go back into bucket 0, where they were picked.
    const first = await pickedFrom(0);
    expect((await reader.buckets(sku, 'WH-EAST')).map((b) => b.onHand)).toEqual([2, 4]);
    expect(await cancel(first)).toEqual({ batchItemFailures: [] });
    expect((await reader.buckets(sku, 'WH-EAST')).map((b) => b.onHand)).toEqual([4, 4]);

    // Merged after the sale while an order picked from bucket 1 still waits for its pickup: its goods go to the counter.
    const second = await pickedFrom(1);
    const { mergeStep } = await import('../../../functions/catalog/stock-admin.ts');
    expect((await mergeStep(catalog.repo, { sku, warehouseId: 'WH-EAST' }, new Date())).outcome).toBe('merged');
    expect(await catalog.level(sku, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 6, reserved: 0 });
    expect(await cancel(second)).toEqual({ batchItemFailures: [] });
    expect(await catalog.level(sku, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 8, reserved: 0 });
    expect(await reader.buckets(sku, 'WH-EAST')).toEqual([]);
    expect((await catalog.reservations(second))[0]).toMatchObject({ status: 'returned', bucket: 1 });
    // A replay returns nothing twice.
    expect(await cancel(second)).toEqual({ batchItemFailures: [] });
    expect(await catalog.level(sku, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 8, reserved: 0 });
  });

  it('ORD-4 (flash sales): goods picked from a bucket of a stock being merged back go back to that bucket while it is left, and the next merge step moves them', async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 8 });
    await catalog.repo.splitStock({ sku, warehouseId: 'WH-EAST', available: 8, buckets: 2, at: new Date().toISOString() });
    const allocate = makeAllocateOrderHandler({ repository: () => repository, catalog: () => reader, publisher: capturePublisher().factory });
    const orderId = newId();
    const reservations = [{ sku, warehouseId: 'WH-EAST', quantity: 2, bucket: 1 }];
    await catalog.reserve(orderId, reservations);
    await allocate(statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east' }), lambdaContext());
    // Another order, unpaid, holds a unit in bucket 1: the merge drains, bucket 1 stays.
    const unpaid = newId();
    await catalog.reserve(unpaid, [{ sku, warehouseId: 'WH-EAST', quantity: 1, bucket: 1 }]);
    const { mergeStep } = await import('../../../functions/catalog/stock-admin.ts');
    expect((await mergeStep(catalog.repo, { sku, warehouseId: 'WH-EAST' }, new Date())).outcome).toBe('draining');
    const bucketLevels = async () => (await reader.buckets(sku, 'WH-EAST')).map((b) => [b.bucket, b.onHand, b.reserved, b.available]);
    expect(await bucketLevels()).toEqual([[1, 1, 1, 0]]);
    expect(await catalog.level(sku, 'WH-EAST')).toMatchObject({ onHand: 6, reserved: 1, buckets: 2, draining: true });

    expect(await cancelHandler(capturePublisher())(orderCancelledMessage({ orderId, from: 'FULFILLING' }), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await bucketLevels()).toEqual([[1, 3, 1, 2]]);
    // The unpaid order is released; the next step moves every unit to the counter and the stock is one counter again.
    await catalog.release(unpaid, [{ sku, warehouseId: 'WH-EAST', quantity: 1, bucket: 1 }]);
    expect((await mergeStep(catalog.repo, { sku, warehouseId: 'WH-EAST' }, new Date())).outcome).toBe('merged');
    expect(await catalog.level(sku, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 8, reserved: 0 });
  });

  it('cancelled before allocation: the summary is written CANCELLED and a late approval never allocates', async () => {
    const tshirt = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 4 });
    const reservations = [{ sku: tshirt, warehouseId: 'WH-EAST', quantity: 1 }];
    const orderId = newId();
    await catalog.reserve(orderId, reservations);
    const publisher = capturePublisher();
    expect(await cancelHandler(publisher)(orderCancelledMessage({ orderId, from: 'APPROVED' }), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect((await repository.getOrder(orderId)).summary).toMatchObject({ status: 'CANCELLED', shipmentIds: [] });
    await makeAllocateOrderHandler({ repository: () => repository, catalog: () => reader, publisher: publisher.factory })(
      statusChangedMessage({ orderId, to: 'APPROVED', reservations }),
      lambdaContext(),
    );
    expect(publisher.published).toHaveLength(0);
    // Releasing the reservation is checkout's (in its cancellation transaction); fulfillment never touched it.
    expect(await catalog.level(tshirt, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 4, reserved: 1 });
  });

  it('an order cancelled before approval (PLACED, IN_REVIEW) was never allocated: nothing to do, nothing written', async () => {
    const orderId = newId();
    const publisher = capturePublisher();
    expect(await cancelHandler(publisher)(orderCancelledMessage({ orderId, from: 'PLACED' }), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await repository.getOrder(orderId)).toEqual({ shipments: [] });
    expect(publisher.published).toHaveLength(0);
  });
});
