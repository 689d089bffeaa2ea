/**
 * SQS consumer: `OrderPlaced` → the order's payment is recorded (status `new`, the provider token
 * encrypted). Env: `PAYMENTS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID`.
 */
import { OrderPlaced } from '../../../events/order-placed.ts';
import type { EventDetail } from '../../../events/event-definition.ts';
import { paymentsConsumer } from '../event-consumer.ts';
import { recordOrderPlaced } from '../record-order.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeRecordOrderPaymentHandler(ports: PaymentsPorts = {}) {
  return paymentsConsumer({
    operation: 'recordOrderPayment',
    definitions: [OrderPlaced],
    runtime: paymentsRuntime(ports),
    process: async (event, runtime) => recordOrderPlaced({ ...runtime.engine(), vault: runtime.vault() }, event.detail as unknown as EventDetail<typeof OrderPlaced>),
  });
}

/** The Lambda handler. */
export const handler = makeRecordOrderPaymentHandler();
