/**
 * Scheduled (daily; FUL-4): checks every SKU with sales history against its safety stock, emitting
 * one `daily-sweep` ReplenishmentSuggested per SKU per day while it is below — which also catches
 * up on checks deferred by degraded mode (FUL-5).
 * Env: `FULFILLMENT_TABLE_NAME`, `CATALOG_TABLE_NAME` (read-only), `EVENT_BUS_NAME`.
 */
import type { Context } from 'aws-lambda';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { newId } from '../../../shared/ids.ts';
import { logger, metrics, MetricUnit, observedHandler, timeRunsOut } from '../../../shared/observability.ts';
import { catalogReaderFromEnv, type CatalogReader } from '../../catalog/stock-contract.ts';
import { fulfillmentRepositoryFromEnv, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { sweepReplenishment, type ReplenishmentSweepSummary } from '../replenishment.ts';
import { fulfillmentSettings } from '../settings.ts';

const TIME_RESERVE_MS = 15_000;

/** Ports of the handler; each defaults to the real adapter. */
export interface SweepReplenishmentPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly catalog?: () => CatalogReader;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeSweepReplenishmentHandler(ports: SweepReplenishmentPorts = {}) {
  const base = async (_event: unknown, context: Context): Promise<ReplenishmentSweepSummary> => {
    const summary = await sweepReplenishment(
      {
        repository: (ports.repository ?? fulfillmentRepositoryFromEnv)(),
        catalog: (ports.catalog ?? catalogReaderFromEnv)(),
        publisher: ports.publisher ?? ((id) => eventBridgePublisher({ correlationId: id })),
        clock: ports.clock ?? systemClock,
        policy: fulfillmentSettings().safetyStock,
        shouldStop: timeRunsOut(context, TIME_RESERVE_MS),
      },
      `replenishment-sweep-${newId()}`,
    );
    metrics.addMetric('ReplenishmentSuggested', MetricUnit.Count, summary.suggested);
    logger.info('replenishment sweep finished', { ...summary });
    return summary;
  };
  return observedHandler(base);
}

/** The Lambda handler. */
export const handler = makeSweepReplenishmentHandler();
