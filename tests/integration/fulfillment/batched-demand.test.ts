/**
 * FUL-4 at a sale's rate: the stock-levels consumer records a batch's demand in one transaction
 * (replenishment.ts `recordDemands`: the orders' markers, each SKU's day of sales once with the
 * batch's units summed) and checks each SKU of the batch once — exactly what recording and
 * checking order by order gives. On DynamoDB Local, counting the repository's writes.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import type { FulfillmentRepository } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { makeTrackStockLevelsHandler } from '../../../functions/fulfillment/handlers/track-stock-levels.ts';
import { newId } from '../../../shared/ids.ts';
import { lambdaContext, sqsEvent } from '../../support/http-events.ts';
import { capturePublisher, LISTINGS, orderPlacedMessage, stockAdjustedMessage, fulfillmentWorld, type FulfillmentWorld } from './fixtures.ts';

let { catalog, repository, reader } = {} as FulfillmentWorld;

beforeAll(async () => void ({ catalog, repository, reader } = await fulfillmentWorld()));

/** The repository, counting demand writes (by kind and markers) and safety checks; `failing` makes a SKU's check throw. */
function counted(failing?: string) {
  const writes: Array<{ kind: 'one' | 'many'; markers: number }> = [];
  const checks: string[] = [];
  const proxy = new Proxy(repository, {
    get: (target, key, receiver) => {
      if (key === 'recordDemand') return (...args: Parameters<FulfillmentRepository['recordDemand']>) => (writes.push({ kind: 'one', markers: 1 }), target.recordDemand(...args));
      if (key === 'recordDemands')
        return (...args: Parameters<FulfillmentRepository['recordDemands']>) => (writes.push({ kind: 'many', markers: args[0].length }), target.recordDemands(...args));
      if (key === 'salesByDay' || key === 'daySalesAndSafetyState')
        return (sku: string, ...rest: string[]) => {
          checks.push(sku);
          if (sku === failing) return Promise.reject(new Error('the table is throttled'));
          return (target[key] as (...a: string[]) => Promise<unknown>).call(target, sku, ...rest);
        };
      return Reflect.get(target, key, receiver);
    },
  });
  const publisher = capturePublisher();
  const handler = makeTrackStockLevelsHandler({ repository: () => proxy, catalog: () => reader, publisher: publisher.factory, safetyLevelCacheSeconds: 0 });
  return { handler, writes, checks, publisher };
}

const today = () => new Date().toISOString().slice(0, 10);
const records = (...messages: Array<ReturnType<typeof orderPlacedMessage>>) => sqsEvent(...messages.map((m) => m.Records[0]!));

describe('FUL-4: a batch of orders, one demand transaction', () => {
  it("ten orders of one SKU: one write of the batch's demand, the day's sales summed, the SKU checked once, one suggestion", async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 10 });
    const { handler, writes, checks, publisher } = counted();
    const orders = Array.from({ length: 10 }, (_, i) => orderPlacedMessage({ lines: [{ sku, quantity: 1 + (i % 3) }] }));
    expect(await handler(records(...orders), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(writes).toEqual([{ kind: 'many', markers: 10 }]);
    expect(checks.filter((s) => s === sku)).toHaveLength(1);
    expect((await repository.salesByDay(sku, today(), today())).get(today())).toBe(19);
    // 19 sold today → a safety stock of 19 > 10 available.
    expect(publisher.named('ReplenishmentSuggested')).toEqual([expect.objectContaining({ sku, available: 10, safetyStock: 19 })]);
  });

  it('an order recorded before, and one twice in the batch: the batch is refused on its marker, recorded order by order, each counted once', async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 500 });
    const old = orderPlacedMessage({ lines: [{ sku, quantity: 4 }] });
    expect(await counted().handler(old, lambdaContext())).toEqual({ batchItemFailures: [] });
    const { handler, writes } = counted();
    const orderId = newId();
    const twice = [orderPlacedMessage({ orderId, lines: [{ sku, quantity: 2 }] }), orderPlacedMessage({ orderId, lines: [{ sku, quantity: 2 }] })];
    const fresh = orderPlacedMessage({ lines: [{ sku, quantity: 3 }] });
    expect(await handler(records(twice[0]!, old, fresh, twice[1]!), lambdaContext())).toEqual({ batchItemFailures: [] });
    // The refused batch (3 orders: the copy is left out), then one by one.
    expect(writes).toEqual([
      { kind: 'many', markers: 3 },
      { kind: 'one', markers: 1 },
      { kind: 'one', markers: 1 },
      { kind: 'one', markers: 1 },
    ]);
    expect((await repository.salesByDay(sku, today(), today())).get(today())).toBe(9);
  });

  it('a SKU that cannot be checked fails only the records asking for it; redelivered, their demand is not counted again', async () => {
    const down = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 500 });
    const up = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 500 });
    const { handler } = counted(down);
    const downOrder = orderPlacedMessage({ lines: [{ sku: down, quantity: 1 }] });
    const upOrder = orderPlacedMessage({ lines: [{ sku: up, quantity: 1 }] });
    const count = stockAdjustedMessage(down);
    const result = await handler(sqsEvent(downOrder.Records[0]!, upOrder.Records[0]!, count.Records[0]!), lambdaContext());
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([downOrder.Records[0]!.messageId, count.Records[0]!.messageId].sort());
    expect((await repository.salesByDay(down, today(), today())).get(today())).toBe(1);
    const healthy = counted();
    expect(await healthy.handler(sqsEvent(downOrder.Records[0]!, count.Records[0]!), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(healthy.checks).toContain(down);
    expect((await repository.salesByDay(down, today(), today())).get(today())).toBe(1);
    expect((await repository.salesByDay(up, today(), today())).get(today())).toBe(1);
  });

  it('two containers recording batches of the same SKU at once: every unit counted once', async () => {
    const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 5_000 });
    const batches = Array.from({ length: 4 }, () => Array.from({ length: 6 }, () => orderPlacedMessage({ lines: [{ sku, quantity: 2 }] })));
    const containers = [counted(), counted()];
    let pending = batches.map((batch) => records(...batch));
    for (let round = 0; round < 10 && pending.length > 0; round++) {
      const results = await Promise.all(pending.map((event, i) => containers[i % 2]!.handler(event, lambdaContext())));
      pending = results
        .map((result, i) => {
          const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
          return sqsEvent(...(pending[i]?.Records ?? []).filter((r) => failed.has(r.messageId)));
        })
        .filter((event) => event.Records.length > 0);
    }
    expect(pending).toEqual([]);
    expect((await repository.salesByDay(sku, today(), today())).get(today())).toBe(48);
  });
});
