/**
 * `GET /orders/{orderId}/returns` (customer own, cs-agent, ops; AFT-1). A customer asking about
 * another customer's order gets 404. Env: `RETURNS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID`.
 */
import { notFound } from '../../../shared/errors.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { listOrderReturnsRoute } from '../routes.ts';
import { returnsRuntime, returnView, type ReturnsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeListOrderReturnsHandler(ports: ReturnsPorts = {}): HttpLambdaHandler {
  const runtime = returnsRuntime(ports);
  return httpHandler(listOrderReturnsRoute, async ({ path, principal }) => {
    const returns = await runtime.repository().listByOrder(path.orderId);
    if (!principal.isStaff && returns.some((r) => r.customerId !== principal.userId)) throw notFound('No such order.');
    const items = await Promise.all(returns.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((r) => returnView(r, principal, runtime.cipher)));
    return { statusCode: 200, body: { items } };
  });
}

/** The Lambda handler. */
export const handler = makeListOrderReturnsHandler();
