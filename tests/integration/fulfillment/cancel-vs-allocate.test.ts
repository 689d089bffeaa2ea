/**
 * The cancel-vs-allocate race across capabilities, with the real use cases on DynamoDB Local
 * (ORD-4, FUL-1): a customer cancels an APPROVED order (checkout's changeOrder releases its
 * reservations) while fulfillment allocates it on `OrderStatusChanged(APPROVED)` (picks), and
 * another order holds stock of the same SKU in the same warehouse. Whichever commits first wins:
 * - the release: the allocation finds the reservations released → allocates nothing, publishes
 *   nothing;
 * - the pick: checkout's release finds nothing held → the cancellation goes through releasing
 *   nothing; fulfillment's cancellation consumer (`OrderCancelled`) cancels the shipment and
 *   returns the picked stock.
 * Either way the counters end exact, the other order's reservation is untouched and it can still
 * be allocated.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import type { EventPayload } from '../../../events/event-definition.ts';
import type { OrderCancelled } from '../../../events/order-cancelled.ts';
import type { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { CatalogReader, catalogSettings } from '../../../functions/catalog/stock-contract.ts';
import { changeOrder } from '../../../functions/checkout/change-order.ts';
import { placeOrder } from '../../../functions/checkout/place-order.ts';
import { allocateOrder, type AllocateDeps } from '../../../functions/fulfillment/allocate-order.ts';
import { cancelFulfillment } from '../../../functions/fulfillment/cancel-fulfillment.ts';
import { sandboxCarrier } from '../../../functions/fulfillment/carrier-gateway.ts';
import { FulfillmentRepository } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { fulfillmentSettings } from '../../../functions/fulfillment/settings.ts';
import { systemClock } from '../../../shared/clock.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { checkoutWorld, customer, startLocalKms } from '../checkout/fixtures.ts';
import { capturePublisher } from './fixtures.ts';

let kms: Awaited<ReturnType<typeof startLocalKms>>;
let world: ReturnType<typeof checkoutWorld>;
let fulfillment: Omit<AllocateDeps, 'publisher'>;
let reader: CatalogReader;

beforeAll(async () => {
  const { tables } = useLocalDynamoDb();
  kms = await startLocalKms();
  world = checkoutWorld(tables, kms);
  await world.ensureWarehouses();
  reader = new CatalogReader(tables.catalog);
  const settings = fulfillmentSettings({});
  fulfillment = {
    repository: new FulfillmentRepository(tables.fulfillment),
    catalog: reader,
    catalogTableName: tables.catalog,
    carrier: sandboxCarrier,
    recipients: () => Promise.reject(new Error('the sandbox never reads recipients')),
    clock: systemClock,
    carrierRules: settings.carrierRules,
    deliveryTimeLimits: settings.deliveryTimeLimits,
    distances: catalogSettings({}).distances,
    sleep: async () => {},
  };
});

afterAll(async () => {
  await kms.close();
});

/** Places an order and approves it (payment authorised); returns its OrderStatusChanged(APPROVED). */
async function approvedOrder(sku: string, quantity: number) {
  const customerId = customer('race');
  const { order } = await placeOrder(world.placeDeps(), { customerId, request: world.request([{ sku, quantity }]), correlationId: `c-${ulid()}` });
  await changeOrder(world.changeDeps(), {
    orderId: order.orderId,
    fact: { type: 'PaymentAuthorized', paymentId: ulid(), amount: order.total, captureOn: 'shipment', at: new Date().toISOString() },
    correlationId: 'c',
  });
  const approved = world.events.of('OrderStatusChanged', order.orderId).find((e) => e.to === 'APPROVED') as EventPayload<typeof OrderStatusChanged>;
  expect(approved).toBeDefined();
  return { order, customerId, approved };
}

describe('cancel vs allocate (ORD-4, FUL-1)', () => {
  it('12 rounds: the cancellation and the allocation race; counters exact, the other order’s reservation untouched, stock returned exactly once', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 12; round++) {
      const sku = await world.product({ stock: { 'WH-EAST': 10 } });
      const a = await approvedOrder(sku, 3);
      const b = await approvedOrder(sku, 4);
      expect(await world.stock(sku)).toEqual({ 'WH-EAST': { onHand: 10, reserved: 7, available: 3 } });

      const fulfillmentEvents = capturePublisher();
      // The cancellation starts a little later each round, so both sides win some rounds.
      const delay = (round % 6) * 8;
      const [cancelled, allocated] = await Promise.all([
        new Promise((r) => setTimeout(r, delay)).then(() =>
          changeOrder(world.changeDeps(), {
            orderId: a.order.orderId,
            fact: { type: 'Cancel', by: 'customer', actor: a.customerId, reason: 'customer-request' },
            correlationId: `cancel-${round}`,
          }),
        ),
        allocateOrder({ ...fulfillment, publisher: fulfillmentEvents.factory }, { ...a.approved, correlationId: `alloc-${round}` }),
      ]);
      expect(cancelled.outcome).toBe('applied');
      outcomes.push(allocated.outcome);
      expect(['allocated', 'reservations-released', 'cancelled-before-allocation']).toContain(allocated.outcome);

      // Fulfillment consumes the OrderCancelled checkout published.
      const orderCancelled = world.events.of('OrderCancelled', a.order.orderId);
      expect(orderCancelled).toHaveLength(1);
      const stop = await cancelFulfillment(
        { ...fulfillment, catalog: reader, carrier: async () => sandboxCarrier, publisher: fulfillmentEvents.factory },
        { ...(orderCancelled[0] as EventPayload<typeof OrderCancelled>), correlationId: `stop-${round}` },
      );

      if (allocated.outcome === 'allocated') {
        // The pick won: checkout released nothing; fulfillment cancelled the shipment and returned the stock.
        expect(fulfillmentEvents.named('OrderAllocated')).toHaveLength(1);
        expect(stop).toEqual({ outcome: 'cancelled-after-allocation', shipmentsCancelled: 1, unitsReturned: 3, shipmentsLeft: 0 });
        expect((await reader.reservations(a.order.orderId)).map((r) => r.status)).toEqual(['returned']);
      } else {
        // The release won: nothing allocated, nothing published.
        expect(fulfillmentEvents.published).toHaveLength(0);
        expect(stop.outcome).toBe(allocated.outcome === 'reservations-released' ? 'already-cancelled' : 'cancelled-before-allocation');
        expect((await reader.reservations(a.order.orderId)).map((r) => r.status)).toEqual(['released']);
      }
      expect((await world.orders.getOrder(a.order.orderId))?.status).toBe('CANCELLED');
      expect(await world.stock(sku)).toEqual({ 'WH-EAST': { onHand: 10, reserved: 4, available: 6 } });
      expect((await reader.reservations(b.order.orderId)).map((r) => [r.status, r.quantity])).toEqual([['reserved', 4]]);

      // The other order is allocated normally.
      expect((await allocateOrder({ ...fulfillment, publisher: capturePublisher().factory }, { ...b.approved, correlationId: 'b' })).outcome).toBe('allocated');
      expect(await world.stock(sku)).toEqual({ 'WH-EAST': { onHand: 6, reserved: 0, available: 6 } });
    }
    console.info(`cancel vs allocate outcomes: ${outcomes.join(', ')}`);
  });
});
