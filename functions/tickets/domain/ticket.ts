/**
 * The ticket state machine (AFT-2), pure:
 *
 * ```
 * OPEN ─agent reply─→ ANSWERED ─agent asks─→ WAITING_ON_CUSTOMER ─customer reply─→ ANSWERED
 *  │                     │  (clocks paused while waiting)                           │
 *  └──────────── resolve ┴──────────────────────────────────────────────────────────┴→ RESOLVED ─rating─→ CLOSED
 * any open status ─a clock breached (sweep)─→ ESCALATED ─agent reply─→ ANSWERED (or resolve)
 * ```
 *
 * Internal notes change nothing but the thread. Customers may write while the ticket is open;
 * a reply while waiting on them resumes the clocks. RESOLVED and CLOSED take no messages.
 */
import { TICKET_CATEGORIES, TICKET_STATUSES } from '../../../events/ticket-events.ts';
import { dueAt, newBreaches, nextDue, pause, resume, type SlaClockName, type SlaPolicy } from './sla.ts';
import type { ClockState } from './sla.ts';

export type TicketCategory = (typeof TICKET_CATEGORIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export { TICKET_CATEGORIES, TICKET_STATUSES };

/** Statuses in which the ticket is still being worked on (on the queue). */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['OPEN', 'ANSWERED', 'WAITING_ON_CUSTOMER', 'ESCALATED'];

/** A recorded breach of one clock. */
export interface Breach {
  readonly clock: SlaClockName;
  /** The due time that passed (ISO). */
  readonly dueAt: string;
  /** When the sweep found it (ISO). */
  readonly detectedAt: string;
}

/** What the state machine needs of a ticket. */
export interface TicketState {
  readonly status: TicketStatus;
  readonly clocks: ClockState;
  readonly breaches: readonly Breach[];
}

/** A move the state machine refuses. */
export class TicketTransitionError extends Error {
  override readonly name = 'TicketTransitionError';
}

/** What happened to a ticket. */
export type TicketAction =
  | { readonly kind: 'agent-reply'; readonly at: number; readonly awaitCustomer?: boolean }
  | { readonly kind: 'internal-note'; readonly at: number }
  | { readonly kind: 'customer-reply'; readonly at: number }
  | { readonly kind: 'resolve'; readonly at: number }
  | { readonly kind: 'rate'; readonly at: number };

/** True when the ticket is still being worked on. */
export function isActive(status: TicketStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/** Applies an action; throws {@link TicketTransitionError} when the status does not allow it. */
export function applyAction<T extends TicketState>(ticket: T, action: TicketAction): T {
  const { status } = ticket;
  switch (action.kind) {
    case 'internal-note':
      if (status === 'CLOSED') throw new TicketTransitionError('A closed ticket takes no notes.');
      return ticket;
    case 'agent-reply': {
      if (!isActive(status)) throw new TicketTransitionError(`A ${status} ticket takes no replies.`);
      let clocks = ticket.clocks.firstRespondedAt === undefined ? { ...ticket.clocks, firstRespondedAt: action.at } : ticket.clocks;
      clocks = action.awaitCustomer ? pause(clocks, action.at) : resume(clocks, action.at);
      return { ...ticket, status: action.awaitCustomer ? 'WAITING_ON_CUSTOMER' : 'ANSWERED', clocks };
    }
    case 'customer-reply': {
      if (!isActive(status)) throw new TicketTransitionError(`A ${status} ticket takes no replies.`);
      if (status !== 'WAITING_ON_CUSTOMER') return ticket;
      return { ...ticket, status: 'ANSWERED', clocks: resume(ticket.clocks, action.at) };
    }
    case 'resolve': {
      if (!isActive(status)) throw new TicketTransitionError(`A ${status} ticket cannot be resolved.`);
      const clocks = resume(ticket.clocks, action.at);
      return { ...ticket, status: 'RESOLVED', clocks: { ...clocks, resolvedAt: action.at } };
    }
    case 'rate':
      if (status !== 'RESOLVED') throw new TicketTransitionError('Only a resolved ticket can be rated.');
      return { ...ticket, status: 'CLOSED' };
  }
}

/**
 * The sweep's step: the clocks newly breached at `now` are recorded and the ticket escalated
 * (status `ESCALATED` unless already). `undefined` when nothing new breached.
 */
export function escalate<T extends TicketState>(ticket: T, policy: SlaPolicy, now: number): { ticket: T; breached: Breach[] } | undefined {
  if (!isActive(ticket.status)) return undefined;
  const recorded = ticket.breaches.map((b) => b.clock);
  const clocks = newBreaches(ticket.clocks, policy, now, recorded);
  if (clocks.length === 0) return undefined;
  const detectedAt = new Date(now).toISOString();
  const breached = clocks.map((clock) => ({ clock, dueAt: new Date(dueAt(ticket.clocks, policy, clock, now)).toISOString(), detectedAt }));
  return { ticket: { ...ticket, status: 'ESCALATED', breaches: [...ticket.breaches, ...breached] }, breached };
}

/** When the sweep must look at the ticket next (undefined: not before something else changes). */
export function sweepDue(ticket: TicketState, policy: SlaPolicy, now: number): number | undefined {
  if (!isActive(ticket.status)) return undefined;
  return nextDue(
    ticket.clocks,
    policy,
    now,
    ticket.breaches.map((b) => b.clock),
  );
}
