/**
 * The staff side of tickets in one function (shared/http/route-dispatcher.ts): the queue, resolving
 * (audited), the roster (audited) and the service metrics. Env: `TICKETS_TABLE_NAME`,
 * `FIELD_ENCRYPTION_KEY_ID`, `IDEMPOTENCY_TABLE_NAME`, `AUDIT_TABLE_NAME`, `EVENT_BUS_NAME`.
 */
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import { listServiceAgentsRoute, putServiceAgentRoute, resolveTicketRoute, serviceMetricsRoute, ticketQueueRoute } from '../routes.ts';
import { handler as getServiceMetrics } from './get-service-metrics.ts';
import { handler as listServiceAgents } from './list-service-agents.ts';
import { handler as listTicketQueue } from './list-ticket-queue.ts';
import { handler as putServiceAgent } from './put-service-agent.ts';
import { handler as resolveTicket } from './resolve-ticket.ts';

/** The Lambda handler. */
export const handler = routeDispatcher([
  [ticketQueueRoute, listTicketQueue],
  [resolveTicketRoute, resolveTicket],
  [putServiceAgentRoute, putServiceAgent],
  [listServiceAgentsRoute, listServiceAgents],
  [serviceMetricsRoute, getServiceMetrics],
]);
