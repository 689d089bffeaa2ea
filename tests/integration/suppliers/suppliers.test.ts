/**
 * Suppliers against DynamoDB Local and the local KMS audit key (SUP-1, CMP-1), through the route
 * handlers with a manual clock: put (created, replaced, audited before it takes effect, refused
 * when invalid), deliveries moving the scorecard and tier, the review and termination triggers
 * audited as system actions, the licence sweep suspending at expiry, and both compliance scans —
 * a planted defect is found, clean data yields nothing. The suppliers' partition is shared by the
 * run, so assertions look at this file's unique ids only.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { manualClock } from '../../../shared/clock.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { singleSourceSkusScan } from '../../../functions/compliance/scans/single-source-skus.ts';
import { supplierLicencesScan } from '../../../functions/compliance/scans/supplier-licences.ts';
import type { FindingDraft } from '../../../functions/compliance/scans/compliance-scan.ts';
import { makeGetSupplierHandler } from '../../../functions/suppliers/handlers/get-supplier.ts';
import { makeListSuppliersHandler } from '../../../functions/suppliers/handlers/list-suppliers.ts';
import { makePutSupplierHandler } from '../../../functions/suppliers/handlers/put-supplier.ts';
import { makeRecordSupplierDeliveryHandler } from '../../../functions/suppliers/handlers/record-supplier-delivery.ts';
import { makeSuspendExpiredLicencesHandler } from '../../../functions/suppliers/handlers/suspend-expired-licences.ts';
import { supplierDirectory } from '../../../functions/suppliers/supplier-contract.ts';
import { SupplierRepository } from '../../../functions/suppliers/supplier-repository.ts';
import { apiEvent, claimsFor, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

// 2026-11-26 in China all day long (10:00 UTC = 18:00 CST).
const clock = manualClock('2026-11-26T10:00:00.000Z');
let failingAudit = false;
const ports = {
  clock,
  audit: (): AuditLog => {
    const real = auditLogFromEnv();
    return { record: async (event) => (failingAudit ? Promise.reject(new Error('audit unavailable')) : real.record(event)) };
  },
};
let tables: ReturnType<typeof useLocalDynamoDb>['tables'];
let repository: SupplierRepository;

const h = {
  put: makePutSupplierHandler(ports),
  list: makeListSuppliersHandler(ports),
  get: makeGetSupplierHandler(ports),
  deliver: makeRecordSupplierDeliveryHandler(ports),
  sweep: makeSuspendExpiredLicencesHandler(ports),
};
const OPS: [string, string] = ['ops-lead-1', 'ops'];

// Response bodies are read field by field in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

async function call(
  handler: HttpLambdaHandler,
  c: { method: string; resource: string; path?: Record<string, string>; body?: unknown; query?: Record<string, string>; as?: [string, ...string[]] },
): Promise<{ status: number; body: Body }> {
  const [sub, ...roles] = c.as ?? OPS;
  const path = c.resource.replace(/\{(\w+)\}/g, (_m, p: string) => c.path?.[p] ?? '');
  const response = await handler(
    apiEvent({
      method: c.method,
      path,
      resource: c.resource,
      ...(c.path ? { pathParameters: c.path } : {}),
      ...(c.query ? { query: c.query } : {}),
      ...(c.body !== undefined ? { body: c.body } : {}),
      headers: { 'Idempotency-Key': ulid() },
      claims: claimsFor(sub, ...roles),
    }),
    lambdaContext(),
  );
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : {} };
}

const uniqueSku = (tag: string) => `SUP-${tag}-${ulid().slice(-10)}`;
const licence = (expiresOn: string, kind = 'business-licence') => ({ kind, number: `91310000${ulid().slice(-10)}`, issuer: '上海市市场监督管理局', expiresOn });
const supplier = (skus: Array<{ sku: string; core: boolean }>, extra: Record<string, unknown> = {}) => ({
  name: '杭州龙井茶业有限公司',
  licences: [licence('2028-06-30')],
  skus,
  ...extra,
});
const put = (supplierId: string, body: unknown, as?: [string, ...string[]]) =>
  call(h.put, { method: 'PUT', resource: '/admin/suppliers/{supplierId}', path: { supplierId }, body, ...(as ? { as } : {}) });
const get = (supplierId: string) => call(h.get, { method: 'GET', resource: '/admin/suppliers/{supplierId}', path: { supplierId } });
const deliver = (supplierId: string, body: Record<string, unknown>) =>
  call(h.deliver, { method: 'POST', resource: '/admin/suppliers/{supplierId}/deliveries', path: { supplierId }, body });
const onTime = (sku: string, inspection = 'passed') => ({ sku, units: 120, promisedOn: '2026-11-20', receivedOn: '2026-11-20', inspection });
const late = (sku: string, inspection = 'passed') => ({ sku, units: 120, promisedOn: '2026-11-20', receivedOn: '2026-11-22', inspection });
const trail = (supplierId: string) => auditLogFromEnv().page({ limit: 50, resource: { type: 'supplier', id: supplierId } });
const scanContext = (now = clock.now()) => ({ now, shouldStop: () => false });
const about = (findings: readonly FindingDraft[], ids: readonly string[]) => findings.filter((f) => ids.some((id) => f.subject === id || f.subject.startsWith(`${id}/`)));

beforeAll(() => {
  ({ tables } = useLocalDynamoDb());
  repository = new SupplierRepository(tables.suppliers);
});

describe('SUP-1 supplier records against DynamoDB Local', () => {
  it('SUP-1: PUT creates (201, active, approved, empty scorecard) and replaces (200, scorecard kept); audited before; GET one and the list show scorecard and tier', async () => {
    const id = `sup-${ulid().toLowerCase()}`;
    const sku = uniqueSku('A');
    const created = await put(id, supplier([{ sku, core: true }], { review: { nextDueOn: '2027-03-01', lastReviewedOn: '2026-03-01', lastOutcome: 'passed' } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      supplierId: id,
      status: 'active',
      statusReason: 'staff',
      tier: 'approved',
      version: 1,
      scorecard: { deliveries: 0, onTimeRateBp: null, delayRateBp: null, qualityPassRateBp: null },
      skus: [{ sku, core: true }],
    });
    expect((await deliver(id, onTime(sku))).status).toBe(201);
    const replaced = await put(
      id,
      supplier(
        [
          { sku, core: true },
          { sku: uniqueSku('B'), core: false },
        ],
        { name: '杭州龙井茶业（集团）有限公司' },
      ),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      name: '杭州龙井茶业（集团）有限公司',
      status: 'active',
      version: 3,
      scorecard: { deliveries: 1, onTimeRateBp: 10_000, qualityPassRateBp: 10_000 },
    });
    expect(replaced.body.review).toBeUndefined();
    const one = await get(id);
    expect(one.body).toMatchObject({
      supplierId: id,
      tier: 'approved',
      scorecard: { deliveries: 1 },
      recentDeliveries: [{ sku, late: false, inspection: 'passed', units: 120, recordedBy: 'ops-lead-1' }],
    });
    let listed: Record<string, unknown> | undefined;
    let cursor: string | undefined;
    do {
      const page = await call(h.list, { method: 'GET', resource: '/admin/suppliers', query: { limit: '100', ...(cursor ? { cursor } : {}) } });
      expect(page.status).toBe(200);
      listed ??= page.body.items.find((s: { supplierId: string }) => s.supplierId === id);
      cursor = page.body.nextCursor;
    } while (cursor && !listed);
    expect(listed).toMatchObject({ supplierId: id, tier: 'approved', scorecard: { deliveries: 1, onTimeRateBp: 10_000 } });
    const entries = (await trail(id)).items.map((e) => ({ action: e.action, actor: e.actor }));
    expect(entries).toEqual(
      expect.arrayContaining([
        { action: 'supplier.create', actor: 'ops-lead-1' },
        { action: 'supplier.record-delivery', actor: 'ops-lead-1' },
        { action: 'supplier.update', actor: 'ops-lead-1' },
      ]),
    );
  });

  it('SUP-1: bad input is a 4xx that changes nothing — invalid bodies, an expired licence on an active supplier, an unknown SKU, a future delivery, an unknown supplier, a non-ops caller; a failed audit stops the change', async () => {
    const id = `sup-${ulid().toLowerCase()}`;
    const sku = uniqueSku('C');
    expect((await put(id, supplier([{ sku, core: false }]))).status).toBe(201);
    const before = await repository.get(id);
    for (const body of [
      { ...supplier([{ sku, core: false }]), name: '' },
      { ...supplier([{ sku, core: false }]), status: 'gone' },
      supplier([
        { sku, core: false },
        { sku, core: true },
      ]),
      { ...supplier([{ sku: 'lower-case', core: false }]) },
      { ...supplier([{ sku, core: false }]), licences: [licence('2027-02-30')] },
      { ...supplier([{ sku, core: false }]), extra: true },
    ]) {
      const res = await put(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    // an expired licence (valid until yesterday) cannot be active…
    const expired = await put(id, { ...supplier([{ sku, core: false }]), licences: [licence('2026-11-25')] });
    expect(expired.status).toBe(409);
    // …but the supplier can be recorded as suspended with it
    expect((await put(`sup-${ulid().toLowerCase()}`, { ...supplier([{ sku, core: false }]), status: 'suspended', licences: [licence('2026-11-25')] })).status).toBe(201);
    expect((await deliver(id, onTime(uniqueSku('NOT-SUPPLIED')))).status).toBe(400);
    expect((await deliver(id, { ...onTime(sku), receivedOn: '2026-11-27' })).status).toBe(400);
    expect((await deliver(id, { ...onTime(sku), units: 0 })).status).toBe(400);
    expect((await deliver(id, { ...onTime(sku), inspection: 'maybe' })).status).toBe(400);
    expect((await deliver(`sup-${ulid().toLowerCase()}`, onTime(sku))).status).toBe(404);
    expect((await get(`sup-${ulid().toLowerCase()}`)).status).toBe(404);
    expect((await put(id, supplier([{ sku, core: false }]), ['agent-1', 'cs-agent'])).status).toBe(403);
    failingAudit = true;
    try {
      expect((await put(id, { ...supplier([{ sku, core: false }]), status: 'blocklisted' })).status).toBe(500);
      expect((await deliver(id, late(sku, 'failed'))).status).toBe(500);
    } finally {
      failingAudit = false;
    }
    expect(await repository.get(id)).toEqual(before);
    expect(await repository.recentDeliveries(id, 10)).toEqual([]);
  });
});

describe('SUP-1 scorecard triggers', () => {
  it('SUP-1: a delay rate of exactly 15 % leaves the supplier active; above it the supplier goes under review, audited as a system action before it took effect', async () => {
    const id = `sup-${ulid().toLowerCase()}`;
    const sku = uniqueSku('D');
    await put(id, supplier([{ sku, core: false }]));
    // 17 on time, 3 late: 15 % exactly
    for (let i = 0; i < 17; i++) expect((await deliver(id, onTime(sku))).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await deliver(id, late(sku))).body.triggered).toBeUndefined();
    const at15 = await get(id);
    expect(at15.body).toMatchObject({ status: 'active', scorecard: { deliveries: 20, late: 3, delayRateBp: 1_500, onTimeRateBp: 8_500 } });
    expect(at15.body.tier).not.toBe('probation');
    // one more late: 4/21 = 19.04 %
    const over = await deliver(id, late(sku));
    expect(over.body).toMatchObject({
      triggered: { to: 'under-review', reason: 'delay-rate-above-threshold' },
      supplier: { status: 'under-review', statusReason: 'delay-rate-above-threshold', tier: 'probation', scorecard: { deliveries: 21, late: 4, delayRateBp: 1_904 } },
    });
    const entries = (await trail(id)).items;
    expect(entries.find((e) => e.action === 'supplier.flag-for-review')).toMatchObject({
      actor: 'system:supplier-scorecard',
      reason: 'delay-rate-above-threshold',
      details: expect.objectContaining({ previousStatus: 'active', deliveries: 21, late: 4 }),
    });
  });

  it('SUP-1: two failed inspections in total do not end the relationship; two in a row do (terminated, audited)', async () => {
    const id = `sup-${ulid().toLowerCase()}`;
    const sku = uniqueSku('E');
    await put(id, supplier([{ sku, core: false }]));
    expect((await deliver(id, onTime(sku, 'failed'))).body.supplier).toMatchObject({ status: 'active', tier: 'probation', scorecard: { consecutiveFailedInspections: 1 } });
    expect((await deliver(id, onTime(sku, 'passed'))).body.supplier.scorecard.consecutiveFailedInspections).toBe(0);
    const second = await deliver(id, onTime(sku, 'failed'));
    expect(second.body.triggered).toBeUndefined();
    expect(second.body.supplier).toMatchObject({ status: 'active', scorecard: { inspected: 3, failedInspections: 2, consecutiveFailedInspections: 1, qualityPassRateBp: 3_333 } });
    // not inspected: the run goes on
    expect((await deliver(id, onTime(sku, 'not-inspected'))).body.supplier.status).toBe('active');
    const third = await deliver(id, onTime(sku, 'failed'));
    expect(third.body).toMatchObject({
      triggered: { to: 'terminated', reason: 'consecutive-failed-inspections' },
      supplier: { status: 'terminated', scorecard: { consecutiveFailedInspections: 2 } },
    });
    expect((await repository.get(id))!.status).toBe('terminated');
    expect((await trail(id)).items.find((e) => e.action === 'supplier.terminate')).toMatchObject({ actor: 'system:supplier-scorecard', reason: 'consecutive-failed-inspections' });
  });
});

describe('SUP-1, CMP-1 licences: the suspension sweep and the supplier-licences scan', () => {
  it('CMP-1: supplier-licences — medium 30 days ahead, high 7 days ahead and once expired, low for an overdue annual review; far-off licences and ended suppliers report nothing', async () => {
    const ids = {
      in30: `sup-${ulid().toLowerCase()}`,
      in7: `sup-${ulid().toLowerCase()}`,
      clean: `sup-${ulid().toLowerCase()}`,
      ended: `sup-${ulid().toLowerCase()}`,
      review: `sup-${ulid().toLowerCase()}`,
    };
    const sku = uniqueSku('F');
    const l30 = licence('2026-12-26'); // 30 days after 2026-11-26
    const l31 = licence('2026-12-27', 'food-production'); // 31 days: not yet
    const l7 = licence('2026-12-03', 'food-operation'); // 7 days
    await put(ids.in30, { ...supplier([{ sku, core: false }]), licences: [l30, l31] });
    await put(ids.in7, { ...supplier([{ sku, core: false }]), licences: [l7] });
    await put(ids.clean, { ...supplier([{ sku, core: false }]), licences: [licence('2027-11-26')], review: { nextDueOn: '2026-11-26' } });
    await put(ids.ended, { ...supplier([{ sku, core: false }]), status: 'terminated', licences: [licence('2026-11-25')] });
    await put(ids.review, { ...supplier([{ sku, core: false }]), licences: [licence('2027-11-26')], review: { nextDueOn: '2026-11-25' } });
    const scan = supplierLicencesScan(() => supplierDirectory(tables.suppliers));
    expect(scan.id).toBe('supplier-licences');
    const result = await scan.run(scanContext());
    expect(result.complete).toBe(true);
    expect(result.examined).toBeGreaterThanOrEqual(5);
    const mine = about(result.findings, Object.values(ids));
    expect(mine.map((f) => [f.subject, f.severity]).sort()).toEqual(
      [
        [`${ids.in30}/business-licence/${l30.number}`, 'medium'],
        [`${ids.in7}/food-operation/${l7.number}`, 'high'],
        [`${ids.review}/annual-review`, 'low'],
      ].sort(),
    );
    expect(mine.find((f) => f.severity === 'high')).toMatchObject({ details: { daysLeft: 7, expiresOn: '2026-12-03' } });
    // Nothing personal, nothing but ids and dates in the drafts.
    expect(JSON.stringify(mine)).not.toContain('杭州');
    // A week on (China time), the 7-day licence has 0 days left, then is expired: still high.
    const later = await scan.run(scanContext(new Date('2026-12-03T16:00:00.000Z')));
    expect(about(later.findings, [ids.in7])).toEqual([expect.objectContaining({ severity: 'high', summary: expect.stringContaining('expired on 2026-12-03') })]);
  });

  it('SUP-1: at expiry the daily sweep suspends suppliers still trading (audited as a system action); clean, suspended and ended suppliers are left alone', async () => {
    const ids = { expiring: `sup-${ulid().toLowerCase()}`, reviewed: `sup-${ulid().toLowerCase()}`, clean: `sup-${ulid().toLowerCase()}`, ended: `sup-${ulid().toLowerCase()}` };
    const sku = uniqueSku('G');
    await put(ids.expiring, { ...supplier([{ sku, core: true }]), licences: [licence('2026-11-30'), licence('2028-01-01', 'food-production')] });
    await put(ids.reviewed, { ...supplier([{ sku, core: true }]), status: 'under-review', licences: [licence('2026-11-30')] });
    await put(ids.clean, { ...supplier([{ sku, core: true }]), licences: [licence('2026-12-01')] });
    await put(ids.ended, { ...supplier([{ sku, core: true }]), status: 'blocklisted', licences: [licence('2026-11-30')] });
    // Last valid day, 23:59 in China: nothing yet.
    clock.set('2026-11-30T15:59:00.000Z');
    await h.sweep({}, lambdaContext());
    expect((await repository.get(ids.expiring))!.status).toBe('active');
    // 00:05 China time the next day.
    clock.set('2026-11-30T16:05:00.000Z');
    const summary = (await h.sweep({}, lambdaContext())) as { suspended: number; complete: boolean };
    expect(summary.complete).toBe(true);
    expect(summary.suspended).toBeGreaterThanOrEqual(2);
    expect(await repository.get(ids.expiring)).toMatchObject({ status: 'suspended', statusReason: 'licence-expired', updatedBy: 'system:supplier-licences' });
    expect((await repository.get(ids.reviewed))!.status).toBe('suspended');
    expect((await repository.get(ids.clean))!.status).toBe('active');
    expect((await repository.get(ids.ended))!.status).toBe('blocklisted');
    expect((await trail(ids.expiring)).items.find((e) => e.action === 'supplier.suspend')).toMatchObject({
      actor: 'system:supplier-licences',
      reason: 'licence-expired',
      details: expect.objectContaining({ previousStatus: 'active', today: '2026-12-01' }),
    });
    expect((await trail(ids.clean)).items.some((e) => e.action === 'supplier.suspend')).toBe(false);
    // Run again: nothing new to suspend for these.
    await h.sweep({}, lambdaContext());
    expect((await trail(ids.expiring)).items.filter((e) => e.action === 'supplier.suspend')).toHaveLength(1);
    clock.set('2026-11-26T10:00:00.000Z');
  });
});

describe('SUP-1 single-source-skus scan', () => {
  it('SUP-1: a core SKU with one active supplier is medium, with none high; two active suppliers, or a SKU nobody marks core, report nothing', async () => {
    const [single, none, dual, notCore] = [uniqueSku('SINGLE'), uniqueSku('NONE'), uniqueSku('DUAL'), uniqueSku('NOTCORE')];
    const s = Array.from({ length: 5 }, () => `sup-${ulid().toLowerCase()}`);
    await put(
      s[0]!,
      supplier([
        { sku: single, core: true },
        { sku: dual, core: true },
        { sku: notCore, core: false },
      ]),
    );
    await put(s[1]!, supplier([{ sku: dual, core: false }])); // core once is core
    await put(s[2]!, supplier([{ sku: single, core: true }]));
    await put(s[2]!, { ...supplier([{ sku: single, core: true }]), status: 'under-review' }); // not a source while under review
    await put(s[3]!, { ...supplier([{ sku: none, core: true }]), status: 'suspended' });
    await put(s[4]!, { ...supplier([{ sku: none, core: true }]), status: 'blocklisted' });
    const scan = singleSourceSkusScan(() => supplierDirectory(tables.suppliers));
    expect(scan.id).toBe('single-source-skus');
    const result = await scan.run(scanContext());
    expect(result.complete).toBe(true);
    const mine = result.findings.filter((f) => [single, none, dual, notCore].includes(f.subject));
    expect(mine).toEqual(
      [
        expect.objectContaining({ subject: none, severity: 'high', details: { activeSuppliers: 0 } }),
        expect.objectContaining({ subject: single, severity: 'medium', details: { activeSuppliers: 1, supplierId: s[0] } }),
      ].sort((a, b) => (a.subject < b.subject ? -1 : 1)),
    );
    // Fixed: a second active source for each → clean.
    await put(s[2]!, {
      ...supplier([
        { sku: single, core: true },
        { sku: none, core: true },
      ]),
      status: 'active',
    });
    await put(`sup-${ulid().toLowerCase()}`, supplier([{ sku: none, core: true }]));
    const after = await scan.run(scanContext());
    expect(after.findings.filter((f) => [single, none, dual, notCore].includes(f.subject))).toEqual([]);
  });

  it('SUP-1: a scan told to stop reports incomplete (and single-source-skus no partial findings)', async () => {
    await put(`sup-${ulid().toLowerCase()}`, supplier([{ sku: uniqueSku('STOP'), core: true }]));
    const stop = { now: clock.now(), shouldStop: () => true };
    expect(await singleSourceSkusScan(() => supplierDirectory(tables.suppliers)).run(stop)).toMatchObject({ complete: false, findings: [] });
    expect((await supplierLicencesScan(() => supplierDirectory(tables.suppliers)).run(stop)).complete).toBe(false);
  });
});
