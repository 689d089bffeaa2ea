/**
 * Use case: `POST /webhooks/payments` — a provider's asynchronous notification (PAY-2).
 *
 * 1. The signature is verified over the raw body by the provider's verifier (sandbox: HMAC-SHA256
 *    over `t.body`; Stripe: the library), including the replay window (5 minutes by default):
 *    anything wrong → 400, nothing changes.
 * 2. A notification already handled (same provider event id) → 200 `{ duplicate: true }`, nothing
 *    changes: duplicates are acknowledged, so the provider stops resending them.
 * 3. Otherwise the outcome is applied with the same functions as the synchronous calls, so the
 *    webhook and the call converge whichever arrives first (an authorisation, a capture or a void
 *    the call timed out on; a bank transfer received). A notification for a payment payments does
 *    not know is acknowledged and left to reconciliation (a provider transaction with no order).
 *    The payment is found by the provider's payment id, else by our payment id in the provider's
 *    metadata — a pre-sale order has two payments (ORD-5).
 */
import { applyAuthorizationOutcome } from './authorization.ts';
import { applyCaptureOutcome, applyTransferReceived } from './capture.ts';
import { slotOf, type Payment } from './domain/payment.ts';
import { RetryLaterError, type ProviderDeps } from './engine.ts';
import { applyRefundOutcome } from './refunds.ts';
import { applyVoidNotification } from './release.ts';
import type { ProviderNotification, WebhookVerifier } from './provider/port.ts';

/** What the endpoint answers. */
export interface WebhookAnswer {
  readonly received: true;
  readonly eventId: string;
  readonly duplicate?: true;
  /** What it did: `applied`, `already-applied`, `unknown-payment` or `ignored`. */
  readonly outcome: 'applied' | 'already-applied' | 'unknown-payment' | 'ignored';
}

/** Verifies, deduplicates and applies one webhook. Throws WebhookVerificationError for a bad one. */
export async function receiveWebhook(deps: ProviderDeps & { readonly verifier: WebhookVerifier }, rawBody: string, headers: Readonly<Record<string, string | undefined>>, correlationId: string): Promise<WebhookAnswer> {
  const notification = deps.verifier.verify(rawBody, headers[deps.verifier.signatureHeader], deps.clock.now());
  if (await deps.repo.isWebhookProcessed(notification.eventId)) return { received: true, eventId: notification.eventId, duplicate: true, outcome: 'already-applied' };
  const outcome = await applyNotification(deps, notification, correlationId);
  await deps.repo.markWebhookProcessed(notification.eventId, notification.type, outcome);
  return { received: true, eventId: notification.eventId, outcome };
}

/**
 * The payment a notification is about: by the provider's payment id (recorded once its answer was
 * applied), else by our payment id (the provider's metadata: which of a pre-sale's two payments),
 * else the order's payment still waiting for its provider id, else its first payment.
 */
async function targetOf(deps: ProviderDeps, n: ProviderNotification): Promise<{ orderId: string; payment: Payment } | undefined> {
  const indexed = n.providerPaymentId ? await deps.repo.paymentOfProvider(n.providerPaymentId) : undefined;
  const orderId = indexed?.orderId ?? n.orderId;
  if (!orderId) return undefined;
  const payments = (await deps.repo.listPayments(orderId)).map((s) => s.payment);
  const paymentId = indexed?.paymentId ?? n.paymentId;
  const payment =
    (n.providerPaymentId ? payments.find((p) => p.providerPaymentId === n.providerPaymentId) : undefined) ??
    (paymentId ? payments.find((p) => p.paymentId === paymentId) : undefined) ??
    (paymentId ? undefined : (payments.find((p) => !p.providerPaymentId && p.authorizationStartedAt) ?? payments[0]));
  return payment ? { orderId, payment } : undefined;
}

async function applyNotification(deps: ProviderDeps, n: ProviderNotification, correlationId: string): Promise<WebhookAnswer['outcome']> {
  if (n.type === 'ignored') return 'ignored';
  const target = await targetOf(deps, n);
  if (!target) return 'unknown-payment';
  const { orderId, payment } = target;
  const ref = { orderId, slot: slotOf(payment) };
  const applied = (done: boolean) => (done ? 'applied' : 'already-applied');
  switch (n.type) {
    case 'authorized':
      return applied((await applyAuthorizationOutcome(deps, ref, { status: 'authorized', providerPaymentId: n.providerPaymentId, amount: n.amount, expiresAt: n.expiresAt, at: n.occurredAt }, correlationId)) !== 'unchanged');
    case 'pending':
      return applied((await applyAuthorizationOutcome(deps, ref, { status: 'pending', providerPaymentId: n.providerPaymentId, at: n.occurredAt }, correlationId)) !== 'unchanged');
    case 'declined':
      return applied((await applyAuthorizationOutcome(deps, ref, { status: 'declined', providerPaymentId: n.providerPaymentId, reason: n.reason, at: n.occurredAt }, correlationId)) !== 'unchanged');
    case 'captured':
      // The authorisation's outcome is not recorded yet (its call timed out): not acknowledged, so the provider resends it.
      if (!payment.providerPaymentId) throw new RetryLaterError(`order ${orderId}: capture notified before the authorisation was recorded`);
      if (payment.providerPaymentId !== n.providerPaymentId) return 'unknown-payment';
      return applied(await applyCaptureOutcome(deps, orderId, n.providerPaymentId, n.capture, correlationId));
    case 'transfer-received':
      if (!payment.providerPaymentId && payment.status === 'new') {
        // The transfer arrived before the awaited-transfer answer was recorded (its call timed out): record both, in order.
        await applyAuthorizationOutcome(deps, ref, { status: 'pending', providerPaymentId: n.providerPaymentId, at: n.occurredAt }, correlationId);
      }
      if (payment.providerPaymentId && payment.providerPaymentId !== n.providerPaymentId) return 'unknown-payment';
      return applied(await applyTransferReceived(deps, orderId, n.providerPaymentId, n.capture, correlationId));
    case 'voided':
      return applied(await applyVoidNotification(deps, orderId, n.providerPaymentId, n.occurredAt, correlationId));
    case 'refunded': {
      if (!n.refundId) return 'ignored';
      const refund = await deps.repo.getRefund(orderId, n.refundId);
      if (!refund) return 'unknown-payment';
      const before = refund.status;
      const after = await applyRefundOutcome(deps, orderId, n.refundId, { providerRefundId: n.providerRefundId, amount: n.amount, at: n.occurredAt }, correlationId);
      return applied(before === 'processing' && after.status === 'succeeded');
    }
  }
}
