/** `GET /returns/{returnId}` (customer own, cs-agent, ops; AFT-1). Env: `RETURNS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID` (the owner's comment). */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { readReturn } from '../returns.ts';
import { getReturnRoute } from '../routes.ts';
import { returnsRuntime, returnView, type ReturnsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeGetReturnHandler(ports: ReturnsPorts = {}): HttpLambdaHandler {
  const runtime = returnsRuntime(ports);
  return httpHandler(getReturnRoute, async ({ path, principal }) => {
    const ret = await readReturn({ repository: runtime.repository() }, path.returnId, principal);
    return { statusCode: 200, body: await returnView(ret, principal, runtime.cipher) };
  });
}

/** The Lambda handler. */
export const handler = makeGetReturnHandler();
