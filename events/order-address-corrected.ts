/**
 * OrderAddressCorrected v1 — the customer corrected an order's shipping address before it was
 * approved (ORD-6). Consumers: fraud (re-assesses the order with the new address's signals; a
 * changed address after ordering is itself a risk signal), notifications. No personal data: the
 * shipping zone in clear, the address and phone only as keyed hashes (like OrderPlaced's).
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, IdSchema, PseudonymSchema, RegionSchema } from './common.ts';

export const OrderAddressCorrected = /* @__PURE__ */ defineEvent({
  name: 'OrderAddressCorrected',
  version: 1,
  source: 'commerce.checkout',
  description: 'A customer corrected the shipping address of an order not yet approved; fraud re-assesses it.',
  schema: () =>
    z.object({
      orderId: IdSchema(),
      customerId: ActorSchema(),
      shippingRegion: RegionSchema(),
      /** 1 for the first correction of the order, 2 for the second, … */
      correction: z.number().check(z.int(), z.gte(1)),
      riskSignals: z.object({ addressHash: PseudonymSchema(), phoneHash: PseudonymSchema() }),
      correctedAt: z.iso.datetime(),
    }),
  example: {
    orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
    customerId: 'cust-0001',
    shippingRegion: 'east',
    correction: 1,
    riskSignals: { addressHash: 'a'.repeat(64), phoneHash: 'b'.repeat(64) },
    correctedAt: '2026-12-05T08:00:00.000Z',
  },
});
