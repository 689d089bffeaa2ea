/** `DELETE /me` (customer; SEC-3) — erasure by crypto-shredding. Env: PRIVACY/ORDERS/TICKETS/AUDIT/CUSTOMER_KEY tables, `CUSTOMER_POOL_ID`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { erasureDepsFromEnv } from '../adapters.ts';
import { eraseCustomer, type ErasureDeps } from '../data-rights.ts';
import { deleteMeRoute } from '../routes.ts';

/** The container's ports, built once (clients and caches live as long as the container). */
let containerDeps: ErasureDeps | undefined;

/** Builds the handler with the given ports. */
export function makeDeleteMeHandler(deps: () => ErasureDeps = () => (containerDeps ??= erasureDepsFromEnv())): HttpLambdaHandler {
  return httpHandler(deleteMeRoute, async ({ principal, correlationId }) => {
    const request = await eraseCustomer(deps(), { principal, correlationId });
    return { statusCode: 202, body: { requestId: request.requestId, status: request.status === 'ERASED' ? 'ERASED' : 'ERASING' } };
  });
}

/** The Lambda handler. */
export const handler = makeDeleteMeHandler();
