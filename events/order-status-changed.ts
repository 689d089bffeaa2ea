/**
 * OrderStatusChanged v1 — a transition of the order state machine, except the three whose cause is
 * an event announcing the same moment: placement (OrderPlaced), FULFILLING (OrderAllocated) and
 * SHIPPED (OrderShipped) — checkout's order-events.ts. Consumers filter on `to` (e.g. payments on
 * CANCELLED and REJECTED, fulfillment on APPROVED, fraud on DELIVERED). `from` stays nullable: events
 * archived before 2026-12 include placements (`from: null`).
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, IdSchema, MoneySchema, OrderStatusSchema, OrderTypeSchema, PaymentMethodSchema, ReservationSchema } from './common.ts';

export const OrderStatusChanged = /* @__PURE__ */ defineEvent({
  name: 'OrderStatusChanged',
  version: 1,
  source: 'commerce.checkout',
  description:
    'An order moved from one status to another. The order id, both statuses, who or what caused it, and the facts consumers act on. Not published for PLACED, FULFILLING and SHIPPED: OrderPlaced, OrderAllocated and OrderShipped announce those.',
  schema: () =>
    z.object({
      orderId: IdSchema(),
      customerId: ActorSchema(),
      orderType: OrderTypeSchema(),
      paymentMethod: PaymentMethodSchema(),
      from: z.nullable(OrderStatusSchema()),
      to: OrderStatusSchema(),
      /** A stable reason code, e.g. `risk-approved`, `payment-window-expired`, `customer-request`. */
      reason: z.string().check(z.minLength(1), z.maxLength(64)),
      actor: ActorSchema(),
      total: MoneySchema(),
      /** The shipping region (fulfillment allocates from it). */
      shippingRegion: z.string().check(z.maxLength(31)),
      /** Stock held for the order at this moment (released ones are absent). */
      reservations: z.array(ReservationSchema()),
      changedAt: z.iso.datetime(),
    }),
  example: {
    orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
    customerId: 'alice',
    orderType: 'regular',
    paymentMethod: 'card',
    from: 'PLACED',
    to: 'APPROVED',
    reason: 'payment-authorized',
    actor: 'system:payments',
    total: { amount: 23040, currency: 'CNY' },
    shippingRegion: 'east',
    reservations: [{ sku: 'TEA-LONGJING-250G', warehouseId: 'WH-EAST', quantity: 2 }],
    changedAt: '2026-11-23T08:01:00.000Z',
  },
});
