/**
 * Use cases: the risk thresholds without a deploy (`GET /admin/settings/risk`, `PUT
 * /admin/settings/risk`, and approving or rejecting a proposed change; RISK-4, RISK-7).
 *
 * A risk analyst proposes `{ reviewThreshold, rejectThreshold, reason }` (review below reject): the
 * proposal is recorded as pending (202) and changes nothing until a different risk analyst approves
 * it; then the next assessment decides with the new thresholds. Proposing the thresholds in force
 * is 200 and records nothing. Every step is audited before it is written (SEC-4).
 */
import { cachedFor } from '../../shared/cache.ts';
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { conflict, forbidden, invalidFields, notFound } from '../../shared/errors.ts';
import { thresholdsOf, type RiskSettings, type ThresholdChange } from './domain/risk-settings.ts';
import { approvalProblem } from './domain/rule-changes.ts';
import type { Thresholds } from './domain/scoring.ts';
import { SettingsWriteConflict, type RiskSettingsStore } from './settings-store.ts';

/** Ports and settings. */
export interface RiskSettingsDeps {
  readonly settings: RiskSettingsStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly newId: (at?: Date) => string;
  /** The configured defaults (40 / 75), in force until a change is approved. */
  readonly defaults: Thresholds;
}

/** The thresholds in force: the stored ones, or the configured defaults (version 0). */
export async function thresholdsInForce(deps: Pick<RiskSettingsDeps, 'settings' | 'defaults'>): Promise<RiskSettings> {
  return (await deps.settings.current()) ?? { reviewThreshold: deps.defaults.review, rejectThreshold: deps.defaults.reject, version: 0 };
}

/**
 * The thresholds an assessment decides with, reused for `ttlSeconds` by a warm function (as the rule
 * set is, rule-source.ts): an approved change takes effect within that time.
 */
export function cachedThresholds(deps: Pick<RiskSettingsDeps, 'settings' | 'defaults'>, clock: Clock, ttlSeconds: number): () => Promise<Thresholds> {
  const get = cachedFor(
    () => thresholdsInForce(deps).then(thresholdsOf),
    ttlSeconds * 1000,
    () => clock.now().getTime(),
  );
  return () => get();
}

/** The thresholds in force and the changes waiting for approval. */
export async function getRiskSettings(deps: Pick<RiskSettingsDeps, 'settings' | 'defaults'>): Promise<{ current: RiskSettings; pending: ThresholdChange[] }> {
  const [current, pending] = await Promise.all([thresholdsInForce(deps), deps.settings.pendingChanges()]);
  return { current, pending };
}

/** Proposes new thresholds (202 pending) — or nothing, when they are the ones in force. */
export async function proposeRiskSettings(
  deps: RiskSettingsDeps,
  input: { reviewThreshold: number; rejectThreshold: number; reason: string; principal: Principal; correlationId: string },
): Promise<{ outcome: 'unchanged'; current: RiskSettings } | { outcome: 'pending'; change: ThresholdChange }> {
  if (input.reviewThreshold >= input.rejectThreshold) throw invalidFields([{ path: 'body.reviewThreshold', message: 'Must be lower than rejectThreshold' }]);
  const current = await thresholdsInForce(deps);
  if (current.reviewThreshold === input.reviewThreshold && current.rejectThreshold === input.rejectThreshold) return { outcome: 'unchanged', current };
  const now = deps.clock.now();
  const change: ThresholdChange = {
    changeId: deps.newId(now),
    reviewThreshold: input.reviewThreshold,
    rejectThreshold: input.rejectThreshold,
    baseVersion: current.version,
    proposedBy: input.principal.userId,
    proposedAt: now.toISOString(),
    reason: input.reason,
    status: 'pending',
  };
  await deps.audit.record({
    actor: input.principal.userId,
    roles: input.principal.roles,
    action: 'risk-settings.propose',
    resource: { type: 'risk-settings', id: 'thresholds' },
    reason: input.reason,
    details: {
      changeId: change.changeId,
      reviewThreshold: change.reviewThreshold,
      rejectThreshold: change.rejectThreshold,
      fromReview: current.reviewThreshold,
      fromReject: current.rejectThreshold,
    },
    correlationId: input.correlationId,
  });
  await deps.settings.proposeChange(change);
  return { outcome: 'pending', change };
}

/** A second risk analyst approves (applies) or rejects a pending change. */
export async function decideRiskSettingsChange(
  deps: RiskSettingsDeps,
  input: { changeId: string; decision: 'approve' | 'reject'; reason: string; principal: Principal; correlationId: string },
): Promise<{ change: ThresholdChange; current: RiskSettings }> {
  const [change, current] = await Promise.all([deps.settings.getChange(input.changeId), thresholdsInForce(deps)]);
  if (!change) throw notFound(`There is no threshold change ${input.changeId}.`);
  const problem = approvalProblem(change, input.principal.userId, current.version);
  if (problem === 'same-person') throw forbidden('A threshold change needs a different risk analyst to decide it (maker-checker).');
  if (problem === 'not-pending') throw conflict(`The change is ${change.status} already.`);
  if (problem === 'stale' && input.decision === 'approve') throw conflict('The thresholds changed since this was proposed; propose again against the ones in force.');
  await deps.audit.record({
    actor: input.principal.userId,
    roles: input.principal.roles,
    action: `risk-settings.${input.decision}`,
    resource: { type: 'risk-settings', id: 'thresholds' },
    reason: input.reason,
    details: { changeId: change.changeId, proposedBy: change.proposedBy, reviewThreshold: change.reviewThreshold, rejectThreshold: change.rejectThreshold },
    correlationId: input.correlationId,
  });
  const decidedAt = deps.clock.now().toISOString();
  try {
    if (input.decision === 'approve') {
      const applied = await deps.settings.applyChange(change, { decidedBy: input.principal.userId, decidedAt });
      return { change: { ...change, status: 'approved', decidedBy: input.principal.userId, decidedAt }, current: applied };
    }
    await deps.settings.rejectChange(change, { decidedBy: input.principal.userId, decidedAt, reason: input.reason });
    return { change: { ...change, status: 'rejected', decidedBy: input.principal.userId, decidedAt, decisionReason: input.reason }, current };
  } catch (error) {
    if (error instanceof SettingsWriteConflict) throw conflict('The thresholds or the change moved on meanwhile; reload and decide again.');
    throw error;
  }
}
