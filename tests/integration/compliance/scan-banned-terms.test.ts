import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { DynamoDbCatalogRepository } from '../../../functions/catalog/catalog-repository.ts';
import type { Product } from '../../../functions/catalog/domain/product.ts';
import { DynamoDbFindingsRepository, findingIdOf } from '../../../functions/compliance/findings-repository.ts';
import { makeRunScanHandler } from '../../../functions/compliance/handlers/run-scan.ts';
import { DynamoDbListingSource } from '../../../functions/compliance/listing-source.ts';
import { bannedTermsScan } from '../../../functions/compliance/scans/banned-terms.ts';
import { DEFAULT_BANNED_ADVERTISING_TERMS } from '../../../shared/config.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let catalog: DynamoDbCatalogRepository;
let findings: DynamoDbFindingsRepository;
let complianceTable: string;
let scanHandler: ReturnType<typeof makeRunScanHandler>;

const product = (sku: string, name: string): Product => ({
  sku,
  name,
  category: 'home',
  price: { amount: 19900, currency: 'CNY' },
  attributes: { weightGrams: 1000, valueClass: 'standard' },
  updatedAt: new Date().toISOString(),
  updatedBy: 'ops-1',
});
const finding = (sku: string) => findings.get(findingIdOf('banned-terms', sku));

describe('CMP-1 scheduled banned-terms scan (generic runner) against DynamoDB Local', () => {
  beforeAll(() => {
    const { tables } = useLocalDynamoDb();
    catalog = new DynamoDbCatalogRepository(tables.catalog);
    complianceTable = tables.compliance;
    findings = new DynamoDbFindingsRepository(tables.compliance);
    scanHandler = makeRunScanHandler({
      scan: () => bannedTermsScan({ listings: new DynamoDbListingSource(tables.catalog), bannedTerms: DEFAULT_BANNED_ADVERTISING_TERMS, pageSize: 3 }),
    });
  });

  it('CMP-1: finds the planted banned terms across pages, nothing on a clean listing, resolves fixed listings, and a re-scan changes nothing', async () => {
    const banned = `T-${ulid()}`;
    const fixed = `T-${ulid()}`;
    const clean = `T-${ulid()}`;
    await catalog.createProduct(product(banned, '国家级工艺 第一品牌 乳胶枕'));
    await catalog.createProduct(product(fixed, '乳胶枕 舒适'));
    await catalog.createProduct(product(clean, '纯棉毛巾 第一次使用前请清洗'));
    // a finding from an earlier scan, for a listing fixed since
    await findings.record('banned-terms', { subject: fixed, severity: 'high', summary: 'old', details: { terms: '最佳' } }, new Date('2025-01-01T00:00:00Z'));

    const summary = await scanHandler({}, lambdaContext(120_000));
    expect(summary).toMatchObject({ scan: 'banned-terms', complete: true });
    expect(summary.examined).toBeGreaterThanOrEqual(3);
    expect(summary.resolved).toBeGreaterThanOrEqual(1);
    expect(summary.newSevere).toBeGreaterThanOrEqual(1);

    const found = await finding(banned);
    expect(found).toMatchObject({ status: 'open', severity: 'high', details: { terms: ['国家级', '第一'].sort().join(', ') } });
    expect(await finding(fixed)).toMatchObject({ status: 'resolved', resolution: { outcome: 'fixed', by: 'system:banned-terms' } });
    expect(await finding(clean)).toBeUndefined();

    const rescan = await scanHandler({}, lambdaContext(120_000));
    expect(rescan.complete).toBe(true);
    const again = await finding(banned);
    expect(again).toMatchObject({ status: 'open', firstSeenAt: found!.firstSeenAt });
    expect(again!.lastSeenAt >= found!.lastSeenAt).toBe(true);

    // findings are queryable by scan and status, across pages
    let cursor: string | undefined;
    const open: string[] = [];
    do {
      const page = await findings.list({ scan: 'banned-terms', status: 'open', limit: 2, ...(cursor ? { cursor } : {}) });
      open.push(...page.items.map((f) => f.subject));
      cursor = page.nextCursor;
    } while (cursor);
    expect(open).toContain(banned);
    expect(open).not.toContain(fixed);
  });

  it('CMP-1: banned-term findings stored in the old shape are migrated into the findings store', async () => {
    const sku = `T-${ulid()}`;
    await catalog.createProduct(product(sku, '最佳面霜'));
    await documentClient().send(
      new PutCommand({
        TableName: complianceTable,
        Item: {
          pk: 'FINDING#banned-term',
          sk: sku,
          kind: 'banned-term',
          sku,
          terms: ['最佳'],
          status: 'open',
          detectedAt: '2025-03-01T00:00:00.000Z',
          updatedAt: '2025-03-02T00:00:00.000Z',
          revision: 1,
        },
      }),
    );
    await scanHandler({}, lambdaContext(120_000));
    expect(await finding(sku)).toMatchObject({ status: 'open', firstSeenAt: '2025-03-01T00:00:00.000Z', details: { terms: '最佳' } });
  });

  it('CMP-1: stops early and says so when the invocation is about to run out of time, resolving nothing', async () => {
    const summary = await scanHandler({}, lambdaContext(1_000));
    expect(summary).toMatchObject({ complete: false, examined: 0, resolved: 0 });
  });
});
