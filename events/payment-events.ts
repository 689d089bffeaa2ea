/**
 * Payment events (PAY-1…PAY-4), source `commerce.payments`. Consumers: checkout (order status),
 * fraud (repeated payment failures), notifications.
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, IdSchema, MoneySchema, PaymentMethodSchema } from './common.ts';

/** The fields every payment event carries (built with each event's schema, on first use). */
const base = () => ({ orderId: IdSchema(), customerId: ActorSchema(), paymentId: IdSchema(), method: PaymentMethodSchema() });
const ex = { orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB', customerId: 'alice', paymentId: '01JD7ZKB11V8Q4N6M5R9T0W1YE', method: 'card' as const };
const cny = (amount: number) => ({ amount, currency: 'CNY' });

/** The order's payment is secured: authorised (card, wallet), confirmed (bank transfer) or not needed yet (cash on delivery). */
export const PaymentAuthorized = /* @__PURE__ */ defineEvent({
  name: 'PaymentAuthorized',
  version: 1,
  source: 'commerce.payments',
  description: 'Payment secured for the order: authorised, confirmed by transfer, or cash on delivery (nothing to authorise).',
  schema: () => z.object({ ...base(), amount: MoneySchema(), captureOn: z.enum(['shipment', 'delivery', 'already-captured']), authorizedAt: z.iso.datetime() }),
  example: { ...ex, amount: cny(23040), captureOn: 'shipment', authorizedAt: '2026-11-23T08:00:03.000Z' },
});

/** Waiting for the customer's bank transfer (PAY-1). */
export const PaymentPending = /* @__PURE__ */ defineEvent({
  name: 'PaymentPending',
  version: 1,
  source: 'commerce.payments',
  description: 'A bank transfer is awaited; the order stays PLACED until the provider confirms it or the payment window ends.',
  schema: () => z.object({ ...base(), amount: MoneySchema(), pendingSince: z.iso.datetime() }),
  example: { ...ex, method: 'bank_transfer', amount: cny(23040), pendingSince: '2026-11-23T08:00:03.000Z' },
});

/** The payment was declined or could not be made (ORD-6: a problem order). */
export const PaymentFailed = /* @__PURE__ */ defineEvent({
  name: 'PaymentFailed',
  version: 1,
  source: 'commerce.payments',
  description: 'Authorisation failed; checkout moves the order to PAYMENT_FAILED and releases its stock.',
  schema: () =>
    z.object({ ...base(), reason: z.enum(['declined', 'insufficient_funds', 'unknown_token', 'limit_exceeded', 'provider_error', 'expired']), failedAt: z.iso.datetime() }),
  example: { ...ex, reason: 'declined', failedAt: '2026-11-23T08:00:03.000Z' },
});

/** Money was captured (at shipment, at delivery for cash on delivery, or on transfer confirmation). */
export const PaymentCaptured = /* @__PURE__ */ defineEvent({
  name: 'PaymentCaptured',
  version: 1,
  source: 'commerce.payments',
  description: 'An amount was captured.',
  schema: () => z.object({ ...base(), amount: MoneySchema(), capturedAt: z.iso.datetime() }),
  example: { ...ex, amount: cny(23040), capturedAt: '2026-11-24T10:00:00.000Z' },
});

/** An authorisation was voided (cancelled or rejected before capture). */
export const PaymentVoided = /* @__PURE__ */ defineEvent({
  name: 'PaymentVoided',
  version: 1,
  source: 'commerce.payments',
  description: 'The authorisation was released; nothing was charged.',
  schema: () => z.object({ ...base(), voidedAt: z.iso.datetime() }),
  example: { ...ex, voidedAt: '2026-11-23T08:10:00.000Z' },
});

/** A refund went through (full or partial). */
export const PaymentRefunded = /* @__PURE__ */ defineEvent({
  name: 'PaymentRefunded',
  version: 1,
  source: 'commerce.payments',
  description: 'An amount was refunded to the original payment method (AFT-1).',
  schema: () =>
    z.object({
      ...base(),
      refundId: IdSchema(),
      amount: MoneySchema(),
      refundedTotal: MoneySchema(),
      reason: z.string().check(z.minLength(1), z.maxLength(64)),
      refundedAt: z.iso.datetime(),
      /** The return this refund is for (AFT-1), when it was requested by returns. */ returnId: z.optional(IdSchema()),
    }),
  example: { ...ex, refundId: '01JD7ZKC21V8Q4N6M5R9T0W1YF', amount: cny(5000), refundedTotal: cny(5000), reason: 'damaged', refundedAt: '2026-11-25T10:00:00.000Z' },
});
