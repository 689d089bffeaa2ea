/**
 * The payment provider's webhook route, in a module of its own: the webhook function bundles it
 * without the schemas of every other payments route (routes.ts lists it with them for the API).
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { defineRoute, WEBHOOK_MAX_BODY_BYTES } from '../../shared/http/route.ts';

const WebhookAnswerSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      received: z.literal(true),
      eventId: z.string(),
      duplicate: z.optional(z.literal(true)),
      outcome: z.enum(['applied', 'already-applied', 'unknown-payment', 'ignored', 'held']),
    })
    .register(z.globalRegistry, { id: 'WebhookAnswer' }),
);

/** `POST /webhooks/payments` — the payment provider (public; the signature is checked). */
export const receivePaymentWebhookRoute = /* @__PURE__ */ defineRoute({
  operation: 'receivePaymentWebhook',
  method: 'post',
  pathTemplate: '/webhooks/payments',
  summary: 'Payment provider notification (signed)',
  description:
    'Called by the payment provider, not by clients. The raw body must carry a valid signature header for the configured provider ' +
    '(sandbox: `Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`; Stripe: `Stripe-Signature`). ' +
    'Signatures older than 5 minutes (replays) or not matching → 400; the signature is checked before the body is parsed, and bodies over 64 KB are refused with 413 before anything else. ' +
    'A notification already received (same event id) → 200 with `duplicate: true` (202 for a held one), nothing changes. ' +
    'A notification whose amount or currency differs from what the payment expects is held, not applied (202, outcome `held`): the payment does not change, the notification is stored for investigation and a problem order is raised (PAY-2, ORD-6); a copy of it that arrives while that problem order is still being published is answered 503 with `retry-after` (send it again). ' +
    'No Idempotency-Key: the provider event id is the idempotency key.',
  tags: ['payments', 'webhooks'],
  auth: 'public',
  maxBodyBytes: WEBHOOK_MAX_BODY_BYTES,
  responses: {
    200: { description: 'Received (applied, already applied, or not ours)', schema: WebhookAnswerSchema },
    202: { description: 'Held: the amount or currency differs from what the payment expects; nothing applied, a problem order raised', schema: WebhookAnswerSchema },
  },
  problems: [503],
});
