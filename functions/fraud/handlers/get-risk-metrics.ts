/** `GET /admin/risk/metrics?from&to` (risk-analyst) — daily decisions and false-positive rate (RISK-5). Env: `RISK_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { riskMetrics } from '../risk-reports.ts';
import { riskMetricsRoute } from '../routes.ts';
import { fraudSettings } from '../settings.ts';

/** Builds the handler with the given ports. */
export function makeGetRiskMetricsHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(riskMetricsRoute, async ({ query }) => {
    const settings = fraudSettings();
    return { statusCode: 200, body: await riskMetrics({ assessments: p.assessments(), shards: settings.metricsShards, maxDays: settings.metricsMaxDays }, query) };
  });
}

/** The Lambda handler. */
export const handler = makeGetRiskMetricsHandler();
