/**
 * OrderCancelled v1 — an order was cancelled (by its customer, by staff, or by the unpaid-order
 * timeout) and its stock released. Consumers: payments (void or refund), fulfillment (stop).
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, IdSchema, MoneySchema, OrderStatusSchema, PaymentMethodSchema } from './common.ts';

export const OrderCancelled = /* @__PURE__ */ defineEvent({
  name: 'OrderCancelled',
  version: 1,
  source: 'commerce.checkout',
  description: 'An order was cancelled and its reservations released; payments voids or refunds it.',
  schema: () =>
    z.object({
      orderId: IdSchema(),
      customerId: ActorSchema(),
      paymentMethod: PaymentMethodSchema(),
      /** The status it was cancelled from. */
      from: OrderStatusSchema(),
      cancelledBy: z.enum(['customer', 'staff', 'timeout']),
      actor: ActorSchema(),
      reason: z.string().check(z.minLength(1), z.maxLength(64)),
      total: MoneySchema(),
      cancelledAt: z.iso.datetime(),
    }),
  example: {
    orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
    customerId: 'alice',
    paymentMethod: 'card',
    from: 'APPROVED',
    cancelledBy: 'customer',
    actor: 'alice',
    reason: 'customer-request',
    total: { amount: 23040, currency: 'CNY' },
    cancelledAt: '2026-11-23T08:10:00.000Z',
  },
});
