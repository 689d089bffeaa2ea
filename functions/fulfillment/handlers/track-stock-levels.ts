/**
 * SQS consumer (FUL-4, FUL-5): `OrderPlaced` → record the order's demand (sales history) and check
 * its SKUs against their safety stock; `StockAdjusted` (a cycle count) → check that SKU. A batch's
 * demand is recorded together (each SKU's day of sales written once per batch: replenishment.ts
 * `recordDemands`), then each of its SKUs checked once. A new
 * crossing below safety stock emits one `ReplenishmentSuggested`. While degraded mode is on the
 * checks are deferred to the daily sweep (demand is still recorded); the switch is read at most every
 * `DEGRADED_MODE_CACHE_SECONDS` (10) per container, so turning it on or off takes effect within that.
 * The sales window's earlier days are remembered per SKU for `SAFETY_LEVEL_CACHE_SECONDS` (60) per
 * container; today's sales, the suggestion flag and the available stock are read for every check
 * (replenishment.ts). A SKU it has put on the safety-stock list is not written there again for an
 * hour ({@link ListedSkus}).
 * Env: `FULFILLMENT_TABLE_NAME`, `CATALOG_TABLE_NAME` (read-only), `EVENT_BUS_NAME`.
 */
import { cachedFor } from '../../../shared/cache.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { eventBatchConsumer } from '../../../shared/event-consumer.ts';
import { eventBridgePublisher, type EventPublisher } from '../../../shared/events.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import type { EventDetail } from '../../../events/event-definition.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { StockAdjusted } from '../../../events/stock-adjusted.ts';
import { catalogReaderFromEnv, type CatalogReader } from '../../catalog/stock-contract.ts';
import { fulfillmentRepositoryFromEnv, type DegradedMode, type FulfillmentRepository } from '../fulfillment-repository.ts';
import { ListedSkus, SafetyViews, trackStockLevels, type StockChange } from '../replenishment.ts';
import { fulfillmentSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface TrackStockLevelsHandlerPorts {
  readonly repository?: () => FulfillmentRepository;
  readonly catalog?: () => CatalogReader;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
  /** How long the degraded-mode switch is cached (default `DEGRADED_MODE_CACHE_SECONDS`). */
  readonly degradedModeCacheSeconds?: number;
  /** How long a SKU's earlier sales are remembered (default `SAFETY_LEVEL_CACHE_SECONDS`). */
  readonly safetyLevelCacheSeconds?: number;
}

/** Builds the handler with the given ports. */
export function makeTrackStockLevelsHandler(ports: TrackStockLevelsHandlerPorts = {}) {
  let degradedMode: (() => Promise<DegradedMode>) | undefined;
  let views: SafetyViews | undefined;
  const listed = new ListedSkus();
  return eventBatchConsumer([OrderPlaced, StockAdjusted], async (records) => {
    const repository = (ports.repository ?? fulfillmentRepositoryFromEnv)();
    views ??= new SafetyViews((ports.safetyLevelCacheSeconds ?? fulfillmentSettings().safetyLevelCacheSeconds) * 1000);
    degradedMode ??= cachedFor(() => repository.getDegradedMode(), (ports.degradedModeCacheSeconds ?? fulfillmentSettings().degradedModeCacheSeconds) * 1000);
    const switchOf = degradedMode;
    const changes = records.map(({ event }): StockChange => {
      if (event.name === OrderPlaced.name) {
        const order = event.detail as EventDetail<typeof OrderPlaced>;
        return { kind: 'placed', order: { orderId: order.orderId, placedAt: order.placedAt, lines: order.lines, correlationId: order.meta.correlationId } };
      }
      const adjusted = event.detail as EventDetail<typeof StockAdjusted>;
      return { kind: 'adjusted', sku: adjusted.sku, correlationId: adjusted.meta.correlationId };
    });
    const { failures, recorded, checks } = await trackStockLevels(
      {
        repository,
        catalog: (ports.catalog ?? catalogReaderFromEnv)(),
        clock: ports.clock ?? systemClock,
        policy: fulfillmentSettings().safetyStock,
        publisher: ports.publisher ?? ((id: string) => eventBridgePublisher({ correlationId: id })),
        views,
        listed,
        degraded: async () => (await switchOf()).enabled,
      },
      changes,
    );
    changes.forEach((change, i) => {
      if (change.kind === 'placed' && recorded[i] !== undefined)
        logger.info('demand', { messageId: records[i]?.record.messageId, orderId: change.order.orderId, recorded: recorded[i] });
    });
    const outcomes = Object.values(checks);
    const suggested = outcomes.filter((o) => o === 'suggested').length;
    if (suggested > 0) metrics.addMetric('ReplenishmentSuggested', MetricUnit.Count, suggested);
    const deferred = outcomes.filter((o) => o === 'deferred').length;
    if (deferred > 0) metrics.addMetric('DeferredStockChecks', MetricUnit.Count, deferred);
    logger.info('stock levels checked', { records: records.length, outcomes: checks });
    return failures;
  });
}

/** The Lambda handler. */
export const handler = makeTrackStockLevelsHandler();
