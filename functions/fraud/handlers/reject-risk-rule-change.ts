/**
 * `POST /admin/risk/rules/{ruleId}/changes/{changeId}/reject` (risk-analyst) — reject or withdraw a
 * pending rule change (RISK-7). Audited. Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { rejectRuleChange } from '../manage-rules.ts';
import { rejectRuleChangeRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeRejectRiskRuleChangeHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return idempotentHttpHandler(rejectRuleChangeRoute, async ({ path, body, principal, correlationId }) => ({
    statusCode: 200,
    body: await rejectRuleChange(
      { rules: p.rules(), audit: p.audit(), clock: p.clock, newId: p.newId },
      { principal, reason: body.reason, correlationId },
      path.ruleId,
      path.changeId,
    ),
  }));
}

/** The Lambda handler. */
export const handler = makeRejectRiskRuleChangeHandler();
