/**
 * SQS consumer (AFT-1): `PaymentRefunded` carrying a `returnId` → the return's refund completed
 * (REFUNDED once inspected; an express refund waits for the inspection). Refunds of no return are
 * ignored. Idempotent. Env: `RETURNS_TABLE_NAME`, `EVENT_BUS_NAME`.
 */
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { logger } from '../../../shared/observability.ts';
import { PaymentRefunded } from '../../../events/payment-events.ts';
import { applyRefundCompleted } from '../returns.ts';
import { returnsRuntime, type ReturnsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeApplyReturnRefundHandler(ports: ReturnsPorts = {}) {
  const runtime = returnsRuntime(ports);
  return eventConsumer([PaymentRefunded], async ({ detail }, record) => {
    if (!detail.returnId) return;
    const outcome = await applyRefundCompleted(
      runtime.deps(),
      { returnId: detail.returnId, refundId: detail.refundId, amount: detail.amount, refundedAt: detail.refundedAt },
      detail.meta.correlationId,
    );
    const log = outcome === 'unknown-return' ? logger.warn.bind(logger) : logger.info.bind(logger);
    log('return refund completed', { messageId: record.messageId, returnId: detail.returnId, orderId: detail.orderId, eventId: detail.meta.eventId, outcome });
  });
}

/** The Lambda handler. */
export const handler = makeApplyReturnRefundHandler();
