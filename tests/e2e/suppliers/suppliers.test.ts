/**
 * Suppliers over the local cloud's HTTP API (SUP-1): ops put a supplier, record deliveries with
 * their inspections, and read the scorecard and tier — in the supplier and in the list; a delay
 * rate above 15 % puts it under review; bad input is a 4xx that changes nothing; other staff roles
 * are refused. The daily licence sweep runs on the local cloud.
 */
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, invoke, tokenFor } from '../../support/e2e.ts';

let ops: string;
let agent: string;

/** A day in China time, `offset` days from today. */
const chinaDay = (offset = 0) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
const put = (supplierId: string, json: unknown, token = ops) => api(`/admin/suppliers/${supplierId}`, { method: 'PUT', token, json, headers: { 'Idempotency-Key': ulid() } });
const deliver = (supplierId: string, json: unknown) =>
  api(`/admin/suppliers/${supplierId}/deliveries`, { method: 'POST', token: ops, json, headers: { 'Idempotency-Key': ulid() } });

beforeAll(async () => {
  [ops, agent] = await Promise.all([tokenFor(`e2e-ops-suppliers-${ulid()}`, ['ops']), tokenFor(`e2e-agent-suppliers-${ulid()}`, ['cs-agent'])]);
});

describe('SUP-1 suppliers end to end', () => {
  it('SUP-1: PUT a supplier → record deliveries → GET shows scorecard and tier; above 15 % delay it goes under review', async () => {
    const supplierId = `e2e-sup-${ulid().toLowerCase()}`;
    const sku = `E2E-TEA-${ulid().slice(-8)}`;
    const body = {
      name: '云南普洱茶厂',
      licences: [{ kind: 'food-production', number: `SC${ulid().slice(-12)}`, issuer: '云南省市场监督管理局', expiresOn: '2030-12-31' }],
      skus: [{ sku, core: true }],
      review: { nextDueOn: chinaDay(200) },
    };
    const created = await put(supplierId, body);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ supplierId, status: 'active', tier: 'approved', scorecard: { deliveries: 0, delayRateBp: null } });

    const yesterday = chinaDay(-1);
    const twoDaysAgo = chinaDay(-2);
    for (let i = 0; i < 6; i++) {
      const res = await deliver(supplierId, { sku, units: 50, promisedOn: yesterday, receivedOn: twoDaysAgo, inspection: 'passed' });
      expect(res.status).toBe(201);
      expect(res.json.triggered).toBeUndefined();
    }
    // one late of seven: 14.28 % — still active
    const lateOne = await deliver(supplierId, { sku, units: 50, promisedOn: twoDaysAgo, receivedOn: yesterday, inspection: 'not-inspected' });
    expect(lateOne.status).toBe(201);
    expect(lateOne.json).toMatchObject({
      delivery: { late: true },
      supplier: { status: 'active', scorecard: { deliveries: 7, late: 1, delayRateBp: 1_428, onTimeRateBp: 8_571, qualityPassRateBp: 10_000 } },
    });

    const one = await api(`/admin/suppliers/${supplierId}`, { token: ops });
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ supplierId, name: '云南普洱茶厂', status: 'active', tier: 'approved', scorecard: { deliveries: 7, inspected: 6, failedInspections: 0 } });
    expect((one.json.recentDeliveries as unknown[]).length).toBe(7);

    const list = await api('/admin/suppliers?limit=100&status=active', { token: ops });
    expect(list.status).toBe(200);
    expect(Array.isArray(list.json.items)).toBe(true);

    // a second late: 2 of 8 = 25 % → under review
    const secondLate = await deliver(supplierId, { sku, units: 50, promisedOn: twoDaysAgo, receivedOn: yesterday, inspection: 'passed' });
    expect(secondLate.json).toMatchObject({
      triggered: { to: 'under-review', reason: 'delay-rate-above-threshold' },
      supplier: { status: 'under-review', tier: 'probation', scorecard: { delayRateBp: 2_500 } },
    });
    expect((await api(`/admin/suppliers/${supplierId}`, { token: ops })).json).toMatchObject({ status: 'under-review', statusReason: 'delay-rate-above-threshold' });
  });

  it('SUP-1: bad input → 4xx and nothing changes; non-ops staff are refused', async () => {
    const supplierId = `e2e-sup-${ulid().toLowerCase()}`;
    const sku = `E2E-TEA-${ulid().slice(-8)}`;
    const good = {
      name: '福建白茶合作社',
      licences: [{ kind: 'business-licence', number: `9135${ulid().slice(-12)}`, issuer: '福鼎市市场监督管理局', expiresOn: '2030-06-30' }],
      skus: [{ sku, core: false }],
    };
    expect((await put(supplierId, good)).status).toBe(201);
    const before = (await api(`/admin/suppliers/${supplierId}`, { token: ops })).json;

    expect((await put(supplierId, { ...good, licences: [{ ...good.licences[0], expiresOn: '2030-02-30' }] })).status).toBe(400);
    expect((await put(supplierId, { ...good, skus: [{ sku: 'bad sku', core: true }] })).status).toBe(400);
    expect((await put(supplierId, { ...good, licences: [{ ...good.licences[0], expiresOn: chinaDay(-1) }] })).status).toBe(409);
    expect((await put('bad id!', good)).status).toBe(400);
    expect((await deliver(supplierId, { sku, units: -1, promisedOn: chinaDay(-1), receivedOn: chinaDay(-1), inspection: 'passed' })).status).toBe(400);
    expect((await deliver(supplierId, { sku, units: 1, promisedOn: chinaDay(-1), receivedOn: chinaDay(2), inspection: 'passed' })).status).toBe(400);
    expect((await deliver(supplierId, { sku: 'E2E-OTHER-SKU', units: 1, promisedOn: chinaDay(-1), receivedOn: chinaDay(-1), inspection: 'passed' })).status).toBe(400);
    expect((await deliver(`e2e-sup-${ulid().toLowerCase()}`, { sku, units: 1, promisedOn: chinaDay(-1), receivedOn: chinaDay(-1), inspection: 'passed' })).status).toBe(404);
    expect((await put(supplierId, { ...good, status: 'blocklisted' }, agent)).status).toBe(403);
    expect((await api('/admin/suppliers', { token: agent })).status).toBe(403);

    expect((await api(`/admin/suppliers/${supplierId}`, { token: ops })).json).toEqual(before);
  });

  it('SUP-1: the daily licence sweep runs on the local cloud and leaves suppliers with valid licences trading', async () => {
    const supplierId = `e2e-sup-${ulid().toLowerCase()}`;
    const sku = `E2E-TEA-${ulid().slice(-8)}`;
    expect(
      (
        await put(supplierId, {
          name: '安徽祁门红茶厂',
          licences: [{ kind: 'business-licence', number: `9134${ulid().slice(-12)}`, issuer: '祁门县市场监督管理局', expiresOn: chinaDay(1) }],
          skus: [{ sku, core: true }],
        })
      ).status,
    ).toBe(201);
    const summary = await invoke('SuspendExpiredLicencesFunction', {});
    expect(summary).toMatchObject({ complete: true });
    expect(Number(summary.examined)).toBeGreaterThanOrEqual(1);
    // valid through tomorrow (China time): still active
    expect((await api(`/admin/suppliers/${supplierId}`, { token: ops })).json).toMatchObject({ status: 'active' });
  });
});
