/**
 * Scheduled daily (PAY-3, CMP-1): retries refunds stuck at the provider, then reconciles the
 * previous UTC day (or `{ "date": "YYYY-MM-DD" }` when invoked by hand: `npm run invoke --
 * ReconcilePaymentsFunction event.json`) and stores the report. Env: `PAYMENTS_TABLE_NAME`,
 * `EVENT_BUS_NAME`, the provider's settings.
 */
import type { Context } from 'aws-lambda';
import { lazily } from '../../../shared/lazily.ts';
import * as z from '../../../shared/zod.ts';
import { logger, metrics, MetricUnit, observedHandler } from '../../../shared/observability.ts';
import type { ReconciliationReport } from '../domain/reconciliation.ts';
import { previousDay, runReconciliation } from '../reconcile.ts';
import { retryProcessingRefunds } from '../refunds.ts';
import { providerFromEnv } from '../provider/from-env.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** The invocation: a scheduled event (its `time`) or a manual `{ date }`. */
const InvocationSchema = /* @__PURE__ */ lazily(() =>
  z.looseObject({
    date: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))),
    time: z.optional(z.string()),
  }),
);

/** A summary of the run (the full report is stored). */
export interface ReconcileSummary {
  readonly date: string;
  readonly status: ReconciliationReport['status'];
  readonly mismatchCount: number;
  readonly matched: number;
  readonly refundsRetried: number;
}

/** Builds the handler with the given ports. */
export function makeReconcilePaymentsHandler(ports: PaymentsPorts = {}) {
  const runtime = paymentsRuntime(ports, providerFromEnv);
  const base = async (event: unknown, context: Context): Promise<ReconcileSummary> => {
    const input = InvocationSchema().parse(event ?? {});
    const deps = await runtime.providerDeps();
    const correlationId = context?.awsRequestId ?? deps.newId();
    const date = input.date ?? previousDay(input.time ? new Date(input.time) : deps.clock.now());
    const retried = await retryProcessingRefunds(deps, correlationId);
    const settings = runtime.settings();
    const report = await runReconciliation(
      { ...deps, currency: settings.currency, maxStoredMismatches: settings.reconciliation.maxStoredMismatches, codRemittanceDays: settings.reconciliation.codRemittanceDays },
      date,
    );
    metrics.addMetric('ReconciliationMismatches', MetricUnit.Count, report.mismatchCount);
    logger.info('reconciliation finished', { date, status: report.status, mismatchCount: report.mismatchCount, matched: report.matched, refundsRetried: retried.retried });
    return { date, status: report.status, mismatchCount: report.mismatchCount, matched: report.matched, refundsRetried: retried.retried };
  };
  return observedHandler(base);
}

/** The Lambda handler. */
export const handler = makeReconcilePaymentsHandler();
