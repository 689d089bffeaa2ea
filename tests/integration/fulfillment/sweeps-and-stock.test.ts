/**
 * On DynamoDB Local: the late-delivery sweep (FUL-3, ORD-6) with an injected clock; demand history,
 * safety stock and one replenishment suggestion per crossing (FUL-4); the degraded-mode switch and
 * what it defers (FUL-5); the daily replenishment sweep.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { type ShipmentRecord } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { makeAllocateOrderHandler } from '../../../functions/fulfillment/handlers/allocate-order.ts';
import { makeGetDegradedModeHandler } from '../../../functions/fulfillment/handlers/get-degraded-mode.ts';
import { makePutDegradedModeHandler } from '../../../functions/fulfillment/handlers/put-degraded-mode.ts';
import { makeReceiveCarrierWebhookHandler } from '../../../functions/fulfillment/handlers/receive-carrier-webhook.ts';
import { makeSweepLateDeliveriesHandler } from '../../../functions/fulfillment/handlers/sweep-late-deliveries.ts';
import { makeSweepReplenishmentHandler } from '../../../functions/fulfillment/handlers/sweep-replenishment.ts';
import { makeTrackStockLevelsHandler } from '../../../functions/fulfillment/handlers/track-stock-levels.ts';
import { DynamoDbAuditLog } from '../../../shared/audit.ts';
import { manualClock } from '../../../shared/clock.ts';
import { newId } from '../../../shared/ids.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext, sqsEvent } from '../../support/http-events.ts';
import {
  capturePublisher,
  carrierWebhook,
  LISTINGS,
  orderPlacedMessage,
  setOnHand,
  statusChangedMessage,
  stockAdjustedMessage,
  fulfillmentWorld,
  type FulfillmentWorld,
} from './fixtures.ts';

let { tables, catalog, repository, reader } = {} as FulfillmentWorld;

beforeAll(async () => void ({ tables, catalog, repository, reader } = await fulfillmentWorld()));

describe('late deliveries (FUL-3, ORD-6)', () => {
  it('alerts once per shipment past its carrier/region time limit; delivered shipments are not late', async () => {
    // A date no other test uses, so the sweep sees only these shipments.
    const clock = manualClock('2020-03-01T08:00:00.000Z');
    const publisher = capturePublisher();
    const allocate = makeAllocateOrderHandler({ repository: () => repository, catalog: () => reader, publisher: publisher.factory, clock });
    const orders: Array<{ orderId: string; shipment: ShipmentRecord }> = [];
    for (let i = 0; i < 2; i++) {
      const sku = await catalog.product(LISTINGS.phone, { 'WH-EAST': 3 });
      const reservations = [{ sku, warehouseId: 'WH-EAST', quantity: 1 }];
      const orderId = newId();
      await catalog.reserve(orderId, reservations);
      await allocate(statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east', customerId: `cust-${i}` }), lambdaContext());
      const shipment = (await repository.getOrder(orderId)).shipments[0] as ShipmentRecord;
      expect(shipment.dueBy).toBe('2020-03-03T08:00:00.000Z'); // premium-express to east: 48 h
      orders.push({ orderId, shipment });
    }
    const [late, onTime] = orders as [(typeof orders)[number], (typeof orders)[number]];
    clock.set('2020-03-02T10:00:00.000Z');
    const webhook = makeReceiveCarrierWebhookHandler({ repository: () => repository, publisher: publisher.factory, clock });
    const delivered = await webhook(
      carrierWebhook({ carrier: onTime.shipment.carrier, waybill: onTime.shipment.waybill, status: 'DELIVERED', occurredAt: clock.now().toISOString() }, { now: clock.now() }).api,
      lambdaContext(),
    );
    expect(delivered.statusCode).toBe(200);

    const sweep = makeSweepLateDeliveriesHandler({ repository: () => repository, publisher: publisher.factory, clock });
    clock.set('2020-03-03T08:00:00.000Z'); // due exactly now: not late yet
    expect(await sweep({}, lambdaContext())).toMatchObject({ alerted: 0 });
    clock.set('2020-03-03T08:15:00.000Z');
    expect(await sweep({}, lambdaContext())).toMatchObject({ alerted: 1 });
    expect(publisher.named('DeliveryLate')).toEqual([
      {
        orderId: late.orderId,
        shipmentId: late.shipment.shipmentId,
        carrier: 'premium-express',
        region: 'east',
        dueBy: '2020-03-03T08:00:00.000Z',
        detectedAt: '2020-03-03T08:15:00.000Z',
      },
    ]);
    expect(publisher.named('CustomerNotificationRequested')).toEqual([expect.objectContaining({ customerId: 'cust-0', orderId: late.orderId, template: 'delivery-late' })]);
    expect(publisher.named('ProblemOrderRaised')).toEqual([expect.objectContaining({ orderId: late.orderId, problem: 'delivery-late', shipmentId: late.shipment.shipmentId })]);

    clock.set('2020-03-03T08:30:00.000Z');
    expect(await sweep({}, lambdaContext())).toMatchObject({ alerted: 0 });
    expect(publisher.named('DeliveryLate')).toHaveLength(1);
    // The late parcel can still be delivered afterwards.
    const lateDelivery = await webhook(
      carrierWebhook({ carrier: late.shipment.carrier, waybill: late.shipment.waybill, status: 'DELIVERED', occurredAt: clock.now().toISOString() }, { now: clock.now() }).api,
      lambdaContext(),
    );
    expect(jsonBody(lateDelivery)).toMatchObject({ outcome: 'applied', status: 'DELIVERED' });
  });
});

describe('transactional outbox', () => {
  it('a tracking event whose publish failed is answered 500 (the carrier retries), and the sweep publishes it', async () => {
    const clock = manualClock('2020-05-01T08:00:00.000Z');
    const publisher = capturePublisher();
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-NORTH': 3 });
    const reservations = [{ sku, warehouseId: 'WH-NORTH', quantity: 1 }];
    const orderId = newId();
    await catalog.reserve(orderId, reservations);
    await makeAllocateOrderHandler({ repository: () => repository, catalog: () => reader, publisher: publisher.factory, clock })(
      statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'north' }),
      lambdaContext(),
    );
    const shipment = (await repository.getOrder(orderId)).shipments[0] as ShipmentRecord;

    publisher.failNext();
    const webhook = makeReceiveCarrierWebhookHandler({ repository: () => repository, publisher: publisher.factory, clock });
    const response = await webhook(
      carrierWebhook({ carrier: shipment.carrier, waybill: shipment.waybill, status: 'PICKED_UP', occurredAt: clock.now().toISOString() }, { now: clock.now() }).api,
      lambdaContext(),
    );
    expect(response.statusCode).toBe(500);
    expect(publisher.named('OrderShipped')).toHaveLength(0);
    expect((await repository.getOrder(orderId)).summary?.shippedAt).toBe('2020-05-01T08:00:00.000Z'); // committed

    clock.set('2020-05-01T08:05:00.000Z');
    const summary = await makeSweepLateDeliveriesHandler({ repository: () => repository, publisher: publisher.factory, clock })({}, lambdaContext());
    expect(summary).toMatchObject({ republished: 2, publishFailures: 0 });
    expect(publisher.named('OrderShipped')).toEqual([{ orderId, shipmentIds: [shipment.shipmentId], shippedAt: '2020-05-01T08:00:00.000Z' }]);
    expect(publisher.named('ShipmentStatusChanged')).toHaveLength(1);
  });
});

describe('safety stock and replenishment (FUL-4)', () => {
  function stockLevels(publisher = capturePublisher()) {
    return { publisher, handler: makeTrackStockLevelsHandler({ repository: () => repository, catalog: () => reader, publisher: publisher.factory }) };
  }

  it('a stock change crossing below the safety level emits one suggestion, not one per order after it; back above clears it', async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 10 });
    const { publisher, handler } = stockLevels();
    // 12 units ordered today → safety stock = 12/30 a day × 30 days = 12 > 10 available.
    const first = orderPlacedMessage({ lines: [{ sku, quantity: 12 }] });
    expect(await handler(first, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(publisher.named('ReplenishmentSuggested')).toEqual([
      { sku, available: 10, safetyStock: 12, suggestedQuantity: 14, method: 'days-of-sales', trigger: 'stock-change', suggestedAt: expect.any(String) },
    ]);
    // A replay does not count the demand twice; later orders do not repeat the suggestion.
    await handler(first, lambdaContext());
    await handler(orderPlacedMessage({ lines: [{ sku, quantity: 1 }] }), lambdaContext());
    expect(publisher.named('ReplenishmentSuggested')).toHaveLength(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await repository.salesByDay(sku, today, today)).get(today)).toBe(13);

    // A cycle count brings it back above (13 ≤ 40): the suggestion is closed…
    await setOnHand(tables.catalog, sku, 'WH-EAST', 40);
    await handler(stockAdjustedMessage(sku), lambdaContext());
    expect((await repository.getSafetyState(sku)).open).toBe(false);
    // …and the next crossing emits a new one.
    await setOnHand(tables.catalog, sku, 'WH-EAST', 5);
    await handler(stockAdjustedMessage(sku), lambdaContext());
    expect(publisher.named('ReplenishmentSuggested')).toHaveLength(2);
    expect(publisher.named('ReplenishmentSuggested')[1]).toMatchObject({ available: 5, safetyStock: 13 });
  });

  it('concurrent orders crossing the level together emit exactly one suggestion', async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 3, 'WH-NORTH': 2 });
    const { publisher, handler } = stockLevels();
    const batch = Array.from({ length: 8 }, () => orderPlacedMessage({ lines: [{ sku, quantity: 2 }] }).Records[0]!);
    expect(await handler(sqsEvent(...batch), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(publisher.named('ReplenishmentSuggested')).toHaveLength(1);
    expect(publisher.named('ReplenishmentSuggested')[0]).toMatchObject({ sku, available: 5 });
  });

  it("a container remembers a SKU's earlier sales for SAFETY_LEVEL_CACHE_SECONDS: a check then reads today's sales and the flag in one call, and the stock", async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 20 });
    const calls = { salesByDay: 0, getSafetyState: 0, daySalesAndSafetyState: 0, entries: 0 };
    const counting = <T extends object>(target: T) =>
      new Proxy(target, {
        get: (t, key, receiver) => {
          const value = Reflect.get(t, key, receiver);
          return typeof key === 'string' && key in calls && typeof value === 'function'
            ? (...args: unknown[]) => (calls[key as keyof typeof calls]++, (value as (...a: unknown[]) => unknown).apply(t, args))
            : value;
        },
      });
    const publisher = capturePublisher();
    const handler = makeTrackStockLevelsHandler({
      repository: () => counting(repository),
      catalog: () => counting(reader),
      publisher: publisher.factory,
      safetyLevelCacheSeconds: 60,
    });
    // 5 + 5 + 6 units sold today: safety stock 5, 10, 16 (a day's average over the 30-day window × 30 days); 20 available, not below
    await handler(orderPlacedMessage({ lines: [{ sku, quantity: 5 }] }), lambdaContext());
    await handler(orderPlacedMessage({ lines: [{ sku, quantity: 5 }] }), lambdaContext());
    await handler(orderPlacedMessage({ lines: [{ sku, quantity: 6 }] }), lambdaContext());
    expect(publisher.named('ReplenishmentSuggested')).toEqual([]);
    // the window read once; after that today's sales and the flag together; the stock by every check
    expect(calls).toEqual({ salesByDay: 1, getSafetyState: 1, daySalesAndSafetyState: 2, entries: 3 });
    // a cycle count to 15 is below 16: suggested
    await setOnHand(tables.catalog, sku, 'WH-EAST', 15);
    await handler(stockAdjustedMessage(sku), lambdaContext());
    expect(publisher.named('ReplenishmentSuggested')).toEqual([expect.objectContaining({ sku, available: 15, safetyStock: 16, trigger: 'stock-change' })]);
    expect(calls).toEqual({ salesByDay: 1, getSafetyState: 1, daySalesAndSafetyState: 3, entries: 4 });
    // with the memory off, every check reads the window and the flag apart
    const uncached = makeTrackStockLevelsHandler({
      repository: () => counting(repository),
      catalog: () => counting(reader),
      publisher: publisher.factory,
      safetyLevelCacheSeconds: 0,
    });
    await uncached(stockAdjustedMessage(sku), lambdaContext());
    expect(calls).toEqual({ salesByDay: 2, getSafetyState: 2, daySalesAndSafetyState: 3, entries: 5 });
    expect(publisher.named('ReplenishmentSuggested')).toHaveLength(1);
  });

  it('a container that remembered a SKU still sees the sales and the suggestion of another container at once', async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 10 });
    const publisher = capturePublisher();
    const container = () => makeTrackStockLevelsHandler({ repository: () => repository, catalog: () => reader, publisher: publisher.factory, safetyLevelCacheSeconds: 60 });
    const [a, b] = [container(), container()];
    // A remembers the SKU (a count, no sales); B records 8 sold (level 8, 10 available)
    await a(stockAdjustedMessage(sku), lambdaContext());
    await b(orderPlacedMessage({ lines: [{ sku, quantity: 8 }] }), lambdaContext());
    // A records 3 more: level 11 with B's 8, 10 available → below → suggested by A
    await a(orderPlacedMessage({ lines: [{ sku, quantity: 3 }] }), lambdaContext());
    expect(publisher.named('ReplenishmentSuggested')).toEqual([expect.objectContaining({ sku, available: 10, safetyStock: 11 })]);
    // B sees the flag A opened: no second suggestion
    await b(orderPlacedMessage({ lines: [{ sku, quantity: 1 }] }), lambdaContext());
    expect(publisher.named('ReplenishmentSuggested')).toHaveLength(1);
  });

  it("a container puts a SKU on the safety-stock list with its first order only; a new container writes it once more (issue 15: one transactional write per order, and the list's one partition, spared)", async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 50 });
    const writes: Array<Array<{ sku: string; listed?: boolean }>> = [];
    const recording = new Proxy(repository, {
      get: (target, key, receiver) =>
        key === 'recordDemand'
          ? (...args: Parameters<typeof repository.recordDemand>) => (writes.push(args[2].map((l) => ({ sku: l.sku, listed: l.listed }))), target.recordDemand(...args))
          : Reflect.get(target, key, receiver),
    });
    const container = () => makeTrackStockLevelsHandler({ repository: () => recording, catalog: () => reader, publisher: capturePublisher().factory });
    const first = container();
    const placed = orderPlacedMessage({ lines: [{ sku, quantity: 1 }] });
    await first(placed, lambdaContext());
    await first(placed, lambdaContext()); // a replay: its marker exists
    await first(orderPlacedMessage({ lines: [{ sku, quantity: 2 }] }), lambdaContext());
    await container()(orderPlacedMessage({ lines: [{ sku, quantity: 3 }] }), lambdaContext());
    expect(writes.map((lines) => lines.map((l) => l.listed))).toEqual([[false], [true], [true], [false]]);
    // the demand is all there, and the SKU on the list the daily sweep reads
    const today = new Date().toISOString().slice(0, 10);
    expect((await repository.salesByDay(sku, today, today)).get(today)).toBe(6);
    let listed = false;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await repository.listSafetySkus(100, startKey);
      listed ||= page.skus.includes(sku);
      startKey = page.nextKey;
    } while (startKey && !listed);
    expect(listed).toBe(true);
  });

  it('the memory of listed SKUs is trusted for its age only, and only for the SKUs it holds', async () => {
    const { ListedSkus } = await import('../../../functions/fulfillment/replenishment.ts');
    const listed = new ListedSkus(1_000, 2);
    listed.add('A', 0);
    expect(listed.has('A', 999)).toBe(true);
    expect(listed.has('A', 1_000)).toBe(false);
    expect(listed.has('B', 0)).toBe(false);
    listed.add('B', 10);
    listed.add('C', 20); // beyond two entries: the oldest (A) goes
    expect([listed.has('A', 30), listed.has('B', 30), listed.has('C', 30)]).toEqual([false, true, true]);
  });

  it('no sales, no safety stock: a SKU nobody buys is never suggested', async () => {
    const sku = await catalog.product(LISTINGS.rice, {});
    const { publisher, handler } = stockLevels();
    await handler(stockAdjustedMessage(sku), lambdaContext());
    expect(publisher.published).toHaveLength(0);
  });
});

describe('degraded mode (FUL-5) and the daily sweep', () => {
  const ops = claimsFor('ops-lead', 'ops');
  const put = makePutDegradedModeHandler();
  const get = makeGetDegradedModeHandler();
  const setMode = (enabled: boolean, claims = ops, reason = 'Singles Day peak') =>
    put(apiEvent({ method: 'PUT', path: '/admin/degraded-mode', resource: '/admin/degraded-mode', claims, body: { enabled, reason } }), lambdaContext());

  afterAll(async () => {
    await setMode(false, ops, 'test cleanup');
  });

  it('ops switch it (audited); others may not; bad input changes nothing', async () => {
    expect((await setMode(true, claimsFor('alice', 'customer'))).statusCode).toBe(403);
    const bad = await put(apiEvent({ method: 'PUT', path: '/admin/degraded-mode', resource: '/admin/degraded-mode', claims: ops, body: { enabled: 'yes' } }), lambdaContext());
    expect(bad.statusCode).toBe(400);
    const on = await setMode(true);
    expect(on.statusCode).toBe(200);
    expect(jsonBody(on)).toMatchObject({ enabled: true, reason: 'Singles Day peak', changedBy: 'ops-lead', defers: ['replenishment-check-on-stock-change'] });
    expect(jsonBody(await get(apiEvent({ path: '/admin/degraded-mode', resource: '/admin/degraded-mode', claims: ops }), lambdaContext()))).toMatchObject({ enabled: true });
    const trail = await new DynamoDbAuditLog(tables.audit).forResource('degraded-mode', 'fulfillment');
    expect(trail.at(-1)).toMatchObject({ actor: 'ops-lead', action: 'fulfillment.degraded-mode.set', reason: 'Singles Day peak', details: { enabled: true } });
  });

  it('while on, stock-change checks are deferred (demand still recorded); the daily sweep catches up, once a day', async () => {
    await setMode(true);
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-SOUTH': 4 });
    const publisher = capturePublisher();
    // the switch read at every invocation here (the cache is the next test's)
    const handler = makeTrackStockLevelsHandler({ repository: () => repository, catalog: () => reader, publisher: publisher.factory, degradedModeCacheSeconds: 0 });
    await handler(orderPlacedMessage({ lines: [{ sku, quantity: 9 }] }), lambdaContext());
    expect(publisher.published).toHaveLength(0);
    const today = new Date().toISOString().slice(0, 10);
    expect((await repository.salesByDay(sku, today, today)).get(today)).toBe(9);

    await setMode(false, ops, 'peak over');
    const sweep = makeSweepReplenishmentHandler({ repository: () => repository, catalog: () => reader, publisher: publisher.factory });
    await sweep({}, lambdaContext());
    const mine = () => publisher.named('ReplenishmentSuggested').filter((e) => e.sku === sku);
    expect(mine()).toEqual([{ sku, available: 4, safetyStock: 9, suggestedQuantity: 14, method: 'days-of-sales', trigger: 'daily-sweep', suggestedAt: expect.any(String) }]);
    await sweep({}, lambdaContext());
    expect(mine()).toHaveLength(1);
    // The sweep opened the suggestion: a stock change now does not repeat it.
    await handler(stockAdjustedMessage(sku, 'WH-SOUTH'), lambdaContext());
    expect(mine()).toHaveLength(1);
  });

  it('a container reads the switch at most every DEGRADED_MODE_CACHE_SECONDS: turned on, it takes effect once its cached value ages out', async () => {
    await setMode(false, ops, 'normal trading');
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-SOUTH': 4 });
    const publisher = capturePublisher();
    let reads = 0;
    const counting = new Proxy(repository, {
      get: (target, key, receiver) => (key === 'getDegradedMode' ? () => (reads++, target.getDegradedMode()) : Reflect.get(target, key, receiver)),
    });
    const handler = makeTrackStockLevelsHandler({ repository: () => counting, catalog: () => reader, publisher: publisher.factory, degradedModeCacheSeconds: 60 });
    await handler(stockAdjustedMessage(sku, 'WH-SOUTH'), lambdaContext());
    await setMode(true, ops, 'peak starts');
    await handler(orderPlacedMessage({ lines: [{ sku, quantity: 9 }] }), lambdaContext());
    // One read for both invocations; the second still checked (the cached switch was off): the crossing is suggested.
    expect(reads).toBe(1);
    expect(publisher.named('ReplenishmentSuggested').filter((e) => e.sku === sku)).toHaveLength(1);
    // A fresh container (or the cache aged out) reads it on.
    const fresh = makeTrackStockLevelsHandler({ repository: () => counting, catalog: () => reader, publisher: publisher.factory, degradedModeCacheSeconds: 60 });
    await fresh(orderPlacedMessage({ lines: [{ sku, quantity: 9 }] }), lambdaContext());
    expect(reads).toBe(2);
    await setMode(false, ops, 'peak over');
  });
});
