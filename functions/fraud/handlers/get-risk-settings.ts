/** `GET /admin/settings/risk` (risk-analyst) — the thresholds in force and pending changes (RISK-4). Env: `RISK_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { getRiskSettings } from '../manage-risk-settings.ts';
import { getRiskSettingsRoute } from '../routes.ts';
import { riskThresholds } from '../settings.ts';

/** Builds the handler with the given ports. */
export function makeGetRiskSettingsHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(getRiskSettingsRoute, async () => ({ statusCode: 200, body: await getRiskSettings({ settings: p.riskSettings(), defaults: riskThresholds() }) }));
}

/** The Lambda handler. */
export const handler = makeGetRiskSettingsHandler();
