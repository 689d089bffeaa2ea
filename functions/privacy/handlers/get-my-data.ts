/** `GET /me/data` (customer; SEC-3) — the data export. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { exportDepsFromEnv } from '../adapters.ts';
import { exportCustomerData, type ExportDeps } from '../data-rights.ts';
import { getMyDataRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeGetMyDataHandler(deps: () => ExportDeps = exportDepsFromEnv): HttpLambdaHandler {
  return httpHandler(getMyDataRoute, async ({ principal }) => ({ statusCode: 200, body: await exportCustomerData(deps(), { principal }) }));
}

/** The Lambda handler. */
export const handler = makeGetMyDataHandler();
