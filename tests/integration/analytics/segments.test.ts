/**
 * KPI-2 against DynamoDB Local: customers' orders go through the analytics consumer (their customer
 * records), consents are saved through privacy's consent store, one customer is erased (keyring
 * tombstone); the daily job scores only consenting, non-erased customers, the counts are right, and
 * the marketing export lists only the segment's customers who consent to marketing, paged.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { makeConsumeAnalyticsEventsHandler } from '../../../functions/analytics/handlers/consume-analytics-events.ts';
import { makeScoreCustomerSegmentsHandler } from '../../../functions/analytics/handlers/score-customer-segments.ts';
import { makeGetSegmentsHandler, makeListSegmentCustomersHandler } from '../../../functions/analytics/handlers/serve-customer-segments.ts';
import { classify } from '../../../functions/analytics/domain/segments.ts';
import { dynamoConsentStore } from '../../../functions/privacy/consent-store.ts';
import { decideConsents, noConsents } from '../../../functions/privacy/domain/consent.ts';
import { manualClock } from '../../../shared/clock.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { apiEvent, claimsFor, eventBridgeEvent, jsonBody, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let tables: ReturnType<typeof useLocalDynamoDb>['tables'];
beforeAll(() => {
  tables = useLocalDynamoDb().tables;
});

const NOW = '2026-10-01T03:00:00.000Z';
const clock = manualClock(NOW);
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString();
const cny = (amount: number) => ({ amount, currency: 'CNY' });

function placed(customerId: string, placedAt: string, total: number) {
  const orderId = ulid(Date.parse(placedAt));
  const detail = {
    ...OrderPlaced.example,
    version: 1,
    orderId,
    customerId,
    lines: [{ sku: 'TEA-1', quantity: 1, category: 'tea', unitPrice: cny(total), lineTotal: cny(total) }],
    subtotal: cny(total),
    discountTotal: cny(0),
    shippingFee: cny(0),
    total: cny(total),
    amountDue: cny(total),
    placedAt,
    paymentDueBy: placedAt,
    meta: { eventId: ulid(), correlationId: ulid(), occurredAt: placedAt },
  };
  return sqsRecord(eventBridgeEvent('OrderPlaced', OrderPlaced.source, detail));
}

async function consent(customerId: string, decision: { analytics?: boolean; marketing?: boolean }, withdrawAnalytics = false) {
  const store = dynamoConsentStore(tables.privacy);
  let current = noConsents(customerId);
  const first = decideConsents(current, decision, ago(30), 'api');
  await store.save(first.next, first.changes);
  current = first.next;
  if (withdrawAnalytics) {
    const second = decideConsents(current, { analytics: false }, ago(1), 'api');
    expect(await store.save(second.next, second.changes)).toBe(true);
  }
}

describe('KPI-2 the daily segments job and the segment routes', () => {
  const run = ulid().toLowerCase();
  const id = (name: string) => `seg-${run}-${name}`;
  // name → orders (days ago, fen), consents, erased
  const customers: Record<string, { orders: Array<[number, number]>; analytics?: boolean; marketing?: boolean; withdrew?: boolean; erased?: boolean }> = {
    champion: { orders: Array.from({ length: 7 }, (_, i) => [i * 4 + 1, 60_000] as [number, number]), analytics: true, marketing: true },
    newcomer: { orders: [[2, 9_000]], analytics: true, marketing: false },
    lapsed1: { orders: [[300, 20_000]], analytics: true, marketing: true },
    lapsed2: { orders: [[90, 20_000]], analytics: true, marketing: true },
    lapsed3: { orders: [[400, 5_000]], analytics: true, marketing: false },
    atRisk: {
      orders: [
        [100, 30_000],
        [150, 30_000],
        [170, 30_000],
      ],
      analytics: true,
      marketing: true,
    },
    withdrew: { orders: [[5, 10_000]], analytics: true, marketing: true, withdrew: true },
    undecided: { orders: [[5, 10_000]] },
    erased: { orders: [[250, 10_000]], analytics: true, marketing: true, erased: true },
  };

  it('KPI-2: consenting customers are scored into segments and stages; withdrawn, undecided and erased ones are left out', async () => {
    const consume = makeConsumeAnalyticsEventsHandler();
    const records = Object.entries(customers).flatMap(([name, c]) => c.orders.map(([days, total]) => placed(id(name), ago(days), total)));
    for (let i = 0; i < records.length; i += 10) expect((await consume(sqsEvent(...records.slice(i, i + 10)), lambdaContext())).batchItemFailures).toEqual([]);
    for (const [name, c] of Object.entries(customers)) {
      if (c.analytics !== undefined || c.marketing !== undefined)
        await consent(id(name), { ...(c.analytics !== undefined ? { analytics: c.analytics } : {}), ...(c.marketing !== undefined ? { marketing: c.marketing } : {}) }, c.withdrew);
      if (c.erased) await documentClient().send(new PutCommand({ TableName: tables.customerKey, Item: { customerId: id(name), erasedAt: ago(1) } }));
    }

    const job = makeScoreCustomerSegmentsHandler({ clock });
    const result = (await job({}, lambdaContext())) as { scored: number; withoutConsent: number; erased: number };
    // Other files' customers share the table and never consented: only these six are scored.
    expect(result).toMatchObject({ scored: 6, erased: 1 });
    expect(result.withoutConsent).toBeGreaterThanOrEqual(2);

    // The counts equal the domain's classification of exactly the eligible customers.
    const expected = { segments: {} as Record<string, number>, lifecycle: {} as Record<string, number> };
    for (const [name, c] of Object.entries(customers)) {
      if (!c.analytics || c.withdrew || c.erased) continue;
      const place = classify({ customerId: id(name), orders: Object.fromEntries(c.orders.map(([d, total], i) => [`o${i}`, { placedAt: ago(d), total }])) }, NOW.slice(0, 10))!;
      expected.segments[place.segment] = (expected.segments[place.segment] ?? 0) + 1;
      expected.lifecycle[place.stage] = (expected.lifecycle[place.stage] ?? 0) + 1;
    }
    const response = await makeGetSegmentsHandler()(
      apiEvent({ method: 'GET', path: '/admin/customers/segments', resource: '/admin/customers/segments', claims: claimsFor('marketer-1', 'marketer') }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(200);
    const body = jsonBody<{ asOf: string; customers: number; segments: Record<string, number>; lifecycle: Record<string, number> }>(response);
    expect(body.asOf).toBe(NOW);
    expect(body.customers).toBe(6);
    expect(Object.fromEntries(Object.entries(body.segments).filter(([, n]) => n > 0))).toEqual(expected.segments);
    expect(Object.fromEntries(Object.entries(body.lifecycle).filter(([, n]) => n > 0))).toEqual(expected.lifecycle);
    expect(body.segments).toMatchObject({ champions: 1, new: 1, 'at-risk': 1, lost: 2, hibernating: 1 });
    expect(JSON.stringify(body)).not.toContain(run);
  });

  it('KPI-2: the marketing export lists the segment’s customers who consent to marketing, ids only, paged', async () => {
    const list = makeListSegmentCustomersHandler();
    const page = async (segment: string, query: Record<string, string>, role = 'marketer') => {
      const response = await list(
        apiEvent({
          method: 'GET',
          path: `/admin/customers/segments/${segment}/customers`,
          resource: '/admin/customers/segments/{segment}/customers',
          pathParameters: { segment },
          query,
          claims: claimsFor('marketer-1', role),
        }),
        lambdaContext(),
      );
      return { status: response.statusCode, body: jsonBody<{ items: Array<{ customerId: string }>; nextCursor?: string }>(response) };
    };
    // lost: lapsed1 (marketing), lapsed3 (no marketing); the erased customer is not there at all.
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await page('lost', { limit: '1', ...(cursor ? { cursor } : {}) });
      expect(status).toBe(200);
      ids.push(...body.items.map((i) => i.customerId));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(ids).toEqual([id('lapsed1')]);
    expect((await page('at-risk', { limit: '10' })).body.items).toEqual([{ customerId: id('atRisk') }]);
    expect((await page('new', { limit: '10' })).body.items).toEqual([]);
    expect((await page('nonsense', { limit: '10' })).status).toBe(400);
    expect((await page('lost', { limit: '10', cursor: 'bm90LWEtY3Vyc29y' })).status).toBe(400);
    expect((await page('lost', { limit: '10' }, 'analyst')).status).toBe(403);
  });
});
