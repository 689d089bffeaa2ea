/**
 * SQS consumer (RISK-2, RISK-6): outcomes that update customer risk profiles — `PaymentFailed`
 * (repeated payment failures), `PaymentRefunded` with a fraud reason (confirmed fraud) and
 * `OrderStatusChanged` to DELIVERED (good history). See ../record-outcome.ts. Env: `RISK_TABLE_NAME`.
 */
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { PaymentFailed, PaymentRefunded } from '../../../events/payment-events.ts';
import type { EventPayload } from '../../../events/event-definition.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { logger } from '../../../shared/observability.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { recordOrderStatusChanged, recordPaymentFailed, recordPaymentRefunded, type OutcomeDeps, type OutcomeResult } from '../record-outcome.ts';
import { fraudSettings } from '../settings.ts';

const DEFINITIONS = [PaymentFailed, PaymentRefunded, OrderStatusChanged] as const;

/** Builds the handler with the given ports. */
export function makeRecordRiskOutcomeHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return eventConsumer(DEFINITIONS, async (message, record) => {
    const deps: OutcomeDeps = { assessments: p.assessments(), signals: p.signals(), newId: p.newId, fraudRefundReasons: fraudSettings().fraudRefundReasons };
    const { meta, version: _version, ...payload } = message.detail as typeof message.detail & { meta: { correlationId: string; eventId: string } };
    let result: OutcomeResult;
    switch (message.name) {
      case PaymentFailed.name:
        result = await recordPaymentFailed(deps, payload as EventPayload<typeof PaymentFailed>);
        break;
      case PaymentRefunded.name:
        result = await recordPaymentRefunded(deps, payload as EventPayload<typeof PaymentRefunded>);
        break;
      default:
        result = await recordOrderStatusChanged(deps, payload as EventPayload<typeof OrderStatusChanged>);
    }
    logger.info('risk outcome', {
      messageId: record.messageId,
      correlationId: meta.correlationId,
      eventId: meta.eventId,
      event: message.name,
      orderId: (payload as { orderId: string }).orderId,
      result,
    });
  });
}

/** The Lambda handler. */
export const handler = makeRecordRiskOutcomeHandler();
