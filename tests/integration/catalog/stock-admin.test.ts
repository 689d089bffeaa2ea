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
    for (const body of [{ buckets: 1, reason: 'x' }, { buckets: 65, reason: 'x' }, { buckets: 4, onHand: 10, reason: 'x' }, { reason: 'x' }, { buckets: 2.5, reason: 'x' }]) {
      expect((await putStock(sku, 'WH-SOUTH', body)).statusCode, JSON.stringify(body)).toBe(400);
    }
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
