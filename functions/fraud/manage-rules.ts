/**
 * Use cases of the rule admin API (RISK-4, RISK-7, SEC-4): list, create, update and disable rules;
 * approve or reject pending changes. Every change is audited. A change that affects live decisions
 * needs a second risk analyst (domain/rule-changes.ts): it is stored as pending and applied only
 * when someone other than its proposer approves it, against the rule version it was made on.
 *
 * The first change in a table without stored rules first writes the built-in defaults as
 * version 1, so they stay in force next to the change.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { conflict, forbidden, notFound } from '../../shared/errors.ts';
import { DEFAULT_RULES } from './domain/default-rules.ts';
import { featureList } from './domain/features.ts';
import { approvalProblem, planRuleChange, type RuleChange, type RuleChangeKind, type RuleChangeStatus } from './domain/rule-changes.ts';
import { byEvaluationOrder, definitionOf, sameDefinition, type Rule, type RuleDefinition } from './domain/rules.ts';
import { builtInRules } from './rule-source.ts';
import { RuleWriteConflict, type RuleStore } from './rule-store.ts';

/** Ports of the rule use cases. */
export interface RuleAdminDeps {
  readonly rules: RuleStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly newId: (at?: Date) => string;
}

/** Who asks, why, and the request's correlation id. */
export interface StaffContext {
  readonly principal: Principal;
  readonly reason: string;
  readonly correlationId?: string;
}

/** The outcome of a proposed change. */
export interface ChangeResult {
  readonly outcome: 'applied' | 'pending' | 'unchanged';
  readonly rule?: Rule;
  readonly change?: RuleChange;
}

/** The rule set (stored, or the built-in defaults), in evaluation order, with the feature catalogue. */
export async function listRules(deps: Pick<RuleAdminDeps, 'rules'>) {
  const stored = await deps.rules.listRules();
  const builtIn = stored.length === 0;
  const rules = (builtIn ? builtInRules() : stored).sort(byEvaluationOrder);
  return { items: rules, builtIn, features: featureList() };
}

async function ensureStored(deps: RuleAdminDeps, actor: string): Promise<void> {
  const stored = await deps.rules.listRules();
  if (stored.length === 0) await deps.rules.materialise(DEFAULT_RULES, `system:defaults (first change by ${actor})`, deps.clock.now().toISOString());
}

async function audit(deps: RuleAdminDeps, ctx: StaffContext, action: string, ruleId: string, details: Record<string, string | number | boolean | null>) {
  await deps.audit.record({
    actor: ctx.principal.userId,
    roles: ctx.principal.roles,
    action,
    resource: { type: 'risk-rule', id: ruleId },
    reason: ctx.reason,
    details,
    ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
  });
}

/** Proposes a definition for a rule: applied at once, stored as pending, or unchanged. */
async function propose(deps: RuleAdminDeps, ctx: StaffContext, kind: RuleChangeKind, current: Rule | undefined, proposed: RuleDefinition): Promise<ChangeResult> {
  const plan = planRuleChange(current, proposed);
  if (plan === 'unchanged') return { outcome: 'unchanged', ...(current ? { rule: current } : {}) };
  const at = deps.clock.now();
  if (plan === 'apply') {
    // SEC-4 / RISK-7: audited BEFORE the rule changes (the entry records the attempt; no change without one).
    await audit(deps, ctx, `risk.rule.${kind}`, proposed.id, { outcome: 'applied', baseVersion: current?.version ?? 0, enabled: proposed.enabled });
    let rule: Rule;
    try {
      rule = await deps.rules.apply({ definition: proposed, baseVersion: current?.version ?? 0, actor: ctx.principal.userId, at: at.toISOString() });
    } catch (error) {
      if (error instanceof RuleWriteConflict) throw conflict(`Rule ${proposed.id} was changed concurrently; reload and retry.`);
      throw error;
    }
    return { outcome: 'applied', rule };
  }
  // Needs a second approver. The same proposal pending already → that change (no duplicates).
  const pending = await deps.rules.pendingChanges(proposed.id);
  const same = pending.find((c) => c.baseVersion === (current?.version ?? 0) && sameDefinition(c.proposed, proposed));
  if (same) return { outcome: 'pending', change: same, ...(current ? { rule: current } : {}) };
  const change: RuleChange = {
    changeId: deps.newId(at),
    ruleId: proposed.id,
    kind,
    proposed: definitionOf(proposed),
    baseVersion: current?.version ?? 0,
    proposedBy: ctx.principal.userId,
    proposedAt: at.toISOString(),
    reason: ctx.reason,
    status: 'pending',
  };
  await audit(deps, ctx, `risk.rule.${kind}`, proposed.id, { outcome: 'pending', changeId: change.changeId, baseVersion: change.baseVersion, enabled: proposed.enabled });
  await deps.rules.createChange(change);
  return { outcome: 'pending', change, ...(current ? { rule: current } : {}) };
}

/** Creates a rule (409 if the id exists). */
export async function createRule(deps: RuleAdminDeps, ctx: StaffContext, definition: RuleDefinition): Promise<ChangeResult> {
  await ensureStored(deps, ctx.principal.userId);
  const current = await deps.rules.getRule(definition.id);
  if (current) throw conflict(`Rule ${definition.id} exists; update it instead.`);
  const pendingCreate = (await deps.rules.pendingChanges(definition.id)).find((c) => c.kind === 'create' && !sameDefinition(c.proposed, definition));
  if (pendingCreate) throw conflict(`A different proposal to create rule ${definition.id} is awaiting approval.`);
  return propose(deps, ctx, 'create', undefined, definition);
}

/** Updates a rule (404 if unknown). */
export async function updateRule(deps: RuleAdminDeps, ctx: StaffContext, definition: RuleDefinition): Promise<ChangeResult> {
  await ensureStored(deps, ctx.principal.userId);
  const current = await deps.rules.getRule(definition.id);
  if (!current) throw notFound(`No rule ${definition.id}.`);
  return propose(deps, ctx, 'update', current, definition);
}

/** Disables a rule (404 if unknown; unchanged if already disabled). */
export async function disableRule(deps: RuleAdminDeps, ctx: StaffContext, ruleId: string): Promise<ChangeResult> {
  await ensureStored(deps, ctx.principal.userId);
  const current = await deps.rules.getRule(ruleId);
  if (!current) throw notFound(`No rule ${ruleId}.`);
  return propose(deps, ctx, 'disable', current, { ...definitionOf(current), enabled: false });
}

async function loadChange(deps: RuleAdminDeps, ruleId: string, changeId: string): Promise<RuleChange> {
  const change = await deps.rules.getChange(ruleId, changeId);
  if (!change) throw notFound(`No change ${changeId} of rule ${ruleId}.`);
  return change;
}

/** Approves a pending change (second approver) and applies it. */
export async function approveRuleChange(deps: RuleAdminDeps, ctx: StaffContext, ruleId: string, changeId: string): Promise<ChangeResult> {
  const change = await loadChange(deps, ruleId, changeId);
  if (change.status === 'approved' && change.decidedBy === ctx.principal.userId) {
    const rule = await deps.rules.getRule(ruleId);
    return { outcome: 'applied', change, ...(rule ? { rule } : {}) };
  }
  const current = await deps.rules.getRule(ruleId);
  const problem = approvalProblem(change, ctx.principal.userId, current?.version ?? 0);
  if (problem === 'same-person') throw forbidden('A rule change needs a second approver: someone other than its proposer.');
  if (problem === 'not-pending') throw conflict(`The change is already ${change.status}.`);
  if (problem === 'stale') throw conflict('The rule changed after this change was proposed; propose it again.');
  const at = deps.clock.now().toISOString();
  await audit(deps, ctx, 'risk.rule.approve-change', ruleId, { changeId, proposedBy: change.proposedBy, baseVersion: change.baseVersion, enabled: change.proposed.enabled });
  let rule: Rule;
  try {
    rule = await deps.rules.apply({ definition: change.proposed, baseVersion: change.baseVersion, actor: ctx.principal.userId, at, approval: { changeId, reason: ctx.reason } });
  } catch (error) {
    if (error instanceof RuleWriteConflict) throw conflict('The rule or the change changed concurrently; reload and retry.');
    throw error;
  }
  return { outcome: 'applied', rule, change: { ...change, status: 'approved', decidedBy: ctx.principal.userId, decidedAt: at, decisionReason: ctx.reason } };
}

/** Rejects (or withdraws) a pending change. */
export async function rejectRuleChange(deps: RuleAdminDeps, ctx: StaffContext, ruleId: string, changeId: string): Promise<RuleChange> {
  const change = await loadChange(deps, ruleId, changeId);
  if (change.status === 'rejected' && change.decidedBy === ctx.principal.userId) return change;
  if (change.status !== 'pending') throw conflict(`The change is already ${change.status}.`);
  await audit(deps, ctx, 'risk.rule.reject-change', ruleId, { changeId, proposedBy: change.proposedBy });
  let rejected: RuleChange;
  try {
    rejected = await deps.rules.rejectChange(ruleId, changeId, ctx.principal.userId, ctx.reason, deps.clock.now().toISOString());
  } catch (error) {
    if (error instanceof RuleWriteConflict) throw conflict('The change was decided concurrently.');
    throw error;
  }
  return rejected;
}

/** Changes by status. */
export async function listRuleChanges(deps: Pick<RuleAdminDeps, 'rules'>, query: { status: RuleChangeStatus; limit: number; cursor?: string }) {
  return deps.rules.listChanges(query);
}
