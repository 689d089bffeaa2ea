/**
 * The analytics consumer (KPI-1): order, payment, fulfilment, return, risk and ticket events →
 * the records and daily aggregates, exactly once per event, a batch of events in one transaction
 * (apply-event.ts). After a risk decision
 * it emits the flagged day's fraud false-positive rate as a metric (the alarm on its band, issue 14).
 * Env: `ANALYTICS_TABLE_NAME`.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBatchConsumer } from '../../../shared/event-consumer.ts';
import { logger, metrics, MetricUnit, timeRunsOut } from '../../../shared/observability.ts';
import { falsePositiveRate } from '../../fraud/metrics-contract.ts';
import { analyticsStoreFromEnv, type AnalyticsStore } from '../analytics-store.ts';
import { applyEvents } from '../apply-event.ts';
import { ANALYTICS_EVENTS, FRAUD_FALSE_POSITIVE_METRIC } from '../consumed-events.ts';
import type { AnalyticsEvent } from '../domain/effects.ts';

export interface ConsumerPorts {
  readonly store?: () => AnalyticsStore;
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The part of the invocation's time kept for answering (and the false-positive-rate metric) after the events. */
const ANSWER_RESERVE_MS = 5_000;

/** Builds the handler with the given ports. */
export function makeConsumeAnalyticsEventsHandler(ports: ConsumerPorts = {}) {
  return eventBatchConsumer(ANALYTICS_EVENTS, async (records, context) => {
    const store = (ports.store ?? analyticsStoreFromEnv)();
    const clock = ports.clock ?? systemClock;
    // Events not applied in the invocation's time (less a reserve to answer) fail alone and are redelivered, rather than the whole batch timing out.
    const shouldStop = timeRunsOut(context, ANSWER_RESERVE_MS);
    // The batch in one transaction per 20 events (apply-event.ts): the day's aggregates take one write per batch.
    const results = await applyEvents(
      { store, now: () => clock.now(), shouldStop, ...(ports.sleep ? { sleep: ports.sleep } : {}) },
      records.map((r) => r.event as AnalyticsEvent),
    );
    const flaggedDays = new Set<string>();
    results.forEach((result, i) => {
      if (result instanceof Error) return;
      const meta = records[i]?.event.detail.meta;
      logger.debug('analytics event', { event: records[i]?.event.name, eventId: meta?.eventId, outcome: result.outcome });
      if (result.outcome === 'applied' && result.flaggedDay) flaggedDays.add(result.flaggedDay);
    });
    // The flagged days' false-positive rates, for the alarm: best effort (the events are applied; a failed read must not redeliver them).
    for (const flaggedDay of flaggedDays) {
      try {
        const day = await store.dayTotal(flaggedDay);
        const fpr = falsePositiveRate(day.riskFlagged, day.riskAnalystApproved);
        if (fpr !== null) metrics.addMetric(FRAUD_FALSE_POSITIVE_METRIC, MetricUnit.Percent, Math.round(fpr * 10_000) / 100);
      } catch (error) {
        logger.warn('false-positive rate not emitted', { day: flaggedDay, error: error as Error });
      }
    }
    return results.map((result) => (result instanceof Error ? result : undefined));
  });
}

/** The Lambda handler. */
export const handler = makeConsumeAnalyticsEventsHandler();
