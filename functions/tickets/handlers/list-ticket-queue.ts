/** `GET /admin/tickets` (cs-agent, ops; AFT-2): the queue, most urgent due first. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { ticketQueueRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';
import { ticketQueue } from '../tickets.ts';

/** Builds the handler with the given ports. */
export function makeListTicketQueueHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return httpHandler(ticketQueueRoute, async ({ query }) => ({
    statusCode: 200,
    body: await ticketQueue(runtime.deps(), {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.assignee ? { assignee: query.assignee } : {}),
      ...(query.breached !== undefined ? { breached: query.breached } : {}),
    }),
  }));
}

/** The Lambda handler. */
export const handler = makeListTicketQueueHandler();
