/** `POST /returns/{returnId}/cancel` (customer own, before the pickup; AFT-1). Env: `RETURNS_TABLE_NAME`, `EVENT_BUS_NAME`, `IDEMPOTENCY_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID`. */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { cancelReturn } from '../returns.ts';
import { cancelReturnRoute } from '../routes.ts';
import { returnsRuntime, returnView, type ReturnsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeCancelReturnHandler(ports: ReturnsPorts = {}): HttpLambdaHandler {
  const runtime = returnsRuntime(ports);
  return idempotentHttpHandler(cancelReturnRoute, async ({ path, principal, correlationId }) => {
    const ret = await cancelReturn(runtime.deps(), { returnId: path.returnId, principal, correlationId });
    return { statusCode: 200, body: await returnView(ret, principal, runtime.cipher) };
  });
}

/** The Lambda handler. */
export const handler = makeCancelReturnHandler();
