/** `GET /admin/risk/rules` (risk-analyst) — the rule set in evaluation order and the feature catalogue (RISK-4). Env: `RISK_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { listRules } from '../manage-rules.ts';
import { listRulesRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListRiskRulesHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(listRulesRoute, async () => ({ statusCode: 200, body: await listRules({ rules: p.rules() }) }));
}

/** The Lambda handler. */
export const handler = makeListRiskRulesHandler();
