/**
 * RiskWarningRaised v1 — a three-tier warning (RISK-3: general / elevated / major), rate-limited by
 * the fraud capability; EventBridge routes each tier to its own alert target.
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { IdSchema } from './common.ts';

export const RiskWarningRaised = /* @__PURE__ */ defineEvent({
  name: 'RiskWarningRaised',
  version: 1,
  source: 'commerce.fraud',
  description: 'A risk warning for the alert target of its tier. Ids and rule ids only.',
  schema: () =>
    z.object({
      warningId: IdSchema(),
      tier: z.enum(['general', 'elevated', 'major']),
      orderId: z.optional(IdSchema()),
      ruleIds: z.array(z.string().check(z.minLength(1), z.maxLength(64))),
      score: z.optional(z.number().check(z.int(), z.gte(0), z.lte(100))),
      /** Warnings of this tier suppressed by the rate limit since the last one sent. */
      suppressedSinceLast: z.number().check(z.int(), z.gte(0)),
      raisedAt: z.iso.datetime(),
    }),
  example: {
    warningId: '01JD7ZKA01V8Q4N6M5R9T0W1YD',
    tier: 'major',
    orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
    ruleIds: ['blocklisted-device'],
    score: 95,
    suppressedSinceLast: 0,
    raisedAt: '2026-11-23T08:00:02.000Z',
  },
});
