/**
 * Staff stock routes against DynamoDB Local (FUL-4, SEC-1, SEC-4): `PUT /admin/stock/{sku}/{warehouseId}`
 * sets the counted quantity, records the adjustment (who, when, why, difference), audits it and
 * publishes StockAdjusted; `GET /admin/stock/{sku}` shows on hand, reserved and available per
 * warehouse. Product changes are audited too.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import { DEMO_WAREHOUSES } from '../../../functions/catalog/demo-catalog.ts';
import { makeGetStockHandler } from '../../../functions/catalog/handlers/get-stock.ts';
import { makePutProductHandler } from '../../../functions/catalog/handlers/put-product.ts';
import { makePutStockHandler } from '../../../functions/catalog/handlers/put-stock.ts';
import { DynamoDbAuditLog } from '../../../shared/audit.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

const published: DomainEvent[] = [];
const events = (): EventPublisher => ({ publish: async (e) => void published.push(...e) });
let tables: { catalog: string; audit: string };
let repo: DynamoDbCatalogRepository;
let audit: DynamoDbAuditLog;

beforeAll(async () => {
  ({ tables } = useLocalDynamoDb());
  repo = new DynamoDbCatalogRepository(tables.catalog);
  audit = new DynamoDbAuditLog(tables.audit);
  for (const w of DEMO_WAREHOUSES) await repo.createWarehouse(w);
});

const listing = { name: '测试茶', category: 'groceries', price: { amount: 5000, currency: 'CNY' }, attributes: { weightGrams: 250, valueClass: 'low' } };
const putProduct = (sku: string, body: unknown, claims = claimsFor('ops-1', 'ops')) =>
  makePutProductHandler({ events, audit: () => audit })(
    apiEvent({ method: 'PUT', path: `/admin/products/${sku}`, resource: '/admin/products/{sku}', pathParameters: { sku }, body, claims }),
    lambdaContext(),
  );
const putStock = (sku: string, warehouseId: string, body: unknown, claims = claimsFor('ops-1', 'ops')) =>
  makePutStockHandler({ events, audit: () => audit })(
    apiEvent({ method: 'PUT', path: `/admin/stock/${sku}/${warehouseId}`, resource: '/admin/stock/{sku}/{warehouseId}', pathParameters: { sku, warehouseId }, body, claims }),
    lambdaContext(),
  );
const getStock = (sku: string, claims = claimsFor('ops-1', 'ops')) =>
  makeGetStockHandler()(apiEvent({ path: `/admin/stock/${sku}`, resource: '/admin/stock/{sku}', pathParameters: { sku }, claims }), lambdaContext());

describe('staff stock routes', () => {
  it('FUL-4: a cycle count sets on hand, records the difference with who and why, audits and publishes StockAdjusted', async () => {
    const sku = `T-${ulid()}`;
    expect((await putProduct(sku, { ...listing, reason: 'new tea' })).statusCode).toBe(201);
    const first = await putStock(sku, 'WH-EAST', { onHand: 40, reason: 'goods received' });
    expect(first.statusCode).toBe(200);
    expect(jsonBody(first)).toEqual({ warehouseId: 'WH-EAST', onHand: 40, reserved: 0, available: 40 });
    // An order reserves 5 (as checkout's transaction would).
    await documentClient().send(
      new UpdateCommand({
        TableName: tables.catalog,
        Key: { pk: `PRODUCT#${sku}`, sk: 'STOCK#WH-EAST' },
        UpdateExpression: 'SET reserved = reserved + :q, available = available - :q',
        ExpressionAttributeValues: { ':q': 5 },
      }),
    );
    const counted = await putStock(sku, 'WH-EAST', { onHand: 37, reason: 'cycle count: 3 damaged' }, claimsFor('ops-2', 'ops'));
    expect(jsonBody(counted)).toEqual({ warehouseId: 'WH-EAST', onHand: 37, reserved: 5, available: 32 });
    const records = await repo.listStockCounts(sku);
    expect(records.map((r) => [r.previousOnHand, r.onHand, r.difference, r.countedBy, r.reason])).toEqual([
      [undefined, 40, 40, 'ops-1', 'goods received'],
      [40, 37, -3, 'ops-2', 'cycle count: 3 damaged'],
    ]);
    expect((await audit.forResource('stock', `${sku}/WH-EAST`)).map((e) => [e.actor, e.action, e.reason, e.details?.difference])).toEqual([
      ['ops-1', 'stock.count', 'goods received', 40],
      ['ops-2', 'stock.count', 'cycle count: 3 damaged', -3],
    ]);
    expect((await audit.forResource('product', sku)).map((e) => [e.action, e.reason])).toEqual([['product.create', 'new tea']]);
    const adjusted = published.filter((e) => e.definition.name === 'StockAdjusted' && (e.payload as { sku: string }).sku === sku).map((e) => e.payload);
    expect(adjusted).toEqual([
      expect.objectContaining({ previousOnHand: 0, onHand: 40, difference: 40, reserved: 0, adjustedBy: 'ops-1' }),
      expect.objectContaining({ previousOnHand: 40, onHand: 37, difference: -3, reserved: 5, adjustedBy: 'ops-2' }),
    ]);
    // The same count again changes nothing (PUT is idempotent).
    await putStock(sku, 'WH-EAST', { onHand: 37, reason: 'cycle count: 3 damaged' });
    expect(await repo.listStockCounts(sku)).toHaveLength(2);
    // GET shows every warehouse.
    const view = jsonBody<{ sku: string; items: unknown[] }>(await getStock(sku));
    expect(view.sku).toBe(sku);
    expect(view.items).toEqual(
      expect.arrayContaining([
        { warehouseId: 'WH-EAST', onHand: 37, reserved: 5, available: 32 },
        { warehouseId: 'WH-NORTH', onHand: 0, reserved: 0, available: 0 },
      ]),
    );
  });

  it('ORD-4: a count below what is reserved is a 409 and changes nothing', async () => {
    const sku = `T-${ulid()}`;
    await putProduct(sku, listing);
    await putStock(sku, 'WH-SOUTH', { onHand: 10, reason: 'received' });
    await documentClient().send(
      new UpdateCommand({
        TableName: tables.catalog,
        Key: { pk: `PRODUCT#${sku}`, sk: 'STOCK#WH-SOUTH' },
        UpdateExpression: 'SET reserved = reserved + :q, available = available - :q',
        ExpressionAttributeValues: { ':q': 6 },
      }),
    );
    const result = await putStock(sku, 'WH-SOUTH', { onHand: 5, reason: 'count' });
    expect(result.statusCode).toBe(409);
    expect(jsonBody(await getStock(sku)).items).toEqual(expect.arrayContaining([{ warehouseId: 'WH-SOUTH', onHand: 10, reserved: 6, available: 4 }]));
  });

  it("ORD-4 (flash sales): a hot SKU's available stock is split into buckets — totals unchanged, audited, idempotent; counts wait", async () => {
    const sku = `T-${ulid()}`;
    expect((await putProduct(sku, { ...listing, reason: 'sale item' })).statusCode).toBe(201);
    expect((await putStock(sku, 'WH-EAST', { onHand: 50, reason: 'goods received' })).statusCode).toBe(200);
    // Another order's reservation stays on the counter.
    await documentClient().send(
      new UpdateCommand({
        TableName: tables.catalog,
        Key: { pk: `PRODUCT#${sku}`, sk: 'STOCK#WH-EAST' },
        UpdateExpression: 'SET reserved = :r, available = :a',
        ExpressionAttributeValues: { ':r': 2, ':a': 48 },
      }),
    );
    const split = await putStock(sku, 'WH-EAST', { buckets: 8, reason: '双11 flash sale' });
    expect(split.statusCode).toBe(200);
    expect(jsonBody(split)).toEqual({ warehouseId: 'WH-EAST', onHand: 50, reserved: 2, available: 48, buckets: 8 });
    // The figures staff and shoppers see are the totals; the units are in the buckets.
    expect(jsonBody<{ items: Array<{ warehouseId: string }> }>(await getStock(sku)).items.find((i) => i.warehouseId === 'WH-EAST')).toEqual({
      warehouseId: 'WH-EAST',
      onHand: 50,
      reserved: 2,
      available: 48,
      buckets: 8,
    });
    expect((await repo.getProduct(sku))?.stock.find((l) => l.warehouseId === 'WH-EAST')).toMatchObject({ onHand: 50, reserved: 2 });
    const { CatalogReader } = await import('../../../functions/catalog/stock-contract.ts');
    const reader = new CatalogReader(tables.catalog);
    const buckets = await reader.buckets(sku, 'WH-EAST');
    expect(buckets.map((b) => b.available)).toEqual([6, 6, 6, 6, 6, 6, 6, 6]);
    const [level] = await reader.levels([{ sku, warehouseId: 'WH-EAST' }]);
    expect(level).toMatchObject({ onHand: 50, reserved: 2, available: 48 });
    expect(level?.buckets?.map((b) => b.available)).toEqual([6, 6, 6, 6, 6, 6, 6, 6]);
    const [audited] = await audit.forResource('stock', `${sku}/WH-EAST`).then((entries) => entries.filter((e) => e.action === 'stock.split'));
    expect(audited).toMatchObject({ actor: 'ops-1', reason: '双11 flash sale', details: { buckets: 8, units: 48 } });
    // The same split again changes nothing; another number of buckets, or a count, waits (409).
    expect((await putStock(sku, 'WH-EAST', { buckets: 8, reason: 'again' })).statusCode).toBe(200);
    expect((await reader.buckets(sku, 'WH-EAST')).map((b) => b.available)).toEqual([6, 6, 6, 6, 6, 6, 6, 6]);
    expect(jsonBody(await putStock(sku, 'WH-EAST', { buckets: 4, reason: 'fewer' }))).toMatchObject({ status: 409, type: 'https://errors.commerce.dev/stock-not-splittable' });
    expect(jsonBody(await putStock(sku, 'WH-EAST', { onHand: 60, reason: 'count' }))).toMatchObject({ status: 409, type: 'https://errors.commerce.dev/stock-split' });
    // Fewer units than buckets, nothing counted, or a bad body: refused, nothing written.
    expect((await putStock(sku, 'WH-NORTH', { buckets: 2, reason: 'no stock here' })).statusCode).toBe(409);
    for (const body of [{ buckets: 0, reason: 'x' }, { buckets: 65, reason: 'x' }, { buckets: 4, onHand: 10, reason: 'x' }, { reason: 'x' }, { buckets: 2.5, reason: 'x' }]) {
      expect((await putStock(sku, 'WH-SOUTH', body)).statusCode, JSON.stringify(body)).toBe(400);
    }
  });

  it('ORD-4, FUL-4 (after a sale): buckets: 1 merges the buckets back into the counter — the buckets orders still hold units in drain first (202), the rebalancer finishes; totals unchanged, audited, idempotent; the stock can be counted again', async () => {
    const sku = `T-${ulid()}`;
    expect((await putProduct(sku, { ...listing, reason: 'sale item' })).statusCode).toBe(201);
    expect((await putStock(sku, 'WH-EAST', { onHand: 30, reason: 'goods received' })).statusCode).toBe(200);
    expect((await putStock(sku, 'WH-EAST', { buckets: 3, reason: 'flash sale' })).statusCode).toBe(200);
    const { CatalogReader, holderBucket, releaseStock, reserveStock, pickStock } = await import('../../../functions/catalog/stock-contract.ts');
    const { TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    const reader = new CatalogReader(tables.catalog);
    const commit = (items: unknown[]) => documentClient().send(new TransactWriteCommand({ TransactItems: items as never }));
    // The sale: one order holds 2 units in bucket 1 (unpaid), another was picked (3 units from bucket 2).
    const held = { orderId: `O-${ulid()}`, sku, warehouseId: 'WH-EAST', quantity: 2, bucket: 1 };
    const picked = { orderId: `O-${ulid()}`, sku, warehouseId: 'WH-EAST', quantity: 3, bucket: 2 };
    await commit(reserveStock(tables.catalog, held, new Date()));
    await commit(reserveStock(tables.catalog, picked, new Date()));
    await commit(pickStock(tables.catalog, { ...picked, reservedQuantity: 3 }, new Date()));
    const levels = async () => (await reader.buckets(sku, 'WH-EAST')).map((b) => [b.bucket, b.onHand, b.reserved, b.available]);
    expect(await levels()).toEqual([
      [0, 10, 0, 10],
      [1, 10, 2, 8],
      [2, 7, 0, 7],
    ]);

    // The merge: every available unit to the counter; buckets 0 and 2 go; bucket 1 keeps the held order's 2 units (202, draining).
    const draining = await putStock(sku, 'WH-EAST', { buckets: 1, reason: 'sale over' });
    expect(draining.statusCode).toBe(202);
    expect(jsonBody(draining)).toEqual({ warehouseId: 'WH-EAST', onHand: 27, reserved: 2, available: 25, buckets: 3, draining: true });
    expect(await levels()).toEqual([[1, 2, 2, 0]]);
    const [level] = await reader.levels([{ sku, warehouseId: 'WH-EAST' }]);
    expect(level).toMatchObject({ onHand: 27, reserved: 2, available: 25, draining: true });
    // New orders reserve from the counter; counting waits; asking again changes nothing new.
    expect(holderBucket(level, 1, `O-${ulid()}`)).toBeUndefined();
    expect(jsonBody(await putStock(sku, 'WH-EAST', { onHand: 26, reason: 'count' }))).toMatchObject({ status: 409, type: 'https://errors.commerce.dev/stock-split' });
    expect(jsonBody(await putStock(sku, 'WH-EAST', { buckets: 3, reason: 'again?' }))).toMatchObject({ status: 409, type: 'https://errors.commerce.dev/stock-not-splittable' });
    expect((await putStock(sku, 'WH-EAST', { buckets: 1, reason: 'sale over' })).statusCode).toBe(202);
    expect(await levels()).toEqual([[1, 2, 2, 0]]);

    // The rebalancer reports the stock still draining, and what its buckets hold.
    const { DynamoDbBucketStore } = await import('../../../functions/catalog/bucket-store.ts');
    const { rebalanceStockBuckets } = await import('../../../functions/catalog/rebalance-stock-buckets.ts');
    const { mergeStep } = await import('../../../functions/catalog/stock-admin.ts');
    const store = new DynamoDbBucketStore(tables.catalog);
    const mine = { splitStock: async () => (await store.splitStock()).filter((st) => st.sku === sku), bucketLevels: store.bucketLevels.bind(store), move: store.move.bind(store) };
    expect(await mine.splitStock()).toEqual([{ sku, warehouseId: 'WH-EAST', draining: true, drainingSince: expect.any(String) }]);
    expect(await rebalanceStockBuckets({ buckets: mine, merge: (st) => mergeStep(repo, st, new Date()) })).toMatchObject({
      merged: 0,
      moves: 0,
      failed: 0,
      draining: [{ sku, warehouseId: 'WH-EAST', since: expect.any(String), reserved: 2 }],
    });
    // The held order is cancelled: its units go back into bucket 1; the rebalancer's next step moves them and removes the bucket.
    await commit(releaseStock(tables.catalog, held, new Date()));
    expect(await levels()).toEqual([[1, 2, 0, 2]]);
    expect(await rebalanceStockBuckets({ buckets: mine, merge: (st) => mergeStep(repo, st, new Date()) })).toMatchObject({ merged: 1, moves: 0 });
    expect(await reader.buckets(sku, 'WH-EAST')).toEqual([]);
    expect(await mine.splitStock()).toEqual([]);
    expect(jsonBody<{ items: Array<{ warehouseId: string }> }>(await getStock(sku)).items.find((i) => i.warehouseId === 'WH-EAST')).toEqual({
      warehouseId: 'WH-EAST',
      onHand: 27,
      reserved: 0,
      available: 27,
    });
    const audited = (await audit.forResource('stock', `${sku}/WH-EAST`)).filter((e) => e.action === 'stock.merge');
    // The ops' merge is audited once (the repeated ask changed nothing; the rebalancer's step is the system finishing it).
    expect(audited.map((e) => e.details)).toEqual([{ bucketsRemoved: 2, units: 25, reservedInBuckets: 2 }]);

    // Merged: unchanged by another merge; counted again; split again for the next sale.
    expect(jsonBody(await putStock(sku, 'WH-EAST', { buckets: 1, reason: 'again' }))).toEqual({ warehouseId: 'WH-EAST', onHand: 27, reserved: 0, available: 27 });
    expect(jsonBody(await putStock(sku, 'WH-EAST', { onHand: 26, reason: 'count after the sale' }))).toEqual({ warehouseId: 'WH-EAST', onHand: 26, reserved: 0, available: 26 });
    expect(jsonBody(await putStock(sku, 'WH-EAST', { buckets: 2, reason: 'next sale' }))).toMatchObject({ onHand: 26, available: 26, buckets: 2 });
    expect((await reader.buckets(sku, 'WH-EAST')).map((b) => b.available)).toEqual([13, 13]);
    // With no reservation in any bucket the merge completes at once (200).
    expect(jsonBody(await putStock(sku, 'WH-EAST', { buckets: 1, reason: 'sale cancelled' }))).toEqual({ warehouseId: 'WH-EAST', onHand: 26, reserved: 0, available: 26 });
    // A stock that was never split is unchanged by a merge; no stock at all is a 409.
    expect(jsonBody(await putStock(sku, 'WH-SOUTH', { buckets: 1, reason: 'x' }))).toMatchObject({ status: 409, type: 'https://errors.commerce.dev/stock-not-splittable' });
    await putStock(sku, 'WH-NORTH', { onHand: 4, reason: 'received' });
    expect(jsonBody(await putStock(sku, 'WH-NORTH', { buckets: 1, reason: 'x' }))).toEqual({ warehouseId: 'WH-NORTH', onHand: 4, reserved: 0, available: 4 });
  });

  it('SEC-1/SEC-5: ops only; unknown product or warehouse → 404; bad bodies → 400', async () => {
    const sku = `T-${ulid()}`;
    await putProduct(sku, listing);
    expect((await putStock(sku, 'WH-EAST', { onHand: 1, reason: 'x' }, claimsFor('c-1', 'customer'))).statusCode).toBe(403);
    expect((await getStock(sku, claimsFor('m-1', 'marketer'))).statusCode).toBe(403);
    expect((await putStock(`T-${ulid()}`, 'WH-EAST', { onHand: 1, reason: 'x' })).statusCode).toBe(404);
    expect((await putStock(sku, 'WH-MOON', { onHand: 1, reason: 'x' })).statusCode).toBe(404);
    expect((await getStock(`T-${ulid()}`)).statusCode).toBe(404);
    for (const body of [{ onHand: -1, reason: 'x' }, { onHand: 1.5, reason: 'x' }, { onHand: 1 }, { onHand: 1, reason: '' }, { onHand: 1, reason: 'x', extra: true }]) {
      expect((await putStock(sku, 'WH-EAST', body)).statusCode).toBe(400);
    }
    expect(await repo.getStockLevels(sku)).toEqual([]);
  });
});
