/**
 * Daily job (KPI-2): RFM segments and lifecycle stages of the customers who consent to analytics
 * (segments.ts). Env: `ANALYTICS_TABLE_NAME`, `PRIVACY_TABLE_NAME` (consent contract),
 * `CUSTOMER_KEY_TABLE_NAME` (erasure tombstones).
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { newId } from '../../../shared/ids.ts';
import { logger, metrics, MetricUnit, observedHandler } from '../../../shared/observability.ts';
import { consentCheckFromEnv, type ConsentCheck } from '../../privacy/consent-contract.ts';
import { analyticsStoreFromEnv, type AnalyticsStore } from '../analytics-store.ts';
import { erasedCustomersFromEnv, type ErasedCustomers } from '../erased-customers.ts';
import { scoreSegments } from '../segments.ts';
import { segmentsStoreFromEnv, type SegmentsStore } from '../segments-store.ts';

export interface ScoreSegmentsPorts {
  readonly analytics?: () => AnalyticsStore;
  readonly segments?: () => SegmentsStore;
  readonly consent?: () => ConsentCheck;
  readonly erased?: () => ErasedCustomers;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeScoreCustomerSegmentsHandler(ports: ScoreSegmentsPorts = {}) {
  return observedHandler(async () => {
    const clock = ports.clock ?? systemClock;
    const result = await scoreSegments({
      analytics: (ports.analytics ?? analyticsStoreFromEnv)(),
      segments: (ports.segments ?? segmentsStoreFromEnv)(),
      consent: (ports.consent ?? consentCheckFromEnv)(),
      erased: (ports.erased ?? erasedCustomersFromEnv)(),
      clock,
      newRunId: () => newId(clock.now()),
    });
    metrics.addMetric('CustomersSegmented', MetricUnit.Count, result.scored);
    logger.info('segments scored', { runId: result.runId, scored: result.scored, withoutConsent: result.withoutConsent, erased: result.erased });
    return { runId: result.runId, scored: result.scored, withoutConsent: result.withoutConsent, erased: result.erased };
  });
}

/** The Lambda handler. */
export const handler = makeScoreCustomerSegmentsHandler();
