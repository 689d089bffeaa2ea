/**
 * Scheduled use case (AFT-2): every ticket whose clock broke is escalated, once per clock —
 * status `ESCALATED`, the breach recorded, `TicketEscalated` (to the operations alert target) and
 * `TicketStatusChanged` through the outbox, in one transaction with the ticket.
 *
 * No table scan: tickets whose clocks run unbreached and unpaused sit on the sparse `byNextDue`
 * index under their next due time; the sweep reads the index up to now. Each ticket is read again
 * (strongly consistent) and decided by the domain, so a stale index entry changes nothing; the
 * write takes it off the index (or moves it to its next clock's due time). The sweep also
 * republishes outboxes left pending (a crash between a commit and its publish).
 */
import { TicketEscalated, TicketStatusChanged } from '../../events/ticket-events.ts';
import { escalate } from './domain/ticket.ts';
import { newOutbox, outboxEvent, tryFlushOutbox } from './outbox.ts';
import { TicketWriteConflict, type OutboxEvent } from './ticket-repository.ts';
import { derive, type TicketDeps } from './tickets.ts';

export interface EscalationSweepDeps extends TicketDeps {
  readonly republishAfterSeconds: number;
  /** Stop early (Lambda time running out); the next run continues. */
  readonly shouldStop?: () => boolean;
}

export interface EscalationSweepSummary {
  readonly checked: number;
  readonly escalated: number;
  readonly breaches: number;
  readonly republished: number;
  readonly publishFailures: number;
}

/** Runs one sweep. */
export async function escalateOverdueTickets(deps: EscalationSweepDeps, correlationId: string): Promise<EscalationSweepSummary> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  let checked = 0;
  let escalated = 0;
  let breaches = 0;
  let publishFailures = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    if (deps.shouldStop?.()) break;
    const page = await deps.repository.dueBefore(nowIso, 100, startKey);
    startKey = page.nextKey;
    for (const due of page.items) {
      checked++;
      const current = await deps.repository.get(due.ticketId);
      if (!current) continue;
      const policy = deps.policies[current.category];
      const result = escalate({ status: current.status, clocks: current.clocks, breaches: current.breaches }, policy, now.getTime());
      if (!result) {
        // Stale index entry (e.g. a due time moved by a pause): rewrite the derived keys only.
        continue;
      }
      const ticket = derive({ ...current, status: result.ticket.status, breaches: result.ticket.breaches, updatedAt: nowIso, version: current.version + 1 }, policy, now.getTime());
      const events: OutboxEvent[] = result.breached.map((b) =>
        outboxEvent(TicketEscalated, {
          ticketId: current.ticketId,
          category: current.category,
          breach: b.clock,
          dueAt: b.dueAt,
          ...(current.assignee ? { assignee: current.assignee } : {}),
          escalatedAt: nowIso,
        }),
      );
      if (current.status !== ticket.status) {
        events.push(
          outboxEvent(TicketStatusChanged, {
            ticketId: current.ticketId,
            customerId: current.customerId,
            category: current.category,
            status: ticket.status,
            previousStatus: current.status,
            ...(current.orderId ? { orderId: current.orderId } : {}),
            changedAt: nowIso,
          }),
        );
      }
      const outbox = newOutbox(events, correlationId, now);
      try {
        await deps.repository.update({ ticket, expectedVersion: current.version, outbox });
      } catch (error) {
        if (error instanceof TicketWriteConflict) continue; // changed meanwhile: the next run decides again
        throw error;
      }
      escalated++;
      breaches += result.breached.length;
      if ((await tryFlushOutbox(deps, outbox)).leftPending) publishFailures++;
    }
  } while (startKey);
  let republished = 0;
  for (const outbox of await deps.repository.pendingOutbox(new Date(now.getTime() - deps.republishAfterSeconds * 1000).toISOString())) {
    const outcome = await tryFlushOutbox(deps, outbox);
    republished += outcome.published;
    if (outcome.leftPending) publishFailures++;
  }
  return { checked, escalated, breaches, republished, publishFailures };
}
