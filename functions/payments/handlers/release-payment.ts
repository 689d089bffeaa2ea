/**
 * SQS consumer: `OrderCancelled`, and `OrderStatusChanged` to CANCELLED / REJECTED /
 * PAYMENT_FAILED → void what is authorised, refund what is captured. Env: `PAYMENTS_TABLE_NAME`,
 * `EVENT_BUS_NAME`, the provider's settings.
 */
import { OrderCancelled } from '../../../events/order-cancelled.ts';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import type { EventDetail } from '../../../events/event-definition.ts';
import { paymentsConsumer } from '../event-consumer.ts';
import { PROVIDER_CALL_BUDGET_MS } from '../provider/stripe/stripe-client.ts';
import { handleRelease, type ReleaseFacts } from '../release.ts';
import { providerFromEnv } from '../provider/from-env.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** The order statuses whose money is released. */
export const RELEASING_STATUSES = ['CANCELLED', 'REJECTED', 'PAYMENT_FAILED'] as const;

/** The release facts of either event (undefined for a status change that releases nothing). */
export function releaseFactsOf(name: string, detail: Record<string, unknown>): ReleaseFacts | undefined {
  if (name === OrderCancelled.name) {
    const d = detail as unknown as EventDetail<typeof OrderCancelled>;
    return { orderId: d.orderId, customerId: d.customerId, method: d.paymentMethod, total: d.total, reason: 'order-cancelled', actor: d.actor };
  }
  const d = detail as unknown as EventDetail<typeof OrderStatusChanged>;
  if (!(RELEASING_STATUSES as readonly string[]).includes(d.to)) return undefined;
  const reason = d.to === 'CANCELLED' ? 'order-cancelled' : d.to === 'REJECTED' ? 'order-rejected' : 'payment-failed';
  return { orderId: d.orderId, customerId: d.customerId, method: d.paymentMethod, total: d.total, reason, actor: d.actor };
}

/** Builds the handler with the given ports. */
export function makeReleasePaymentHandler(ports: PaymentsPorts = {}) {
  return paymentsConsumer({
    operation: 'releasePayment',
    providerCallBudgetMs: PROVIDER_CALL_BUDGET_MS,
    definitions: [OrderCancelled, OrderStatusChanged],
    runtime: paymentsRuntime(ports, providerFromEnv),
    process: async (event, runtime) => {
      const facts = releaseFactsOf(event.name, event.detail);
      if (!facts) return 'not-releasing';
      return handleRelease({ ...(await runtime.providerDeps()), refundPolicy: runtime.refundPolicy() }, facts, event.detail.meta.correlationId);
    },
  });
}

/** The Lambda handler. */
export const handler = makeReleasePaymentHandler();
