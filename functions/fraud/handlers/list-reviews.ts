/** `GET /admin/reviews` (risk-analyst) — the manual review queue (RISK-5). Env: `RISK_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { listReviewQueue } from '../decide-review.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { listReviewsRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListReviewsHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(listReviewsRoute, async ({ query }) => ({ statusCode: 200, body: await listReviewQueue({ assessments: p.assessments() }, query) }));
}

/** The Lambda handler. */
export const handler = makeListReviewsHandler();
