/**
 * RiskApproved / RiskReviewRequired / RiskRejected v1 — the fraud capability's decision on an order
 * (RISK-1), by its rules or, after a manual review, by an analyst. Consumers: checkout (status),
 * payments (authorise only approved orders).
 */
import * as z from '../shared/zod.ts';
import { lazily } from '../shared/lazily.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, IdSchema } from './common.ts';

/** The three decisions' payload, built once when the first of them is used. */
const decision = /* @__PURE__ */ lazily(() =>
  z.object({
    orderId: IdSchema(),
    customerId: ActorSchema(),
    assessmentId: IdSchema(),
    score: z.number().check(z.int(), z.gte(0), z.lte(100)),
    level: z.enum(['low', 'medium', 'high']),
    /** Ids of the rules that fired (their contributions are in the assessment, staff only). */
    rulesFired: z.array(z.string().check(z.minLength(1), z.maxLength(64))),
    decidedBy: z.enum(['rules', 'analyst']),
    /** The analyst's user id when `decidedBy` is `analyst`. */
    analystId: z.optional(ActorSchema()),
    decidedAt: z.iso.datetime(),
    /** How many of the order's address corrections (OrderAddressCorrected) this decision took into account (ORD-6); absent = none. */
    addressCorrections: z.optional(z.number().check(z.int(), z.gte(1))),
  }),
);

const example = {
  orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
  customerId: 'alice',
  assessmentId: '01JD7ZK9Q1V8Q4N6M5R9T0W1YC',
  score: 12,
  level: 'low' as const,
  rulesFired: ['velocity-customer-1h'],
  decidedBy: 'rules' as const,
  decidedAt: '2026-11-23T08:00:02.000Z',
};

export const RiskApproved = /* @__PURE__ */ defineEvent({
  name: 'RiskApproved',
  version: 1,
  source: 'commerce.fraud',
  description: 'The order may proceed to payment.',
  schema: decision,
  example,
});
export const RiskReviewRequired = /* @__PURE__ */ defineEvent({
  name: 'RiskReviewRequired',
  version: 1,
  source: 'commerce.fraud',
  description: 'The order waits for a risk analyst (manual review queue).',
  schema: decision,
  example: { ...example, score: 55, level: 'medium' as const, rulesFired: ['new-account-high-value'] },
});
export const RiskRejected = /* @__PURE__ */ defineEvent({
  name: 'RiskRejected',
  version: 1,
  source: 'commerce.fraud',
  description: 'The order is refused; its stock is released and no payment is attempted.',
  schema: decision,
  example: { ...example, score: 90, level: 'high' as const, rulesFired: ['disposable-email'] },
});
