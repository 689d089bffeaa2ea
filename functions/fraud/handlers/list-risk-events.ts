/** `GET /admin/risk/events?date&level` (risk-analyst) — the risk-event store by day (RISK-6). Env: `RISK_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { riskEvents } from '../risk-reports.ts';
import { riskEventsRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListRiskEventsHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(riskEventsRoute, async ({ query }) => ({ statusCode: 200, body: await riskEvents({ assessments: p.assessments() }, query) }));
}

/** The Lambda handler. */
export const handler = makeListRiskEventsHandler();
