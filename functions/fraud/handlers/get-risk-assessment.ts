/** `GET /admin/risk/assessments/{orderId}` (risk-analyst) — an order's assessment, staff only (RISK-2). Env: `RISK_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { getAssessment } from '../risk-reports.ts';
import { getAssessmentRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeGetRiskAssessmentHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(getAssessmentRoute, async ({ path }) => ({ statusCode: 200, body: await getAssessment({ assessments: p.assessments() }, path.orderId) }));
}

/** The Lambda handler. */
export const handler = makeGetRiskAssessmentHandler();
