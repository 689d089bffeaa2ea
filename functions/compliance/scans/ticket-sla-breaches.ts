/**
 * Scan `ticket-sla-breaches` (CMP-1, AFT-2): tickets past the due time of an SLA clock (first
 * response or resolution) that the escalation sweep has not escalated — the ticket is still on
 * tickets' due index, unbreached, more than a grace period after its due time (the sweep runs every
 * minute). One finding per ticket: `medium`, `high` when more than 24 hours past due. Resolved and
 * closed tickets are not reported. Late deliveries are not covered (fulfillment records no
 * delivery promise to compare with).
 */
import type { ComplianceScan, FindingDraft } from './compliance-scan.ts';
import type { TicketSource } from '../ticket-source.ts';
import { eachPaged } from '../paging.ts';

export const TICKET_SLA_BREACHES_SCAN = 'ticket-sla-breaches';
/** The sweep runs every minute: only tickets overdue by more than this are findings. */
export const SLA_GRACE_MINUTES = 15;
/** Past due by more than this: `high`. */
export const SLA_HIGH_AFTER_HOURS = 24;

const INACTIVE = ['RESOLVED', 'CLOSED'];

/** The scan over `tickets`. */
export function ticketSlaBreachesScan(deps: { readonly tickets: TicketSource; readonly pageSize?: number }): ComplianceScan {
  return {
    id: TICKET_SLA_BREACHES_SCAN,
    description: 'Tickets past an SLA due time (first response or resolution) and not escalated',
    async run(context) {
      const findings: FindingDraft[] = [];
      const before = new Date(context.now.getTime() - SLA_GRACE_MINUTES * 60_000).toISOString();
      const { examined, complete } = await eachPaged(
        (page) => deps.tickets.dueBefore(before, page, deps.pageSize),
        context.shouldStop,
        (ticket) => {
          if (INACTIVE.includes(ticket.status)) return;
          const due = Date.parse(ticket.nextDue);
          if (Number.isNaN(due)) return;
          const overdueMinutes = Math.floor((context.now.getTime() - due) / 60_000);
          findings.push({
            subject: ticket.ticketId,
            severity: overdueMinutes > SLA_HIGH_AFTER_HOURS * 60 ? 'high' : 'medium',
            summary: `Ticket ${ticket.ticketId} (${ticket.category}, ${ticket.status}) is ${overdueMinutes} min past its SLA due time and not escalated`,
            details: { status: ticket.status, category: ticket.category, dueAt: ticket.nextDue, overdueMinutes },
          });
        },
      );
      return { findings, examined, complete };
    },
  };
}
