import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import { handler as getProduct } from '../../../functions/catalog/handlers/get-product.ts';
import { handler as listProducts } from '../../../functions/catalog/handlers/list-products.ts';
import { makePutProductHandler } from '../../../functions/catalog/handlers/put-product.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

const published: Array<{ correlationId: string; event: DomainEvent }> = [];
const fakeEvents = (correlationId: string): EventPublisher => ({ publish: async (events) => void published.push(...events.map((event) => ({ correlationId, event }))) });
const putProduct = makePutProductHandler({ events: fakeEvents });

const listing = (overrides: Record<string, unknown> = {}) => ({
  name: '西湖龙井 250g',
  category: 'groceries',
  price: { amount: 36800, currency: 'CNY' },
  attributes: { weightGrams: 300, valueClass: 'high' },
  ...overrides,
});

const put = (sku: string, body: unknown, claims: Record<string, string> | null = claimsFor('ops-1', 'ops'), headers: Record<string, string> = {}) =>
  putProduct(
    apiEvent({ method: 'PUT', path: `/admin/products/${sku}`, resource: '/admin/products/{sku}', pathParameters: { sku }, body, claims: claims ?? undefined, headers }),
    lambdaContext(),
  );

let tables: { catalog: string };

describe('catalog handlers against DynamoDB Local', () => {
  beforeAll(() => {
    ({ tables } = useLocalDynamoDb());
  });

  it('PUT /admin/products/{sku}: 201 on create, 200 on update, records updatedBy/updatedAt, publishes ProductChanged', async () => {
    const sku = `T-${ulid()}`;
    const created = await put(sku, listing(), claimsFor('ops-7', 'ops'), { 'X-Correlation-Id': 'corr-put-1' });
    expect(created.statusCode).toBe(201);
    expect(jsonBody(created)).toMatchObject({ sku, name: '西湖龙井 250g', updatedBy: 'ops-7' });
    const updated = await put(sku, listing({ name: '明前西湖龙井 250g' }), claimsFor('ops-8', 'ops'));
    expect(updated.statusCode).toBe(200);
    expect(jsonBody(updated)).toMatchObject({ name: '明前西湖龙井 250g', updatedBy: 'ops-8' });
    const events = published.filter((p) => p.event.payload.sku === sku);
    expect(events.map((p) => p.event.payload)).toEqual([
      { sku, changedBy: 'ops-7', changeKind: 'created' },
      { sku, changedBy: 'ops-8', changeKind: 'updated' },
    ]);
    expect(events[0]!.correlationId).toBe('corr-put-1');
  });

  it('PUT is idempotent by nature: the same body again → 200, no new version', async () => {
    const sku = `T-${ulid()}`;
    await put(sku, listing());
    const again = await put(sku, listing());
    expect(again.statusCode).toBe(200);
    const record = await new DynamoDbCatalogRepository(tables.catalog).getProductRecord(sku);
    expect(record?.version).toBe(1);
  });

  it('SEC-1: PUT needs the ops role (admin passes); customers get 403, anonymous 401', async () => {
    const sku = `T-${ulid()}`;
    expect((await put(sku, listing(), claimsFor('c-1', 'customer'))).statusCode).toBe(403);
    expect((await put(sku, listing(), claimsFor('m-1', 'marketer'))).statusCode).toBe(403);
    expect((await put(sku, listing(), null)).statusCode).toBe(401);
    expect((await put(sku, listing(), claimsFor('a-1', 'admin'))).statusCode).toBe(201);
  });

  it('SEC-5: an invalid body → 400 with paths and nothing written', async () => {
    const sku = `T-${ulid()}`;
    const result = await put(sku, listing({ price: { amount: 368.5, currency: 'CNY' }, attributes: { weightGrams: 0, valueClass: 'x' } }));
    expect(result.statusCode).toBe(400);
    expect(
      jsonBody<{ errors: Array<{ path: string }> }>(result)
        .errors.map((e) => e.path)
        .sort(),
    ).toEqual(['body.attributes.valueClass', 'body.attributes.weightGrams', 'body.price.amount']);
    expect((await put(sku, listing({ price: { amount: 100, currency: 'USD' } }))).statusCode).toBe(400);
    expect((await put('bad-sku', listing())).statusCode).toBe(400);
    expect(await new DynamoDbCatalogRepository(tables.catalog).getProductRecord(sku)).toBeUndefined();
  });

  it('concurrent PUTs of the same SKU are serialised by conditional writes: no 5xx, one version per write', async () => {
    const sku = `T-${ulid()}`;
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => put(sku, listing({ name: `Tea ${i}` }))));
    expect(results.every((r) => r.statusCode === 200 || r.statusCode === 201 || r.statusCode === 409)).toBe(true);
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const record = await new DynamoDbCatalogRepository(tables.catalog).getProductRecord(sku);
    expect(record?.version).toBe(results.filter((r) => r.statusCode < 300).length);
  });

  it('GET /products/{sku}: the product with available stock; unknown SKU → 404 problem', async () => {
    const sku = `T-${ulid()}`;
    await put(sku, listing());
    const repo = new DynamoDbCatalogRepository(tables.catalog);
    await repo.createStockLevel(sku, { warehouseId: 'WH-EAST', onHand: 7, reserved: 2 }, new Date());
    const found = await getProduct(apiEvent({ path: `/products/${sku}`, pathParameters: { sku } }), lambdaContext());
    expect(found.statusCode).toBe(200);
    const body = jsonBody(found);
    expect(body).toMatchObject({ sku, availableStock: 5, price: { amount: 36800, currency: 'CNY' } });
    expect(body).not.toHaveProperty('updatedBy');
    const missing = await getProduct(apiEvent({ path: '/products/NOPE-404', pathParameters: { sku: 'NOPE-404' } }), lambdaContext());
    expect(missing.statusCode).toBe(404);
    expect(missing.headers?.['content-type']).toBe('application/problem+json');
  });

  it('GET /products?category&limit&cursor: pages of { items, nextCursor }', async () => {
    const category = `test-${ulid().toLowerCase()}`;
    const skus: string[] = [];
    for (let i = 0; i < 3; i++) {
      skus.push(`T-${ulid()}`);
      await put(skus[i] as string, listing({ category }));
    }
    // A category filters the shared index, so a page may come back short (other tests' products
    // between ours use up its reads): follow the cursors to the end, as a client does.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const response = await listProducts(apiEvent({ path: '/products', query: { category, limit: '2', ...(cursor ? { cursor } : {}) } }), lambdaContext());
      expect(response.statusCode).toBe(200);
      const page = jsonBody<{ items: Array<{ sku: string }>; nextCursor?: string }>(response);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.sku));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeUndefined();
    expect(seen.sort()).toEqual([...skus].sort());
    expect((await listProducts(apiEvent({ path: '/products', query: { limit: '101' } }), lambdaContext())).statusCode).toBe(400);
    expect((await listProducts(apiEvent({ path: '/products', query: { cursor: 'forged' } }), lambdaContext())).statusCode).toBe(400);
    const defaults = jsonBody<{ items: unknown[] }>(await listProducts(apiEvent({ path: '/products' }), lambdaContext()));
    expect(defaults.items.length).toBeLessThanOrEqual(20);
  });
});
