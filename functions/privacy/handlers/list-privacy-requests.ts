/** `GET /admin/privacy/requests` (admin; SEC-3) — erasure and export requests with status and timings. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { privacyRequestStoreFromEnv, type PrivacyRequestStore } from '../privacy-requests.ts';
import { listPrivacyRequestsRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListPrivacyRequestsHandler(store: () => PrivacyRequestStore = privacyRequestStoreFromEnv): HttpLambdaHandler {
  return httpHandler(listPrivacyRequestsRoute, async ({ query }) => ({ statusCode: 200, body: { items: await store().list(query.limit ?? 50, query.year) } }));
}

/** The Lambda handler. */
export const handler = makeListPrivacyRequestsHandler();
