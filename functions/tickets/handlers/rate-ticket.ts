/** `POST /tickets/{ticketId}/rating` (customer: own resolved tickets; AFT-3): the rating closes the ticket. */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { rateTicketRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';
import { rateTicket, ticketView } from '../tickets.ts';

/** Builds the handler with the given ports. */
export function makeRateTicketHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return idempotentHttpHandler(rateTicketRoute, async ({ path, body, principal, correlationId }) => {
    const deps = runtime.deps();
    const ticket = await rateTicket(deps, principal, path.ticketId, {
      score: body.score,
      ...(body.nps !== undefined ? { nps: body.nps } : {}),
      ...(body.comment ? { comment: body.comment } : {}),
      correlationId,
    });
    return { statusCode: 201, body: await ticketView(deps, ticket, 'customer') };
  });
}

/** The Lambda handler. */
export const handler = makeRateTicketHandler();
