/**
 * Use case: capture at shipment (`OrderShipped`: card and wallet) or at delivery (`OrderDelivered`:
 * cash on delivery, and any card/wallet capture a shipment missed) — PAY-2. Every payment of the
 * order is captured: one, or a pre-sale's deposit and balance (ORD-5), each its own authorisation.
 * The provider capture uses ONE idempotency key per payment (`capture-<paymentId>`), whatever
 * triggered it, so a capture is never made twice even when both events, their duplicates and the
 * provider's webhook race. Never after a cancellation or rejection.
 *
 * Also the bank transfer's arrival (webhook `transfer-received`): the awaited payment is captured
 * at once → PaymentAuthorized (captureOn `already-captured`) + PaymentCaptured.
 */
import {
  authorizationExpired,
  captureSucceeded,
  decideCapture,
  decideOrderCapture,
  slotOf,
  transferReceived,
  type CaptureResult,
  type Payment,
  type PaymentRef,
} from './domain/payment.ts';
import { commitTransition, findPayment, flushOutbox, RetryLaterError, transitionContext, withConflictRetry, type ProviderDeps } from './engine.ts';
import { ProviderRequestError } from './provider/port.ts';
import { handleRelease } from './release.ts';

/** What a capture trigger did. */
export type CaptureHandled = 'captured' | 'expired' | 'skipped';

const captureKey = (p: Payment) => `capture-${p.paymentId}`;

/** Handles OrderShipped (`shipment`) or OrderDelivered (`delivery`) for an order: captures each of its payments that is due. */
export async function handleCaptureTrigger(deps: ProviderDeps, orderId: string, trigger: 'shipment' | 'delivery', correlationId: string): Promise<CaptureHandled> {
  const decision = decideOrderCapture(
    (await deps.repo.listPayments(orderId)).map((s) => s.payment),
    trigger,
  );
  if (decision.action === 'wait') throw new RetryLaterError(`order ${orderId}: ${decision.why}`);
  if (decision.captures.length === 0) {
    await flushOutbox(deps, orderId);
    return 'skipped';
  }
  const results: CaptureHandled[] = [];
  for (const { payment } of decision.captures) results.push(await capturePayment(deps, { orderId, slot: slotOf(payment) }, trigger, correlationId));
  return results.includes('captured') ? 'captured' : results.includes('expired') ? 'expired' : 'skipped';
}

/** Captures one payment of an order (re-read and decided again: a concurrent writer may have done it). */
async function capturePayment(deps: ProviderDeps, ref: PaymentRef, trigger: 'shipment' | 'delivery', correlationId: string): Promise<CaptureHandled> {
  const { orderId } = ref;
  return withConflictRetry('capture', async () => {
    const stored = await deps.repo.getPayment(orderId, ref.slot);
    const decision = decideCapture(stored?.payment, trigger);
    if (decision.action === 'wait') throw new RetryLaterError(`order ${orderId}: ${decision.why}`);
    if (!stored || decision.action === 'skip') {
      await flushOutbox(deps, orderId);
      return 'skipped';
    }
    const p = stored.payment;
    const ctx = transitionContext(deps);
    if (p.method === 'cod') {
      await commitTransition(deps, captureSucceeded(p, { captureId: `cod-${p.paymentId}`, amount: decision.amount, fee: 0, at: ctx.now.toISOString() }, ctx), p.version, {
        correlationId,
      });
      return 'captured';
    }
    if (!p.providerPaymentId) throw new Error(`order ${orderId}: authorised without a provider payment id`);
    const outcome = await deps.provider.capture({ idempotencyKey: captureKey(p), providerPaymentId: p.providerPaymentId, amount: decision.amount, currency: p.currency });
    // applied to the payment as read (no read again): a webhook that recorded it meanwhile changed its version, and the retry re-reads
    if (outcome.status === 'captured') return (await applyCaptureOutcome(deps, orderId, p.providerPaymentId, outcome.capture, correlationId, p)) ? 'captured' : 'skipped';
    switch (outcome.reason) {
      case 'authorization_expired':
        await commitTransition(deps, authorizationExpired(p, ctx), p.version, { correlationId });
        return 'expired';
      case 'already_captured':
      case 'canceled':
        // Another path (the provider's webhook, a cancellation) changed it at the provider first; it is recorded shortly.
        throw new RetryLaterError(`order ${orderId}: provider says ${outcome.reason}; waiting for it to be recorded`);
      default:
        throw new ProviderRequestError(`order ${orderId}: capture refused (${outcome.reason})`, outcome.reason);
    }
  });
}

/**
 * Records a capture the provider reported (call or webhook) on the order's payment with that provider
 * id; false when it was already recorded. `known`: the payment as the caller read it, authorised,
 * just before asking for the capture — the first attempt commits on it without reading again (a
 * capture recorded meanwhile changed its version, so the commit fails and the retry reads).
 */
export async function applyCaptureOutcome(
  deps: ProviderDeps,
  orderId: string,
  providerPaymentId: string,
  capture: CaptureResult,
  correlationId: string,
  known?: Payment,
): Promise<boolean> {
  const usable = known?.status === 'authorized' && known.providerPaymentId === providerPaymentId ? known : undefined;
  return withConflictRetry('apply capture', async (attempt) => {
    if (attempt === 1 && usable) {
      await commitTransition(deps, captureSucceeded(usable, capture, transitionContext(deps)), usable.version, { correlationId });
      return true;
    }
    const p = (await findPayment(deps.repo, orderId, { providerPaymentId }))?.payment;
    if (!p) throw new RetryLaterError(`order ${orderId}: capture for an unknown authorisation`);
    const movements = await deps.repo.listMovements(orderId);
    if (movements.some((m) => m.movementId === `CAPTURE#${capture.captureId}`) || p.status !== 'authorized') {
      await flushOutbox(deps, orderId);
      return false;
    }
    await commitTransition(deps, captureSucceeded(p, capture, transitionContext(deps)), p.version, { correlationId });
    return true;
  });
}

/**
 * Records a received bank transfer; false when it was already recorded. Funds that arrive for an
 * order already cancelled (the void lost the race) are recorded, then refunded at once.
 */
export async function applyTransferReceived(deps: ProviderDeps, orderId: string, providerPaymentId: string, capture: CaptureResult, correlationId: string): Promise<boolean> {
  const applied = await withConflictRetry('apply transfer', async () => {
    const p = (await findPayment(deps.repo, orderId, { providerPaymentId }))?.payment;
    if (!p) throw new RetryLaterError(`order ${orderId}: transfer for an unknown payment`);
    if (p.status !== 'pending') {
      await flushOutbox(deps, orderId);
      return false;
    }
    await commitTransition(deps, transferReceived(p, capture, transitionContext(deps)), p.version, { correlationId });
    return true;
  });
  const after = (await findPayment(deps.repo, orderId, { providerPaymentId }))?.payment;
  if (after?.releaseReason && after.capturedAmount > after.refundedAmount) {
    await handleRelease(
      deps,
      {
        orderId,
        customerId: after.customerId,
        method: after.method,
        total: { amount: after.orderTotal ?? after.amount, currency: after.currency },
        reason: after.releaseReason,
        actor: 'system:payments',
      },
      correlationId,
    );
  }
  return applied;
}
