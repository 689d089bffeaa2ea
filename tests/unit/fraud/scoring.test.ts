/**
 * RISK-1 / RISK-2: rules → score 0–100 → level low/medium/high → decision approve/review/reject,
 * with every fired rule and its contribution. Table-driven over the default rule set and over
 * small rule sets that pin down the documented evaluation order.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../functions/fraud/domain/default-rules.ts';
import { normaliseFeatures } from '../../../functions/fraud/domain/features.ts';
import { compileRule, RuleDefinitionSchema, type RuleDefinition } from '../../../functions/fraud/domain/rules.ts';
import { evaluateRules, levelOf, type Thresholds } from '../../../functions/fraud/domain/scoring.ts';

const thresholds: Thresholds = { review: 40, reject: 75 };
const defaults = DEFAULT_RULES.map((r) => compileRule({ ...r, version: 1 }));
const base = { amount: 12_800, accountAgeHours: 400, customerOrderCount: 2, velocityCustomer1h: 1, velocityCustomer24h: 1, velocityCustomer7d: 1 };
const run = (features: Record<string, unknown>, rules = defaults, t = thresholds) => evaluateRules(rules, normaliseFeatures({ ...base, ...features }), t);

describe('default rules (RISK-2), table-driven', () => {
  it.each([
    // [case, features, decision, level, score, fired]
    ['an ordinary order', {}, 'approve', 'low', 0, []],
    ['a disposable email domain is blocked', { disposableEmail: true }, 'reject', 'high', 0, ['disposable-email']],
    ['a staff-blocklisted email domain is blocked', { blocklistedEmailDomain: true }, 'reject', 'high', 0, ['disposable-email']],
    ['a blocklisted email is blocked', { blocklistedEmail: true }, 'reject', 'high', 0, ['blocklisted-email']],
    ['a blocklisted phone is blocked', { blocklistedPhone: true }, 'reject', 'high', 0, ['blocklisted-phone']],
    ['a blocklisted address is blocked', { blocklistedAddress: true }, 'reject', 'high', 0, ['blocklisted-address']],
    ['a blocklisted device is blocked', { blocklistedDevice: true }, 'reject', 'high', 0, ['blocklisted-device']],
    ['a blocklisted payment instrument is blocked', { blocklistedPayment: true }, 'reject', 'high', 0, ['blocklisted-payment']],
    ['new account + 2,000.00 CNY → review', { accountAgeHours: 0, amount: 200_000 }, 'review', 'medium', 0, ['new-account-high-value']],
    ['new account + 1,999.99 CNY → approve', { accountAgeHours: 0, amount: 199_999 }, 'approve', 'low', 0, []],
    ['a day-old account + 5,000 CNY → approve', { accountAgeHours: 24, amount: 500_000 }, 'approve', 'low', 0, []],
    ['4th order within the hour → 25 → low', { velocityCustomer1h: 4 }, 'approve', 'low', 25, ['velocity-customer-1h']],
    ['3rd order within the hour → nothing', { velocityCustomer1h: 3 }, 'approve', 'low', 0, []],
    ['device velocity + region mismatch → 45 → review', { velocityDevice24h: 6, regionMismatch: true }, 'review', 'medium', 45, ['velocity-device-24h', 'region-mismatch']],
    [
      'payment velocity + device velocity + fraud history → 100 (clamped) → reject',
      { velocityPayment24h: 6, velocityDevice24h: 6, confirmedFraud: 1 },
      'reject',
      'high',
      100,
      ['velocity-device-24h', 'velocity-payment-24h', 'confirmed-fraud-history'],
    ],
    ['amount outlier with 5 past orders → 30', { customerOrderCount: 5, amountZScore: 3.01 }, 'approve', 'low', 30, ['amount-outlier']],
    ['amount outlier with 4 past orders → nothing', { customerOrderCount: 4, amountZScore: 9 }, 'approve', 'low', 0, []],
    [
      '3 failed payments in 24h + region mismatch → 50 → review',
      { paymentFailures24h: 3, regionMismatch: true },
      'review',
      'medium',
      50,
      ['region-mismatch', 'repeated-payment-failures'],
    ],
    ['good history lowers the score (clamped at 0)', { deliveredOrders: 5 }, 'approve', 'low', 0, ['good-history']],
    [
      'good history offsets one signal',
      { deliveredOrders: 5, velocityDevice24h: 6, regionMismatch: true },
      'approve',
      'low',
      25,
      ['velocity-device-24h', 'region-mismatch', 'good-history'],
    ],
    ['confirmed fraud cancels good history', { deliveredOrders: 5, confirmedFraud: 1 }, 'review', 'medium', 50, ['confirmed-fraud-history']],
    ['block wins over a review action', { disposableEmail: true, accountAgeHours: 0, amount: 900_000 }, 'reject', 'high', 0, ['disposable-email', 'new-account-high-value']],
    [
      'review action with a reject-level score stays reject',
      { accountAgeHours: 0, amount: 900_000, velocityPayment24h: 6, velocityDevice24h: 6, paymentFailures24h: 3 },
      'reject',
      'high',
      90,
      ['new-account-high-value', 'velocity-device-24h', 'velocity-payment-24h', 'repeated-payment-failures'],
    ],
    [
      'shared IP and shared card alone stay below review (NAT, sandbox tokens)',
      { velocityIp1h: 200, velocityPayment24h: 40 },
      'approve',
      'low',
      35,
      ['velocity-ip-1h', 'velocity-payment-24h'],
    ],
  ])('%s', (_name, features, decision, level, score, fired) => {
    const result = run(features);
    expect({ decision: result.decision, level: result.level, score: result.score, fired: result.fired.map((f) => f.ruleId) }).toEqual({ decision, level, score, fired });
    expect(result.errors).toEqual([]);
  });

  it('records each fired rule with its version and contribution (actions contribute 0)', () => {
    const result = run({ velocityDevice24h: 6, regionMismatch: true, accountAgeHours: 1, amount: 300_000 });
    expect(result.fired).toEqual([
      { ruleId: 'new-account-high-value', version: 1, contribution: 0, action: 'review' },
      { ruleId: 'velocity-device-24h', version: 1, contribution: 30 },
      { ruleId: 'region-mismatch', version: 1, contribution: 15 },
    ]);
  });

  it('every default rule is a valid rule definition', () => {
    for (const rule of DEFAULT_RULES) expect(RuleDefinitionSchema().safeParse(rule).success, rule.id).toBe(true);
    expect(new Set(DEFAULT_RULES.map((r) => r.id)).size).toBe(DEFAULT_RULES.length);
  });
});

const rule = (id: string, priority: number, condition: string, effect: RuleDefinition['effect'], enabled = true) =>
  compileRule({ id, priority, condition, effect, enabled, version: 1 });

describe('evaluation order (documented in scoring.ts)', () => {
  const allow = rule('vip-allow', 5, 'deliveredOrders >= 10', { type: 'action', action: 'allow' });
  const block = rule('device-block', 10, 'blocklistedDevice', { type: 'action', action: 'block' });
  const review = rule('big-review', 20, 'amount >= 100_000', { type: 'action', action: 'review' });
  const s60 = rule('score-60', 100, 'regionMismatch', { type: 'score', points: 60 });
  const s30 = rule('score-30', 101, 'couponUsed', { type: 'score', points: 30 });
  const minus = rule('minus-50', 102, 'deliveredOrders >= 1', { type: 'score', points: -50 });

  it.each([
    ['the first fired decisive action by priority wins: allow before block', [allow, block], { deliveredOrders: 10, blocklistedDevice: true }, 'approve', 'vip-allow'],
    [
      '…and block before allow when block has the lower priority number',
      [rule('vip-allow', 50, 'deliveredOrders >= 10', { type: 'action', action: 'allow' }), block],
      { deliveredOrders: 10, blocklistedDevice: true },
      'reject',
      'device-block',
    ],
    ['allow beats a reject-level score', [allow, s60, s30], { deliveredOrders: 10, regionMismatch: true, couponUsed: true }, 'approve', 'vip-allow'],
    ['allow beats a review action', [allow, review], { deliveredOrders: 10, amount: 500_000 }, 'approve', 'vip-allow'],
    ['a review action forces review over an approve score', [review], { amount: 100_000 }, 'review', undefined],
    ['scores sum across rules', [s60, s30], { regionMismatch: true, couponUsed: true }, 'reject', undefined],
    ['negative contributions lower the sum', [s60, s30, minus], { regionMismatch: true, couponUsed: true, deliveredOrders: 1 }, 'review', undefined],
    ['disabled rules never fire', [rule('off', 1, 'true', { type: 'action', action: 'block' }, false)], {}, 'approve', undefined],
  ])('%s', (_name, rules, features, decision, decidedBy) => {
    const result = run(features, rules as never);
    expect(result.decision).toBe(decision);
    expect(result.decidedByRule).toBe(decidedBy);
  });

  it('evaluates by priority then id regardless of input order', () => {
    const a = rule('b-rule', 1, 'true', { type: 'score', points: 1 });
    const b = rule('a-rule', 1, 'true', { type: 'score', points: 1 });
    const c = rule('c-rule', 0, 'true', { type: 'score', points: 1 });
    expect(run({}, [a, b, c]).fired.map((f) => f.ruleId)).toEqual(['c-rule', 'a-rule', 'b-rule']);
  });

  it('a rule that cannot be evaluated does not fire and is reported', () => {
    const result = evaluateRules([rule('needs-amount', 1, 'amount > 1', { type: 'score', points: 90 })], Object.create(null), thresholds);
    expect(result).toMatchObject({ decision: 'approve', score: 0, fired: [], errors: ['needs-amount'] });
  });
});

describe('thresholds (config: low < review ≤ medium < reject ≤ high)', () => {
  it.each([
    [0, 'low'],
    [39, 'low'],
    [40, 'medium'],
    [74, 'medium'],
    [75, 'high'],
    [100, 'high'],
  ])('default thresholds: score %i → %s', (score, level) => {
    expect(levelOf(score, thresholds)).toBe(level);
  });

  it.each([
    [{ review: 40, reject: 75 }, 39, 'approve', 'low'],
    [{ review: 40, reject: 75 }, 40, 'review', 'medium'],
    [{ review: 40, reject: 75 }, 75, 'reject', 'high'],
    [{ review: 20, reject: 50 }, 20, 'review', 'medium'],
    [{ review: 20, reject: 50 }, 49, 'review', 'medium'],
    [{ review: 20, reject: 50 }, 50, 'reject', 'high'],
    [{ review: 1, reject: 100 }, 99, 'review', 'medium'],
    [{ review: 1, reject: 100 }, 100, 'reject', 'high'],
  ])('%o: score %i → %s / %s', (t, score, decision, level) => {
    const result = evaluateRules([rule('points', 1, 'true', { type: 'score', points: Math.min(score, 100) })], normaliseFeatures({}), t);
    expect({ score: result.score, decision: result.decision, level: result.level }).toEqual({ score, decision, level });
  });

  it('refuses inconsistent thresholds', () => {
    for (const t of [
      { review: 50, reject: 50 },
      { review: 60, reject: 40 },
      { review: -1, reject: 50 },
      { review: 10, reject: 101 },
    ]) {
      expect(() => evaluateRules([], normaliseFeatures({}), t)).toThrow(RangeError);
    }
  });
});
