/**
 * Scheduled (every minute; ORD-4 at flash-sale scale): tops up the buckets of hot SKUs that run dry
 * from the fullest ones, and takes the next step of merging back the stocks ops asked to merge
 * after their sale (../rebalance-stock-buckets.ts). Env: `CATALOG_TABLE_NAME`.
 */
import type { Context } from 'aws-lambda';
import { logger, metrics, MetricUnit, observedHandler, timeRunsOut } from '../../../shared/observability.ts';
import { bucketStoreFromEnv } from '../bucket-store.ts';
import { catalogRepositoryFromEnv } from '../catalog-repository.ts';
import { rebalanceStockBuckets, type BucketStore, type MergeStep, type RebalanceSummary } from '../rebalance-stock-buckets.ts';
import { mergeStep } from '../stock-admin.ts';

/** Stop starting new SKUs when less than this much invocation time is left. */
const TIME_RESERVE_MS = 5_000;

/** Builds the handler with the given store (default: the CatalogTable). */
export function makeRebalanceStockBucketsHandler(ports: { readonly buckets?: () => BucketStore; readonly merge?: () => MergeStep } = {}) {
  let buckets: BucketStore | undefined;
  let merge: MergeStep | undefined;
  const base = async (_event: unknown, context: Context): Promise<RebalanceSummary> => {
    buckets ??= (ports.buckets ?? bucketStoreFromEnv)();
    if (!merge && ports.merge) merge = ports.merge();
    if (!merge) {
      const catalog = catalogRepositoryFromEnv();
      // Only continue merges ops began: a stock listed as draining may have been merged and split again since.
      merge = (stock) => mergeStep(catalog, stock, new Date(), { continueOnly: true });
    }
    const summary = await rebalanceStockBuckets({
      buckets,
      merge,
      shouldStop: timeRunsOut(context, TIME_RESERVE_MS),
      onFailure: (stock, error) => logger.error('stock bucket step failed', { sku: stock.sku, warehouseId: stock.warehouseId, error }),
    });
    metrics.addMetric('StockBucketUnitsMoved', MetricUnit.Count, summary.unitsMoved);
    metrics.addMetric('StockBucketsDraining', MetricUnit.Count, summary.draining.length);
    // A drain lasting days: an order holding units in a bucket (a pre-sale awaiting its balance, a group buy, or one stuck).
    for (const d of summary.draining) logger.info('stock still draining', d);
    metrics.addMetric('StockBucketStepsFailed', MetricUnit.Count, summary.failed);
    logger.info('stock buckets rebalanced', { ...summary, draining: summary.draining.length });
    // A failure does not fail the invocation (a scheduled one would be retried whole): StockBucketStepsFailed has an alarm.
    return summary;
  };
  return observedHandler(base);
}

/** The Lambda handler. */
export const handler = makeRebalanceStockBucketsHandler();
