/**
 * `GET /admin/customers/segments` (analyst, marketer) and `GET /admin/customers/segments/{segment}/customers`
 * (marketer) in one function (KPI-2). Env: `ANALYTICS_TABLE_NAME`, `PRIVACY_TABLE_NAME` (consent contract).
 */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import { consentCheckFromEnv, type ConsentCheck } from '../../privacy/consent-contract.ts';
import { segmentCustomersRoute, segmentsRoute } from '../routes.ts';
import { segmentCounts, segmentCustomers } from '../segments.ts';
import { segmentsStoreFromEnv, type SegmentsStore } from '../segments-store.ts';

export interface SegmentRoutesPorts {
  readonly store?: () => SegmentsStore;
  readonly consent?: () => ConsentCheck;
}

export function makeGetSegmentsHandler(ports: SegmentRoutesPorts = {}): HttpLambdaHandler {
  return httpHandler(segmentsRoute, async () => ({ statusCode: 200, body: await segmentCounts((ports.store ?? segmentsStoreFromEnv)()) }));
}

export function makeListSegmentCustomersHandler(ports: SegmentRoutesPorts = {}): HttpLambdaHandler {
  return httpHandler(segmentCustomersRoute, async ({ path, query }) => ({
    statusCode: 200,
    body: await segmentCustomers({ store: (ports.store ?? segmentsStoreFromEnv)(), consent: (ports.consent ?? consentCheckFromEnv)() }, path.segment, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    }),
  }));
}

/** The Lambda handler. */
export const handler = routeDispatcher([
  [segmentsRoute, makeGetSegmentsHandler()],
  [segmentCustomersRoute, makeListSegmentCustomersHandler()],
]);
