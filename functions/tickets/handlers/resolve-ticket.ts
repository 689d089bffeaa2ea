/** `POST /admin/tickets/{ticketId}/resolve` (cs-agent; AFT-2): resolves the ticket, audited (SEC-4). */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { resolveTicketRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';
import { resolveTicket, ticketView } from '../tickets.ts';

/** Builds the handler with the given ports. */
export function makeResolveTicketHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return idempotentHttpHandler(resolveTicketRoute, async ({ path, body, principal, correlationId }) => {
    const deps = runtime.deps();
    const ticket = await resolveTicket({ ...deps, audit: runtime.audit() }, principal, path.ticketId, { resolution: body.resolution, correlationId });
    return { statusCode: 200, body: await ticketView(deps, ticket, 'staff') };
  });
}

/** The Lambda handler. */
export const handler = makeResolveTicketHandler();
