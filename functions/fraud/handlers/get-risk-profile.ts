/** `GET /admin/risk/profiles/{customerId}` (risk-analyst) — a customer's risk profile (RISK-6). Env: `RISK_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { getRiskProfile } from '../risk-reports.ts';
import { getRiskProfileRoute } from '../routes.ts';
import { fraudSettings } from '../settings.ts';

/** Builds the handler with the given ports. */
export function makeGetRiskProfileHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(getRiskProfileRoute, async ({ path }) => ({
    statusCode: 200,
    body: await getRiskProfile({ assessments: p.assessments(), zScoreMinStdDevPercent: fraudSettings().zScoreMinStdDevPercent }, path.customerId),
  }));
}

/** The Lambda handler. */
export const handler = makeGetRiskProfileHandler();
