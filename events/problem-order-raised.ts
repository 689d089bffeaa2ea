/**
 * ProblemOrderRaised v1 — an order needs a human (ORD-6): failed payment, undeliverable address,
 * lost or refused parcel, late delivery, a parcel that had already left when its order was
 * cancelled (`cancelled-after-pickup`: intercept it with the carrier), or a payment provider's
 * notification whose amount or currency is not what the payment expects (`payment-amount-mismatch`:
 * held by payments, not applied), or a return's refund payments refused because it exceeds what is
 * still refundable on the order (`return-refund-refused`, AFT-1). Routed to the operations alert target.
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { IdSchema } from './common.ts';

export const ProblemOrderRaised = /* @__PURE__ */ defineEvent({
  name: 'ProblemOrderRaised',
  version: 1,
  source: 'commerce.operations',
  description: 'An order needs attention from operations. Ids and a problem code only.',
  schema: () =>
    z.object({
      orderId: IdSchema(),
      problem: z.enum([
        'payment-failed',
        'undeliverable-address',
        'parcel-lost',
        'delivery-refused',
        'delivery-late',
        'cancelled-after-pickup',
        'payment-amount-mismatch',
        'return-refund-refused',
      ]),
      shipmentId: z.optional(IdSchema()),
      raisedBy: z.string().check(z.minLength(1), z.maxLength(64)),
      raisedAt: z.iso.datetime(),
    }),
  example: {
    orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
    problem: 'undeliverable-address',
    shipmentId: '01JD7ZKE41V8Q4N6M5R9T0W1YH',
    raisedBy: 'fulfillment',
    raisedAt: '2026-11-24T12:00:00.000Z',
  },
});
