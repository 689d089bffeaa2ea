/** `POST /tickets/{ticketId}/messages` (customer: own; cs-agent: replies and internal notes; AFT-2). */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { postTicketMessageRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';
import { postMessage, readTicket } from '../tickets.ts';

/** Builds the handler with the given ports. */
export function makePostTicketMessageHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return idempotentHttpHandler(postTicketMessageRoute, async ({ path, body, principal, correlationId }) => {
    const deps = runtime.deps();
    await postMessage(deps, principal, path.ticketId, {
      message: body.message,
      ...(body.internal !== undefined ? { internal: body.internal } : {}),
      ...(body.awaitCustomer !== undefined ? { awaitCustomer: body.awaitCustomer } : {}),
      correlationId,
    });
    return { statusCode: 201, body: await readTicket(deps, principal, path.ticketId) };
  });
}

/** The Lambda handler. */
export const handler = makePostTicketMessageHandler();
