/** `GET /orders` — the caller's orders, newest first (staff may pass `customerId`). Env: `ORDERS_TABLE_NAME`. */
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { orderStore } from '../adapters.ts';
import { listOrders } from '../get-order.ts';
import type { OrderStore } from '../orders-repository.ts';
import { listOrdersRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListOrdersHandler(ports: { readonly orders?: () => OrderStore } = {}): HttpLambdaHandler {
  return checkoutHttpHandler(listOrdersRoute, async ({ query, principal }) => ({
    statusCode: 200,
    body: await listOrders(
      { orders: (ports.orders ?? orderStore)() },
      { principal, limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}), ...(query.customerId ? { customerId: query.customerId } : {}) },
    ),
  }));
}

/** The Lambda handler. */
export const handler = makeListOrdersHandler();
