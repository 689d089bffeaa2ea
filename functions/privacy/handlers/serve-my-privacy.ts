/**
 * A customer's own privacy data in one function (shared/http/route-dispatcher.ts): their consents
 * (`GET/PUT /me/consents`) and their data export (`GET /me/data`). Erasure (`DELETE /me`) is a
 * function of its own: only it may destroy keys and disable sign-in.
 */
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import { getMyConsentsRoute, getMyDataRoute, putMyConsentsRoute } from '../routes.ts';
import { handler as getMyConsents } from './get-my-consents.ts';
import { handler as getMyData } from './get-my-data.ts';
import { handler as putMyConsents } from './put-my-consents.ts';

/** The Lambda handler. */
export const handler = routeDispatcher([
  [getMyConsentsRoute, getMyConsents],
  [putMyConsentsRoute, putMyConsents],
  [getMyDataRoute, getMyData],
]);
