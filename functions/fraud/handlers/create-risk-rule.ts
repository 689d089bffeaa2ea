/**
 * `POST /admin/risk/rules` (risk-analyst) — create a rule (RISK-4); an enabled rule waits for a
 * second approver (RISK-7). Audited. Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { createRule } from '../manage-rules.ts';
import { createRuleRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeCreateRiskRuleHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return idempotentHttpHandler(createRuleRoute, async ({ body, principal, correlationId }) => {
    const { reason, ...definition } = body;
    const result = await createRule({ rules: p.rules(), audit: p.audit(), clock: p.clock, newId: p.newId }, { principal, reason, correlationId }, definition);
    return { statusCode: result.outcome === 'pending' ? 202 : 201, body: result };
  });
}

/** The Lambda handler. */
export const handler = makeCreateRiskRuleHandler();
