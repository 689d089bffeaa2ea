/** `GET /admin/shipments?orderId=` (ops, cs-agent) — an order's shipments and tracking. Env: `FULFILLMENT_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { listShipmentsRoute } from '../routes.ts';

/** Builds the handler with the given repository. */
export function makeListShipmentsHandler(ports: { repository?: () => FulfillmentRepository } = {}): HttpLambdaHandler {
  return httpHandler(listShipmentsRoute, async ({ query }) => {
    const { summary, shipments } = await (ports.repository ?? fulfillmentRepositoryFromEnv)().getOrder(query.orderId);
    const status = !summary ? 'NOT_ALLOCATED' : summary.status === 'CANCELLED' ? 'CANCELLED' : summary.deliveredAt ? 'DELIVERED' : summary.shippedAt ? 'SHIPPED' : 'ALLOCATED';
    const items = shipments.map(({ customerId: _customerId, version: _version, valueMinor: _value, lastEventAt: _last, ...view }) => view);
    return {
      statusCode: 200,
      body: {
        orderId: query.orderId,
        status,
        ...(summary?.shippedAt ? { shippedAt: summary.shippedAt } : {}),
        ...(summary?.deliveredAt ? { deliveredAt: summary.deliveredAt } : {}),
        items,
      },
    };
  });
}

/** The Lambda handler. */
export const handler = makeListShipmentsHandler();
