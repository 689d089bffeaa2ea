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
 */
import { applyAuthorizationOutcome } from './authorization.ts';
import { applyCaptureOutcome, applyTransferReceived } from './capture.ts';
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

async function applyNotification(deps: ProviderDeps, n: ProviderNotification, correlationId: string): Promise<WebhookAnswer['outcome']> {
  if (n.type === 'ignored') return 'ignored';
  const orderId = (n.providerPaymentId ? await deps.repo.orderIdForProviderPayment(n.providerPaymentId) : undefined) ?? n.orderId;
  const stored = orderId ? await deps.repo.getPayment(orderId) : undefined;
  if (!orderId || !stored) return 'unknown-payment';
  const applied = (done: boolean) => (done ? 'applied' : 'already-applied');
  switch (n.type) {
    case 'authorized':
      return applied((await applyAuthorizationOutcome(deps, orderId, { status: 'authorized', providerPaymentId: n.providerPaymentId, amount: n.amount, expiresAt: n.expiresAt, at: n.occurredAt }, correlationId)) !== 'unchanged');
    case 'pending':
      return applied((await applyAuthorizationOutcome(deps, orderId, { status: 'pending', providerPaymentId: n.providerPaymentId, at: n.occurredAt }, correlationId)) !== 'unchanged');
    case 'declined':
      return applied((await applyAuthorizationOutcome(deps, orderId, { status: 'declined', providerPaymentId: n.providerPaymentId, reason: n.reason, at: n.occurredAt }, correlationId)) !== 'unchanged');
    case 'captured':
      // The authorisation's outcome is not recorded yet (its call timed out): not acknowledged, so the provider resends it.
      if (!stored.payment.providerPaymentId) throw new RetryLaterError(`order ${orderId}: capture notified before the authorisation was recorded`);
      if (stored.payment.providerPaymentId !== n.providerPaymentId) return 'unknown-payment';
      return applied(await applyCaptureOutcome(deps, orderId, n.providerPaymentId, n.capture, correlationId));
    case 'transfer-received':
      if (!stored.payment.providerPaymentId && stored.payment.status === 'new') {
        // The transfer arrived before the awaited-transfer answer was recorded (its call timed out): record both, in order.
        await applyAuthorizationOutcome(deps, orderId, { status: 'pending', providerPaymentId: n.providerPaymentId, at: n.occurredAt }, correlationId);
      }
      if (stored.payment.providerPaymentId && stored.payment.providerPaymentId !== n.providerPaymentId) return 'unknown-payment';
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
