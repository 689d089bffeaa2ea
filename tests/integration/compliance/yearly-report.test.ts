/**
 * The yearly compliance report (CMP-2) against DynamoDB Local: generated from seeded findings of a
 * past year, rendered as HTML and a well-formed PDF, and its figures match the findings the API
 * lists for that year. Findings of other tests share the table, so the counts are compared with
 * what the findings list says, and the seeded ones are checked to be among them.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { seenIn } from '../../../functions/compliance/domain/yearly-report.ts';
import { DynamoDbFindingsRepository, type Finding } from '../../../functions/compliance/findings-repository.ts';
import { makeListFindingsHandler } from '../../../functions/compliance/handlers/list-findings.ts';
import { makeGenerateYearlyReportHandler } from '../../../functions/compliance/handlers/generate-yearly-report.ts';
import { makeGetComplianceReportHandler } from '../../../functions/compliance/handlers/get-compliance-report.ts';
import type { ReportStore } from '../../../functions/compliance/yearly-report.ts';
import { makeListPrivacyRequestsHandler } from '../../../functions/privacy/handlers/list-privacy-requests.ts';
import { dynamoPrivacyRequestStore, type PrivacyRequest, type PrivacyRequestStore } from '../../../functions/privacy/privacy-requests.ts';
import { privacyRequestsOfYear } from '../../../functions/privacy/requests-contract.ts';
import { manualClock } from '../../../shared/clock.ts';
import { apiEvent, claimsFor, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { expectWellFormedPdf } from '../../support/pdf.ts';

const YEAR = 2019;
let findings: DynamoDbFindingsRepository;
let privacy: PrivacyRequestStore;

/** Records a request received at `requestedAt`, served `servedAfterMs` later (or still running). */
async function seedRequest(kind: PrivacyRequest['kind'], requestedAt: string, servedAfterMs?: number): Promise<PrivacyRequest> {
  const request: PrivacyRequest = { requestId: ulid(), kind, customerId: `C-${ulid()}`, status: kind === 'ERASURE' ? 'ERASING' : 'EXPORTED', requestedAt };
  expect(await privacy.create(request)).toBe(true);
  if (servedAfterMs === undefined) return request;
  return privacy.complete(request, kind === 'ERASURE' ? 'ERASED' : 'EXPORTED', new Date(Date.parse(requestedAt) + servedAfterMs).toISOString());
}

/** What `GET /admin/privacy/requests?year=` lists for the year. */
async function privacyRequestsListed(year: number): Promise<PrivacyRequest[]> {
  const response = await makeListPrivacyRequestsHandler(() => privacy)(
    apiEvent({ method: 'GET', path: '/admin/privacy/requests', query: { year: String(year), limit: '100' }, claims: claimsFor('admin-1', 'admin') }),
    lambdaContext(),
  );
  expect(response.statusCode, response.body).toBe(200);
  return (JSON.parse(response.body) as { items: PrivacyRequest[] }).items;
}

function memoryStore(): ReportStore & { objects: Map<string, { body: string | Buffer; contentType: string }> } {
  const objects = new Map<string, { body: string | Buffer; contentType: string }>();
  return { objects, get: async (key) => objects.get(key)?.body.toString(), put: async (key, body, contentType) => void objects.set(key, { body, contentType }) };
}

const trail = {
  page: async () => ({
    items: [
      {
        seq: 1,
        at: `${YEAR}-03-01T00:00:00.000Z`,
        actor: 'cs-1',
        roles: ['cs-agent'],
        action: 'order.read-personal-data',
        resource: { type: 'order', id: ulid() },
        prevHash: '0',
        hash: '1',
      },
      {
        seq: 2,
        at: `${YEAR}-03-02T00:00:00.000Z`,
        actor: 'cs-1',
        roles: ['cs-agent'],
        action: 'order.read-personal-data',
        resource: { type: 'order', id: ulid() },
        prevHash: '1',
        hash: '2',
      },
      { seq: 3, at: `${YEAR}-03-03T00:00:00.000Z`, actor: 'ops-1', roles: ['ops'], action: 'product.update', resource: { type: 'product', id: 'SKU-1' }, prevHash: '2', hash: '3' },
    ],
  }),
};

async function listedForYear(): Promise<Finding[]> {
  const list = makeListFindingsHandler({ findings: () => findings });
  const out: Finding[] = [];
  let cursor: string | undefined;
  do {
    const response = await list(
      apiEvent({ method: 'GET', path: '/admin/compliance/findings', query: { limit: '100', ...(cursor ? { cursor } : {}) }, claims: claimsFor('admin-1', 'admin') }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body) as { items: Finding[]; nextCursor?: string };
    out.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return out.filter((f) => seenIn(f, YEAR));
}

describe('CMP-2 yearly compliance report against DynamoDB Local', () => {
  beforeAll(() => {
    const { tables } = useLocalDynamoDb();
    findings = new DynamoDbFindingsRepository(tables.compliance);
    privacy = dynamoPrivacyRequestStore(tables.privacy);
  });

  it('CMP-2: renders HTML and a well-formed PDF from seeded findings, and its figures match the findings the API lists', async () => {
    const scan = `report-test`;
    const critical = await findings.record(scan, { subject: `S-${ulid()}`, severity: 'critical', summary: 'plaintext phone in an order' }, new Date(`${YEAR}-02-01T00:00:00Z`));
    const high = await findings.record(scan, { subject: `S-${ulid()}`, severity: 'high', summary: 'listing with banned terms' }, new Date(`${YEAR}-05-01T00:00:00Z`));
    await findings.record(scan, { subject: `S-${ulid()}`, severity: 'medium', summary: 'unpaid order' }, new Date(`${YEAR}-06-01T00:00:00Z`));
    await findings.transition(high.finding.findingId, ['open'], 'resolved', { outcome: 'dismissed', by: 'reviewer-1', at: `${YEAR}-05-02T00:00:00.000Z` });
    // seen only the year before: not counted
    await findings.record(scan, { subject: `S-${ulid()}`, severity: 'low', summary: 'old' }, new Date(`${YEAR - 1}-06-01T00:00:00Z`));

    const store = memoryStore();
    const ports = {
      store,
      trail,
      privacyRequests: async () => [],
      verification: async () => ({ verifiedAt: `${YEAR}-12-31T23:00:00.000Z`, intact: true, entries: 3, breaks: [] }),
      clock: manualClock(`${YEAR + 1}-01-01T01:00:00.000Z`),
    };
    const generated = await makeGenerateYearlyReportHandler(ports)({}, lambdaContext(60_000));
    expect(generated.figures.year).toBe(YEAR);

    // the figures match what GET /admin/compliance/findings lists for that year
    const listed = await listedForYear();
    const figures = generated.figures;
    expect(figures.findings.total).toBe(listed.length);
    for (const severity of ['critical', 'high', 'medium', 'low'] as const) expect(figures.findings.bySeverity[severity]).toBe(listed.filter((f) => f.severity === severity).length);
    expect(figures.findings.byOutcome.dismissed).toBe(listed.filter((f) => f.resolution?.outcome === 'dismissed' && f.status === 'resolved').length);
    expect(figures.findings.byOutcome.dismissed).toBeGreaterThanOrEqual(1);
    expect(figures.scans.find((s) => s.scan === scan)).toMatchObject({ bySeverity: { critical: expect.any(Number), low: 0 } });
    expect(figures.incidents.map((i) => i.findingId)).toEqual(expect.arrayContaining([critical.finding.findingId, high.finding.findingId]));
    expect(figures.staffAccess).toEqual({ personalDataReads: 2, byAction: { 'order.read-personal-data': 2 } });
    expect(figures.auditChain).toEqual({ verifiedAt: `${YEAR}-12-31T23:00:00.000Z`, intact: true, entries: 3, breaks: 0 });
    expect(figures.privacyRequests).toEqual({
      received: 0,
      served: 0,
      byKind: { export: { received: 0, served: 0 }, erasure: { received: 0, served: 0 } },
      medianMsToServe: null,
      maxMsToServe: null,
    });

    // stored as JSON, HTML and PDF
    const html = String(store.objects.get(`compliance-reports/${YEAR}/report.html`)?.body);
    expect(html).toContain(`${YEAR} 数据安全合规年度报告`);
    expect(html).toContain('plaintext phone in an order');
    const pdf = store.objects.get(`compliance-reports/${YEAR}/report.pdf`);
    expect(pdf?.contentType).toBe('application/pdf');
    expectWellFormedPdf(pdf!.body as Buffer);
    expect((pdf!.body as Buffer).toString('latin1')).toContain(`(Total ${figures.findings.total}: critical ${figures.findings.bySeverity.critical}`);

    // the API returns the stored report of a finished year
    const response = await makeGetComplianceReportHandler(ports)(
      apiEvent({ method: 'GET', path: `/admin/compliance/reports/${YEAR}`, pathParameters: { year: String(YEAR) }, claims: claimsFor('admin-1', 'admin') }),
      lambdaContext(),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      figures,
      keys: { json: `compliance-reports/${YEAR}/report.json`, html: `compliance-reports/${YEAR}/report.html`, pdf: `compliance-reports/${YEAR}/report.pdf` },
    });
  });

  it("CMP-2, SEC-3: counts the year's export and erasure requests received and served, with the median and longest time to serve, as GET /admin/privacy/requests lists them", async () => {
    const year = 2013;
    process.env.PRIVACY_TABLE_NAME = useLocalDynamoDb().tables.privacy;
    const seeded = [
      await seedRequest('EXPORT', `${year}-01-01T00:00:00.000Z`, 1_000),
      await seedRequest('EXPORT', `${year}-06-15T08:00:00.000Z`, 3_000),
      await seedRequest('ERASURE', `${year}-09-01T12:00:00.000Z`, 60_000),
      await seedRequest('ERASURE', `${year}-12-31T23:59:59.999Z`),
    ];
    // received in the years around it: not counted
    await seedRequest('EXPORT', `${year - 1}-12-31T23:59:59.999Z`, 500);
    await seedRequest('ERASURE', `${year + 1}-01-01T00:00:00.000Z`, 90_000_000);

    // the report reads the requests through privacy's requests contract (one Query of the requests partition)
    const store = memoryStore();
    const ports = {
      store,
      trail: { page: async () => ({ items: [] }) },
      verification: async () => undefined,
      clock: manualClock(`${year + 1}-01-01T01:00:00.000Z`),
    };
    const figures = (await makeGenerateYearlyReportHandler(ports)({}, lambdaContext(60_000))).figures;

    // what the admin API lists for that year, figured independently
    const listed = await privacyRequestsListed(year);
    expect(listed.map((r) => r.requestId)).toEqual(expect.arrayContaining(seeded.map((r) => r.requestId)));
    expect(listed.every((r) => r.requestedAt.startsWith(`${year}-`))).toBe(true);
    const served = listed.filter((r) => r.completedAt !== undefined);
    const times = served.map((r) => r.durationMs!).sort((a, b) => a - b);
    const middle = Math.floor(times.length / 2);
    expect(figures.privacyRequests).toEqual({
      received: listed.length,
      served: served.length,
      byKind: {
        export: { received: listed.filter((r) => r.kind === 'EXPORT').length, served: served.filter((r) => r.kind === 'EXPORT').length },
        erasure: { received: listed.filter((r) => r.kind === 'ERASURE').length, served: served.filter((r) => r.kind === 'ERASURE').length },
      },
      medianMsToServe: times.length % 2 === 1 ? times[middle] : Math.round((times[middle - 1]! + times[middle]!) / 2),
      maxMsToServe: times.at(-1),
    });
    // the seeded year alone: 2 exports served (1 s, 3 s), 1 erasure served (60 s), 1 still erasing
    expect(figures.privacyRequests).toMatchObject({ received: 4, served: 3, byKind: { export: { received: 2, served: 2 }, erasure: { received: 2, served: 1 } } });
    expect(figures.privacyRequests).toMatchObject({ medianMsToServe: 3_000, maxMsToServe: 60_000 });
    expect(await privacyRequestsOfYear(year)).toHaveLength(listed.length);

    // rendered in the HTML and the PDF
    const html = String(store.objects.get(`compliance-reports/${year}/report.html`)?.body);
    expect(html).toContain('<td>删除 / erasure</td><td>2</td><td>1</td>');
    expect(html).toContain('<td>total</td><td>4</td><td>3</td><td>3.0 s</td><td>60.0 s</td>');
    const pdf = store.objects.get(`compliance-reports/${year}/report.pdf`)!.body as Buffer;
    expectWellFormedPdf(pdf);
    expect(pdf.toString('latin1')).toContain('(Time to serve: median 3.0 s, longest 60.0 s)');
  });
});
