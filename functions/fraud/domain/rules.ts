/**
 * Risk rules are data (RISK-4): an id, a condition in the expression language (./expression.ts), an
 * effect — a score contribution or an action (allow, review, block) — a priority and an enabled flag.
 * Staff change them through the audited admin API; every stored version is kept. Pure.
 */
import * as z from '../../../shared/zod.ts';
import { lazily } from '../../../shared/lazily.ts';
import { freeText } from '../../../shared/text.ts';
import { checkExpression, compileExpression, EXPRESSION_LIMITS, type CompiledExpression } from './expression.ts';

/** A rule id: a lower-case slug, e.g. `velocity-device-24h`. */
export const RuleIdSchema = /* @__PURE__ */ lazily(() =>
  z.string().check(z.minLength(2), z.maxLength(64), z.regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'Must be a lower-case slug like velocity-device-24h')),
);

/** What a rule does when its condition holds. */
export const RuleEffectSchema = /* @__PURE__ */ lazily(() =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('score'),
      /** Added to the score (negative lowers it, e.g. good history). */
      points: z.number().check(z.int(), z.gte(-100), z.lte(100)),
    }),
    z.strictObject({
      type: z.literal('action'),
      action: z.enum(['allow', 'review', 'block']),
    }),
  ]),
);
export type RuleEffect = z.infer<ReturnType<typeof RuleEffectSchema>>;

/** A condition: checked by the compiler, so a rule that is saved always compiles. */
export const ConditionSchema = /* @__PURE__ */ lazily(() =>
  z.string().check(
    z.minLength(1),
    z.maxLength(EXPRESSION_LIMITS.maxLength),
    z.superRefine((source, ctx) => {
      const problem = checkExpression(source);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
    }),
    z.describe('A condition in the rule language over the features (see GET /admin/risk/rules → features), e.g. `accountAgeHours < 24 and amount >= 200_000`'),
  ),
);

/** A rule definition, as staff send it. */
export const RuleDefinitionSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    id: RuleIdSchema(),
    description: freeText(300),
    /** Lower runs first; decides which allow/block action wins (see ./scoring.ts). */
    priority: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
    enabled: z.boolean(),
    condition: ConditionSchema(),
    effect: RuleEffectSchema(),
  }),
);
export type RuleDefinition = z.infer<ReturnType<typeof RuleDefinitionSchema>>;

/** A stored rule: a definition with its version and who changed it last. */
export interface Rule extends RuleDefinition {
  /** 1 for the first stored version; 0 for a built-in default not stored yet. */
  readonly version: number;
  readonly updatedBy: string;
  readonly updatedAt: string;
}

/** A rule ready to evaluate. */
export interface CompiledRule {
  readonly rule: Pick<Rule, 'id' | 'version' | 'priority' | 'enabled' | 'effect'>;
  readonly condition: CompiledExpression;
}

/** Compiles a rule (its condition was checked when saved; a stored rule that no longer compiles throws). */
export function compileRule(rule: Pick<Rule, 'id' | 'version' | 'priority' | 'enabled' | 'effect' | 'condition'>): CompiledRule {
  return { rule: { id: rule.id, version: rule.version, priority: rule.priority, enabled: rule.enabled, effect: rule.effect }, condition: compileExpression(rule.condition) };
}

/** The definition part of a rule. */
export function definitionOf(rule: RuleDefinition): RuleDefinition {
  return { id: rule.id, description: rule.description, priority: rule.priority, enabled: rule.enabled, condition: rule.condition, effect: rule.effect };
}

/** True when two definitions are the same rule. */
export function sameDefinition(a: RuleDefinition, b: RuleDefinition): boolean {
  const x = definitionOf(a);
  const y = definitionOf(b);
  return (
    x.id === y.id &&
    x.description === y.description &&
    x.priority === y.priority &&
    x.enabled === y.enabled &&
    x.condition === y.condition &&
    JSON.stringify(x.effect) === JSON.stringify(y.effect)
  );
}

/** Evaluation order: priority ascending, then id. */
export function byEvaluationOrder(a: { readonly priority: number; readonly id: string }, b: { readonly priority: number; readonly id: string }): number {
  return a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A rule set must not repeat an id. Returns the index of the first duplicate, or -1. */
export function firstDuplicateId(rules: ReadonlyArray<{ readonly id: string }>): number {
  const seen = new Set<string>();
  for (const [i, rule] of rules.entries()) {
    if (seen.has(rule.id)) return i;
    seen.add(rule.id);
  }
  return -1;
}
