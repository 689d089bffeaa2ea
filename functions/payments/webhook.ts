/**
 * Use case: `POST /webhooks/payments` — a provider's asynchronous notification (PAY-2).
 *
 * 1. The signature is verified over the raw body by the provider's verifier (sandbox: HMAC-SHA256
 *    over `t.body`; Stripe: the library), including the replay window (5 minutes by default):
 *    anything wrong → 400, nothing changes.
 * 2. A notification already handled (same provider event id) → 200 `{ duplicate: true }`, nothing
 *    changes: duplicates are acknowledged, so the provider stops resending them.
 * 3. A notification whose amount or currency is not what its payment expects
 *    (domain/notification-check.ts) is HELD, not applied: the payment and the ledger do not
 *    change; the held record (ids, amounts, currencies, a hash of the body — no personal data),
 *    the webhook marker and `ProblemOrderRaised` (`payment-amount-mismatch`, ORD-6) are written in
 *    one transaction; the answer is a 2xx (`held`) so the provider does not resend it forever, and
 *    its duplicates find it handled.
 * 4. Otherwise the outcome is applied with the same functions as the synchronous calls, so the
 *    webhook and the call converge whichever arrives first (an authorisation, a capture or a void
 *    the call timed out on; a bank transfer received). A notification for a payment payments does
 *    not know is acknowledged and left to reconciliation (a provider transaction with no order).
 *    The order is the one the provider's metadata names (else the one the provider payment id was
 *    recorded for); its payment is found by the provider's payment id, else by our payment id in
 *    the metadata — a pre-sale order has two payments (ORD-5).
 */
import crypto from 'node:crypto';
import { domainEvent } from '../../events/event-definition.ts';
import { ProblemOrderRaised } from '../../events/problem-order-raised.ts';
import { logger } from '../../shared/observability.ts';
import { applyAuthorizationOutcome } from './authorization.ts';
import { applyCaptureOutcome, applyTransferReceived } from './capture.ts';
import { moneyMismatch, type HeldNotification, type MoneyMismatch } from './domain/notification-check.ts';
import { slotOf, type Payment } from './domain/payment.ts';
import { flushOutbox, RetryLaterError, type ProviderDeps } from './engine.ts';
import { recordRefundOutcome } from './refunds.ts';
import { applyVoidNotification } from './release.ts';
import type { ProviderNotification, WebhookVerifier } from './provider/port.ts';
import type { OutboxItem, StoredPayment } from './payments-repository.ts';

/** What the endpoint answers. */
export interface WebhookAnswer {
  readonly received: true;
  readonly eventId: string;
  readonly duplicate?: true;
  /** What it did: `applied`, `already-applied`, `unknown-payment`, `ignored`, or `held` (amount or currency not as expected: not applied). */
  readonly outcome: 'applied' | 'already-applied' | 'unknown-payment' | 'ignored' | 'held';
}

/** Verifies, deduplicates and applies (or holds) one webhook. Throws WebhookVerificationError for a bad one. */
export async function receiveWebhook(
  deps: ProviderDeps & { readonly verifier: WebhookVerifier },
  rawBody: string,
  headers: Readonly<Record<string, string | undefined>>,
  correlationId: string,
): Promise<WebhookAnswer> {
  const notification = deps.verifier.verify(rawBody, headers[deps.verifier.signatureHeader], deps.clock.now());
  const seen = await deps.repo.webhookRecord(notification.eventId);
  if (seen !== undefined) {
    // A marker written before December 2026 does not name its order: the provider's metadata does.
    const heldOrder = seen.outcome === 'held' ? (seen.orderId ?? notification.orderId) : undefined;
    if (heldOrder) await publishHeldProblem(deps, notification.eventId, heldOrder, seen.outboxId);
    return { received: true, eventId: notification.eventId, duplicate: true, outcome: seen.outcome === 'held' ? 'held' : 'already-applied' };
  }
  const outcome = await applyNotification(deps, notification, { rawBody, correlationId });
  // A held notification's marker is written with the held record, in one transaction.
  if (outcome !== 'held') await deps.repo.markWebhookProcessed(notification.eventId, notification.type, outcome);
  return { received: true, eventId: notification.eventId, outcome };
}

/**
 * A held notification's problem order went to the outbox in the transaction that held it, claimed by
 * that delivery. A resent copy publishes it if the delivery died first (payments has no outbox sweep).
 * While that delivery's claim lasts the copy is not acknowledged (503, retried later): the delivery
 * may still fail, and a provider that got a 2xx for the event would not send it again.
 */
async function publishHeldProblem(deps: ProviderDeps, eventId: string, orderId: string, outboxId: string | undefined): Promise<void> {
  const pending = await deps.repo.pendingOutbox(orderId);
  await flushOutbox(deps, orderId, { listed: pending });
  const now = deps.clock.now().getTime();
  const stillHeld = pending.find((item) => item.outboxId === outboxId && item.claimedUntil !== undefined && item.claimedUntil > now);
  if (stillHeld) throw new RetryLaterError(`held notification ${eventId}: its problem order is being published by another delivery`);
}

/**
 * The payment a notification is about. Its order is the one the provider's metadata names (we set
 * it when the payment was created, and the notification is signed); without it, the one the
 * provider payment id was recorded for (a GetItem of that lookup). Among the order's payments: by
 * the provider's payment id (recorded once its answer was applied), else by our payment id (the
 * metadata: which of a pre-sale's two payments), else the payment still waiting for its provider
 * id, else the first.
 */
async function targetOf(
  deps: ProviderDeps,
  n: ProviderNotification,
): Promise<{ orderId: string; payment: Payment; stored: StoredPayment; outbox: readonly OutboxItem[] } | undefined> {
  const indexed = n.providerPaymentId && !n.orderId ? await deps.repo.paymentOfProvider(n.providerPaymentId) : undefined;
  const orderId = n.orderId ?? indexed?.orderId;
  if (!orderId) return undefined;
  // The order's outbox comes with its payments (one query): an outcome already applied publishes what an earlier run left there.
  const { payments, outbox } = await deps.repo.paymentsAndOutbox(orderId);
  const paymentId = indexed?.paymentId ?? n.paymentId;
  const stored =
    (n.providerPaymentId ? payments.find((s) => s.payment.providerPaymentId === n.providerPaymentId) : undefined) ??
    (paymentId ? payments.find((s) => s.payment.paymentId === paymentId) : undefined) ??
    (paymentId ? undefined : (payments.find((s) => !s.payment.providerPaymentId && s.payment.authorizationStartedAt) ?? payments[0]));
  return stored ? { orderId, payment: stored.payment, stored, outbox } : undefined;
}

/** What a notification is checked and held with. */
interface Received {
  readonly rawBody: string;
  readonly correlationId: string;
}

/**
 * Holds a notification that does not say what its payment expects (see the module documentation):
 * nothing is applied; the held record, the webhook marker and `ProblemOrderRaised` are written in
 * one transaction, then the problem order is published.
 */
async function hold(
  deps: ProviderDeps,
  n: ProviderNotification,
  target: { orderId: string; payment: Payment },
  mismatch: MoneyMismatch,
  received: Received,
  refundId?: string,
): Promise<'held'> {
  const { orderId, payment } = target;
  const heldAt = deps.clock.now().toISOString();
  const held: HeldNotification = {
    eventId: n.eventId,
    provider: deps.provider.name,
    notificationType: n.type,
    orderId,
    paymentId: payment.paymentId,
    ...(n.providerPaymentId ? { providerPaymentId: n.providerPaymentId } : {}),
    ...(refundId ? { refundId } : {}),
    reasons: mismatch.reasons,
    expected: mismatch.expected,
    reported: mismatch.reported,
    occurredAt: n.occurredAt,
    heldAt,
    bodySha256: crypto.createHash('sha256').update(received.rawBody, 'utf8').digest('hex'),
    correlationId: received.correlationId,
  };
  const recorded = await deps.repo.holdNotification(held, [
    domainEvent(ProblemOrderRaised, { orderId, problem: 'payment-amount-mismatch', raisedBy: 'payments', raisedAt: heldAt }),
  ]);
  const first = recorded !== false;
  // Ids, amounts and currencies only: no personal data.
  logger.warn('provider notification held: amount or currency not what the payment expects', {
    eventId: n.eventId,
    type: n.type,
    orderId,
    paymentId: payment.paymentId,
    reasons: mismatch.reasons,
    expected: mismatch.expected,
    reported: mismatch.reported,
    first,
  });
  if (recorded === false) {
    // A concurrent copy held it first: acknowledged only once its problem order is out (see publishHeldProblem).
    await publishHeldProblem(deps, n.eventId, orderId, (await deps.repo.webhookRecord(n.eventId))?.outboxId);
    return 'held';
  }
  // The problem order's outbox item is written claimed by this invocation (published here as its own, as a transition's is).
  await flushOutbox(deps, orderId, { own: recorded.outbox });
  return 'held';
}

async function applyNotification(deps: ProviderDeps, n: ProviderNotification, received: Received): Promise<WebhookAnswer['outcome']> {
  const { correlationId } = received;
  if (n.type === 'ignored') return 'ignored';
  const target = await targetOf(deps, n);
  if (!target) return 'unknown-payment';
  const { orderId, payment } = target;
  const ref = { orderId, slot: slotOf(payment) };
  const applied = (done: boolean) => (done ? 'applied' : 'already-applied');
  /** The payment's currency — and its amount, when the notification reports one — against what the notification reports. */
  const mismatchOf = (reportedAmount?: number) =>
    moneyMismatch({ ...(reportedAmount !== undefined ? { amount: payment.amount } : {}), currency: payment.currency }, { amount: reportedAmount, currency: n.currency });
  switch (n.type) {
    case 'authorized': {
      const mismatch = mismatchOf(n.amount);
      if (mismatch) return hold(deps, n, target, mismatch, received);
      return applied(
        (await applyAuthorizationOutcome(
          deps,
          ref,
          { status: 'authorized', providerPaymentId: n.providerPaymentId, amount: n.amount, expiresAt: n.expiresAt, at: n.occurredAt },
          correlationId,
          target.stored,
          target.outbox,
        )) !== 'unchanged',
      );
    }
    case 'pending': {
      const mismatch = mismatchOf();
      if (mismatch) return hold(deps, n, target, mismatch, received);
      return applied(
        (await applyAuthorizationOutcome(
          deps,
          ref,
          { status: 'pending', providerPaymentId: n.providerPaymentId, at: n.occurredAt },
          correlationId,
          target.stored,
          target.outbox,
        )) !== 'unchanged',
      );
    }
    case 'declined': {
      const mismatch = mismatchOf();
      if (mismatch) return hold(deps, n, target, mismatch, received);
      return applied(
        (await applyAuthorizationOutcome(
          deps,
          ref,
          { status: 'declined', providerPaymentId: n.providerPaymentId, reason: n.reason, at: n.occurredAt },
          correlationId,
          target.stored,
          target.outbox,
        )) !== 'unchanged',
      );
    }
    case 'captured': {
      // The authorisation's outcome is not recorded yet (its call timed out): not acknowledged, so the provider resends it.
      if (!payment.providerPaymentId) throw new RetryLaterError(`order ${orderId}: capture notified before the authorisation was recorded`);
      if (payment.providerPaymentId !== n.providerPaymentId) return 'unknown-payment';
      const mismatch = mismatchOf(n.capture.amount);
      if (mismatch) return hold(deps, n, target, mismatch, received);
      return applied(await applyCaptureOutcome(deps, orderId, n.providerPaymentId, n.capture, correlationId));
    }
    case 'transfer-received': {
      if (payment.providerPaymentId && payment.providerPaymentId !== n.providerPaymentId) return 'unknown-payment';
      // An over- or under-paid transfer is held before anything is recorded.
      const mismatch = mismatchOf(n.capture.amount);
      if (mismatch) return hold(deps, n, target, mismatch, received);
      if (!payment.providerPaymentId && payment.status === 'new') {
        // The transfer arrived before the awaited-transfer answer was recorded (its call timed out): record both, in order.
        await applyAuthorizationOutcome(deps, ref, { status: 'pending', providerPaymentId: n.providerPaymentId, at: n.occurredAt }, correlationId, target.stored);
      }
      return applied(await applyTransferReceived(deps, orderId, n.providerPaymentId, n.capture, correlationId));
    }
    case 'voided': {
      const mismatch = mismatchOf();
      if (mismatch) return hold(deps, n, target, mismatch, received);
      return applied(await applyVoidNotification(deps, orderId, n.providerPaymentId, n.occurredAt, correlationId));
    }
    case 'refunded': {
      if (!n.refundId) return 'ignored';
      const refund = await deps.repo.getRefund(orderId, n.refundId);
      if (!refund) return 'unknown-payment';
      const mismatch = moneyMismatch({ amount: refund.amount, currency: refund.currency }, { amount: n.amount, currency: n.currency });
      if (mismatch) return hold(deps, n, target, mismatch, received, refund.refundId);
      const recorded = await recordRefundOutcome(deps, orderId, n.refundId, { providerRefundId: n.providerRefundId, amount: n.amount, at: n.occurredAt }, correlationId);
      return applied(recorded.applied);
    }
  }
}
