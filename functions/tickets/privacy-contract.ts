/**
 * Tickets' contract with privacy (SEC-3), for the data-subject requests of `GET /me/data` and
 * `DELETE /me`: what tickets hold about a customer, decrypted, and the erasure of their text.
 * A privacy function using it needs, on the tickets table, Query on `byCustomer` and the table
 * (and UpdateItem to erase), and `kms:Decrypt` for the `ticket` entity to export.
 *
 * The export holds what the customer can see of their tickets (internal notes of agents are not
 * part of it, as they are never shown to the customer). Erasure overwrites every subject, message,
 * resolution and rating comment of the customer's tickets; ids, categories, statuses, clocks and
 * scores stay (service metrics and audit keep working). Erased text reads as empty.
 */
import { mapLimited } from '../../shared/concurrency.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SlaPolicy } from './domain/sla.ts';
import type { TicketCategory } from './domain/ticket.ts';
import { DEFAULT_SLA_POLICIES } from './domain/policy.ts';
import { ticketCipherFromEnv, type TicketCipher } from './personal-data.ts';
import { ticketRepositoryFromEnv, type TicketRepository } from './ticket-repository.ts';
import { ticketView, type TicketView } from './tickets.ts';

/** What privacy passes in. */
export interface TicketsPrivacyDeps {
  readonly repository: TicketRepository;
  readonly cipher: TicketCipher;
  readonly clock: Clock;
  readonly policies?: Readonly<Record<TicketCategory, SlaPolicy>>;
}

/** Every ticket of the customer with its thread as the customer sees it, newest first. */
export async function exportCustomerTickets(deps: TicketsPrivacyDeps, customerId: string): Promise<TicketView[]> {
  const tickets = await deps.repository.allOfCustomer(customerId);
  const viewDeps = { cipher: deps.cipher, clock: deps.clock, policies: deps.policies ?? DEFAULT_SLA_POLICIES };
  const views = await mapLimited(tickets, 10, async (ticket) => {
    const found = await deps.repository.getWithMessages(ticket.ticketId);
    return found ? ticketView(viewDeps, found.ticket, 'customer', found.messages) : undefined;
  });
  return views.filter((v): v is TicketView => v !== undefined);
}

/** Erases the text of every ticket of the customer; returns how many tickets. Idempotent. */
export async function eraseCustomerTickets(deps: Pick<TicketsPrivacyDeps, 'repository' | 'clock'>, customerId: string): Promise<number> {
  const tickets = await deps.repository.allOfCustomer(customerId);
  const at = deps.clock.now().toISOString();
  await mapLimited(tickets, 10, (ticket) => deps.repository.eraseText(ticket.ticketId, at));
  return tickets.length;
}

/** The contract with the real adapters (`TICKETS_TABLE_NAME`, the field key): export and erasure of a customer's tickets. */
export function ticketsPrivacyFromEnv(clock: Clock): { exportTickets: (customerId: string) => Promise<TicketView[]>; eraseTickets: (customerId: string) => Promise<number> } {
  // built on first use (the settings are read then), kept for the container: the cipher's key cache with it
  let built: TicketsPrivacyDeps | undefined;
  const deps = (): TicketsPrivacyDeps => (built ??= { repository: ticketRepositoryFromEnv(), cipher: ticketCipherFromEnv(), clock });
  return { exportTickets: (customerId) => exportCustomerTickets(deps(), customerId), eraseTickets: (customerId) => eraseCustomerTickets(deps(), customerId) };
}
