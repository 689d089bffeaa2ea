/** `GET /me/consents` (customer; SEC-3) — the caller's consents with their history. Env: `PRIVACY_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { consentStoreFromEnv, type ConsentStore } from '../consent-store.ts';
import { readConsents } from '../consents.ts';
import { getMyConsentsRoute } from '../routes.ts';

/** Builds the handler with the given store. */
export function makeGetMyConsentsHandler(store: () => ConsentStore = consentStoreFromEnv): HttpLambdaHandler {
  return httpHandler(getMyConsentsRoute, async ({ principal }) => ({ statusCode: 200, body: await readConsents({ store: store() }, principal.userId) }));
}

/** The Lambda handler. */
export const handler = makeGetMyConsentsHandler();
