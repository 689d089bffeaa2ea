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
import { ListedSkus, recordDemands, SafetyViews, stockChanged } from '../replenishment.ts';
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
    const clock = ports.clock ?? systemClock;
    const results: Array<Error | undefined> = records.map(() => undefined);

    // The batch's demand first, its orders' days of sales summed (replenishment.ts recordDemands).
    const placed = records.flatMap(({ event }, i) => (event.name === OrderPlaced.name ? [{ i, order: event.detail as EventDetail<typeof OrderPlaced> }] : []));
    const recorded = await recordDemands(
      { repository, clock, listed },
      placed.map(({ order }) => ({ orderId: order.orderId, placedAt: order.placedAt, lines: order.lines, correlationId: order.meta.correlationId })),
    );
    placed.forEach(({ i, order }, k) => {
      const outcome = recorded[k];
      if (outcome instanceof Error) results[i] = outcome;
      else logger.info('demand', { messageId: records[i]?.record.messageId, orderId: order.orderId, recorded: outcome });
    });

    // Then each SKU once, for every record of the batch whose demand is in: a check sees all of it.
    const skusOf = records.map(({ event }) =>
      event.name === OrderPlaced.name ? (event.detail as EventDetail<typeof OrderPlaced>).lines.map((l) => l.sku) : [(event.detail as EventDetail<typeof StockAdjusted>).sku],
    );
    const checks = new Map<string, string>(); // SKU → the correlation id of the first record asking for it
    records.forEach(({ event }, i) => {
      if (!results[i]) for (const sku of skusOf[i] ?? []) if (!checks.has(sku)) checks.set(sku, event.detail.meta.correlationId);
    });
    const degraded = checks.size > 0 && (await degradedMode()).enabled;
    const outcomes: Record<string, string> = {};
    const failed = new Map<string, Error>();
    if (checks.size > 0) {
      const deps = {
        repository,
        catalog: (ports.catalog ?? catalogReaderFromEnv)(),
        clock,
        policy: fulfillmentSettings().safetyStock,
        publisher: ports.publisher ?? ((id: string) => eventBridgePublisher({ correlationId: id })),
        degraded,
        views,
      };
      for (const [sku, correlationId] of checks) {
        try {
          Object.assign(outcomes, await stockChanged(deps, [sku], correlationId));
        } catch (error) {
          failed.set(sku, error instanceof Error ? error : new Error(String(error)));
        }
      }
    }
    // A record whose SKU could not be checked is redelivered: its demand is recorded (a replay skips it), the check runs again.
    records.forEach((_, i) => {
      const error = (skusOf[i] ?? []).map((sku) => failed.get(sku)).find((e) => e !== undefined);
      if (!results[i] && error) results[i] = error;
    });
    const suggested = Object.values(outcomes).filter((o) => o === 'suggested').length;
    if (suggested > 0) metrics.addMetric('ReplenishmentSuggested', MetricUnit.Count, suggested);
    if (degraded) metrics.addMetric('DeferredStockChecks', MetricUnit.Count, Object.keys(outcomes).length);
    logger.info('stock levels checked', { records: records.length, outcomes });
    return results;
  });
}

/** The Lambda handler. */
export const handler = makeTrackStockLevelsHandler();
