/**
 * Scheduled (daily; CMP-2, SEC-3): removes the personal data of orders completed (first delivered,
 * or cancelled if never delivered) more than `PERSONAL_DATA_RETENTION_DAYS` (default 1095) ago.
 * Env: `ORDERS_TABLE_NAME`.
 */
import { logger, metrics, MetricUnit, observedHandler } from '../../../shared/observability.ts';
import { retentionDepsFromEnv } from '../adapters.ts';
import { shredExpiredPersonalData } from '../data-rights.ts';

/** The Lambda handler. */
export const handler = observedHandler(async (): Promise<{ shredded: number }> => {
  const summary = await shredExpiredPersonalData(retentionDepsFromEnv());
  metrics.addMetric('OrdersPersonalDataShredded', MetricUnit.Count, summary.shredded);
  logger.info('retention run', { shredded: summary.shredded });
  return summary;
});
