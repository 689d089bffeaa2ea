/** `GET /tickets` (customer: own; cs-agent: the active queue or one customer's tickets; AFT-2). */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { listTicketsRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';
import { listTickets } from '../tickets.ts';

/** Builds the handler with the given ports. */
export function makeListTicketsHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return httpHandler(listTicketsRoute, async ({ query, principal }) => ({
    statusCode: 200,
    body: await listTickets(runtime.deps(), principal, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.customerId ? { customerId: query.customerId } : {}),
    }),
  }));
}

/** The Lambda handler. */
export const handler = makeListTicketsHandler();
