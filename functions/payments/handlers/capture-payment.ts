/**
 * SQS consumer: `OrderShipped` → capture card and wallet payments; `OrderDelivered` → capture cash
 * on delivery (and any card/wallet capture a shipment missed). Env: `PAYMENTS_TABLE_NAME`,
 * `EVENT_BUS_NAME`, the provider's settings.
 */
import { OrderDelivered, OrderShipped } from '../../../events/fulfillment-events.ts';
import { handleCaptureTrigger } from '../capture.ts';
import { paymentsConsumer } from '../event-consumer.ts';
import { PROVIDER_CALL_BUDGET_MS } from '../provider/stripe/stripe-client.ts';
import { providerFromEnv } from '../provider/from-env.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeCapturePaymentHandler(ports: PaymentsPorts = {}) {
  return paymentsConsumer({
    operation: 'capturePayment',
    providerCallBudgetMs: PROVIDER_CALL_BUDGET_MS,
    definitions: [OrderShipped, OrderDelivered],
    runtime: paymentsRuntime(ports, providerFromEnv),
    process: async (event, runtime) =>
      handleCaptureTrigger(await runtime.providerDeps(), event.detail.orderId, event.name === OrderShipped.name ? 'shipment' : 'delivery', event.detail.meta.correlationId),
  });
}

/** The Lambda handler. */
export const handler = makeCapturePaymentHandler();
