/**
 * RISK-4 backtest over seeded history (deterministic: its own customers and time range), RISK-6
 * outcome consumer (failed payments, fraud refunds, deliveries — each counted once), the demo
 * seeder (idempotent).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { PaymentFailed, PaymentRefunded } from '../../../events/payment-events.ts';
import { DynamoDbAssessmentStore, type Assessment } from '../../../functions/fraud/assessment-store.ts';
import { seedDemoRisk } from '../../../functions/fraud/demo-risk.ts';
import { DEFAULT_RULES } from '../../../functions/fraud/domain/default-rules.ts';
import { normaliseFeatures } from '../../../functions/fraud/domain/features.ts';
import { compileRule } from '../../../functions/fraud/domain/rules.ts';
import { evaluateRules } from '../../../functions/fraud/domain/scoring.ts';
import { makeBacktestRiskRulesHandler } from '../../../functions/fraud/handlers/backtest-risk-rules.ts';
import { makeRecordRiskOutcomeHandler } from '../../../functions/fraud/handlers/record-risk-outcome.ts';
import { DynamoDbRuleStore } from '../../../functions/fraud/rule-store.ts';
import { DynamoDbSignalStore } from '../../../functions/fraud/signal-store.ts';
import { manualClock } from '../../../shared/clock.ts';
import { DynamoDbAuditLog } from '../../../shared/audit.ts';
import { newId } from '../../../shared/ids.ts';
import { apiEvent, claimsFor, eventBridgeEvent, jsonBody, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let store: DynamoDbAssessmentStore;
let tables: { risk: string; audit: string };
const thresholds = { review: 40, reject: 75 };
const defaults = DEFAULT_RULES.map((r) => compileRule({ ...r, version: 1 }));

/** Stores an assessment as the rules in force decided it. */
async function seed(orderId: string, assessedAt: string, features: Record<string, unknown>, customerId = `bt-${orderId}`): Promise<Assessment> {
  const f = normaliseFeatures({ accountAgeHours: 500, currency: 'CNY', ...features });
  const evaluation = evaluateRules(defaults, f, thresholds);
  const a: Assessment = {
    assessmentId: ulid(),
    orderId,
    customerId,
    placedAt: assessedAt,
    assessedAt,
    amount: { amount: f.amount as number, currency: 'CNY' },
    features: { ...f },
    score: evaluation.score,
    level: evaluation.level,
    decision: evaluation.decision,
    fired: evaluation.fired,
    signals: { emailDomain: 'example.com', emailHash: 'a'.repeat(64), phoneHash: 'b'.repeat(64), addressHash: 'c'.repeat(64) },
    ...(evaluation.decision === 'review' ? { review: { status: 'pending' as const, queuedAt: assessedAt } } : {}),
  };
  expect(await store.create(a, { countInHistory: a.decision !== 'reject', metricsShard: 0 })).toBe('created');
  return a;
}

const analyst = async (a: Assessment, status: 'approved' | 'rejected') =>
  store.recordDecision(a, { status, queuedAt: a.assessedAt, analystId: 'ana', note: 'n', decidedAt: new Date().toISOString() }, ulid(), 1);

const outcomeMessage = (definition: { name: string; source: string }, payload: Record<string, unknown>) =>
  eventBridgeEvent(definition.name, definition.source, { version: 1, ...payload, meta: { correlationId: 'corr', occurredAt: new Date().toISOString(), eventId: ulid() } });

describe('backtest and outcomes (DynamoDB Local)', () => {
  beforeAll(() => {
    ({ tables } = useLocalDynamoDb());
    store = new DynamoDbAssessmentStore(tables.risk);
  });

  describe('POST /admin/risk/backtest (RISK-4)', () => {
    const backtest = makeBacktestRiskRulesHandler();
    const run = (body: unknown) =>
      backtest(apiEvent({ method: 'POST', path: '/admin/risk/backtest', resource: '/admin/risk/backtest', body, claims: claimsFor('ana', 'risk-analyst') }), lambdaContext());
    const proposal = [
      ...DEFAULT_RULES,
      {
        id: 'big-mismatch',
        description: 'Big order with a billing region elsewhere',
        priority: 125,
        enabled: true,
        condition: 'regionMismatch and amount >= 100_000',
        effect: { type: 'score' as const, points: 50 },
      },
    ];

    it('returns the orders whose decision would change, the transitions, and precision/recall against review outcomes and fraud refunds', async () => {
      // A time range of its own (a random day in 2003–2011), so other tests' assessments are not in it.
      const day = Date.UTC(2003, 0, 1) + Math.floor(Math.random() * 3000) * 86_400_000;
      const at = (h: number) => new Date(day + h * 3_600_000).toISOString();
      const ids = Array.from({ length: 7 }, (_, i) => newId(new Date(day + (i + 1) * 3_600_000)));
      const [h1, h2, h3, h4, h5, h6, h7] = ids as [string, string, string, string, string, string, string];
      await seed(h1, at(1), { amount: 10_000 });
      const fraudLater = await seed(h2, at(2), { amount: 300_000, regionMismatch: true }); // approved, then refunded as fraud
      await seed(h3, at(3), { amount: 50_000, regionMismatch: true });
      const rejectedByAnalyst = await seed(h4, at(4), { amount: 250_000, accountAgeHours: 1 });
      const approvedByAnalyst = await seed(h5, at(5), { amount: 210_000, accountAgeHours: 2 });
      await seed(h6, at(6), { disposableEmail: true });
      await seed(h7, at(7), { amount: 20_000 });
      expect([fraudLater.decision, rejectedByAnalyst.decision, approvedByAnalyst.decision]).toEqual(['approve', 'review', 'review']);
      await analyst(rejectedByAnalyst, 'rejected');
      await analyst(approvedByAnalyst, 'approved');
      expect(await store.recordOutcome('confirmed-fraud', h2, fraudLater.customerId, at(30), { fraudRefundOf: fraudLater, eventId: ulid() })).toBe('recorded');

      const result = await run({ from: at(0), to: at(24), rules: proposal });
      expect(result.statusCode).toBe(200);
      const report = jsonBody<Record<string, unknown>>(result);
      expect(report).toMatchObject({
        evaluated: 7,
        truncated: false,
        changedCount: 1,
        changed: [{ orderId: h2, from: 'approve', to: 'review', scoreFrom: 15, scoreTo: 65, rulesFired: ['region-mismatch', 'big-mismatch'], truth: 'fraud' }],
        transitions: { 'approve→review': 1 },
        current: { approve: 4, review: 2, reject: 1, labelled: 3, truePositives: 1, falsePositives: 1, falseNegatives: 1, trueNegatives: 0, precision: 0.5, recall: 0.5 },
        proposed: { approve: 3, review: 3, reject: 1, labelled: 3, truePositives: 2, falsePositives: 1, falseNegatives: 0, precision: 0.6667, recall: 1 },
      });
      // The current rule set itself changes nothing.
      expect(jsonBody<{ changedCount: number }>(await run({ from: at(0), to: at(24), rules: DEFAULT_RULES })).changedCount).toBe(0);
      // RISK-4: the thresholds can vary too. The current rules with review at 10 instead of 40: the
      // orders scored from 10 up to 40 (h2 at 15, h3) would have waited for an analyst.
      const stricter = jsonBody<{ changedCount: number; thresholds: unknown; changed: Array<{ orderId: string; from: string; to: string }> }>(
        await run({ from: at(0), to: at(24), rules: DEFAULT_RULES, thresholds: { reviewThreshold: 10, rejectThreshold: 75 } }),
      );
      expect(stricter.thresholds).toEqual({ reviewThreshold: 10, rejectThreshold: 75 });
      expect(stricter.changed).toEqual(expect.arrayContaining([expect.objectContaining({ orderId: h2, from: 'approve', to: 'review' })]));
      expect(stricter.changed.every((c) => c.from === 'approve' && c.to === 'review')).toBe(true);
      expect((await run({ from: at(0), to: at(24), rules: DEFAULT_RULES, thresholds: { reviewThreshold: 80, rejectThreshold: 75 } })).statusCode).toBe(400);
      // Only the range: the first three hours hold h1 and h2.
      expect(jsonBody<{ evaluated: number }>(await run({ from: at(0), to: at(2), rules: proposal })).evaluated).toBe(2);
      // Audited as a staff action.
      const trail = await new DynamoDbAuditLog(tables.audit).forResource('risk-rule-set', 'proposed');
      expect(trail.some((e) => e.actor === 'ana' && e.action === 'risk.backtest' && e.details?.changed === 1)).toBe(true);
    });

    it('SEC-5: a bad range, duplicate ids or an unsafe condition → 400, nothing evaluated', async () => {
      const from = '2026-01-01T00:00:00.000Z';
      expect((await run({ from, to: from, rules: DEFAULT_RULES })).statusCode).toBe(400);
      expect((await run({ from, to: '2026-03-01T00:00:00.000Z', rules: DEFAULT_RULES })).statusCode).toBe(400);
      const dup = await run({ from, to: '2026-01-02T00:00:00.000Z', rules: [DEFAULT_RULES[0], DEFAULT_RULES[0]] });
      expect(jsonBody<{ errors: Array<{ path: string }> }>(dup).errors).toEqual([{ path: 'body.rules[1].id', message: 'Duplicate rule id' }]);
      const unsafe = await run({ from, to: '2026-01-02T00:00:00.000Z', rules: [{ ...DEFAULT_RULES[0], condition: 'constructor.constructor("return process")()' }] });
      expect(unsafe.statusCode).toBe(400);
      expect(jsonBody<{ errors: Array<{ path: string }> }>(unsafe).errors.map((e) => e.path)).toEqual(['body.rules[0].condition']);
    });
  });

  describe('outcome consumer (RISK-2, RISK-6)', () => {
    const handler = makeRecordRiskOutcomeHandler();
    const deliver = (...messages: unknown[]) => handler(sqsEvent(...messages.map((m) => sqsRecord(m))), lambdaContext());

    it('failed payments, fraud refunds and deliveries update the profile once each; other refunds and transitions are ignored', async () => {
      const customerId = `out-${ulid()}`;
      const orderId = ulid();
      const a = await seed(orderId, new Date().toISOString(), { amount: 12_000 }, customerId);
      const base = { orderId, customerId, paymentId: ulid(), method: 'card' };
      const failed = outcomeMessage(PaymentFailed, { ...base, reason: 'declined', failedAt: new Date().toISOString() });
      const fraudRefund = outcomeMessage(PaymentRefunded, {
        ...base,
        refundId: ulid(),
        amount: { amount: 100, currency: 'CNY' },
        refundedTotal: { amount: 100, currency: 'CNY' },
        reason: 'fraud',
        refundedAt: new Date().toISOString(),
      });
      const secondFraudRefund = outcomeMessage(PaymentRefunded, {
        ...base,
        refundId: ulid(),
        amount: { amount: 200, currency: 'CNY' },
        refundedTotal: { amount: 300, currency: 'CNY' },
        reason: 'fraud',
        refundedAt: new Date().toISOString(),
      });
      const damaged = outcomeMessage(PaymentRefunded, {
        ...base,
        refundId: ulid(),
        amount: { amount: 100, currency: 'CNY' },
        refundedTotal: { amount: 400, currency: 'CNY' },
        reason: 'damaged',
        refundedAt: new Date().toISOString(),
      });
      const status = (to: string) =>
        outcomeMessage(OrderStatusChanged, { ...OrderStatusChanged.example, orderId, customerId, from: 'SHIPPED', to, changedAt: new Date().toISOString() });
      expect(await deliver(failed, failed, fraudRefund, fraudRefund, secondFraudRefund, damaged, status('DELIVERED'), status('DELIVERED'), status('CANCELLED'))).toEqual({
        batchItemFailures: [],
      });
      expect(await store.getProfile(customerId)).toMatchObject({ paymentFailures: 1, confirmedFraud: 1, deliveredOrders: 1, orderCount: 1 });
      expect((await store.get(a.orderId))?.fraudRefund).toBe(true);
      expect((await new DynamoDbSignalStore(tables.risk).readSignals(customerId, [], Date.now())).paymentFailures24h).toBe(1);
      const invalid = await handler(sqsEvent(sqsRecord(outcomeMessage(PaymentFailed, { orderId }), 'm-bad')), lambdaContext());
      expect(invalid.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad' }]);
    });
  });

  describe('demo seeder', () => {
    it('seeds rules, blocklist entries and a week of history once; a second run does nothing', async () => {
      const deps = {
        rules: new DynamoDbRuleStore(tables.risk),
        assessments: store,
        signals: new DynamoDbSignalStore(tables.risk),
        clock: manualClock(new Date().toISOString()),
        newId,
        thresholds,
      };
      const first = await seedDemoRisk(deps);
      expect(first.seeded).toBe(true);
      expect(first.assessments).toBe(48);
      expect(await seedDemoRisk(deps)).toEqual({ seeded: false, rules: 0, assessments: 0 });
      const rules = await deps.rules.listRules();
      expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(DEFAULT_RULES.map((r) => r.id)));
      expect(
        (await deps.signals.readSignals('nobody', [], Date.now(), { blocklist: { device: 'demo-blocked-device', emailDomain: 'blocked-demo.test' } })).blocklist,
      ).toMatchObject({
        device: true,
        emailDomain: true,
      });
    });
  });
});
