/**
 * Rule evaluation and the decision (RISK-1, RISK-2). Pure.
 *
 * Evaluation order (documented contract):
 *  1. Enabled rules are evaluated in priority order (ascending, then id). Every rule is evaluated,
 *     so every rule that fired is recorded with its contribution. A rule whose condition cannot be
 *     evaluated (a feature missing or mistyped) does not fire and is listed in `errors`.
 *  2. Decisive actions: the first fired `block` or `allow` rule in priority order decides —
 *     `block` → reject, `allow` → approve — whatever the score (so an allow rule with a lower
 *     priority number than a block rule can whitelist, and vice versa).
 *  3. Otherwise the score decides: score = the sum of the fired score contributions, clamped to
 *     0–100; score ≥ reject threshold → reject, ≥ review threshold → review, else approve
 *     (defaults: low < 40 ≤ medium < 75 ≤ high, in config).
 *  4. A fired `review` action forces at least a review (approve → review; reject stays reject).
 *  5. The level is the higher of the score's level and the level the decision implies
 *     (reject → high, review → medium).
 */
import { EvaluationError, evaluateExpression } from './expression.ts';
import type { RiskFeatures } from './features.ts';
import { byEvaluationOrder, type CompiledRule } from './rules.ts';

/** Risk levels, lowest first. */
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Decisions. */
export const RISK_DECISIONS = ['approve', 'review', 'reject'] as const;
export type RiskDecision = (typeof RISK_DECISIONS)[number];

/** Score thresholds (config: RISK_REVIEW_THRESHOLD, RISK_REJECT_THRESHOLD). */
export interface Thresholds {
  /** score ≥ review → medium / manual review. */
  readonly review: number;
  /** score ≥ reject → high / reject. */
  readonly reject: number;
}

/** A rule that fired and what it contributed. */
export interface FiredRule {
  readonly ruleId: string;
  readonly version: number;
  /** Score points added (0 for an action rule). */
  readonly contribution: number;
  /** The action, for an action rule. */
  readonly action?: 'allow' | 'review' | 'block';
}

/** The result of evaluating a rule set over features. */
export interface Evaluation {
  readonly score: number;
  readonly level: RiskLevel;
  readonly decision: RiskDecision;
  /** Fired rules, in evaluation order. */
  readonly fired: readonly FiredRule[];
  /** The rule whose action decided (block/allow), if any. */
  readonly decidedByRule?: string;
  /** Rules that could not be evaluated. */
  readonly errors: readonly string[];
}

/** The level of a score. */
export function levelOf(score: number, thresholds: Thresholds): RiskLevel {
  return score >= thresholds.reject ? 'high' : score >= thresholds.review ? 'medium' : 'low';
}

const levelRank = (level: RiskLevel) => RISK_LEVELS.indexOf(level);
const maxLevel = (a: RiskLevel, b: RiskLevel): RiskLevel => (levelRank(a) >= levelRank(b) ? a : b);

/** Checks thresholds: 0 ≤ review < reject ≤ 100. */
export function assertThresholds(thresholds: Thresholds): void {
  if (!(
    Number.isInteger(thresholds.review) &&
    Number.isInteger(thresholds.reject) &&
    thresholds.review >= 0 &&
    thresholds.review < thresholds.reject &&
    thresholds.reject <= 100
  )) {
    throw new RangeError('thresholds must satisfy 0 ≤ review < reject ≤ 100');
  }
}

/** Evaluates `rules` over `features` and decides (see the module documentation for the order). */
export function evaluateRules(rules: readonly CompiledRule[], features: RiskFeatures, thresholds: Thresholds): Evaluation {
  assertThresholds(thresholds);
  const ordered = rules.filter((r) => r.rule.enabled).sort((a, b) => byEvaluationOrder(a.rule, b.rule));
  const fired: FiredRule[] = [];
  const errors: string[] = [];
  let sum = 0;
  let decisive: { action: 'allow' | 'block'; ruleId: string } | undefined;
  let forceReview = false;
  for (const { rule, condition } of ordered) {
    let hit: boolean;
    try {
      hit = evaluateExpression(condition, features);
    } catch (error) {
      if (!(error instanceof EvaluationError)) throw error;
      errors.push(rule.id);
      continue;
    }
    if (!hit) continue;
    if (rule.effect.type === 'score') {
      sum += rule.effect.points;
      fired.push({ ruleId: rule.id, version: rule.version, contribution: rule.effect.points });
    } else {
      const action = rule.effect.action;
      fired.push({ ruleId: rule.id, version: rule.version, contribution: 0, action });
      if (action === 'review') forceReview = true;
      else decisive ??= { action, ruleId: rule.id };
    }
  }
  const score = Math.min(100, Math.max(0, sum));
  let decision: RiskDecision;
  if (decisive) decision = decisive.action === 'block' ? 'reject' : 'approve';
  else {
    decision = score >= thresholds.reject ? 'reject' : score >= thresholds.review ? 'review' : 'approve';
    if (forceReview && decision === 'approve') decision = 'review';
  }
  const implied: RiskLevel = decision === 'reject' ? 'high' : decision === 'review' ? 'medium' : 'low';
  return {
    score,
    level: maxLevel(levelOf(score, thresholds), implied),
    decision,
    fired,
    ...(decisive ? { decidedByRule: decisive.ruleId } : {}),
    errors,
  };
}
