/**
 * `PUT /admin/risk/rules/{ruleId}` (risk-analyst) — update a rule (RISK-4); a change to an enabled
 * rule (or enabling one) waits for a second approver (RISK-7). Audited. Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`.
 */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { updateRule } from '../manage-rules.ts';
import { updateRuleRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeUpdateRiskRuleHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(updateRuleRoute, async ({ path, body, principal, correlationId }) => {
    const { reason, ...rest } = body;
    const result = await updateRule({ rules: p.rules(), audit: p.audit(), clock: p.clock, newId: p.newId }, { principal, reason, correlationId }, { id: path.ruleId, ...rest });
    return { statusCode: result.outcome === 'pending' ? 202 : 200, body: result };
  });
}

/** The Lambda handler. */
export const handler = makeUpdateRiskRuleHandler();
