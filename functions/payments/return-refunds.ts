/**
 * Use case (AFT-1, PAY-2, RISK-7): returns asked for a refund (`ReturnRefundRequested`) → refund
 * `amount` of the order to its original payment method, through the same refund machinery as staff
 * refunds (refunds.ts, domain/refund.ts):
 *
 * - **Exactly once per return.** The refund's id IS the return's id (`REFUND#<returnId>`, written only
 *   if absent, in the same transaction as the payment's reservation), so the event delivered twice —
 *   or published twice under two event ids — finds the refund and continues it (executes it if
 *   still processing) instead of creating a second one; the provider's key is `refund-<returnId>`.
 * - **Never more than refundable** (captured − refunded − pending, from one payment: a pre-sale's
 *   deposit or balance, like staff refunds). More is **refused without a retry loop**: the refusal
 *   is recorded as the return's refund in status `failed` (`failureReason` says why; the payment is
 *   untouched) together with `ProblemOrderRaised` `return-refund-refused` for operations, in one
 *   transaction; a redelivery finds it and does nothing. The handler also counts it in the metric
 *   `ReturnRefundsRefused`, whose alarm notifies operations. Operations settle it (e.g. a smaller
 *   refund through `POST /orders/{orderId}/refunds`).
 * - **Maker-checker like staff refunds** (RISK-7): the requester is the event's `requestedBy` (the
 *   staff member, or system actor, who approved the return); at or above the order threshold, or
 *   above the requester's daily cap, the refund waits (`pending_approval`) for any other staff
 *   member to approve it through `POST /orders/{orderId}/refunds/{refundId}/approve` (refundId =
 *   returnId); a refund executed alone counts towards the requester's daily cap.
 * - **Cash on delivery and bank transfers** are refunded as any refund is today (executeRefund): cash
 *   on delivery is paid out by operations and recorded at once; a bank transfer is refunded through
 *   the provider like a card.
 * - `PaymentRefunded` carries the `returnId` whenever the refund completes: at once, after approval,
 *   from the provider's webhook or the daily retry of refunds stuck in processing
 *   (applyRefundOutcome reads it from the refund).
 */
import type { EventPayload } from '../../events/event-definition.ts';
import { domainEvent } from '../../events/event-definition.ts';
import { ProblemOrderRaised } from '../../events/problem-order-raised.ts';
import type { ReturnRefundRequested } from '../../events/return-events.ts';
import { refundable, refundReserved, refundTarget, type Payment } from './domain/payment.ts';
import { approvalRequirement, newRefund, refundRefusal, type Refund } from './domain/refund.ts';
import { flushOutbox, RetryLaterError, transitionContext, withConflictRetry } from './engine.ts';
import { executeRefund, refundDay, refundedOrPendingOn, type RefundDeps } from './refunds.ts';

/** The facts of `ReturnRefundRequested`. */
export type ReturnRefundRequest = EventPayload<typeof ReturnRefundRequested>;

/** What the use case did. */
export type ReturnRefundOutcome = 'refunded' | 'pending-approval' | 'processing' | 'refused' | 'failed' | 'rejected';

/** Ports: the refund use cases' ports without the audit log (the returns capability audits the staff decision). */
export type ReturnRefundDeps = Omit<RefundDeps, 'audit'>;

/** The metric a refused (or provider-refused) return refund counts in; an alarm notifies operations. */
export const RETURN_REFUNDS_REFUSED_METRIC = 'ReturnRefundsRefused';

/** The refund of a return: its id is the return's id. */
export const returnRefundId = (returnId: string): string => returnId;

/** The refund's reason (a code, no free text): `return-<reason>`. */
export const returnRefundReason = (reason: ReturnRefundRequest['reason']): string => `return-${reason}`;

const outcomeOf = (refund: Refund): ReturnRefundOutcome => {
  switch (refund.status) {
    case 'succeeded':
      return 'refunded';
    case 'pending_approval':
      return 'pending-approval';
    case 'processing':
      return 'processing';
    case 'rejected':
      return 'rejected';
    case 'failed':
      return refund.failureReason?.startsWith('refused:') ? 'refused' : 'failed';
  }
};

/** Refunds a return (see the module documentation). Idempotent per return. */
export async function refundReturn(deps: ReturnRefundDeps, request: ReturnRefundRequest, correlationId: string): Promise<ReturnRefundOutcome> {
  const refundId = returnRefundId(request.returnId);
  const created = await withConflictRetry('refund return', async (): Promise<Refund> => {
    const existing = await deps.repo.getRefund(request.orderId, refundId);
    if (existing) return existing;

    const payments = (await deps.repo.listPayments(request.orderId)).map((s) => s.payment).filter((p) => p.orderKnown);
    const first = payments[0];
    // Returns only refund delivered orders, whose payment payments recorded long ago: a missing one is
    // late (redelivered with backoff), and a record that never comes ends in the DLQ.
    if (!first) throw new RetryLaterError(`order ${request.orderId}: no payment recorded for the refund of return ${request.returnId}`);
    const target = refundTarget(payments, request.amount.amount) ?? refundTarget(payments, 0) ?? first;
    const refusal = refundRefusal({
      amount: request.amount.amount,
      currency: request.amount.currency,
      paymentCurrency: target.currency,
      refundable: refundable(target),
      ...(payments.length > 1 ? { orderRefundable: payments.reduce((sum, p) => sum + refundable(p), 0) } : {}),
    });
    const ctx = transitionContext(deps, request.requestedBy);
    const base = {
      refundId,
      orderId: request.orderId,
      paymentId: target.paymentId,
      currency: request.amount.currency,
      amount: request.amount.amount,
      reason: returnRefundReason(request.reason),
      origin: 'return' as const,
      returnId: request.returnId,
      requestedBy: request.requestedBy,
      requestedAt: ctx.now.toISOString(),
    };
    if (refusal) return recordRefusal(deps, target, base, refusal, correlationId);

    const day = refundDay(ctx.now, deps.dayOffsetMinutes);
    const requirement = approvalRequirement({
      amount: request.amount.amount,
      refundedOrPendingOnOrder: refundedOrPendingOn(payments),
      staffRefundedToday: await deps.repo.staffRefundedOn(request.requestedBy, day),
      policy: deps.approval,
    });
    const refund = newRefund(base, requirement);
    // Conditional on the payment's version (what was refundable) and on the refund being absent (once per return).
    await deps.repo.commit({
      payment: refundReserved(target, refund.amount, ctx),
      expectedVersion: target.version,
      refunds: [{ refund, expectedVersion: null }],
      ...(requirement ? {} : { staffRefund: { staffId: request.requestedBy, day, amount: refund.amount, cap: deps.approval.staffDailyCapMinor } }),
    });
    return refund;
  });

  if (created.status === 'processing') {
    const after = await executeRefund(deps, request.orderId, refundId, correlationId);
    // The provider could not be reached: the same refund (same key) is tried again with backoff; the
    // daily job or the provider's webhook completes it otherwise.
    if (after.status === 'processing') throw new RetryLaterError(`order ${request.orderId}: refund of return ${request.returnId} still processing`);
    return outcomeOf(after);
  }
  // Done before (a duplicate): publish anything its first run left in the outbox.
  await flushOutbox(deps, request.orderId);
  return outcomeOf(created);
}

/**
 * Records the refusal once: the return's refund as `failed` (nothing reserved, the payment unchanged
 * but written at the version read, so the decision holds against concurrent refunds) and
 * ProblemOrderRaised for operations, in one transaction.
 */
async function recordRefusal(deps: ReturnRefundDeps, payment: Payment, base: Omit<Refund, 'status' | 'version'>, refusal: string, correlationId: string): Promise<Refund> {
  const at = deps.clock.now().toISOString();
  const refused: Refund = { ...base, status: 'failed', failureReason: `refused: ${refusal}`.slice(0, 500), completedAt: at, version: 1 };
  await deps.repo.commit({
    payment,
    expectedVersion: payment.version,
    refunds: [{ refund: refused, expectedVersion: null }],
    events: [domainEvent(ProblemOrderRaised, { orderId: base.orderId, problem: 'return-refund-refused', raisedBy: 'payments', raisedAt: at })],
    correlationId,
  });
  await flushOutbox(deps, base.orderId);
  return refused;
}
