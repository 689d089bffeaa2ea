/**
 * The rule set an assessment evaluates: the stored rules (or the built-in defaults while none are
 * stored), compiled, and reused for `ttlSeconds` by a warm function so an assessment costs no rule
 * read. Rule changes therefore take effect within that time (default 5 s, RISK_RULES_CACHE_SECONDS).
 */
import { cachedFor } from '../../shared/cache.ts';
import type { Clock } from '../../shared/clock.ts';
import { DEFAULT_RULES } from './domain/default-rules.ts';
import { ExpressionError } from './domain/expression.ts';
import { compileRule, type CompiledRule, type Rule } from './domain/rules.ts';
import type { RuleStore } from './rule-store.ts';

/** The active rule set. */
export interface ActiveRules {
  readonly rules: readonly CompiledRule[];
  /** True when the built-in defaults are in force (no stored rules yet). */
  readonly builtIn: boolean;
  /** Stored rules whose condition no longer compiles (skipped; should never happen). */
  readonly invalid: readonly string[];
}

/** Where the assessment gets its rules. */
export interface RuleSource {
  activeRules(): Promise<ActiveRules>;
}

/** The built-in defaults as rules of version 0. */
export function builtInRules(at = '1970-01-01T00:00:00.000Z'): Rule[] {
  return DEFAULT_RULES.map((definition) => ({ ...definition, version: 0, updatedBy: 'system:built-in', updatedAt: at }));
}

/** Compiles a rule set, setting aside rules that do not compile. */
export function compileRuleSet(rules: readonly Rule[]): { rules: CompiledRule[]; invalid: string[] } {
  const compiled: CompiledRule[] = [];
  const invalid: string[] = [];
  for (const rule of rules) {
    try {
      compiled.push(compileRule(rule));
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      invalid.push(rule.id);
    }
  }
  return { rules: compiled, invalid };
}

/** A {@link RuleSource} over a store, cached for `ttlSeconds`. */
export function cachedRuleSource(store: Pick<RuleStore, 'listRules'>, clock: Clock, ttlSeconds: number): RuleSource {
  const load = async (): Promise<ActiveRules> => {
    const stored = await store.listRules();
    const builtIn = stored.length === 0;
    return { ...compileRuleSet(builtIn ? builtInRules() : stored), builtIn };
  };
  const get = cachedFor(load, ttlSeconds * 1000, () => clock.now().getTime());
  return { activeRules: () => get() };
}
