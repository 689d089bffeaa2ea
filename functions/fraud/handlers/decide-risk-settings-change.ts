/**
 * `POST /admin/settings/risk/changes/{changeId}/approve|reject` (risk-analyst, not the proposer) —
 * the second analyst applies or rejects a threshold change (RISK-7). Audited.
 * Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { decideRiskSettingsChange } from '../manage-risk-settings.ts';
import { approveRiskSettingsChangeRoute, rejectRiskSettingsChangeRoute } from '../routes.ts';
import { riskThresholds } from '../settings.ts';

/** Builds the approve (or reject) handler with the given ports. */
export function makeDecideRiskSettingsChangeHandler(decision: 'approve' | 'reject', ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  const route = decision === 'approve' ? approveRiskSettingsChangeRoute : rejectRiskSettingsChangeRoute;
  return idempotentHttpHandler(route, async ({ path, body, principal, correlationId }) => ({
    statusCode: 200,
    body: await decideRiskSettingsChange(
      { settings: p.riskSettings(), audit: p.audit(), clock: p.clock, newId: p.newId, defaults: riskThresholds() },
      { changeId: path.changeId, decision, reason: body.reason, principal, correlationId },
    ),
  }));
}

/** The Lambda handlers. */
export const approveHandler = makeDecideRiskSettingsChangeHandler('approve');
export const rejectHandler = makeDecideRiskSettingsChangeHandler('reject');
