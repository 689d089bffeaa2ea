/**
 * Compliance findings end to end through the local cloud (CMP-1, SEC-4): a listing saved with
 * banned advertising terms is reviewed at once (ProductChanged → review → a `banned-terms` finding),
 * listed through `GET /admin/compliance/findings`, confirmed by a content reviewer (audited; the
 * listing is taken down: shoppers get 404) and a second one dismissed; bad requests change nothing;
 * a content reviewer sees and resolves banned-terms findings only.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { api, poll, tokenFor } from '../../support/e2e.ts';

type Finding = { findingId: string; scan: string; subject: string; severity: string; status: string; resolution?: { outcome: string; by: string } };

const opsToken = () => tokenFor('e2e-ops-compliance', ['ops']);
const reviewerToken = () => tokenFor('e2e-content-reviewer', ['content-reviewer']);
const adminToken = () => tokenFor('e2e-admin-compliance', ['admin']);

async function listing(name: string): Promise<string> {
  const sku = `E2E-CMP-${ulid()}`;
  const created = await api(`/admin/products/${sku}`, {
    method: 'PUT',
    token: await opsToken(),
    json: { name, category: 'home', price: { amount: 9900, currency: 'CNY' }, attributes: { weightGrams: 300, valueClass: 'low' }, reason: 'e2e fixture' },
  });
  expect(created.status, created.text).toBe(201);
  return sku;
}

/** The open banned-terms finding of `sku`, once the review has recorded it (all pages). */
async function openFinding(sku: string): Promise<Finding> {
  const found = await poll(
    async () => {
      const token = await reviewerToken();
      let cursor: string | undefined;
      do {
        const page = await api(`/admin/compliance/findings?scan=banned-terms&status=open&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
        expect(page.status, page.text).toBe(200);
        const body = page.json as { items: Finding[]; nextCursor?: string };
        const found = body.items.find((f) => f.subject === sku);
        if (found) return found;
        cursor = body.nextCursor;
      } while (cursor);
      return undefined;
    },
    (value) => value !== undefined,
  );
  expect(found, `the banned-terms finding of ${sku}`).toBeDefined();
  return found!;
}

const resolve = async (findingId: string, json: unknown, token?: string) =>
  api(`/admin/compliance/findings/${encodeURIComponent(findingId)}/resolve`, {
    method: 'POST',
    token: token ?? (await reviewerToken()),
    json,
    headers: { 'Idempotency-Key': ulid() },
  });

describe('compliance findings through the API (CMP-1, SEC-4)', () => {
  it('CMP-1, SEC-4: a listing with banned terms becomes a high finding; a content reviewer confirms it (audited) and the listing is taken down', async () => {
    const sku = await listing('国家级 最有效 精华液');
    const finding = await openFinding(sku);
    expect(finding).toMatchObject({ scan: 'banned-terms', severity: 'high', status: 'open' });
    expect((await api(`/products/${sku}`)).status).toBe(200);

    const confirmed = await resolve(finding.findingId, { resolution: 'confirmed', note: 'absolute claims in the title' });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.json).toMatchObject({
      findingId: finding.findingId,
      status: 'confirmed',
      resolution: { outcome: 'confirmed', by: 'e2e-content-reviewer', note: 'absolute claims in the title' },
    });

    // the listing is down for shoppers
    expect((await api(`/products/${sku}`)).status).toBe(404);
    // audited: the take-down of the product, by the reviewer
    const trail = await api(`/admin/audit?resource=${encodeURIComponent(`product:${sku}`)}`, { token: await adminToken() });
    expect(trail.status, trail.text).toBe(200);
    expect((trail.json as { items: Array<{ action: string; actor: string }> }).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'product.take-down', actor: 'e2e-content-reviewer' })]),
    );

    // confirming again is a conflict; the confirmed finding is listed as confirmed
    expect((await resolve(finding.findingId, { resolution: 'confirmed' })).status).toBe(409);
    const listed = await api(`/admin/compliance/findings?scan=banned-terms&status=confirmed&limit=100`, { token: await adminToken() });
    expect(listed.status).toBe(200);
  });

  it('CMP-1: a dismissed finding is resolved with who and why; bad requests are 4xx and change nothing', async () => {
    const sku = await listing('最佳 茶具 套装');
    const finding = await openFinding(sku);

    expect((await resolve(finding.findingId, { resolution: 'ignored' })).status).toBe(400);
    expect((await resolve('not a finding id', { resolution: 'dismissed' })).status).toBe(400);
    expect((await resolve(`banned-terms~${Buffer.from(`E2E-CMP-${ulid()}`).toString('base64url')}`, { resolution: 'dismissed' })).status).toBe(404);
    expect((await api(`/admin/compliance/findings?status=wrong`, { token: await adminToken() })).status).toBe(400);
    // SEC-1: a content reviewer handles listings only — other scans' findings (audit chain, ledger, plaintext data) are the administrators'.
    expect((await api(`/admin/compliance/findings?scan=audit-chain`, { token: await reviewerToken() })).status).toBe(403);
    const reviewersView = await api(`/admin/compliance/findings?limit=100`, { token: await reviewerToken() });
    expect(reviewersView.status).toBe(200);
    expect((reviewersView.json as { items: Finding[] }).items.every((f) => f.scan === 'banned-terms')).toBe(true);
    expect(await openFinding(sku)).toMatchObject({ status: 'open' });

    const dismissed = await resolve(finding.findingId, { resolution: 'dismissed', note: 'brand name, not a claim' }, await adminToken());
    expect(dismissed.status, dismissed.text).toBe(200);
    expect(dismissed.json).toMatchObject({ status: 'resolved', resolution: { outcome: 'dismissed', by: 'e2e-admin-compliance' } });
    // dismissed, the listing stays up
    expect((await api(`/products/${sku}`)).status).toBe(200);
  });
});
