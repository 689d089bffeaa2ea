/**
 * Use case (RISK-4): backtest a proposed rule set over the orders assessed in a time range, against
 * their stored features; report the orders whose decision would change and precision / recall of
 * the stored decisions and of the proposal against review outcomes and fraud refunds
 * (domain/backtest.ts). Read-only; audited as a staff action.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import { invalidFields } from '../../shared/errors.ts';
import { truthOf, type AssessmentStore } from './assessment-store.ts';
import { runBacktest, type BacktestReport } from './domain/backtest.ts';
import { normaliseFeatures } from './domain/features.ts';
import { compileRule, firstDuplicateId, type RuleDefinition } from './domain/rules.ts';
import type { Thresholds } from './domain/scoring.ts';

/** Ports and settings of {@link backtestRules}. */
export interface BacktestDeps {
  readonly assessments: Pick<AssessmentStore, 'assessmentsBetween'>;
  readonly audit: AuditLog;
  readonly thresholds: Thresholds;
  readonly maxDays: number;
  readonly maxOrders: number;
}

/** A backtest request. */
export interface BacktestCommand {
  readonly from: string;
  readonly to: string;
  readonly rules: readonly RuleDefinition[];
  readonly maxChanged?: number;
  /** Thresholds to decide the proposal with (default: the ones in force). */
  readonly thresholds?: { readonly reviewThreshold: number; readonly rejectThreshold: number };
  readonly principal: Principal;
  readonly correlationId?: string;
}

/** The report, with the range and whether the order limit cut it short. */
export interface BacktestResponse extends BacktestReport {
  readonly from: string;
  readonly to: string;
  readonly thresholds: { readonly reviewThreshold: number; readonly rejectThreshold: number };
  /** True when more than the maximum number of orders were assessed in the range (only the oldest were evaluated). */
  readonly truncated: boolean;
}

/** Runs a backtest (see the module documentation). */
export async function backtestRules(deps: BacktestDeps, command: BacktestCommand): Promise<BacktestResponse> {
  const from = Date.parse(command.from);
  const to = Date.parse(command.to);
  if (!(from < to)) throw invalidFields([{ path: 'body.to', message: 'Must be after from' }]);
  if (to - from > deps.maxDays * 86_400_000) throw invalidFields([{ path: 'body.to', message: `The range may span at most ${deps.maxDays} days` }]);
  if (command.thresholds && command.thresholds.reviewThreshold >= command.thresholds.rejectThreshold) {
    throw invalidFields([{ path: 'body.thresholds.reviewThreshold', message: 'Must be lower than rejectThreshold' }]);
  }
  const thresholds: Thresholds = command.thresholds ? { review: command.thresholds.reviewThreshold, reject: command.thresholds.rejectThreshold } : deps.thresholds;
  const duplicate = firstDuplicateId(command.rules);
  if (duplicate >= 0) throw invalidFields([{ path: `body.rules[${duplicate}].id`, message: 'Duplicate rule id' }]);
  const rules = command.rules.map((rule) => compileRule({ ...rule, version: 0 }));
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  const { items, truncated } = await deps.assessments.assessmentsBetween(fromIso, toIso, deps.maxOrders);
  const records = items.map((a) => {
    const truth = truthOf(a);
    return { orderId: a.orderId, assessedAt: a.assessedAt, features: normaliseFeatures(a.features), decision: a.decision, score: a.score, ...(truth ? { truth } : {}) };
  });
  const report = runBacktest(records, rules, thresholds, { ...(command.maxChanged !== undefined ? { maxChanged: command.maxChanged } : {}) });
  await deps.audit.record({
    actor: command.principal.userId,
    roles: command.principal.roles,
    action: 'risk.backtest',
    resource: { type: 'risk-rule-set', id: 'proposed' },
    reason: 'backtest of a proposed rule set',
    details: {
      from: fromIso,
      to: toIso,
      rules: rules.length,
      evaluated: report.evaluated,
      changed: report.changedCount,
      reviewThreshold: thresholds.review,
      rejectThreshold: thresholds.reject,
    },
    ...(command.correlationId ? { correlationId: command.correlationId } : {}),
  });
  return { from: fromIso, to: toIso, thresholds: { reviewThreshold: thresholds.review, rejectThreshold: thresholds.reject }, truncated, ...report };
}
