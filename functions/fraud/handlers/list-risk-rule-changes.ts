/** `GET /admin/risk/rule-changes` (risk-analyst) — proposed rule changes by status (RISK-7). Env: `RISK_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { listRuleChanges } from '../manage-rules.ts';
import { listRuleChangesRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListRiskRuleChangesHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(listRuleChangesRoute, async ({ query }) => ({ statusCode: 200, body: await listRuleChanges({ rules: p.rules() }, query) }));
}

/** The Lambda handler. */
export const handler = makeListRiskRuleChangesHandler();
