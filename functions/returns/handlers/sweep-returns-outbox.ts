/**
 * Scheduled (every 5 minutes; AFT-1): republishes returns' outbox events left unpublished (a crash
 * between commit and publish). Env: `RETURNS_TABLE_NAME`, `EVENT_BUS_NAME`.
 */
import { logger, metrics, MetricUnit, observedHandler } from '../../../shared/observability.ts';
import { publishOrLeavePending } from '../../../shared/outbox.ts';
import { flushOutbox } from '../outbox.ts';
import { returnsRuntime, type ReturnsPorts } from '../runtime.ts';
import { returnsSettings } from '../settings.ts';

/** Builds the handler with the given ports. */
export function makeSweepReturnsOutboxHandler(ports: ReturnsPorts = {}) {
  const runtime = returnsRuntime(ports);
  return observedHandler(async (): Promise<{ republished: number; failures: number }> => {
    const deps = runtime.deps();
    const before = new Date(deps.clock.now().getTime() - returnsSettings().outboxRepublishAfterSeconds * 1000).toISOString();
    let republished = 0;
    let failures = 0;
    for (const entry of await deps.repository.pendingOutbox(before)) {
      const outcome = await publishOrLeavePending(
        () => flushOutbox(deps, entry),
        (error) => logger.error('return outbox entry left pending', { returnId: entry.returnId, version: entry.version, error: error as Error }),
      );
      republished += outcome.published;
      if (outcome.leftPending) failures++;
    }
    metrics.addMetric('ReturnOutboxEventsRepublished', MetricUnit.Count, republished);
    logger.info('returns outbox sweep finished', { republished, failures });
    return { republished, failures };
  });
}

/** The Lambda handler. */
export const handler = makeSweepReturnsOutboxHandler();
