/** `GET /tickets/{ticketId}` (customer: own, else 404; cs-agent; AFT-2): the ticket and its thread — internal notes for staff only. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { getTicketRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';
import { readTicket } from '../tickets.ts';

/** Builds the handler with the given ports. */
export function makeGetTicketHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return httpHandler(getTicketRoute, async ({ path, principal }) => ({ statusCode: 200, body: await readTicket(runtime.deps(), principal, path.ticketId) }));
}

/** The Lambda handler. */
export const handler = makeGetTicketHandler();
