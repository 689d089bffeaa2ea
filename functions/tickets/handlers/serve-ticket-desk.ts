/**
 * The ticket desk in one function (shared/http/route-dispatcher.ts): customers open, read, write on and rate
 * their tickets; agents read and answer. Env: `TICKETS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID`,
 * `IDEMPOTENCY_TABLE_NAME`, `EVENT_BUS_NAME`.
 */
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import { getTicketRoute, listTicketsRoute, openTicketRoute, postTicketMessageRoute, rateTicketRoute } from '../routes.ts';
import { handler as getTicket } from './get-ticket.ts';
import { handler as listTickets } from './list-tickets.ts';
import { handler as openTicket } from './open-ticket.ts';
import { handler as postTicketMessage } from './post-ticket-message.ts';
import { handler as rateTicket } from './rate-ticket.ts';

/** The Lambda handler. */
export const handler = routeDispatcher([
  [openTicketRoute, openTicket],
  [listTicketsRoute, listTickets],
  [getTicketRoute, getTicket],
  [postTicketMessageRoute, postTicketMessage],
  [rateTicketRoute, rateTicket],
]);
