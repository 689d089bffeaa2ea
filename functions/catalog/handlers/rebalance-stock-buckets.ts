/**
 * Scheduled (every minute; ORD-4 at flash-sale scale): tops up the buckets of hot SKUs that run dry
 * from the fullest ones (../rebalance-stock-buckets.ts). Env: `CATALOG_TABLE_NAME`.
 */
import type { Context } from 'aws-lambda';
import { logger, metrics, MetricUnit, observedHandler, timeRunsOut } from '../../../shared/observability.ts';
import { bucketStoreFromEnv } from '../bucket-store.ts';
import { rebalanceStockBuckets, type BucketStore, type RebalanceSummary } from '../rebalance-stock-buckets.ts';

/** Stop starting new SKUs when less than this much invocation time is left. */
const TIME_RESERVE_MS = 5_000;

/** Builds the handler with the given store (default: the CatalogTable). */
export function makeRebalanceStockBucketsHandler(ports: { readonly buckets?: () => BucketStore } = {}) {
  let buckets: BucketStore | undefined;
  const base = async (_event: unknown, context: Context): Promise<RebalanceSummary> => {
    buckets ??= (ports.buckets ?? bucketStoreFromEnv)();
    const summary = await rebalanceStockBuckets({ buckets, shouldStop: timeRunsOut(context, TIME_RESERVE_MS) });
    metrics.addMetric('StockBucketUnitsMoved', MetricUnit.Count, summary.unitsMoved);
    logger.info('stock buckets rebalanced', { ...summary });
    return summary;
  };
  return observedHandler(base);
}

/** The Lambda handler. */
export const handler = makeRebalanceStockBucketsHandler();
