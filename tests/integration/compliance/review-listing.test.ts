import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { ProductChanged } from '../../../events/product-changed.ts';
import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import type { Product } from '../../../functions/catalog/domain/product.ts';
import { DynamoDbFindingsRepository, findingIdOf } from '../../../functions/compliance/findings-repository.ts';
import { handler as reviewListing } from '../../../functions/compliance/handlers/review-listing.ts';
import { eventBridgeEvent, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let catalog: DynamoDbCatalogRepository;
let findings: DynamoDbFindingsRepository;

const product = (sku: string, name: string, version = 1): Product => ({
  sku,
  name,
  category: 'beauty',
  price: { amount: 9900, currency: 'CNY' },
  attributes: { weightGrams: 100, valueClass: 'standard' },
  updatedAt: new Date(Date.UTC(2025, 0, version)).toISOString(),
  updatedBy: 'ops-1',
});

const changed = (sku: string, changeKind: 'created' | 'updated' = 'created') =>
  eventBridgeEvent(ProductChanged.name, ProductChanged.source, {
    version: 1,
    sku,
    changedBy: 'ops-1',
    changeKind,
    meta: { correlationId: `corr-${sku}`, occurredAt: new Date().toISOString(), eventId: ulid() },
  });

describe('CMP-1 review-listing consumer against DynamoDB Local', () => {
  const bannedTermFinding = (sku: string) => findings.get(findingIdOf('banned-terms', sku));
  beforeAll(() => {
    const { tables } = useLocalDynamoDb();
    catalog = new DynamoDbCatalogRepository(tables.catalog);
    findings = new DynamoDbFindingsRepository(tables.compliance);
  });

  it('CMP-1: a listing with banned terms opens a high finding of the banned-terms scan; a replayed event changes nothing; a clean edit resolves it', async () => {
    const sku = `T-${ulid()}`;
    await catalog.createProduct(product(sku, '国家级 最有效 祛痘精华'));
    expect(await reviewListing(sqsEvent(sqsRecord(changed(sku))), lambdaContext())).toEqual({ batchItemFailures: [] });
    const opened = await bannedTermFinding(sku);
    expect(opened).toMatchObject({ subject: sku, scan: 'banned-terms', status: 'open', details: { terms: ['国家级', '最有效'].sort().join(', ') }, severity: 'high' });

    // the same event delivered again (at-least-once): the same finding, only seen again
    await reviewListing(sqsEvent(sqsRecord(changed(sku))), lambdaContext());
    expect(await bannedTermFinding(sku)).toEqual({ ...opened, lastSeenAt: expect.any(String) });

    // staff fix the listing; the next ProductChanged resolves the finding
    const record = await catalog.getProductRecord(sku);
    await catalog.updateProduct(product(sku, '温和祛痘精华', 2), record!.version);
    await reviewListing(sqsEvent(sqsRecord(changed(sku, 'updated'))), lambdaContext());
    const resolved = await bannedTermFinding(sku);
    expect(resolved).toMatchObject({ status: 'resolved', firstSeenAt: opened!.firstSeenAt, resolution: { outcome: 'fixed', by: 'system:banned-terms' } });

    // and it re-opens (with a new firstSeenAt) if a banned term comes back
    const again = await catalog.getProductRecord(sku);
    await catalog.updateProduct(product(sku, '顶级祛痘精华', 3), again!.version);
    await reviewListing(sqsEvent(sqsRecord(changed(sku, 'updated'))), lambdaContext());
    expect(await bannedTermFinding(sku)).toMatchObject({ status: 'open', details: { terms: '顶级' } });
  });

  it('CMP-1: partial batch failures — only invalid or failing records are reported, valid ones are processed', async () => {
    const bad = `T-${ulid()}`;
    await catalog.createProduct(product(bad, '最佳面霜'));
    const result = await reviewListing(
      sqsEvent(
        sqsRecord(changed(bad), 'valid'),
        sqsRecord('not json at all', 'garbage'),
        sqsRecord(eventBridgeEvent('OrderPlaced', 'commerce.checkout', { orderId: 'o-1' }), 'other-event'),
        sqsRecord(eventBridgeEvent(ProductChanged.name, ProductChanged.source, { sku: bad }), 'missing-fields'),
      ),
      lambdaContext(),
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['garbage', 'missing-fields', 'other-event']);
    expect(await bannedTermFinding(bad)).toMatchObject({ status: 'open', details: { terms: '最佳' } });
  });

  it('CMP-1: an event for a product that does not exist resolves nothing and succeeds', async () => {
    const result = await reviewListing(sqsEvent(sqsRecord(changed(`T-${ulid()}`))), lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
  });

  it('CMP-1: concurrent duplicate deliveries record one finding', async () => {
    const sku = `T-${ulid()}`;
    await catalog.createProduct(product(sku, '万能修复霜'));
    const results = await Promise.all(Array.from({ length: 5 }, () => reviewListing(sqsEvent(sqsRecord(changed(sku))), lambdaContext())));
    expect(results.every((r) => r.batchItemFailures.length === 0)).toBe(true);
    expect(await bannedTermFinding(sku)).toMatchObject({ status: 'open', details: { terms: '万能' } });
  });
});
