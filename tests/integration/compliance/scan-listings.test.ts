import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import type { Product } from '../../../functions/catalog/domain/product.ts';
import { DynamoDbFindingsRepository } from '../../../functions/compliance/findings-repository.ts';
import { handler as scanListings, makeScanListingsHandler } from '../../../functions/compliance/handlers/scan-listings.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let catalog: DynamoDbCatalogRepository;
let findings: DynamoDbFindingsRepository;

const product = (sku: string, name: string): Product => ({
  sku,
  name,
  category: 'home',
  price: { amount: 19900, currency: 'CNY' },
  attributes: { weightGrams: 1000, valueClass: 'standard' },
  updatedAt: new Date().toISOString(),
  updatedBy: 'ops-1',
});

describe('CMP-1 scheduled banned-term scan against DynamoDB Local', () => {
  beforeAll(() => {
    const { tables } = useLocalDynamoDb();
    catalog = new DynamoDbCatalogRepository(tables.catalog);
    findings = new DynamoDbFindingsRepository(tables.compliance);
  });

  it('CMP-1: finds banned terms across all pages, resolves fixed listings, and a re-scan changes nothing', async () => {
    const banned = `T-${ulid()}`;
    const fixed = `T-${ulid()}`;
    const clean = `T-${ulid()}`;
    await catalog.createProduct(product(banned, '国家级工艺 第一品牌 乳胶枕'));
    await catalog.createProduct(product(fixed, '乳胶枕 舒适'));
    await catalog.createProduct(product(clean, '纯棉毛巾'));
    // a finding from an earlier scan, for a listing fixed since
    await findings.recordBannedTerms(fixed, ['最佳'], new Date('2025-01-01T00:00:00Z'));

    const handler = makeScanListingsHandler({ pageSize: 3 });
    const summary = await handler({}, lambdaContext(120_000));
    expect(summary.complete).toBe(true);
    expect(summary.scanned).toBeGreaterThanOrEqual(3);
    expect(summary.pages).toBeGreaterThanOrEqual(1);
    expect(summary.opened).toBeGreaterThanOrEqual(1);
    expect(summary.resolved).toBeGreaterThanOrEqual(1);

    const found = await findings.getBannedTermFinding(banned);
    expect(found).toMatchObject({ status: 'open', terms: ['国家级', '第一'].sort() });
    expect((await findings.getBannedTermFinding(fixed))?.status).toBe('resolved');
    expect(await findings.getBannedTermFinding(clean)).toBeUndefined();

    const rescan = await scanListings({}, lambdaContext(120_000));
    expect(rescan.complete).toBe(true);
    expect(await findings.getBannedTermFinding(banned)).toEqual(found);

    // findings are queryable
    let cursor: string | undefined;
    const open: string[] = [];
    do {
      const page = await findings.listBannedTermFindings({ status: 'open', limit: 50, cursor });
      open.push(...page.items.map((f) => f.sku));
      cursor = page.nextCursor;
    } while (cursor);
    expect(open).toContain(banned);
    expect(open).not.toContain(fixed);
  });

  it('stops early and says so when the invocation is about to run out of time', async () => {
    const summary = await scanListings({}, lambdaContext(1_000));
    expect(summary).toMatchObject({ complete: false, scanned: 0 });
  });
});
