/**
 * The analytics consumer (KPI-1): order, payment, fulfilment, return, risk and ticket events →
 * the records and daily aggregates, exactly once per event (apply-event.ts). After a risk decision
 * it emits the flagged day's fraud false-positive rate as a metric (the alarm on its band, issue 14).
 * Env: `ANALYTICS_TABLE_NAME`.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { falsePositiveRate } from '../../fraud/metrics-contract.ts';
import { analyticsStoreFromEnv, type AnalyticsStore } from '../analytics-store.ts';
import { applyEvent } from '../apply-event.ts';
import { ANALYTICS_EVENTS, FRAUD_FALSE_POSITIVE_METRIC } from '../consumed-events.ts';
import type { AnalyticsEvent } from '../domain/effects.ts';

export interface ConsumerPorts {
  readonly store?: () => AnalyticsStore;
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Builds the handler with the given ports. */
export function makeConsumeAnalyticsEventsHandler(ports: ConsumerPorts = {}) {
  return eventConsumer(
    ANALYTICS_EVENTS,
    async (event) => {
      const store = (ports.store ?? analyticsStoreFromEnv)();
      const clock = ports.clock ?? systemClock;
      const result = await applyEvent({ store, now: () => clock.now(), ...(ports.sleep ? { sleep: ports.sleep } : {}) }, event as AnalyticsEvent);
      logger.debug('analytics event', { event: event.name, eventId: event.detail.meta.eventId, outcome: result.outcome });
      if (result.outcome === 'applied' && result.flaggedDay) {
        const day = await store.dayTotal(result.flaggedDay);
        const fpr = falsePositiveRate(day.riskFlagged, day.riskAnalystApproved);
        if (fpr !== null) metrics.addMetric(FRAUD_FALSE_POSITIVE_METRIC, MetricUnit.Percent, Math.round(fpr * 10_000) / 100);
      }
    },
    // One record after the other: every commit adds to the day's totals, so a batch's records run together would conflict and retry.
    { sequential: true },
  );
}

/** The Lambda handler. */
export const handler = makeConsumeAnalyticsEventsHandler();
