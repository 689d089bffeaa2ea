/**
 * SQS consumer (AFT-1): `ReturnRefundRequested` → refund the return's amount to the order's original
 * payment method, once per return; large refunds wait for a second approver (return-refunds.ts).
 * Env: `PAYMENTS_TABLE_NAME`, `EVENT_BUS_NAME`, the provider's settings.
 */
import { ReturnRefundRequested } from '../../../events/return-events.ts';
import type { EventDetail } from '../../../events/event-definition.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { paymentsConsumer } from '../event-consumer.ts';
import { PROVIDER_CALL_BUDGET_MS } from '../provider/stripe/stripe-client.ts';
import { refundReturn, RETURN_REFUNDS_REFUSED_METRIC } from '../return-refunds.ts';
import { providerFromEnv } from '../provider/from-env.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeRefundReturnHandler(ports: PaymentsPorts = {}) {
  return paymentsConsumer({
    operation: 'refundReturn',
    providerCallBudgetMs: PROVIDER_CALL_BUDGET_MS,
    definitions: [ReturnRefundRequested],
    runtime: paymentsRuntime(ports, providerFromEnv),
    process: async (event, runtime) => {
      const { meta, version: _version, ...request } = event.detail as unknown as EventDetail<typeof ReturnRefundRequested>;
      const outcome = await refundReturn({ ...(await runtime.providerDeps()), ...runtime.refundPolicy() }, request, meta.correlationId);
      if (outcome === 'refused' || outcome === 'failed') {
        // Operations see it: ProblemOrderRaised (published), this metric (alarmed, infra/capabilities/payments.ts) and the refund in GET /admin/payments/{orderId}.
        metrics.addMetric(RETURN_REFUNDS_REFUSED_METRIC, MetricUnit.Count, 1);
        logger.warn('return refund not made', { orderId: request.orderId, returnId: request.returnId, outcome });
      }
      return outcome;
    },
  });
}

/** The Lambda handler. */
export const handler = makeRefundReturnHandler();
