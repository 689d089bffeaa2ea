/** `GET /admin/degraded-mode` (ops) — the peak-load switch (FUL-5). Env: `FULFILLMENT_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { getDegradedMode } from '../degraded-mode.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { getDegradedModeRoute } from '../routes.ts';

/** Builds the handler with the given repository. */
export function makeGetDegradedModeHandler(ports: { repository?: () => FulfillmentRepository } = {}): HttpLambdaHandler {
  return httpHandler(getDegradedModeRoute, async () => ({ statusCode: 200, body: await getDegradedMode({ repository: (ports.repository ?? fulfillmentRepositoryFromEnv)() }) }));
}

/** The Lambda handler. */
export const handler = makeGetDegradedModeHandler();
