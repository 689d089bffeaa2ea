/**
 * `ReturnRequested` consumer (AFT-1, AFT-2): a counterfeit or damage return opens its
 * `counterfeit-or-damage` ticket, once per return. Env: `TICKETS_TABLE_NAME`,
 * `FIELD_ENCRYPTION_KEY_ID`, `EVENT_BUS_NAME`.
 */
import { ReturnRequested } from '../../../events/return-events.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { logger } from '../../../shared/observability.ts';
import { openReturnTicket } from '../open-return-ticket.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeOpenReturnTicketHandler(ports: TicketsPorts = {}) {
  const runtime = ticketsRuntime(ports);
  return eventConsumer([ReturnRequested], async ({ detail }) => {
    const result = await openReturnTicket(runtime.deps(), detail, detail.meta.correlationId);
    logger.info('return ticket', { returnId: detail.returnId, ...result });
  });
}

/** The Lambda handler. */
export const handler = makeOpenReturnTicketHandler();
