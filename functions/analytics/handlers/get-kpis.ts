/** `GET /admin/kpis` (analyst, ops; KPI-1). Env: `ANALYTICS_TABLE_NAME`. */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { analyticsStoreFromEnv, type AnalyticsStore } from '../analytics-store.ts';
import { reportKpis } from '../kpi-report.ts';
import { kpisRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeGetKpisHandler(ports: { store?: () => AnalyticsStore; clock?: Clock } = {}): HttpLambdaHandler {
  return httpHandler(kpisRoute, async ({ query }) => ({
    statusCode: 200,
    body: await reportKpis(
      { store: (ports.store ?? analyticsStoreFromEnv)(), clock: ports.clock ?? systemClock },
      { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) },
    ),
  }));
}

/** The Lambda handler. */
export const handler = makeGetKpisHandler();
