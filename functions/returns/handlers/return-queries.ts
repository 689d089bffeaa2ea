/**
 * The customer-reachable read routes of returns in one function (shared/http/route-dispatcher.ts):
 * `GET /returns/{returnId}` (get-return.ts) and `GET /orders/{orderId}/returns`
 * (list-order-returns.ts). Read-only grants. Env: `RETURNS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID`.
 */
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import { getReturnRoute, listOrderReturnsRoute } from '../routes.ts';
import { handler as getReturn } from './get-return.ts';
import { handler as listOrderReturns } from './list-order-returns.ts';

/** The Lambda handler. */
export const handler = routeDispatcher([
  [getReturnRoute, getReturn],
  [listOrderReturnsRoute, listOrderReturns],
]);
