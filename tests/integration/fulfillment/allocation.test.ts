/**
 * FUL-1/FUL-2 on DynamoDB Local: an approved order's reservations (catalog's per-order records)
 * become picks in one transaction with the shipments; OrderAllocated with a carrier per shipment;
 * replays change nothing; part of an order moves to a nearer warehouse where stock freed up; an
 * order whose reservations were released (cancelled first) is never allocated and nothing is
 * published; an interrupted publish is completed by the replay.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { makeAllocateOrderHandler } from '../../../functions/fulfillment/handlers/allocate-order.ts';
import { sandboxWaybill } from '../../../functions/fulfillment/carrier-gateway.ts';
import { newId } from '../../../shared/ids.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { capturePublisher, LISTINGS, setOnHand, statusChangedMessage, fulfillmentWorld, type FulfillmentWorld } from './fixtures.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { DeleteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { releaseStock } from '../../../functions/catalog/stock-contract.ts';

let { tables, catalog, repository, reader } = {} as FulfillmentWorld;

beforeAll(async () => void ({ tables, catalog, repository, reader } = await fulfillmentWorld()));

function handlerWith(publisher: ReturnType<typeof capturePublisher>) {
  return makeAllocateOrderHandler({ repository: () => repository, catalog: () => reader, publisher: publisher.factory });
}

describe('allocation on approval (FUL-1, FUL-2)', () => {
  it('reads the warehouse list once per WAREHOUSES_CACHE_SECONDS; stock in a warehouse the cached list does not know makes it read the list again', async () => {
    let reads = 0;
    const counting = new Proxy(reader, { get: (target, key, receiver) => (key === 'warehouses' ? () => (reads++, target.warehouses()) : Reflect.get(target, key, receiver)) });
    const publisher = capturePublisher();
    const handler = makeAllocateOrderHandler({ repository: () => repository, catalog: () => counting, publisher: publisher.factory, warehousesCacheSeconds: 60 });
    const allocate = async (reservations: Array<{ sku: string; warehouseId: string; quantity: number }>) => {
      const orderId = newId();
      await catalog.reserve(orderId, reservations);
      expect(await handler(statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east' }), lambdaContext())).toEqual({ batchItemFailures: [] });
      return orderId;
    };
    const tshirt = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 10 });
    await allocate([{ sku: tshirt, warehouseId: 'WH-EAST', quantity: 1 }]);
    await allocate([{ sku: tshirt, warehouseId: 'WH-EAST', quantity: 1 }]);
    expect(reads).toBe(1);
    // A warehouse opened after the list was cached holds the only stock of a SKU.
    const warehouseId = `WH-T-${newId()}`;
    await catalog.repo.createWarehouse({ warehouseId, name: 'Pop-up', city: 'Hangzhou', region: 'east' });
    const rice = await catalog.product(LISTINGS.rice, {});
    await catalog.repo.createStockLevel(rice, { warehouseId, onHand: 3, reserved: 0 }, new Date());
    const orderId = await allocate([{ sku: rice, warehouseId, quantity: 1 }]);
    expect(reads).toBe(2);
    expect(publisher.named('OrderAllocated').find((e) => e.orderId === orderId)?.shipments).toEqual([expect.objectContaining({ warehouseId })]);
  });

  it('picks the reserved stock, creates a shipment with carrier and waybill, publishes OrderAllocated once', async () => {
    const phone = await catalog.product(LISTINGS.phone, { 'WH-EAST': 5, 'WH-NORTH': 5 });
    const tshirt = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 10 });
    const reservations = [
      { sku: phone, warehouseId: 'WH-EAST', quantity: 1 },
      { sku: tshirt, warehouseId: 'WH-EAST', quantity: 2 },
    ];
    const orderId = newId();
    await catalog.reserve(orderId, reservations);
    const publisher = capturePublisher();
    const handler = handlerWith(publisher);
    const message = statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east' });

    expect(await handler(message, lambdaContext())).toEqual({ batchItemFailures: [] });

    expect(await catalog.level(phone, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 4, reserved: 0 });
    expect(await catalog.level(tshirt, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 8, reserved: 0 });
    expect((await catalog.reservations(orderId)).map((r) => [r.sku, r.warehouseId, r.status, r.quantity, r.pickedQuantity])).toEqual(
      [
        [phone, 'WH-EAST', 'picked', 1, 1],
        [tshirt, 'WH-EAST', 'picked', 2, 2],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const [allocated] = publisher.named('OrderAllocated');
    const shipmentId = (allocated?.shipments as Array<{ shipmentId: string }>)[0]?.shipmentId as string;
    expect(allocated).toEqual({
      orderId,
      shipments: [
        {
          shipmentId,
          warehouseId: 'WH-EAST',
          carrier: 'premium-express',
          lines: [
            { sku: phone, quantity: 1 },
            { sku: tshirt, quantity: 2 },
          ],
        },
      ],
      allocatedAt: expect.any(String),
    });
    const { summary, shipments } = await repository.getOrder(orderId);
    expect(summary).toMatchObject({ status: 'ALLOCATED', shipmentIds: [shipmentId], version: 1 });
    expect(shipments[0]).toMatchObject({
      status: 'CREATED',
      carrier: 'premium-express',
      carrierRule: 'electronics-premium',
      waybill: sandboxWaybill('premium-express', shipmentId),
    });
    expect(await repository.findWaybill(shipments[0]?.waybill as string)).toEqual({ orderId, shipmentId, carrier: 'premium-express' });

    // A replay (same or redelivered message) changes nothing and publishes nothing.
    expect(await handler(message, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await handler(statusChangedMessage({ orderId, to: 'APPROVED', reservations }), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(publisher.named('OrderAllocated')).toHaveLength(1);
    expect(await catalog.level(phone, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 4, reserved: 0 });
  });

  it('split shipment: reservations in two warehouses → two shipments, each with its own carrier', async () => {
    const fresh = await catalog.product(LISTINGS.fresh, { 'WH-SOUTH': 3 });
    const rice = await catalog.product(LISTINGS.rice, { 'WH-NORTH': 3 });
    const reservations = [
      { sku: fresh, warehouseId: 'WH-SOUTH', quantity: 1 },
      { sku: rice, warehouseId: 'WH-NORTH', quantity: 2 },
    ];
    const orderId = newId();
    await catalog.reserve(orderId, reservations);
    const publisher = capturePublisher();
    await handlerWith(publisher)(statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east' }), lambdaContext());

    const [allocated] = publisher.named('OrderAllocated');
    expect((allocated?.shipments as Array<Record<string, unknown>>).map((s) => [s.warehouseId, s.carrier, s.lines])).toEqual([
      ['WH-NORTH', 'standard-express', [{ sku: rice, quantity: 2 }]],
      ['WH-SOUTH', 'premium-express', [{ sku: fresh, quantity: 1 }]],
    ]);
    expect(await catalog.level(fresh, 'WH-SOUTH')).toEqual({ warehouseId: 'WH-SOUTH', onHand: 2, reserved: 0 });
    expect(await catalog.level(rice, 'WH-NORTH')).toEqual({ warehouseId: 'WH-NORTH', onHand: 1, reserved: 0 });
    expect((await repository.getOrder(orderId)).shipments).toHaveLength(2);
  });

  it('moves the order to a nearer warehouse where stock freed up since placement: picks there beyond the reservation, releases the far one, in one transaction', async () => {
    // Placed when the east had none: reserved in the south. Then the east was restocked.
    const tshirt = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 0, 'WH-SOUTH': 5 });
    const orderId = newId();
    const reservations = [{ sku: tshirt, warehouseId: 'WH-SOUTH', quantity: 2 }];
    await catalog.reserve(orderId, reservations);
    await setOnHand(tables.catalog, tshirt, 'WH-EAST', 10);
    const publisher = capturePublisher();
    expect(await handlerWith(publisher)(statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east' }), lambdaContext())).toEqual({ batchItemFailures: [] });

    const [allocated] = publisher.named('OrderAllocated');
    expect((allocated?.shipments as Array<Record<string, unknown>>).map((s) => [s.warehouseId, s.lines])).toEqual([['WH-EAST', [{ sku: tshirt, quantity: 2 }]]]);
    const east = await reader.levels([
      { sku: tshirt, warehouseId: 'WH-EAST' },
      { sku: tshirt, warehouseId: 'WH-SOUTH' },
    ]);
    expect(east.sort((a, b) => a.warehouseId.localeCompare(b.warehouseId))).toEqual([
      { sku: tshirt, warehouseId: 'WH-EAST', onHand: 8, reserved: 0, available: 8 },
      { sku: tshirt, warehouseId: 'WH-SOUTH', onHand: 5, reserved: 0, available: 5 },
    ]);
    expect((await catalog.reservations(orderId)).map((r) => [r.warehouseId, r.status, r.quantity, r.pickedQuantity])).toEqual([
      ['WH-EAST', 'picked', 0, 2],
      ['WH-SOUTH', 'released', 2, undefined],
    ]);
    expect((await repository.getMarker('ALLOCATION', orderId))?.outcome).toMatchObject({ source: 'plan', movedUnits: 2 });
  });

  it('moves PART of an order: 1 reserved in the east + 2 in the south, the east can now ship all 3 → one shipment from the east', async () => {
    const book = await catalog.product(LISTINGS.rice, { 'WH-EAST': 1, 'WH-SOUTH': 4 });
    const orderId = newId();
    const reservations = [
      { sku: book, warehouseId: 'WH-EAST', quantity: 1 },
      { sku: book, warehouseId: 'WH-SOUTH', quantity: 2 },
    ];
    await catalog.reserve(orderId, reservations);
    await setOnHand(tables.catalog, book, 'WH-EAST', 6); // 1 reserved + 5 free
    const publisher = capturePublisher();
    await handlerWith(publisher)(statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east' }), lambdaContext());
    const [allocated] = publisher.named('OrderAllocated');
    expect((allocated?.shipments as Array<Record<string, unknown>>).map((s) => [s.warehouseId, s.lines])).toEqual([['WH-EAST', [{ sku: book, quantity: 3 }]]]);
    expect(await catalog.level(book, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 3, reserved: 0 });
    expect(await catalog.level(book, 'WH-SOUTH')).toEqual({ warehouseId: 'WH-SOUTH', onHand: 4, reserved: 0 });
    expect((await catalog.reservations(orderId)).map((r) => [r.warehouseId, r.status, r.pickedQuantity])).toEqual([
      ['WH-EAST', 'picked', 3],
      ['WH-SOUTH', 'released', undefined],
    ]);
  });

  it('an order whose reservations were released (cancelled first: checkout released them) is never allocated: nothing published, recorded', async () => {
    const tshirt = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 4 });
    const reservations = [{ sku: tshirt, warehouseId: 'WH-EAST', quantity: 1 }];
    const orderId = newId();
    await catalog.reserve(orderId, reservations);
    // Checkout's cancellation released it (the same transaction items checkout joins to its own).
    await documentClient().send(new TransactWriteCommand({ TransactItems: releaseStock(tables.catalog, { orderId, ...reservations[0]! }, new Date()) }));
    const publisher = capturePublisher();
    const handler = handlerWith(publisher);
    expect(await handler(statusChangedMessage({ orderId, to: 'APPROVED', reservations }), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(publisher.published).toHaveLength(0);
    expect(await catalog.level(tshirt, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 4, reserved: 0 });
    expect((await repository.getOrder(orderId)).summary?.status).toBe('CANCELLED');
    expect(await repository.getMarker('ALLOCATION', orderId)).toBeUndefined();
    // A replay does nothing either.
    expect(await handler(statusChangedMessage({ orderId, to: 'APPROVED', reservations }), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(publisher.published).toHaveLength(0);
  });

  it('an order with no reservation records (stock never reserved for it) changes nothing and publishes nothing', async () => {
    const tshirt = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 4 });
    const orderId = newId();
    const publisher = capturePublisher();
    const message = statusChangedMessage({ orderId, to: 'APPROVED', reservations: [{ sku: tshirt, warehouseId: 'WH-EAST', quantity: 1 }] });
    expect(await handlerWith(publisher)(message, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(publisher.published).toHaveLength(0);
    expect(await catalog.level(tshirt, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 4, reserved: 0 });
    expect(await repository.getOrder(orderId)).toEqual({ shipments: [] });
  });

  it('a publish that failed after the commit is completed by the redelivery (transactional outbox)', async () => {
    const tshirt = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 4 });
    const reservations = [{ sku: tshirt, warehouseId: 'WH-EAST', quantity: 1 }];
    const orderId = newId();
    await catalog.reserve(orderId, reservations);
    const publisher = capturePublisher();
    publisher.failNext();
    const handler = handlerWith(publisher);
    const message = statusChangedMessage({ orderId, to: 'APPROVED', reservations });
    expect((await handler(message, lambdaContext())).batchItemFailures).toHaveLength(1);
    expect(publisher.published).toHaveLength(0);
    expect((await repository.getMarker('ALLOCATION', orderId))?.publishedAt).toBeUndefined();

    expect(await handler(message, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(publisher.named('OrderAllocated')).toHaveLength(1);
    expect((await repository.getMarker('ALLOCATION', orderId))?.publishedAt).toEqual(expect.any(String));
    expect(await catalog.level(tshirt, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 3, reserved: 0 });
  });

  it('a first allocation reads no marker and no summary of its own; a replay finds nothing held, reads the marker only then, and changes nothing', async () => {
    const calls: string[] = [];
    const counting = new Proxy(repository, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (...args: unknown[]) => (calls.push(String(key)), value.apply(target, args)) : value;
      },
    });
    const publisher = capturePublisher();
    const handler = makeAllocateOrderHandler({ repository: () => counting, catalog: () => reader, publisher: publisher.factory });
    const tshirt = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 4 });
    const reservations = [{ sku: tshirt, warehouseId: 'WH-EAST', quantity: 1 }];
    const orderId = newId();
    await catalog.reserve(orderId, reservations);
    const message = statusChangedMessage({ orderId, to: 'APPROVED', reservations });

    expect(await handler(message, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(calls).toContain('commitAllocation');
    expect(calls).not.toContain('getMarker');
    expect(calls).not.toContain('getOrder');

    calls.length = 0;
    expect(await handler(message, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual(['getMarker']);
    expect(publisher.named('OrderAllocated')).toHaveLength(1);
    expect(await catalog.level(tshirt, 'WH-EAST')).toEqual({ warehouseId: 'WH-EAST', onHand: 3, reserved: 0 });

    // Once the marker has expired (TTL), the picks still say the order was allocated: never marked cancelled.
    await documentClient().send(new DeleteCommand({ TableName: tables.fulfillment, Key: { pk: `MARKER#ALLOCATION#${orderId}`, sk: 'MARKER' } }));
    expect(await repository.getMarker('ALLOCATION', orderId)).toBeUndefined();
    calls.length = 0;
    expect(await handler(message, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual(['getMarker']); // not marked cancelled
    expect((await repository.getOrder(orderId)).summary?.status).toBe('ALLOCATED');
    expect(publisher.named('OrderAllocated')).toHaveLength(1);
  });

  it('a malformed message fails alone, without touching the rest of the batch', async () => {
    const publisher = capturePublisher();
    const good = statusChangedMessage({ orderId: newId(), to: 'CANCELLED', reservations: [] });
    const bad = statusChangedMessage({ orderId: newId(), to: 'CANCELLED', reservations: [] });
    (bad.Records[0] as { body: string }).body = '{"detail-type":"OrderStatusChanged"}';
    const result = await handlerWith(publisher)({ Records: [...good.Records, ...bad.Records] }, lambdaContext());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: bad.Records[0]?.messageId }]);
  });
});
