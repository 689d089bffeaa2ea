/** `POST /tickets` (customer; AFT-2): opens a ticket, clocks started, assigned to an agent on duty. */
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { openTicketRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';
import { openTicket, ticketView } from '../tickets.ts';

/** Builds the handler with the given ports. */
export function makeOpenTicketHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return idempotentHttpHandler(openTicketRoute, async ({ body, principal, correlationId }) => {
    const deps = runtime.deps();
    const ticket = await openTicket(deps, {
      customerId: principal.userId,
      category: body.category,
      subject: body.subject,
      message: body.message,
      ...(body.orderId ? { orderId: body.orderId } : {}),
      author: 'customer',
      correlationId,
    });
    return { statusCode: 201, body: await ticketView(deps, ticket, 'customer') };
  });
}

/** The Lambda handler. */
export const handler = makeOpenTicketHandler();
