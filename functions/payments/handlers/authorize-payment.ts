/**
 * SQS consumer: `RiskApproved` → authorise (card, wallet), open an awaited transfer (bank
 * transfer) or accept cash on delivery; PaymentAuthorized / PaymentPending / PaymentFailed.
 * Env: `PAYMENTS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID`, `EVENT_BUS_NAME`, the provider's settings.
 */
import { RiskApproved } from '../../../events/risk-assessed.ts';
import { handleRiskApproved } from '../authorization.ts';
import { paymentsConsumer } from '../event-consumer.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeAuthorizePaymentHandler(ports: PaymentsPorts = {}) {
  return paymentsConsumer({
    operation: 'authorizePayment',
    definitions: [RiskApproved],
    runtime: paymentsRuntime(ports),
    process: async (event, runtime) =>
      handleRiskApproved({ ...(await runtime.providerDeps()), vault: runtime.vault(), limits: runtime.settings().limits }, event.detail.orderId, event.detail.meta.correlationId),
  });
}

/** The Lambda handler. */
export const handler = makeAuthorizePaymentHandler();
