/**
 * `POST /admin/risk/rules/{ruleId}/disable` (risk-analyst) — disabling an enabled rule waits for a
 * second approver (RISK-7). Audited. Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { disableRule } from '../manage-rules.ts';
import { disableRuleRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeDisableRiskRuleHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return idempotentHttpHandler(disableRuleRoute, async ({ path, body, principal, correlationId }) => {
    const result = await disableRule({ rules: p.rules(), audit: p.audit(), clock: p.clock, newId: p.newId }, { principal, reason: body.reason, correlationId }, path.ruleId);
    return { statusCode: result.outcome === 'pending' ? 202 : 200, body: result };
  });
}

/** The Lambda handler. */
export const handler = makeDisableRiskRuleHandler();
