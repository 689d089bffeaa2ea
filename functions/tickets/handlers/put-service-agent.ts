/** `PUT /admin/service/agents/{agentId}` (ops; AFT-2): an agent on or off duty, audited (SEC-4). */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { putServiceAgentRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';
import { setAgentOnDuty } from '../service.ts';

/** Builds the handler with the given ports. */
export function makePutServiceAgentHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return idempotentHttpHandler(putServiceAgentRoute, async ({ path, body, principal, correlationId }) => {
    const deps = runtime.deps();
    return {
      statusCode: 200,
      body: await setAgentOnDuty({ repository: deps.repository, clock: deps.clock, audit: runtime.audit() }, principal, path.agentId, { onDuty: body.onDuty, correlationId }),
    };
  });
}

/** The Lambda handler. */
export const handler = makePutServiceAgentHandler();
