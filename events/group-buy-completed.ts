/**
 * GroupBuyCompleted v1 — a group-buy group (拼团, ORD-5) has all its members; one event per member
 * order, published by the order that filled the last place. Consumers: checkout (approves the
 * member's order once its payment is authorised), notifications. Ids only: no personal data.
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { IdSchema, SkuSchema } from './common.ts';

export const GroupBuyCompleted = /* @__PURE__ */ defineEvent({
  name: 'GroupBuyCompleted',
  version: 1,
  source: 'commerce.checkout',
  description: 'A group-buy group is complete; this member’s order may proceed.',
  schema: () =>
    z.object({
      orderId: IdSchema(),
      groupCode: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{8}$/)),
      sku: SkuSchema(),
      size: z.number().check(z.int(), z.gte(2), z.lte(10)),
      completedAt: z.iso.datetime(),
    }),
  example: {
    orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
    groupCode: '7KD3M9QX',
    sku: 'TEA-LONGJING-250G',
    size: 3,
    completedAt: '2026-11-30T08:00:00.000Z',
  },
});
