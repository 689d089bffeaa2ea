/**
 * SQS consumer: `RiskApproved` → authorise (card, wallet), open an awaited transfer (bank
 * transfer) or accept cash on delivery; PaymentAuthorized / PaymentPending / PaymentFailed.
 * `PreSaleBalanceDue` (ORD-5) → the same for a pre-sale order's balance, with the deposit's method
 * and stored token (its own queue, same function).
 * Env: `PAYMENTS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID`, `EVENT_BUS_NAME`, the provider's settings.
 */
import type { EventDetail } from '../../../events/event-definition.ts';
import { PreSaleBalanceDue } from '../../../events/pre-sale-balance-due.ts';
import { RiskApproved } from '../../../events/risk-assessed.ts';
import { balanceDueOf, handlePreSaleBalanceDue, handleRiskApproved } from '../authorization.ts';
import { paymentsConsumer } from '../event-consumer.ts';
import { PROVIDER_CALL_BUDGET_MS } from '../provider/stripe/stripe-client.ts';
import { providerFromEnv } from '../provider/from-env.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeAuthorizePaymentHandler(ports: PaymentsPorts = {}) {
  return paymentsConsumer({
    operation: 'authorizePayment',
    providerCallBudgetMs: PROVIDER_CALL_BUDGET_MS,
    definitions: [RiskApproved, PreSaleBalanceDue],
    runtime: paymentsRuntime(ports, providerFromEnv),
    process: async (event, runtime) => {
      const deps = { ...(await runtime.providerDeps()), vault: runtime.vault(), limits: runtime.settings().limits };
      if (event.name === PreSaleBalanceDue.name)
        return handlePreSaleBalanceDue(deps, balanceDueOf(event.detail as unknown as EventDetail<typeof PreSaleBalanceDue>), event.detail.meta.correlationId);
      return handleRiskApproved(deps, event.detail.orderId, event.detail.meta.correlationId);
    },
  });
}

/** The Lambda handler. */
export const handler = makeAuthorizePaymentHandler();
