/**
 * SQS consumer (AFT-1): `ReturnFulfillmentUpdated` → the return moves (pickup booked with its
 * waybill, picked up — with the express refund when it applies —, received, replacement allocated
 * or unavailable). Idempotent. Env: `RETURNS_TABLE_NAME`, `EVENT_BUS_NAME`; the express refund's
 * ceiling `RETURN_EXPRESS_REFUND_MAX_MINOR` and fraud's review threshold `RISK_REVIEW_THRESHOLD`.
 */
import { getConfig } from '../../../shared/config.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { ReturnFulfillmentUpdated } from '../../../events/return-events.ts';
import { applyFulfillmentUpdate } from '../returns.ts';
import { returnsRuntime, type ReturnsPorts } from '../runtime.ts';
import { returnsSettings } from '../settings.ts';

/** Builds the handler with the given ports. */
export function makeApplyReturnFulfillmentUpdateHandler(ports: ReturnsPorts = {}) {
  const runtime = returnsRuntime(ports);
  return eventConsumer([ReturnFulfillmentUpdated], async ({ detail }, record) => {
    const outcome = await applyFulfillmentUpdate(
      { ...runtime.deps(), expressRefundMaxMinor: returnsSettings().expressRefundMaxMinor, reviewThreshold: getConfig().risk.reviewThreshold },
      detail,
      detail.meta.correlationId,
    );
    if (outcome === 'express-refund') metrics.addMetric('ExpressRefundsRequested', MetricUnit.Count, 1);
    const log = outcome === 'unknown-return' ? logger.warn.bind(logger) : logger.info.bind(logger);
    log('return fulfillment update', { messageId: record.messageId, returnId: detail.returnId, update: detail.update, eventId: detail.meta.eventId, outcome });
  });
}

/** The Lambda handler. */
export const handler = makeApplyReturnFulfillmentUpdateHandler();
