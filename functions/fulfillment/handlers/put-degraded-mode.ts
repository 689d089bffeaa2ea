/**
 * `PUT /admin/degraded-mode` (ops) — switch peak-load degraded mode (FUL-5); audited (SEC-4).
 * Env: `FULFILLMENT_TABLE_NAME`, `AUDIT_TABLE_NAME`.
 */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { logger } from '../../../shared/observability.ts';
import { setDegradedMode } from '../degraded-mode.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { putDegradedModeRoute } from '../routes.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface PutDegradedModePorts {
  readonly repository?: () => FulfillmentRepository;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makePutDegradedModeHandler(ports: PutDegradedModePorts = {}): HttpLambdaHandler {
  return httpHandler(putDegradedModeRoute, async ({ body, principal, correlationId }) => {
    const result = await setDegradedMode(
      { repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(), audit: (ports.audit ?? auditLogFromEnv)(), clock: ports.clock ?? systemClock },
      { enabled: body.enabled, reason: body.reason, principal, correlationId },
    );
    logger.info('degraded mode set', { enabled: result.enabled, by: principal.userId });
    return { statusCode: 200, body: result };
  });
}

/** The Lambda handler. */
export const handler = makePutDegradedModeHandler();
