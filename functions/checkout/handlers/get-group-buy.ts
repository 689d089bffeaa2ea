/** `GET /group-buys/{code}` — a group-buy group for any signed-in caller (ORD-5). Env: `ORDERS_TABLE_NAME`. */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { orderStore } from '../adapters.ts';
import { getGroupBuy } from '../get-group-buy.ts';
import type { OrderStore } from '../orders-repository.ts';
import { getGroupBuyRoute } from '../routes.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface GetGroupBuyHandlerPorts {
  readonly orders?: () => Pick<OrderStore, 'getGroup'>;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeGetGroupBuyHandler(ports: GetGroupBuyHandlerPorts = {}): HttpLambdaHandler {
  return checkoutHttpHandler(getGroupBuyRoute, async ({ path }) => ({
    statusCode: 200,
    body: await getGroupBuy({ orders: (ports.orders ?? orderStore)(), clock: ports.clock ?? systemClock }, path.code),
  }));
}

/** The Lambda handler. */
export const handler = makeGetGroupBuyHandler();
