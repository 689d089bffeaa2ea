/**
 * The customer's commands on returns in one function (shared/http/route-dispatcher.ts):
 * `POST /orders/{orderId}/returns` (request-return.ts) and `POST /returns/{returnId}/cancel`
 * (cancel-return.ts). Env: see those modules.
 */
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import { cancelReturnRoute, requestReturnRoute } from '../routes.ts';
import { handler as cancelReturn } from './cancel-return.ts';
import { handler as requestReturn } from './request-return.ts';

/** The Lambda handler. */
export const handler = routeDispatcher([
  [requestReturnRoute, requestReturn],
  [cancelReturnRoute, cancelReturn],
]);
