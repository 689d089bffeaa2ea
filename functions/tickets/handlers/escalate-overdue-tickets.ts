/**
 * Scheduled (every minute; AFT-2): escalates, once per clock, each ticket whose clock broke and
 * republishes interrupted outboxes. Env: `TICKETS_TABLE_NAME`, `EVENT_BUS_NAME`.
 */
import type { Context } from 'aws-lambda';
import { newId } from '../../../shared/ids.ts';
import { logger, metrics, MetricUnit, observedHandler, timeRunsOut } from '../../../shared/observability.ts';
import { escalateOverdueTickets, type EscalationSweepSummary } from '../escalate-overdue-tickets.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';

/** Stop starting new pages when less than this much invocation time is left. */
const TIME_RESERVE_MS = 10_000;

/** Builds the handler with the given ports. */
export function makeEscalateOverdueTicketsHandler(ports: TicketsPorts = {}) {
  const runtime = ticketsRuntime(ports);
  return observedHandler(async (_event: unknown, context: Context): Promise<EscalationSweepSummary> => {
    const summary = await escalateOverdueTickets(
      { ...runtime.deps(), republishAfterSeconds: runtime.settings().outboxRepublishAfterSeconds, shouldStop: timeRunsOut(context, TIME_RESERVE_MS) },
      `ticket-sweep-${newId()}`,
    );
    metrics.addMetric('TicketsEscalated', MetricUnit.Count, summary.escalated);
    metrics.addMetric('TicketOutboxRepublished', MetricUnit.Count, summary.republished);
    metrics.addMetric('TicketOutboxPublishFailures', MetricUnit.Count, summary.publishFailures);
    if (summary.publishFailures > 0) logger.error('ticket outbox events left pending: publishing failed', { publishFailures: summary.publishFailures });
    logger.info('ticket escalation sweep finished', { ...summary });
    return summary;
  });
}

/** The Lambda handler. */
export const handler = makeEscalateOverdueTicketsHandler();
