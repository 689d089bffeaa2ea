/** `GET /me/data` (customer; SEC-3) — the data export. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { exportDepsFromEnv } from '../adapters.ts';
import { exportCustomerData, type ExportDeps } from '../data-rights.ts';
import { getMyDataRoute } from '../routes.ts';

/** The container's ports, built once: the encryptors' data-key caches then live as long as the container. */
let containerDeps: ExportDeps | undefined;

/** Builds the handler with the given ports. */
export function makeGetMyDataHandler(deps: () => ExportDeps = () => (containerDeps ??= exportDepsFromEnv())): HttpLambdaHandler {
  return httpHandler(getMyDataRoute, async ({ principal }) => ({ statusCode: 200, body: await exportCustomerData(deps(), { principal }) }));
}

/** The Lambda handler. */
export const handler = makeGetMyDataHandler();
