/**
 * `POST /admin/risk/rules/{ruleId}/changes/{changeId}/approve` (risk-analyst) — the second approver
 * (RISK-7): someone other than the proposer applies a pending change. Audited.
 * Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { approveRuleChange } from '../manage-rules.ts';
import { approveRuleChangeRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeApproveRiskRuleChangeHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return idempotentHttpHandler(approveRuleChangeRoute, async ({ path, body, principal, correlationId }) => ({
    statusCode: 200,
    body: await approveRuleChange(
      { rules: p.rules(), audit: p.audit(), clock: p.clock, newId: p.newId },
      { principal, reason: body.reason, correlationId },
      path.ruleId,
      path.changeId,
    ),
  }));
}

/** The Lambda handler. */
export const handler = makeApproveRiskRuleChangeHandler();
