/**
 * `POST /admin/reviews/{orderId}` (risk-analyst) — an analyst approves or rejects an order waiting
 * for review (RISK-5): RiskApproved / RiskRejected with decidedBy analyst; audited.
 * Env: `RISK_TABLE_NAME`, `EVENT_BUS_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { decideReview } from '../decide-review.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { decideReviewRoute } from '../routes.ts';
import { fraudSettings } from '../settings.ts';

/** Builds the handler with the given ports. */
export function makeDecideReviewHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return idempotentHttpHandler(decideReviewRoute, async ({ path, body, principal, correlationId, idempotencyKey }) => {
    const result = await decideReview(
      { assessments: p.assessments(), events: p.events(correlationId), audit: p.audit(), clock: p.clock, newId: p.newId, metricsShards: fraudSettings().metricsShards },
      { orderId: path.orderId, decision: body.decision, note: body.note, analyst: principal, correlationId, ...(idempotencyKey ? { idempotencyKey } : {}) },
    );
    return { statusCode: 200, body: result };
  });
}

/** The Lambda handler. */
export const handler = makeDecideReviewHandler();
