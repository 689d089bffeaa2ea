/**
 * RISK-4 backtest (changed decisions, precision/recall against review outcomes and fraud refunds),
 * RISK-5 false-positive rate, RISK-3 warning tiers, RISK-7 maker-checker, the review queue checks.
 */
import { describe, expect, it } from 'vitest';
import { groundTruthOf, qualityMetrics, runBacktest, type BacktestRecord } from '../../../functions/fraud/domain/backtest.ts';
import { DEFAULT_RULES } from '../../../functions/fraud/domain/default-rules.ts';
import { normaliseFeatures } from '../../../functions/fraud/domain/features.ts';
import { addCounts, dailyMetrics, datesBetween, falsePositiveRate, ZERO_COUNTS } from '../../../functions/fraud/domain/metrics.ts';
import { checkDecision, type ReviewState } from '../../../functions/fraud/domain/review.ts';
import { approvalProblem, planRuleChange, type RuleChange } from '../../../functions/fraud/domain/rule-changes.ts';
import { compileRule, type Rule, type RuleDefinition } from '../../../functions/fraud/domain/rules.ts';
import { warningTierFor } from '../../../functions/fraud/domain/warnings.ts';

const thresholds = { review: 40, reject: 75 };
const compiled = (rules: readonly RuleDefinition[]) => rules.map((r) => compileRule({ ...r, version: 1 }));

const record = (
  orderId: string,
  features: Record<string, unknown>,
  decision: BacktestRecord['decision'],
  truth?: BacktestRecord['truth'],
  assessedAt = `2026-11-0${(orderId.length % 9) + 1}T00:00:00.000Z`,
): BacktestRecord => ({
  orderId,
  assessedAt,
  features: normaliseFeatures({ accountAgeHours: 500, ...features }),
  decision,
  score: 0,
  ...(truth ? { truth } : {}),
});

describe('backtest (RISK-4)', () => {
  const history: BacktestRecord[] = [
    record('o1', { amount: 10_000 }, 'approve', 'legit', '2026-11-01T01:00:00.000Z'),
    record('o2', { amount: 300_000, regionMismatch: true }, 'approve', 'fraud', '2026-11-01T02:00:00.000Z'), // missed fraud
    record('o3', { amount: 50_000, regionMismatch: true }, 'approve', 'legit', '2026-11-01T03:00:00.000Z'),
    record('o4', { disposableEmail: true }, 'reject', undefined, '2026-11-01T04:00:00.000Z'),
    record('o5', { amount: 250_000, accountAgeHours: 1 }, 'review', 'fraud', '2026-11-01T05:00:00.000Z'),
    record('o6', { amount: 210_000, accountAgeHours: 2 }, 'review', 'legit', '2026-11-01T06:00:00.000Z'),
    record('o7', { amount: 20_000 }, 'approve', undefined, '2026-11-01T07:00:00.000Z'),
  ];

  it('the current rules reproduce the stored decisions: nothing changes', () => {
    const report = runBacktest(
      history.filter((r) => r.orderId !== 'o2' && r.orderId !== 'o3'),
      compiled(DEFAULT_RULES),
      thresholds,
    );
    expect(report.changedCount).toBe(0);
  });

  it('reports the orders a proposed rule would change, the transitions and precision/recall of both rule sets', () => {
    const proposed = [
      ...DEFAULT_RULES,
      { id: 'big-mismatch', description: 'x', priority: 125, enabled: true, condition: 'regionMismatch and amount >= 100_000', effect: { type: 'score' as const, points: 50 } },
    ];
    const report = runBacktest(history, compiled(proposed), thresholds);
    expect(report.evaluated).toBe(7);
    expect(report.changedCount).toBe(1);
    expect(report.changed).toEqual([
      {
        orderId: 'o2',
        assessedAt: '2026-11-01T02:00:00.000Z',
        from: 'approve',
        to: 'review',
        scoreFrom: 0,
        scoreTo: 65,
        rulesFired: ['region-mismatch', 'big-mismatch'],
        truth: 'fraud',
      },
    ]);
    expect(report.transitions).toEqual({ 'approve→review': 1 });
    // current: flagged labelled = o5 (fraud), o6 (legit); missed fraud o2 → precision 1/2, recall 1/2
    expect(report.current).toMatchObject({
      approve: 4,
      review: 2,
      reject: 1,
      labelled: 5,
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
      trueNegatives: 2,
      precision: 0.5,
      recall: 0.5,
    });
    // proposed: o2 caught → precision 2/3, recall 1
    expect(report.proposed).toMatchObject({
      approve: 3,
      review: 3,
      reject: 1,
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 0,
      trueNegatives: 2,
      precision: 0.6667,
      recall: 1,
    });
  });

  it('a stricter proposal that rejects legit orders shows up as a worse precision', () => {
    const proposed = [
      ...DEFAULT_RULES,
      { id: 'mismatch-block', description: 'x', priority: 1, enabled: true, condition: 'regionMismatch', effect: { type: 'action' as const, action: 'block' as const } },
    ];
    const report = runBacktest(history, compiled(proposed), thresholds);
    expect(report.transitions).toEqual({ 'approve→reject': 2 });
    expect(report.changed.map((c) => c.orderId)).toEqual(['o2', 'o3']);
    expect(report.proposed.falsePositives).toBe(2);
  });

  it('caps the list of changed orders but not the count', () => {
    const many = Array.from({ length: 20 }, (_, i) =>
      record(`m${String(i).padStart(2, '0')}`, { disposableEmail: true }, 'approve', undefined, `2026-11-02T00:${String(i).padStart(2, '0')}:00.000Z`),
    );
    const report = runBacktest(many, compiled(DEFAULT_RULES), thresholds, { maxChanged: 5 });
    expect(report.changedCount).toBe(20);
    expect(report.changed.map((c) => c.orderId)).toEqual(['m00', 'm01', 'm02', 'm03', 'm04']);
  });

  it.each([
    [{}, undefined],
    [{ reviewOutcome: 'approve' as const }, 'legit'],
    [{ reviewOutcome: 'reject' as const }, 'fraud'],
    [{ fraudRefund: true }, 'fraud'],
    [{ reviewOutcome: 'approve' as const, fraudRefund: true }, 'fraud'],
  ])('ground truth of %o is %s', (outcomes, truth) => {
    expect(groundTruthOf(outcomes)).toBe(truth);
  });

  it('precision/recall are null without data', () => {
    expect(qualityMetrics([{ decision: 'approve' }])).toMatchObject({ precision: null, recall: null, labelled: 0 });
  });
});

describe('daily false-positive rate (RISK-5)', () => {
  it('= analyst-approved / (sent to review + rejected), per day', () => {
    const counts = addCounts(ZERO_COUNTS, { assessed: 100, approve: 80, review: 15, reject: 5, analystApproved: 6, analystRejected: 4, low: 80, medium: 15, high: 5 });
    expect(falsePositiveRate(counts)).toBe(0.3);
    expect(dailyMetrics('2026-11-23', counts)).toMatchObject({ date: '2026-11-23', pendingReview: 5, falsePositiveRate: 0.3 });
    expect(falsePositiveRate(ZERO_COUNTS)).toBeNull();
  });

  it('shards add up; dates are inclusive', () => {
    expect(addCounts(addCounts(ZERO_COUNTS, { review: 1 }), { review: 2, reject: 1 })).toMatchObject({ review: 3, reject: 1 });
    expect(datesBetween('2026-02-27', '2026-03-01')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});

describe('warning tiers (RISK-3)', () => {
  it.each([
    [{ decision: 'reject' as const, score: 0 }, 'major'],
    [{ decision: 'review' as const, score: 0 }, 'elevated'],
    [{ decision: 'approve' as const, score: 25 }, 'general'],
    [{ decision: 'approve' as const, score: 19 }, undefined],
    [{ decision: 'approve' as const, score: 0 }, undefined],
  ])('%o → %s', (evaluation, tier) => {
    expect(warningTierFor(evaluation, 20)).toBe(tier);
  });
});

describe('maker-checker for rule changes (RISK-7)', () => {
  const def: RuleDefinition = { id: 'r-1', description: 'd', priority: 1, enabled: true, condition: 'regionMismatch', effect: { type: 'score', points: 10 } };
  const stored = (d: RuleDefinition, version = 3): Rule => ({ ...d, version, updatedBy: 'a', updatedAt: '2026-01-01T00:00:00.000Z' });

  it.each([
    ['new enabled rule', undefined, def, 'needs-approval'],
    ['new disabled rule', undefined, { ...def, enabled: false }, 'apply'],
    ['change of an enabled rule', stored(def), { ...def, priority: 2 }, 'needs-approval'],
    ['disabling an enabled rule', stored(def), { ...def, enabled: false }, 'needs-approval'],
    ['enabling a disabled rule', stored({ ...def, enabled: false }), def, 'needs-approval'],
    ['change of a disabled rule that stays disabled', stored({ ...def, enabled: false }), { ...def, enabled: false, priority: 9 }, 'apply'],
    ['no change', stored(def), def, 'unchanged'],
  ])('%s → %s', (_name, current, proposed, plan) => {
    expect(planRuleChange(current, proposed)).toBe(plan);
  });

  const change: RuleChange = { changeId: 'c', ruleId: 'r-1', kind: 'update', proposed: def, baseVersion: 3, proposedBy: 'maker', proposedAt: 'x', reason: 'y', status: 'pending' };
  it.each([
    ['a different analyst on the same version', change, 'checker', 3, undefined],
    ['the proposer themselves', change, 'maker', 3, 'same-person'],
    ['after the rule changed meanwhile', change, 'checker', 4, 'stale'],
    ['a change already decided', { ...change, status: 'approved' as const }, 'checker', 3, 'not-pending'],
  ])('approval by %s → %s', (_name, c, approver, version, problem) => {
    expect(approvalProblem(c, approver, version)).toBe(problem);
  });
});

describe('review decisions (RISK-5)', () => {
  const pending: ReviewState = { status: 'pending', queuedAt: 'x' };
  const approved: ReviewState = { status: 'approved', queuedAt: 'x', analystId: 'ana', decisionKey: 'k1' };
  it.each([
    ['pending → decide', pending, { decision: 'approve' as const, analystId: 'ana', key: 'k1' }, 'decide'],
    ['not sent to review', undefined, { decision: 'approve' as const, analystId: 'ana', key: 'k1' }, 'not-in-review'],
    ['the same request again (same key)', approved, { decision: 'approve' as const, analystId: 'ana', key: 'k1' }, 'repeat'],
    ['a second decision with another key', approved, { decision: 'approve' as const, analystId: 'ana', key: 'k2' }, 'already-decided'],
    ['a different decision', approved, { decision: 'reject' as const, analystId: 'ana', key: 'k1' }, 'already-decided'],
    ['another analyst', approved, { decision: 'approve' as const, analystId: 'bob', key: 'k1' }, 'already-decided'],
  ])('%s', (_name, review, request, check) => {
    expect(checkDecision(review, request)).toBe(check);
  });
});
