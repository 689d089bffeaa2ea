/** `GET /admin/service/metrics` (cs-agent, ops, analyst; AFT-3): CSAT, NPS and clock shares per day and per agent. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { serviceMetricsRoute } from '../routes.ts';
import { ticketsRuntime, type TicketsPorts } from '../runtime.ts';
import { serviceMetrics } from '../service.ts';

/** Builds the handler with the given ports. */
export function makeGetServiceMetricsHandler(ports: TicketsPorts = {}): HttpLambdaHandler {
  const runtime = ticketsRuntime(ports);
  return httpHandler(serviceMetricsRoute, async ({ query }) => {
    const deps = runtime.deps();
    return {
      statusCode: 200,
      body: await serviceMetrics(
        { repository: deps.repository, clock: deps.clock, maxDays: runtime.settings().metricsMaxDays },
        { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) },
      ),
    };
  });
}

/** The Lambda handler. */
export const handler = makeGetServiceMetricsHandler();
