/** `GET /admin/service/agents` (ops, cs-agent; AFT-2): the roster. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { listServiceAgentsRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeListServiceAgentsHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return httpHandler(listServiceAgentsRoute, async () => ({ statusCode: 200, body: { items: await runtime.deps().repository.listAgents() } }));
}

/** The Lambda handler. */
export const handler = makeListServiceAgentsHandler();
