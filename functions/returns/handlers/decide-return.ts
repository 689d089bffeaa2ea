/** `POST /admin/returns/{returnId}/decision` (cs-agent; AFT-1, SEC-4 audited). Env: `RETURNS_TABLE_NAME`, `EVENT_BUS_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`. */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { decideReturn } from '../returns.ts';
import { decideReturnRoute } from '../routes.ts';
import { returnsRuntime, returnView, type ReturnsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeDecideReturnHandler(ports: ReturnsPorts = {}): HttpLambdaHandler {
  const runtime = returnsRuntime(ports);
  return idempotentHttpHandler(decideReturnRoute, async ({ path, body, principal, correlationId }) => {
    const ret = await decideReturn({ ...runtime.deps(), audit: runtime.audit() }, { returnId: path.returnId, principal, decision: body.decision, note: body.note, correlationId });
    return { statusCode: 200, body: await returnView(ret, principal) };
  });
}

/** The Lambda handler. */
export const handler = makeDecideReturnHandler();
