/**
 * The sandbox provider's webhooks: the JSON it sends to `POST /webhooks/payments`, signed with
 * HMAC-SHA256 over timestamp and body (`Sandbox-Signature: t=…,v1=…`, see
 * ../../domain/webhook-signature.ts), and the verifier that turns a signed body into a
 * {@link ProviderNotification}.
 *
 * ```json
 * { "id": "evt_sbx_…", "object": "event", "type": "payment.captured", "created": 1732345678,
 *   "data": { "payment": { "id": "pay_sbx_…", "reference": "<orderId>", "merchantPaymentId": "<paymentId>", "method": "card",
 *                          "amount": 23040, "currency": "CNY", "status": "succeeded", "amountCapturable": 0,
 *                          "amountCaptured": 23040, "amountRefunded": 0, "expiresAt": "…" },
 *             "capture": { "id": "cap_sbx_…", "amount": 23040, "fee": 138, "at": "…", "final": true } } }
 * ```
 *
 * Types: `payment.authorized`, `payment.declined`, `payment.processing` (bank transfer awaited),
 * `payment.succeeded` (bank transfer received), `payment.captured`, `payment.canceled`,
 * `payment.refunded`.
 */
import * as z from '../../../../shared/zod.ts';
import { lazily } from '../../../../shared/lazily.ts';
import { verifySignature } from '../../domain/webhook-signature.ts';
import { WebhookVerificationError, type ProviderNotification, type WebhookVerifier } from '../port.ts';
import type { SandboxCapture, SandboxPayment, SandboxRefund } from './sandbox-rules.ts';

/** The header the sandbox signs with. */
export const SANDBOX_SIGNATURE_HEADER = 'sandbox-signature';

export const SANDBOX_EVENT_TYPES = [
  'payment.authorized',
  'payment.declined',
  'payment.processing',
  'payment.succeeded',
  'payment.captured',
  'payment.canceled',
  'payment.refunded',
] as const;
export type SandboxEventType = (typeof SANDBOX_EVENT_TYPES)[number];

const Amount = /* @__PURE__ */ lazily(() => z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)));
const CaptureSchema = /* @__PURE__ */ lazily(() =>
  z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)), amount: Amount(), fee: Amount(), at: z.iso.datetime(), final: z.boolean() }),
);

/** The webhook body (lenient: unknown fields are ignored). */
export const SandboxWebhookSchema = /* @__PURE__ */ lazily(() =>
  z.object({
    id: z.string().check(z.regex(/^evt_sbx_[0-9A-Za-z]{10,40}$/)),
    object: z.literal('event'),
    type: z.string().check(z.minLength(1), z.maxLength(64)),
    created: z.number().check(z.int(), z.positive()),
    data: z.object({
      payment: z.object({
        id: z.string().check(z.minLength(1), z.maxLength(64)),
        reference: z.string().check(z.minLength(1), z.maxLength(64)),
        merchantPaymentId: z.string().check(z.minLength(1), z.maxLength(64)),
        method: z.enum(['card', 'wallet', 'bank_transfer']),
        amount: Amount(),
        currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
        status: z.enum(['requires_capture', 'processing', 'succeeded', 'canceled', 'declined']),
        amountCapturable: Amount(),
        amountCaptured: Amount(),
        amountRefunded: Amount(),
        expiresAt: z.optional(z.iso.datetime()),
        declineReason: z.optional(z.enum(['declined', 'insufficient_funds', 'unknown_token', 'provider_error'])),
      }),
      capture: z.optional(CaptureSchema()),
      refund: z.optional(
        z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)), amount: Amount(), at: z.iso.datetime(), reference: z.string().check(z.minLength(1), z.maxLength(64)) }),
      ),
    }),
  }),
);

/** A sandbox webhook body. */
export type SandboxWebhookEvent = z.output<ReturnType<typeof SandboxWebhookSchema>>;

/** Builds the webhook body for a change of `payment`. */
export function sandboxWebhookEvent(input: {
  id: string;
  type: SandboxEventType;
  now: Date;
  payment: SandboxPayment;
  capture?: SandboxCapture;
  refund?: SandboxRefund;
}): SandboxWebhookEvent {
  const p = input.payment;
  return {
    id: input.id,
    object: 'event',
    type: input.type,
    created: Math.floor(input.now.getTime() / 1000),
    data: {
      payment: {
        id: p.id,
        reference: p.reference,
        merchantPaymentId: p.merchantPaymentId,
        method: p.method,
        amount: p.amount,
        currency: p.currency,
        status: p.status,
        amountCapturable: p.amountCapturable,
        amountCaptured: p.amountCaptured,
        amountRefunded: p.amountRefunded,
        ...(p.expiresAt ? { expiresAt: p.expiresAt } : {}),
        ...(p.declineReason ? { declineReason: p.declineReason } : {}),
      },
      ...(input.capture ? { capture: { ...input.capture } } : {}),
      ...(input.refund ? { refund: { ...input.refund } } : {}),
    },
  };
}

/** Maps a verified sandbox event to the port's notification. */
export function toNotification(event: SandboxWebhookEvent): ProviderNotification {
  const p = event.data.payment;
  const common = {
    eventId: event.id,
    occurredAt: new Date(event.created * 1000).toISOString(),
    providerPaymentId: p.id,
    orderId: p.reference,
    paymentId: p.merchantPaymentId,
    currency: p.currency,
  };
  const c = event.data.capture;
  const capture = c ? { captureId: c.id, amount: c.amount, fee: c.fee, at: c.at, final: c.final } : undefined;
  switch (event.type) {
    case 'payment.authorized':
      return { ...common, type: 'authorized', amount: p.amount, expiresAt: p.expiresAt };
    case 'payment.declined':
      return { ...common, type: 'declined', reason: p.declineReason ?? 'declined' };
    case 'payment.processing':
      return { ...common, type: 'pending' };
    case 'payment.succeeded':
      if (!capture) throw new WebhookVerificationError('malformed-body', 'payment.succeeded without a capture');
      return { ...common, type: 'transfer-received', capture };
    case 'payment.captured':
      if (!capture) throw new WebhookVerificationError('malformed-body', 'payment.captured without a capture');
      return { ...common, type: 'captured', capture };
    case 'payment.canceled':
      return { ...common, type: 'voided' };
    case 'payment.refunded': {
      const refund = event.data.refund;
      if (!refund) throw new WebhookVerificationError('malformed-body', 'payment.refunded without a refund');
      return { ...common, type: 'refunded', refundId: refund.reference, providerRefundId: refund.id, amount: refund.amount };
    }
    default:
      return { ...common, type: 'ignored', providerType: event.type };
  }
}

/** The sandbox's {@link WebhookVerifier}: HMAC-SHA256 over `t.body`, `toleranceSeconds` replay window. */
export function sandboxWebhookVerifier(secret: string, toleranceSeconds: number): WebhookVerifier {
  return {
    signatureHeader: SANDBOX_SIGNATURE_HEADER,
    verify(rawBody, signature, now) {
      const check = verifySignature({ header: signature, body: rawBody, secret, nowSeconds: Math.floor(now.getTime() / 1000), toleranceSeconds });
      if (!check.ok) throw new WebhookVerificationError(check.problem);
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw new WebhookVerificationError('malformed-body', 'body is not JSON');
      }
      const parsed = SandboxWebhookSchema().safeParse(json);
      if (!parsed.success)
        throw new WebhookVerificationError('malformed-body', `body is not a sandbox event: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
      return toNotification(parsed.data);
    },
  };
}
