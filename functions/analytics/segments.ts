/**
 * Segments (KPI-2). The daily job reads analytics' customer records (the customers index, page by
 * page — never the orders), leaves out customers who do not consent to `analytics` (privacy's
 * consent contract; consent is opt-in, so a customer who never said yes or withdrew is not scored)
 * and erased customers (their keyring record is a tombstone), scores the rest (domain/segments.ts),
 * writes each scored customer's segment for the marketing export, and flips the run's counts in.
 * The routes read the last run: counts (no personal data), and the ids of a segment's customers who
 * consent to `marketing` at the time of the request.
 */
import type { Clock } from '../../shared/clock.ts';
import { mapLimited } from '../../shared/concurrency.ts';
import type { ConsentCheck } from '../privacy/consent-contract.ts';
import { CUSTOMER_SHARDS, type AnalyticsStore } from './analytics-store.ts';
import { classify, countIn, emptyCounts, SEGMENTS, type Segment, type SegmentCounts } from './domain/segments.ts';
import type { SegmentsStore } from './segments-store.ts';

/** Consent reads in flight at once (a page of customers can hold hundreds). */
const CONSENT_READS_AT_ONCE = 10;

export interface SegmentJobDeps {
  readonly analytics: Pick<AnalyticsStore, 'customerPage'>;
  readonly segments: Pick<SegmentsStore, 'addMembers' | 'complete'>;
  readonly consent: ConsentCheck;
  /** Of these customer ids, the erased ones (their keyring record is a tombstone). */
  readonly erased: (customerIds: readonly string[]) => Promise<ReadonlySet<string>>;
  readonly clock: Clock;
  readonly newRunId: () => string;
}

export interface SegmentJobResult {
  readonly runId: string;
  readonly scored: number;
  readonly withoutConsent: number;
  readonly erased: number;
  readonly counts: SegmentCounts;
}

/** Scores every customer with counted orders and completes a run. */
export async function scoreSegments(deps: SegmentJobDeps): Promise<SegmentJobResult> {
  const now = deps.clock.now();
  const asOf = now.toISOString();
  const today = asOf.slice(0, 10);
  const runId = deps.newRunId();
  let counts = emptyCounts();
  let withoutConsent = 0;
  let erasedCount = 0;
  for (let shard = 0; shard < CUSTOMER_SHARDS; shard++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await deps.analytics.customerPage(`CUSTOMERS#${shard}`, startKey);
      startKey = page.next;
      const erased = await deps.erased(page.items.map((c) => c.customerId));
      const members: Array<{ customerId: string; segment: Segment }> = [];
      const consents = await mapLimited(page.items, CONSENT_READS_AT_ONCE, (c) => (erased.has(c.customerId) ? Promise.resolve(false) : deps.consent(c.customerId, 'analytics')));
      page.items.forEach((customer, i) => {
        if (erased.has(customer.customerId)) return void erasedCount++;
        if (!consents[i]) return void withoutConsent++;
        const place = classify(customer, today);
        if (!place) return;
        counts = countIn(counts, place.segment, place.stage);
        members.push({ customerId: customer.customerId, segment: place.segment });
      });
      await deps.segments.addMembers(runId, asOf, members);
    } while (startKey);
  }
  await deps.segments.complete({ runId, asOf, counts });
  return { runId, scored: counts.customers, withoutConsent, erased: erasedCount, counts };
}

/** `GET /admin/customers/segments`: the last run's counts. */
export async function segmentCounts(store: Pick<SegmentsStore, 'latest'>) {
  const run = await store.latest();
  const counts = run?.counts ?? emptyCounts();
  return { asOf: run?.asOf ?? null, customers: counts.customers, segments: counts.segments, lifecycle: counts.lifecycle };
}

/** `GET /admin/customers/segments/{segment}/customers`: a page of the last run's members who consent to marketing now. */
export async function segmentCustomers(
  deps: { store: Pick<SegmentsStore, 'latest' | 'members'>; consent: ConsentCheck },
  segment: Segment,
  page: { limit: number; cursor?: string },
) {
  if (!SEGMENTS.includes(segment)) return { items: [] };
  const run = await deps.store.latest();
  if (!run) return { items: [] };
  const members = await deps.store.members(run.runId, segment, page.limit, page.cursor);
  const consents = await mapLimited(members.items, CONSENT_READS_AT_ONCE, (id) => deps.consent(id, 'marketing'));
  return { items: members.items.filter((_, i) => consents[i]).map((customerId) => ({ customerId })), ...(members.nextCursor ? { nextCursor: members.nextCursor } : {}) };
}
