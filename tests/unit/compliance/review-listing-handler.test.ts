import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ProductChanged } from '../../../events/product-changed.ts';
import { parseFindingId, type FindingsRepository } from '../../../functions/compliance/findings-repository.ts';
import type { FindingDraft } from '../../../functions/compliance/scans/compliance-scan.ts';
import { makeReviewListingHandler } from '../../../functions/compliance/handlers/review-listing.ts';
import type { Listing, ListingSource } from '../../../functions/compliance/listing-source.ts';
import { eventBridgeEvent, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';

const detail = (sku: string) => ({
  version: 1,
  sku,
  changedBy: 'ops-1',
  changeKind: 'updated',
  meta: { correlationId: 'corr-1', occurredAt: '2025-01-01T00:00:00.000Z', eventId: `ev-${sku}` },
});
const message = (sku: string) => eventBridgeEvent(ProductChanged.name, ProductChanged.source, detail(sku));

function fakes(listings: Record<string, Listing>, failOn?: string) {
  const recorded: Array<[string, readonly string[]]> = [];
  const resolved: string[] = [];
  const source: ListingSource = {
    getListing: async (sku) => {
      if (sku === failOn) throw new Error('DynamoDB unavailable');
      return listings[sku];
    },
    listListings: async () => ({ items: Object.values(listings) }),
  };
  const findings = {
    record: async (_scan: string, draft: FindingDraft) => {
      recorded.push([draft.subject, String(draft.details?.terms).split(', ')]);
      return { outcome: 'opened' as const };
    },
    transition: async (findingId: string) => {
      resolved.push(parseFindingId(findingId)!.subject);
      return undefined;
    },
  } as unknown as FindingsRepository;
  return { source, findings, recorded, resolved };
}

describe('review-listing SQS consumer (CMP-1)', () => {
  it('reviews each ProductChanged event: banned terms → finding, clean → resolve', async () => {
    const { source, findings, recorded, resolved } = fakes({
      'BAD-1': { sku: 'BAD-1', name: '最佳面霜', attributes: {} },
      'GOOD-1': { sku: 'GOOD-1', name: 'Face cream', attributes: {} },
    });
    const handler = makeReviewListingHandler({ listings: () => source, findings: () => findings });
    const result = await handler(sqsEvent(sqsRecord(message('BAD-1'), 'm1'), sqsRecord(message('GOOD-1'), 'm2')), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(recorded).toEqual([['BAD-1', ['最佳']]]);
    expect(resolved).toEqual(['GOOD-1']);
  });

  it('reports partial batch failures per item; invalid messages are failed, not dropped', async () => {
    const { source, findings, recorded } = fakes({ 'BAD-1': { sku: 'BAD-1', name: '国家级', attributes: {} } }, 'BROKEN-1');
    const handler = makeReviewListingHandler({ listings: () => source, findings: () => findings });
    const result = await handler(
      sqsEvent(
        sqsRecord(message('BAD-1'), 'ok'),
        sqsRecord('{not json', 'not-json'),
        sqsRecord(eventBridgeEvent('OrderPlaced', 'commerce.checkout', { orderId: '1' }), 'wrong-type'),
        sqsRecord(eventBridgeEvent(ProductChanged.name, ProductChanged.source, { ...detail('BAD-2'), sku: 'lower-case' }), 'bad-detail'),
        sqsRecord(message('BROKEN-1'), 'store-down'),
      ),
      lambdaContext(),
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-detail', 'not-json', 'store-down', 'wrong-type']);
    expect(recorded).toEqual([['BAD-1', ['国家级']]]);
  });
});
