/** `POST /admin/tickets/{ticketId}/resolve` (cs-agent; AFT-2): resolves the ticket, audited (SEC-4). */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { resolveTicketRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';
import { resolveTicket, ticketView } from '../tickets.ts';

/** Builds the handler with the given ports. */
export function makeResolveTicketHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return httpHandler(resolveTicketRoute, async ({ path, body, principal, correlationId }) => {
    const deps = runtime.deps();
    const ticket = await resolveTicket({ ...deps, audit: runtime.audit() }, principal, path.ticketId, { resolution: body.resolution, correlationId });
    return { statusCode: 200, body: await ticketView(deps, ticket, 'staff') };
  });
}

/** The Lambda handler. */
export const handler = makeResolveTicketHandler();
