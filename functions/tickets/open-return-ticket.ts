/**
 * Consumer use case (AFT-1, AFT-2): a return for counterfeit or damaged goods opens a
 * `counterfeit-or-damage` ticket for that customer and order — exactly once per return (the
 * return's marker is written in the ticket's transaction, so a redelivered event opens nothing).
 * Other reasons open nothing. The ticket's text is the system's, naming the return by id only.
 */
import type { EventPayload } from '../../events/event-definition.ts';
import type { ReturnRequested } from '../../events/return-events.ts';
import { openTicket, TicketExists, type TicketDeps } from './tickets.ts';

/** Return reasons that open a ticket. */
export const TICKET_REASONS: readonly string[] = ['counterfeit', 'damaged'];

export type ReturnTicketOutcome =
  { readonly outcome: 'opened'; readonly ticketId: string } | { readonly outcome: 'duplicate'; readonly ticketId?: string } | { readonly outcome: 'ignored' };

/** Opens the return's ticket if its reason calls for one and it has none yet. */
export async function openReturnTicket(deps: TicketDeps, event: EventPayload<typeof ReturnRequested>, correlationId: string): Promise<ReturnTicketOutcome> {
  if (!TICKET_REASONS.includes(event.reason)) return { outcome: 'ignored' };
  const existing = await deps.repository.ticketOfReturn(event.returnId);
  if (existing) return { outcome: 'duplicate', ticketId: existing };
  const what = event.reason === 'counterfeit' ? 'Suspected counterfeit goods' : 'Damaged goods';
  try {
    const ticket = await openTicket(deps, {
      customerId: event.customerId,
      category: 'counterfeit-or-damage',
      orderId: event.orderId,
      returnId: event.returnId,
      subject: `${what}: return ${event.returnId}`,
      message: `Opened automatically for return ${event.returnId} of order ${event.orderId} (${event.kind}, reason ${event.reason}, ${event.items.length} line(s)).`,
      author: 'system',
      correlationId,
    });
    return { outcome: 'opened', ticketId: ticket.ticketId };
  } catch (error) {
    if (error instanceof TicketExists) return { outcome: 'duplicate', ...(await deps.repository.ticketOfReturn(event.returnId).then((id) => (id ? { ticketId: id } : {}))) };
    throw error;
  }
}
