/**
 * CustomerNotificationRequested v1 — something the customer must hear about (ORD-6: problem orders;
 * late deliveries). Carries the customer id and a template; the notifier looks up contact details
 * itself, so no contact data travels on the bus.
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, IdSchema } from './common.ts';

export const CustomerNotificationRequested = /* @__PURE__ */ defineEvent({
  name: 'CustomerNotificationRequested',
  version: 1,
  source: 'commerce.notifications',
  description: 'Tell a customer about their order. Template id and ids only.',
  schema: () =>
    z.object({
      notificationId: IdSchema(),
      customerId: ActorSchema(),
      orderId: z.optional(IdSchema()),
      template: z.enum(['payment-failed', 'order-rejected', 'order-cancelled', 'delivery-late', 'delivery-problem', 'refund-issued']),
      requestedBy: z.string().check(z.minLength(1), z.maxLength(64)),
      requestedAt: z.iso.datetime(),
    }),
  example: {
    notificationId: '01JD7ZKD31V8Q4N6M5R9T0W1YG',
    customerId: 'alice',
    orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
    template: 'payment-failed',
    requestedBy: 'payments',
    requestedAt: '2026-11-23T08:00:03.000Z',
  },
});
