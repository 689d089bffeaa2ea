/**
 * RISK-4…RISK-7 and SEC-4 against DynamoDB Local: the review queue and analyst decisions (409 on a
 * second decision, idempotent retries), rules with maker-checker, every change audited, the daily
 * false-positive rate, the risk-event store, profiles and blocklists — through the HTTP handlers.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { DynamoDbAssessmentStore, type Assessment } from '../../../functions/fraud/assessment-store.ts';
import { DynamoDbSignalStore } from '../../../functions/fraud/signal-store.ts';
import { makeApproveRiskRuleChangeHandler } from '../../../functions/fraud/handlers/approve-risk-rule-change.ts';
import { makeCreateRiskRuleHandler } from '../../../functions/fraud/handlers/create-risk-rule.ts';
import { makeDecideReviewHandler } from '../../../functions/fraud/handlers/decide-review.ts';
import { makeDeleteBlocklistEntryHandler } from '../../../functions/fraud/handlers/delete-blocklist-entry.ts';
import { makeDisableRiskRuleHandler } from '../../../functions/fraud/handlers/disable-risk-rule.ts';
import { handler as serveQueries } from '../../../functions/fraud/handlers/serve-risk-queries.ts';
import { makePutBlocklistEntryHandler } from '../../../functions/fraud/handlers/put-blocklist-entry.ts';
import { makeRejectRiskRuleChangeHandler } from '../../../functions/fraud/handlers/reject-risk-rule-change.ts';
import { makeUpdateRiskRuleHandler } from '../../../functions/fraud/handlers/update-risk-rule.ts';
import { normaliseFeatures } from '../../../functions/fraud/domain/features.ts';
import { DynamoDbAuditLog } from '../../../shared/audit.ts';
import type { EventPublisher } from '../../../shared/events.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

const published: DomainEvent[] = [];
const events = (): EventPublisher => ({ publish: async (list) => void published.push(...list) });

const decide = makeDecideReviewHandler({ events });
const createRule = makeCreateRiskRuleHandler();
const updateRule = makeUpdateRiskRuleHandler();
const disableRule = makeDisableRiskRuleHandler();
const approveChange = makeApproveRiskRuleChangeHandler();
const rejectChange = makeRejectRiskRuleChangeHandler();
const putBlock = makePutBlocklistEntryHandler();
const deleteBlock = makeDeleteBlocklistEntryHandler();

const ANA = claimsFor('ana', 'risk-analyst');
const BOB = claimsFor('bob', 'risk-analyst');

type Call = {
  method: string;
  path: string;
  resource: string;
  pathParameters?: Record<string, string>;
  body?: unknown;
  query?: Record<string, string>;
  claims?: Record<string, string> | null;
  key?: string;
};
const call = (handler: typeof decide, c: Call) =>
  handler(
    apiEvent({
      method: c.method,
      path: c.path,
      resource: c.resource,
      ...(c.pathParameters ? { pathParameters: c.pathParameters } : {}),
      ...(c.body !== undefined ? { body: c.body } : {}),
      ...(c.query ? { query: c.query } : {}),
      ...(c.claims === null ? {} : { claims: c.claims ?? ANA }),
      headers: c.key ? { 'Idempotency-Key': c.key } : {},
    }),
    lambdaContext(),
  );
const query = (path: string, resource: string, q?: Record<string, string>, pathParameters?: Record<string, string>, claims: Record<string, string> = ANA) =>
  call(serveQueries, { method: 'GET', path, resource, ...(q ? { query: q } : {}), ...(pathParameters ? { pathParameters } : {}), claims });

let store: DynamoDbAssessmentStore;
let audit: DynamoDbAuditLog;
let signals: DynamoDbSignalStore;

/** Stores an assessment the rules sent to review (as the consumer does). */
async function reviewedOrder(at = new Date().toISOString(), customerId = `c-${ulid()}`): Promise<Assessment> {
  const orderId = ulid();
  const a: Assessment = {
    assessmentId: ulid(),
    orderId,
    customerId,
    placedAt: at,
    assessedAt: at,
    amount: { amount: 300_000, currency: 'CNY' },
    features: { ...normaliseFeatures({ amount: 300_000, accountAgeHours: 0 }) },
    score: 0,
    level: 'medium',
    decision: 'review',
    fired: [{ ruleId: 'new-account-high-value', version: 1, contribution: 0, action: 'review' }],
    signals: { emailDomain: 'example.com', emailHash: 'a'.repeat(64), phoneHash: 'b'.repeat(64), addressHash: 'c'.repeat(64) },
    review: { status: 'pending', queuedAt: at },
  };
  expect(await store.create(a, { countInHistory: true, metricsShard: 0 })).toBe('created');
  return a;
}

const decideCall = (orderId: string, body: unknown, key = ulid(), claims = ANA) =>
  call(decide, { method: 'POST', path: `/admin/reviews/${orderId}`, resource: '/admin/reviews/{orderId}', pathParameters: { orderId }, body, key, claims });

describe('risk admin API (DynamoDB Local)', () => {
  beforeAll(() => {
    const { tables } = useLocalDynamoDb();
    store = new DynamoDbAssessmentStore(tables.risk);
    audit = new DynamoDbAuditLog(tables.audit);
    signals = new DynamoDbSignalStore(tables.risk);
  });

  describe('manual review queue (RISK-5)', () => {
    it('lists pending reviews oldest first; the analyst approves → RiskApproved (analyst), audited, profile and metrics updated', async () => {
      const a = await reviewedOrder();
      const page = await query('/admin/reviews', '/admin/reviews', { limit: '100' });
      expect(page.statusCode).toBe(200);
      expect(jsonBody<{ items: Array<{ orderId: string; status: string }> }>(page).items.some((i) => i.orderId === a.orderId && i.status === 'pending')).toBe(true);

      const result = await decideCall(a.orderId, { decision: 'approve', note: 'verified by phone' });
      expect(result.statusCode).toBe(200);
      expect(jsonBody(result)).toMatchObject({ orderId: a.orderId, status: 'approved', analystId: 'ana', note: 'verified by phone' });
      const event = published.find((e) => (e.payload as { orderId: string }).orderId === a.orderId);
      expect(event?.definition.name).toBe('RiskApproved');
      expect(event?.payload).toMatchObject({ orderId: a.orderId, assessmentId: a.assessmentId, decidedBy: 'analyst', analystId: 'ana', rulesFired: ['new-account-high-value'] });
      expect((await audit.forResource('order', a.orderId)).map((e) => [e.actor, e.action, e.reason])).toEqual([['ana', 'risk.review.approve', 'verified by phone']]);
      expect((await store.getProfile(a.customerId))?.reviewApproved).toBe(1);
      const decided = await query('/admin/reviews', '/admin/reviews', { status: 'decided', limit: '100' });
      expect(jsonBody<{ items: Array<{ orderId: string }> }>(decided).items.some((i) => i.orderId === a.orderId)).toBe(true);
    });

    it('a second decision on the same order → 409; the same request retried with its key → the same answer, event re-published', async () => {
      const a = await reviewedOrder();
      const key = ulid();
      expect((await decideCall(a.orderId, { decision: 'reject', note: 'stolen card' }, key)).statusCode).toBe(200);
      const again = await decideCall(a.orderId, { decision: 'reject', note: 'stolen card' }, key);
      expect(again.statusCode).toBe(200);
      expect(again.headers?.['idempotent-replayed']).toBe('true');
      expect((await decideCall(a.orderId, { decision: 'approve', note: 'changed my mind' })).statusCode).toBe(409);
      expect((await decideCall(a.orderId, { decision: 'reject', note: 'stolen card' }, ulid(), BOB)).statusCode).toBe(409);
      const events = published.filter((e) => (e.payload as { orderId: string }).orderId === a.orderId);
      expect(events.map((e) => e.definition.name)).toEqual(['RiskRejected']);
      expect((await store.getProfile(a.customerId))?.confirmedFraud).toBe(1);
    });

    it('concurrent decisions: exactly one wins, the other gets 409', async () => {
      const a = await reviewedOrder();
      const results = await Promise.all([
        decideCall(a.orderId, { decision: 'approve', note: 'ok' }, ulid(), ANA),
        decideCall(a.orderId, { decision: 'reject', note: 'no' }, ulid(), BOB),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect(published.filter((e) => (e.payload as { orderId: string }).orderId === a.orderId)).toHaveLength(1);
    });

    it('404 for an unknown order, 409 for an order the rules decided, 400 for a bad body, 403/401 for the wrong caller', async () => {
      expect((await decideCall(ulid(), { decision: 'approve', note: 'x' })).statusCode).toBe(404);
      const approved = { ...(await reviewedOrder()), orderId: ulid() };
      const { review: _review, ...noReview } = approved;
      await store.create({ ...noReview, decision: 'approve', level: 'low' }, { countInHistory: true, metricsShard: 0 });
      expect((await decideCall(approved.orderId, { decision: 'approve', note: 'x' })).statusCode).toBe(409);
      const a = await reviewedOrder();
      const bad = await decideCall(a.orderId, { decision: 'maybe', note: '' });
      expect(bad.statusCode).toBe(400);
      expect(
        jsonBody<{ errors: Array<{ path: string }> }>(bad)
          .errors.map((e) => e.path)
          .sort(),
      ).toEqual(['body.decision', 'body.note']);
      expect((await decideCall(a.orderId, { decision: 'approve', note: 'x' }, ulid(), claimsFor('ops-1', 'ops'))).statusCode).toBe(403);
      expect((await decideCall(a.orderId, { decision: 'approve', note: 'x' }, ulid(), claimsFor('adm', 'admin'))).statusCode).toBe(200);
      expect(
        (
          await call(decide, {
            method: 'POST',
            path: `/admin/reviews/${a.orderId}`,
            resource: '/admin/reviews/{orderId}',
            pathParameters: { orderId: a.orderId },
            body: { decision: 'approve', note: 'x' },
            claims: null,
          })
        ).statusCode,
      ).toBe(401);
      expect(
        (
          await call(decide, {
            method: 'POST',
            path: `/admin/reviews/${a.orderId}`,
            resource: '/admin/reviews/{orderId}',
            pathParameters: { orderId: a.orderId },
            body: { decision: 'approve', note: 'x' },
          })
        ).statusCode,
      ).toBe(400); // no Idempotency-Key
    });

    it('GET /admin/risk/metrics: the daily false-positive rate = analyst-approved / (review + rejected)', async () => {
      // A day of its own, far in the past, so other tests do not touch it.
      const day = new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 3000) * 86_400_000).toISOString().slice(0, 10);
      const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:00:00.000Z`;
      const reviews = await Promise.all([1, 2, 3, 4].map((h) => reviewedOrder(at(h))));
      const rejected = { ...reviews[0]!, orderId: ulid(), decision: 'reject' as const, level: 'high' as const, assessedAt: at(5) };
      const { review: _r, ...rejectedNoReview } = rejected;
      await store.create(rejectedNoReview, { countInHistory: false, metricsShard: 3 });
      await decideCall(reviews[0]!.orderId, { decision: 'approve', note: 'fine' });
      await decideCall(reviews[1]!.orderId, { decision: 'approve', note: 'fine' });
      await decideCall(reviews[2]!.orderId, { decision: 'reject', note: 'fraud' });
      const result = await query('/admin/risk/metrics', '/admin/risk/metrics', { from: day, to: day });
      expect(result.statusCode).toBe(200);
      expect(jsonBody(result)).toMatchObject({
        days: [{ date: day, assessed: 5, review: 4, reject: 1, analystApproved: 2, analystRejected: 1, pendingReview: 1, falsePositiveRate: 0.4 }],
        totals: { falsePositiveRate: 0.4 },
      });
      const events = await query('/admin/risk/events', '/admin/risk/events', { date: day, limit: '3' });
      const firstPage = jsonBody<{ items: Array<{ kind: string; at: string }>; nextCursor?: string }>(events);
      expect(firstPage.items).toHaveLength(3);
      expect(firstPage.nextCursor).toBeDefined();
      const high = jsonBody<{ items: Array<{ kind: string; level: string }> }>(await query('/admin/risk/events', '/admin/risk/events', { date: day, level: 'high' }));
      expect(high.items).toEqual([expect.objectContaining({ kind: 'assessment', level: 'high' })]);
      expect((await query('/admin/risk/metrics', '/admin/risk/metrics', { from: day, to: '2001-01-01' })).statusCode).toBe(400);
      expect((await query('/admin/risk/metrics', '/admin/risk/metrics', { from: '2026-01-01', to: '2026-12-31' })).statusCode).toBe(400);
    });

    it('GET /admin/risk/assessments/{orderId} and /profiles/{customerId} are for risk analysts', async () => {
      const a = await reviewedOrder();
      const got = await query(`/admin/risk/assessments/${a.orderId}`, '/admin/risk/assessments/{orderId}', undefined, { orderId: a.orderId });
      expect(jsonBody(got)).toMatchObject({ orderId: a.orderId, decision: 'review', fired: [{ ruleId: 'new-account-high-value' }] });
      expect(
        (await query(`/admin/risk/assessments/${a.orderId}`, '/admin/risk/assessments/{orderId}', undefined, { orderId: a.orderId }, claimsFor('c-1', 'customer'))).statusCode,
      ).toBe(403);
      expect((await query(`/admin/risk/assessments/${ulid()}`, '/admin/risk/assessments/{orderId}', undefined, { orderId: ulid() })).statusCode).toBe(404);
      const profile = await query(`/admin/risk/profiles/${a.customerId}`, '/admin/risk/profiles/{customerId}', undefined, { customerId: a.customerId });
      expect(jsonBody(profile)).toMatchObject({ customerId: a.customerId, orderCount: 1, amountMean: 300_000 });
      expect((await call(serveQueries, { method: 'GET', path: '/admin/nope', resource: '/admin/nope' })).statusCode).toBe(404);
    });
  });

  describe('rules as data with maker-checker (RISK-4, RISK-7)', () => {
    const newRule = (id: string, enabled: boolean) => ({
      id,
      description: 'High-value wallet orders',
      priority: 300,
      enabled,
      condition: 'paymentMethod == "wallet" and amount >= 500_000',
      effect: { type: 'score', points: 10 },
      reason: 'pilot',
    });
    const ruleCall = (
      handler: typeof decide,
      method: string,
      path: string,
      resource: string,
      body: unknown,
      pathParameters?: Record<string, string>,
      claims = ANA,
      key: string | undefined = ulid(),
    ) => call(handler, { method, path, resource, body, claims, ...(pathParameters ? { pathParameters } : {}), ...(key ? { key } : {}) });

    it('a disabled rule is created at once; enabling it needs a second analyst; the proposer cannot approve; every step is audited', async () => {
      const id = `pilot-${ulid().toLowerCase()}`;
      const created = await ruleCall(createRule, 'POST', '/admin/risk/rules', '/admin/risk/rules', newRule(id, false));
      expect(created.statusCode).toBe(201);
      expect(jsonBody(created)).toMatchObject({ outcome: 'applied', rule: { id, version: 1, enabled: false, updatedBy: 'ana' } });

      const { id: _id, ...update } = newRule(id, true);
      const proposed = await ruleCall(updateRule, 'PUT', `/admin/risk/rules/${id}`, '/admin/risk/rules/{ruleId}', { ...update, reason: 'go live' }, { ruleId: id }, ANA, undefined);
      expect(proposed.statusCode).toBe(202);
      const change = jsonBody<{ outcome: string; change: { changeId: string; status: string; baseVersion: number } }>(proposed);
      expect(change).toMatchObject({ outcome: 'pending', change: { status: 'pending', baseVersion: 1 } });
      // The same proposal again is the same pending change (PUT is idempotent by nature).
      const again = await ruleCall(updateRule, 'PUT', `/admin/risk/rules/${id}`, '/admin/risk/rules/{ruleId}', { ...update, reason: 'go live' }, { ruleId: id }, ANA, undefined);
      expect(jsonBody<{ change: { changeId: string } }>(again).change.changeId).toBe(change.change.changeId);
      // Not live yet.
      const before = jsonBody<{ items: Array<{ id: string; enabled: boolean }> }>(await query('/admin/risk/rules', '/admin/risk/rules'));
      expect(before.items.find((r) => r.id === id)?.enabled).toBe(false);
      const pending = jsonBody<{ items: Array<{ changeId: string }> }>(await query('/admin/risk/rule-changes', '/admin/risk/rule-changes', { status: 'pending', limit: '100' }));
      expect(pending.items.some((c) => c.changeId === change.change.changeId)).toBe(true);

      const approvePath = { ruleId: id, changeId: change.change.changeId };
      const self = await ruleCall(
        approveChange,
        'POST',
        `/admin/risk/rules/${id}/changes/${change.change.changeId}/approve`,
        '/admin/risk/rules/{ruleId}/changes/{changeId}/approve',
        { reason: 'lgtm' },
        approvePath,
        ANA,
      );
      expect(self.statusCode).toBe(403);
      const approved = await ruleCall(
        approveChange,
        'POST',
        `/admin/risk/rules/${id}/changes/${change.change.changeId}/approve`,
        '/admin/risk/rules/{ruleId}/changes/{changeId}/approve',
        { reason: 'lgtm' },
        approvePath,
        BOB,
      );
      expect(approved.statusCode).toBe(200);
      expect(jsonBody(approved)).toMatchObject({ outcome: 'applied', rule: { id, version: 2, enabled: true, updatedBy: 'bob' }, change: { status: 'approved', decidedBy: 'bob' } });
      const after = jsonBody<{ items: Array<{ id: string; enabled: boolean }>; builtIn: boolean }>(await query('/admin/risk/rules', '/admin/risk/rules'));
      expect(after.builtIn).toBe(false);
      expect(after.items.find((r) => r.id === id)?.enabled).toBe(true);
      // The defaults were stored on the first change and stay in force.
      expect(after.items.some((r) => r.id === 'disposable-email')).toBe(true);
      // A second approval of the same change: 409.
      expect(
        (await ruleCall(approveChange, 'POST', 'x', '/admin/risk/rules/{ruleId}/changes/{changeId}/approve', { reason: 'again' }, approvePath, claimsFor('cy', 'risk-analyst')))
          .statusCode,
      ).toBe(409);

      const trail = await audit.forResource('risk-rule', id);
      expect(trail.map((e) => [e.actor, e.action, e.details?.outcome ?? null])).toEqual([
        ['ana', 'risk.rule.create', 'applied'],
        ['ana', 'risk.rule.update', 'pending'],
        ['bob', 'risk.rule.approve-change', null],
      ]);
    });

    it('disabling an enabled rule waits for approval; a stale change cannot be approved; changes can be rejected', async () => {
      const id = `live-${ulid().toLowerCase()}`;
      const create = await ruleCall(createRule, 'POST', '/admin/risk/rules', '/admin/risk/rules', newRule(id, true));
      expect(create.statusCode).toBe(202);
      const createChange = jsonBody<{ change: { changeId: string } }>(create).change.changeId;
      expect(
        (await ruleCall(approveChange, 'POST', 'x', '/admin/risk/rules/{ruleId}/changes/{changeId}/approve', { reason: 'ok' }, { ruleId: id, changeId: createChange }, BOB))
          .statusCode,
      ).toBe(200);

      const disable = await ruleCall(disableRule, 'POST', `/admin/risk/rules/${id}/disable`, '/admin/risk/rules/{ruleId}/disable', { reason: 'too noisy' }, { ruleId: id });
      expect(disable.statusCode).toBe(202);
      const disableChange = jsonBody<{ change: { changeId: string } }>(disable).change.changeId;
      const { id: _id, ...update } = newRule(id, true);
      const edit = await ruleCall(updateRule, 'PUT', 'x', '/admin/risk/rules/{ruleId}', { ...update, priority: 301, reason: 'reorder' }, { ruleId: id }, BOB, undefined);
      const editChange = jsonBody<{ change: { changeId: string } }>(edit).change.changeId;
      // Approve the edit first: the disable change (made on version 1) is now stale.
      expect(
        (await ruleCall(approveChange, 'POST', 'x', '/admin/risk/rules/{ruleId}/changes/{changeId}/approve', { reason: 'ok' }, { ruleId: id, changeId: editChange }, ANA))
          .statusCode,
      ).toBe(200);
      const stale = await ruleCall(
        approveChange,
        'POST',
        'x',
        '/admin/risk/rules/{ruleId}/changes/{changeId}/approve',
        { reason: 'ok' },
        { ruleId: id, changeId: disableChange },
        BOB,
      );
      expect(stale.statusCode).toBe(409);
      const rejected = await ruleCall(
        rejectChange,
        'POST',
        'x',
        '/admin/risk/rules/{ruleId}/changes/{changeId}/reject',
        { reason: 'stale' },
        { ruleId: id, changeId: disableChange },
        ANA,
      );
      expect(rejected.statusCode).toBe(200);
      expect(jsonBody(rejected)).toMatchObject({ status: 'rejected', decidedBy: 'ana' });
      expect((await ruleCall(createRule, 'POST', '/admin/risk/rules', '/admin/risk/rules', newRule(id, false))).statusCode).toBe(409);
      expect((await ruleCall(disableRule, 'POST', 'x', '/admin/risk/rules/{ruleId}/disable', { reason: 'x' }, { ruleId: 'no-such-rule' })).statusCode).toBe(404);
    });

    it('SEC-5: unsafe or malformed conditions are refused with a 400 naming the field, and nothing is written', async () => {
      const id = `bad-${ulid().toLowerCase()}`;
      for (const condition of ['amount.constructor', 'process.exit()', 'amount > 1; x', 'unknownFeature > 1', 'amount', '__proto__']) {
        const result = await ruleCall(createRule, 'POST', '/admin/risk/rules', '/admin/risk/rules', { ...newRule(id, false), condition });
        expect(result.statusCode, condition).toBe(400);
        expect(jsonBody<{ errors: Array<{ path: string }> }>(result).errors.map((e) => e.path)).toEqual(['body.condition']);
      }
      const badEffect = await ruleCall(createRule, 'POST', '/admin/risk/rules', '/admin/risk/rules', { ...newRule(id, false), effect: { type: 'score', points: 101 } });
      expect(badEffect.statusCode).toBe(400);
      const rules = jsonBody<{ items: Array<{ id: string }> }>(await query('/admin/risk/rules', '/admin/risk/rules'));
      expect(rules.items.some((r) => r.id === id)).toBe(false);
    });
  });

  describe('blocklists (RISK-2)', () => {
    it('PUT adds (201, then 200); DELETE by one analyst waits (202), by a second removes (204, then 404); values are validated per kind; audited (RISK-7)', async () => {
      const device = `dev-${ulid()}`;
      const put = (value: string, kind = 'device') =>
        call(putBlock, { method: 'PUT', path: 'x', resource: '/admin/risk/blocklist/{kind}/{value}', pathParameters: { kind, value }, body: { reason: 'bot farm' } });
      expect((await put(device)).statusCode).toBe(201);
      expect((await put(device)).statusCode).toBe(200);
      expect((await put('not-a-hash', 'email')).statusCode).toBe(400);
      expect((await put(`Blocked-${ulid()}.TEST`, 'emailDomain')).statusCode).toBe(201);
      const del = (value: string, claims = ANA) =>
        call(deleteBlock, {
          method: 'DELETE',
          path: 'x',
          resource: '/admin/risk/blocklist/{kind}/{value}',
          pathParameters: { kind: 'device', value },
          query: { reason: 'false positive' },
          claims,
        });
      // RISK-7: removing needs a second risk analyst — the first request waits, the value stays blocked.
      const requested = await del(device);
      expect(requested.statusCode).toBe(202);
      expect(jsonBody(requested)).toMatchObject({ value: device, removalRequest: { by: 'ana', reason: 'false positive' } });
      expect((await del(device)).statusCode).toBe(202); // the same analyst again: still waiting
      expect((await signals.readSignals('nobody', [], Date.now(), { blocklist: { device } })).blocklist.device).toBe(true);
      expect((await del(device, claimsFor('bo', 'risk-analyst'))).statusCode).toBe(204);
      expect((await del(device)).statusCode).toBe(404);
      expect((await audit.forResource('risk-blocklist', `device:${device}`)).map((e) => [e.action, e.actor])).toEqual([
        ['risk.blocklist.add', 'ana'],
        ['risk.blocklist.request-removal', 'ana'],
        ['risk.blocklist.remove', 'bo'],
      ]);
    });
  });
});
