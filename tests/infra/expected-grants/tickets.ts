import { audit, consume, fieldKey, idempotency, publish, readWrite } from './helpers.ts';

const table = readWrite('TicketsTable', ['byCustomer', 'byQueue', 'byNextDue', 'byRoster', 'byPendingOutbox']);
// PutEvents only under tickets' own source (events:source).
const publishes = publish('commerce.tickets');
// SEC-2: ticket text (subjects, messages, resolutions, comments) under data keys of entity `ticket` only.
const ticketText = fieldKey({ encrypt: true, decrypt: true, entities: ['ticket'] });

export const ticketsGrants: Record<string, string[]> = {
  ServeTicketDeskFunction: [...table, ...ticketText, ...idempotency, ...publishes],
  ServeTicketAdminFunction: [...table, ...ticketText, ...idempotency, ...audit, ...publishes],
  // The sweep reads no text: no field key.
  EscalateOverdueTicketsFunction: [...table, ...publishes],
  // A return's ticket: its (system) text is encrypted, never read back here.
  OpenReturnTicketFunction: [...table, ...fieldKey({ encrypt: true, entities: ['ticket'] }), ...publishes, ...consume('OpenReturnTicketQueue')],
};
