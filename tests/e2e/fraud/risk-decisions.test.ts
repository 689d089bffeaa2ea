/**
 * Fraud, end to end on the local cloud (fraud side): OrderPlaced on the bus → assessment →
 * decision; warnings to their tier's alert queue; the manual review queue and analyst decisions
 * over HTTP (RISK-1…RISK-5). Orders here are OrderPlaced events with fresh ids; the cross-capability
 * flows (stock released, payment never attempted, fulfilment continuing) are in
 * cross-capability.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { api, poll, putEvent, tokenFor } from '../../support/e2e.ts';
import { analystToken, orderPlaced, receiveWarning } from './support.ts';

type Assessment = {
  orderId: string;
  decision: string;
  level: string;
  score: number;
  fired: Array<{ ruleId: string; contribution: number; action?: string }>;
  review?: { status: string; analystId?: string };
};

async function assessmentOf(orderId: string, token: string) {
  const res = await poll(
    () => api(`/admin/risk/assessments/${orderId}`, { token }),
    (r) => r.status === 200,
  );
  expect(res.status, res.text).toBe(200);
  return res.json as unknown as Assessment;
}

const decide = (orderId: string, token: string, body: unknown, key = ulid()) =>
  api(`/admin/reviews/${orderId}`, { method: 'POST', token, json: body, headers: { 'Idempotency-Key': key } });

describe('fraud side of the order flow (e2e, local cloud)', () => {
  it('RISK-2/RISK-3: a disposable email domain → rejected by the block rule; a major warning reaches the major alert queue', async () => {
    const token = await analystToken();
    const order = orderPlaced({ emailDomain: 'mailinator.com' });
    await putEvent(OrderPlaced, order);
    const assessment = await assessmentOf(order.orderId, token);
    expect(assessment).toMatchObject({ decision: 'reject', level: 'high', fired: [{ ruleId: 'disposable-email', contribution: 0, action: 'block' }] });
    const warning = await receiveWarning('major', order.orderId);
    expect(warning?.['detail-type']).toBe('RiskWarningRaised');
    expect(warning?.detail).toMatchObject({ tier: 'major', orderId: order.orderId, ruleIds: ['disposable-email'] });
    // Not in the review queue: the rules decided.
    expect((await decide(order.orderId, token, { decision: 'approve', note: 'appeal' })).status).toBe(409);
  });

  it('RISK-2: a blocklisted device (demo data) is rejected; an ordinary order is approved without a warning', async () => {
    const token = await analystToken();
    const blocked = orderPlaced({ deviceId: 'demo-blocked-device' });
    const fine = orderPlaced();
    await Promise.all([putEvent(OrderPlaced, blocked), putEvent(OrderPlaced, fine)]);
    expect((await assessmentOf(blocked.orderId, token)).fired.map((f) => f.ruleId)).toEqual(['blocklisted-device']);
    expect(await assessmentOf(fine.orderId, token)).toMatchObject({ decision: 'approve', level: 'low', score: 0, fired: [] });
  });

  it('RISK-5: a large first order from a new account → review queue (elevated warning) → analyst approves; a second decision → 409; audited in the risk events', async () => {
    const token = await analystToken('e2e-analyst-approve');
    const order = orderPlaced({ amount: 300_000 });
    await putEvent(OrderPlaced, order);
    expect(await assessmentOf(order.orderId, token)).toMatchObject({ decision: 'review', level: 'medium', review: { status: 'pending' } });
    const queue = await poll(
      () => api('/admin/reviews?limit=100', { token }),
      (r) => (r.json?.items as Array<{ orderId: string }> | undefined)?.some((i) => i.orderId === order.orderId) ?? false,
    );
    expect((queue.json.items as Array<{ orderId: string; rulesFired: Array<{ ruleId: string }> }>).find((i) => i.orderId === order.orderId)?.rulesFired).toEqual([
      { ruleId: 'new-account-high-value', contribution: 0, action: 'review' },
    ]);
    expect((await receiveWarning('elevated', order.orderId))?.detail).toMatchObject({ tier: 'elevated', ruleIds: ['new-account-high-value'] });

    const key = ulid();
    const approved = await decide(order.orderId, token, { decision: 'approve', note: 'customer verified by phone' }, key);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ orderId: order.orderId, status: 'approved', analystId: 'e2e-analyst-approve' });
    const replay = await decide(order.orderId, token, { decision: 'approve', note: 'customer verified by phone' }, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await decide(order.orderId, await analystToken('e2e-analyst-2'), { decision: 'reject', note: 'second opinion' })).status).toBe(409);
    expect((await assessmentOf(order.orderId, token)).review).toMatchObject({ status: 'approved', analystId: 'e2e-analyst-approve' });
    const today = new Date().toISOString().slice(0, 10);
    const events = await api(`/admin/risk/events?date=${today}&level=medium&limit=100`, { token });
    const kinds = (events.json.items as Array<{ orderId: string; kind: string }>).filter((e) => e.orderId === order.orderId).map((e) => e.kind);
    expect(kinds).toEqual(['assessment', 'analyst-decision']);
  });

  it('RISK-5: analyst rejects → the decision is final; the customer profile records confirmed fraud; metrics count it', async () => {
    const token = await analystToken('e2e-analyst-reject');
    const customerId = `e2e-fraud-${ulid()}`;
    const order = orderPlaced({ amount: 500_000, customerId });
    await putEvent(OrderPlaced, order);
    expect((await assessmentOf(order.orderId, token)).decision).toBe('review');
    const rejected = await decide(order.orderId, token, { decision: 'reject', note: 'card reported stolen' });
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.json).toMatchObject({ status: 'rejected' });
    const profile = await api(`/admin/risk/profiles/${customerId}`, { token });
    expect(profile.json).toMatchObject({ customerId, confirmedFraud: 1 });
    const today = new Date().toISOString().slice(0, 10);
    const metrics = await api(`/admin/risk/metrics?from=${today}&to=${today}`, { token });
    expect(metrics.status).toBe(200);
    const day = (metrics.json.days as Array<Record<string, number>>)[0]!;
    expect(day.analystRejected).toBeGreaterThanOrEqual(1);
    expect(day.review).toBeGreaterThanOrEqual(2);
  });

  it('RISK-4: the seeded demo history can be backtested; rules are listed with the feature catalogue; customers get 401 (staff-only authorizer), other staff 403', async () => {
    const token = await analystToken();
    const rules = await api('/admin/risk/rules', { token });
    expect(rules.status).toBe(200);
    expect(rules.json).toMatchObject({ builtIn: false });
    const items = rules.json.items as Array<Record<string, unknown>>;
    expect(items.map((r) => r.id)).toContain('disposable-email');
    const now = Date.now();
    const proposal = items.map(({ version: _v, updatedBy: _u, updatedAt: _a, ...definition }) =>
      definition.id === 'region-mismatch' ? { ...definition, effect: { type: 'score', points: 45 } } : definition,
    );
    const report = await api('/admin/risk/backtest', {
      method: 'POST',
      token,
      json: { from: new Date(now - 7 * 86_400_000).toISOString(), to: new Date(now).toISOString(), rules: proposal },
    });
    expect(report.status, report.text).toBe(200);
    expect(report.json.evaluated as number).toBeGreaterThanOrEqual(40);
    expect(report.json.changedCount as number).toBeGreaterThan(0);
    expect((report.json.changed as Array<{ rulesFired: string[] }>).every((c) => c.rulesFired.includes('region-mismatch'))).toBe(true);
    expect((await api('/admin/risk/rules', { token: await tokenFor('e2e-cust', ['customer']) })).status).toBe(401);
    expect((await api('/admin/reviews', { token: await tokenFor('e2e-ops', ['ops']) })).status).toBe(403);
    expect((await api('/admin/reviews', {})).status).toBe(401);
  });
});
