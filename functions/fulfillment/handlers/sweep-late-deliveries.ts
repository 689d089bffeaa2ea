/**
 * Scheduled (every 15 minutes; FUL-3, ORD-6): alerts once on each shipment past its delivery time
 * limit and republishes interrupted outboxes. Env: `FULFILLMENT_TABLE_NAME`, `EVENT_BUS_NAME`.
 */
import type { Context } from 'aws-lambda';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { newId } from '../../../shared/ids.ts';
import { logger, metrics, MetricUnit, observedHandler, timeRunsOut } from '../../../shared/observability.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { fulfillmentSettings } from '../settings.ts';
import { sweepLateDeliveries, type LateSweepSummary } from '../sweep-late-deliveries.ts';

/** Stop starting new pages when less than this much invocation time is left. */
const TIME_RESERVE_MS = 10_000;

/** Ports of the handler; each defaults to the real adapter. */
export interface SweepLateDeliveriesPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeSweepLateDeliveriesHandler(ports: SweepLateDeliveriesPorts = {}) {
  const base = async (_event: unknown, context: Context): Promise<LateSweepSummary> => {
    const settings = fulfillmentSettings();
    const summary = await sweepLateDeliveries(
      {
        repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(),
        publisher: ports.publisher ?? ((id) => eventBridgePublisher({ correlationId: id })),
        clock: ports.clock ?? systemClock,
        lookbackDays: settings.lateSweepLookbackDays,
        republishAfterSeconds: settings.outboxRepublishAfterSeconds,
        shouldStop: timeRunsOut(context, TIME_RESERVE_MS),
      },
      `late-sweep-${newId()}`,
    );
    metrics.addMetric('LateDeliveriesAlerted', MetricUnit.Count, summary.alerted);
    metrics.addMetric('OutboxEventsRepublished', MetricUnit.Count, summary.republished);
    metrics.addMetric('OutboxPublishFailures', MetricUnit.Count, summary.publishFailures);
    if (summary.publishFailures > 0) logger.error('outbox events left pending: publishing failed', { publishFailures: summary.publishFailures });
    logger.info('late-delivery sweep finished', { ...summary });
    return summary;
  };
  return observedHandler(base);
}

/** The Lambda handler. */
export const handler = makeSweepLateDeliveriesHandler();
