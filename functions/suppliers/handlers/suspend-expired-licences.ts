/**
 * Scheduled (daily, just after midnight China time; SUP-1, CMP-1): suspends every supplier still
 * trading (active, under review) with an expired licence, each audited as a system action first.
 * Env: `SUPPLIERS_TABLE_NAME`, `AUDIT_TABLE_NAME`, `AUDIT_MAC_KEY_ID`.
 */
import type { Context } from 'aws-lambda';
import { newId } from '../../../shared/ids.ts';
import { logger, metrics, MetricUnit, observedHandler, timeRunsOut } from '../../../shared/observability.ts';
import { suppliersDeps, type SuppliersPorts } from '../runtime.ts';
import { suspendExpiredLicences } from '../suppliers.ts';

/** Stop starting new pages when less than this much invocation time is left. */
const TIME_RESERVE_MS = 10_000;

/** Builds the handler with the given ports. */
export function makeSuspendExpiredLicencesHandler(ports: SuppliersPorts = {}) {
  return observedHandler(async (_event: unknown, context: Context) => {
    const summary = await suspendExpiredLicences(suppliersDeps(ports), { correlationId: `supplier-licences-${newId()}`, shouldStop: timeRunsOut(context, TIME_RESERVE_MS) });
    metrics.addMetric('SuppliersSuspendedForLicences', MetricUnit.Count, summary.suspended.length);
    logger.info('supplier licence sweep finished', { examined: summary.examined, suspended: summary.suspended.length, complete: summary.complete });
    return { examined: summary.examined, suspended: summary.suspended.length, complete: summary.complete };
  });
}

/** The Lambda handler. */
export const handler = makeSuspendExpiredLicencesHandler();
