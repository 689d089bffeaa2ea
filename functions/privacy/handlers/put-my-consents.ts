/** `PUT /me/consents` (customer; SEC-3) — give or withdraw consent per purpose. Env: `PRIVACY_TABLE_NAME`. */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { consentStoreFromEnv, type ConsentStore } from '../consent-store.ts';
import { decide } from '../consents.ts';
import { putMyConsentsRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makePutMyConsentsHandler(ports: { readonly store?: () => ConsentStore; readonly clock?: Clock } = {}): HttpLambdaHandler {
  return httpHandler(putMyConsentsRoute, async ({ principal, body }) => ({
    statusCode: 200,
    body: await decide({ store: (ports.store ?? consentStoreFromEnv)(), clock: ports.clock ?? systemClock }, principal.userId, body),
  }));
}

/** The Lambda handler. */
export const handler = makePutMyConsentsHandler();
