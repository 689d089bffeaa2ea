/**
 * Maker-checker for rule changes (RISK-7): a change that affects live decisions — creating an
 * enabled rule, changing or disabling an enabled rule, enabling a disabled one — is stored as a
 * pending change and takes effect only when a different risk analyst approves it. A change to a
 * rule that is disabled before and after applies at once (it decides nothing). Pure.
 */
import { sameDefinition, type Rule, type RuleDefinition } from './rules.ts';

export type RuleChangeKind = 'create' | 'update' | 'disable';
export type RuleChangeStatus = 'pending' | 'approved' | 'rejected';

/** A proposed change of one rule. */
export interface RuleChange {
  readonly changeId: string;
  readonly ruleId: string;
  readonly kind: RuleChangeKind;
  readonly proposed: RuleDefinition;
  /** The rule version the change was made against (0: the rule did not exist). */
  readonly baseVersion: number;
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly reason: string;
  readonly status: RuleChangeStatus;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly decisionReason?: string;
}

/** What to do with a proposed definition. */
export type ChangePlan = 'unchanged' | 'apply' | 'needs-approval';

/** Plans a change of `current` (undefined: a new rule) to `proposed`. */
export function planRuleChange(current: Rule | undefined, proposed: RuleDefinition): ChangePlan {
  if (current && sameDefinition(current, proposed)) return 'unchanged';
  return current?.enabled || proposed.enabled ? 'needs-approval' : 'apply';
}

/** Why a pending change cannot be approved (or rejected) now. */
export type ApprovalProblem = 'not-pending' | 'same-person' | 'stale';

/**
 * Checks an approval: the change must be pending, the approver someone other than the proposer
 * (maker-checker), and the rule (or the thresholds, domain/risk-settings.ts) still at the version the
 * change was made against.
 */
export function approvalProblem(change: Pick<RuleChange, 'status' | 'proposedBy' | 'baseVersion'>, approver: string, currentVersion: number): ApprovalProblem | undefined {
  if (change.status !== 'pending') return 'not-pending';
  if (change.proposedBy === approver) return 'same-person';
  if (currentVersion !== change.baseVersion) return 'stale';
  return undefined;
}
