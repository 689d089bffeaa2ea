/**
 * Use case: an order was cancelled (`OrderCancelled`, or `OrderStatusChanged` to CANCELLED) or
 * rejected (`OrderStatusChanged` to REJECTED / PAYMENT_FAILED) → release its money (PAY-2, API.md:
 * "every terminal state other than DELIVERED has … voided or refunded its payment"):
 * - not authorised yet → cancelled (a late RiskApproved never authorises; if the order is not even
 *   known yet, a tombstone is written);
 * - authorised or awaiting a transfer → voided at the provider (key `void-<paymentId>`) →
 *   PaymentVoided; cash on delivery → voided without the provider;
 * - captured → refunded in full (what is not refunded or being refunded) → PaymentRefunded.
 *
 * The release is marked on the payment first, so a capture racing it never starts. Idempotent:
 * a replay finds the payment released and changes nothing; a refund started by an earlier attempt
 * is executed again with the same key rather than created twice.
 *
 * Every payment of the order is released — a pre-sale's deposit and balance (ORD-5) each voided
 * or refunded — the order's first payment first. Its first write is always conditional on its
 * version (a deposit that holds money and has nothing left to do is still marked released), and
 * opening a balance is conditional on the deposit's version and on it not being released: so a
 * release racing `PreSaleBalanceDue` either finds the balance (a retry after the conflict) or
 * keeps it from being opened.
 */
import type { PaymentMethod } from '../../events/common.ts';
import { CAPTURED_STATUSES, decideRelease, markReleased, refundReserved, releasedBeforeAuthorization, slotOf, tombstone, voidSucceeded, type Payment } from './domain/payment.ts';
import { approvalRequirement, newRefund } from './domain/refund.ts';
import { commitTransition, findPayment, flushOutbox, RetryLaterError, transitionContext, withConflictRetry, type ProviderDeps } from './engine.ts';
import { executeRefund, refundDay, refundedOrPendingOn, type RefundDeps } from './refunds.ts';

/** The released order, as the event describes it. */
export interface ReleaseFacts {
  readonly orderId: string;
  readonly customerId: string;
  readonly method: PaymentMethod;
  readonly total: { readonly amount: number; readonly currency: string };
  /** A reason code, e.g. `order-cancelled`, `order-rejected`. */
  readonly reason: string;
  readonly actor: string;
}

/** What releasing did. */
export type ReleaseResult = 'tombstone' | 'cancelled' | 'voided' | 'refunded' | 'refund-pending-approval' | 'nothing';

/** Ports of {@link handleRelease}: a provider, and the maker-checker rule for staff cancellations. */
export interface ReleaseDeps extends ProviderDeps {
  /** Required where staff may have cancelled (the order-event consumer); a release without it refuses a staff cancellation's refund. */
  readonly refundPolicy?: Pick<RefundDeps, 'approval' | 'dayOffsetMinutes'>;
}

/**
 * Whether staff cancelled: the actor is neither the order's customer nor the system (`system:…`),
 * as checkout records it on both OrderCancelled and OrderStatusChanged.
 */
export const cancelledByStaff = (facts: Pick<ReleaseFacts, 'actor' | 'customerId'>): boolean => facts.actor !== facts.customerId && !facts.actor.startsWith('system:');

const voidKey = (p: Payment) => `void-${p.paymentId}`;

/** Releases the money of a cancelled or rejected order (see the module documentation). */
export async function handleRelease(deps: ReleaseDeps, facts: ReleaseFacts, correlationId: string): Promise<ReleaseResult> {
  return withConflictRetry('release', async () => {
    const stored = await deps.repo.listPayments(facts.orderId);
    const ctx = transitionContext(deps, facts.actor);
    if (stored.length === 0) {
      await deps.repo.commit({
        payment: tombstone(
          { orderId: facts.orderId, customerId: facts.customerId, method: facts.method, amount: facts.total.amount, currency: facts.total.currency },
          facts.reason,
          ctx,
        ),
        expectedVersion: null,
      });
      return 'tombstone';
    }
    const results: ReleaseResult[] = [];
    for (const { payment } of stored) results.push(await releasePayment(deps, payment, facts, correlationId));
    for (const result of ['refunded', 'refund-pending-approval', 'voided', 'cancelled'] as const) if (results.includes(result)) return result;
    return 'nothing';
  });
}

/** Releases one payment of the order, read at `p` (a write conflict makes the caller re-read and start again). */
async function releasePayment(deps: ReleaseDeps, p: Payment, facts: ReleaseFacts, correlationId: string): Promise<ReleaseResult> {
  const ctx = transitionContext(deps, facts.actor);
  const decision = decideRelease(p);

  // A cancellation refund started earlier: finish it (same refund, same provider key).
  const open = (await deps.repo.listRefunds(p.orderId)).find((r) => r.origin === 'cancellation' && r.status === 'processing' && r.paymentId === p.paymentId);
  if (open) return finishRefund(deps, p.orderId, open.refundId, correlationId);

  switch (decision.action) {
    case 'tombstone':
    case 'none':
      // Secured money with nothing left to do (refunded already, or partially captured: an operator's): still marked released, so no balance is opened next to it.
      if (!p.releaseReason && (p.status === 'authorized' || CAPTURED_STATUSES.includes(p.status)))
        await deps.repo.commit({ payment: markReleased(p, facts.reason, ctx), expectedVersion: p.version });
      else await flushOutbox(deps, p.orderId);
      return 'nothing';
    case 'cancel':
      await commitTransition(deps, releasedBeforeAuthorization(p, facts.reason, ctx), p.version, { correlationId });
      return 'cancelled';
    case 'void-cod':
      await commitTransition(deps, voidSucceeded(p, facts.reason, ctx), p.version, { correlationId });
      return 'voided';
    case 'void': {
      let current = p;
      if (!current.releaseReason) {
        current = markReleased(current, facts.reason, ctx);
        await deps.repo.commit({ payment: current, expectedVersion: p.version });
      }
      if (!current.providerPaymentId) throw new Error(`order ${p.orderId}: ${p.status} without a provider payment id`);
      const outcome = await deps.provider.void({ idempotencyKey: voidKey(current), providerPaymentId: current.providerPaymentId });
      if (outcome.status === 'refused' && outcome.reason === 'already_captured') {
        // Captured at the provider first (a capture or a transfer racing the cancellation): refunded once that is recorded.
        throw new RetryLaterError(`order ${p.orderId}: captured at the provider before the void; refunding once the capture is recorded`);
      }
      const after = (await deps.repo.getPayment(p.orderId, slotOf(p)))?.payment;
      if (!after || (after.status !== 'authorized' && after.status !== 'pending')) {
        await flushOutbox(deps, p.orderId);
        return 'voided';
      }
      await commitTransition(deps, voidSucceeded(after, facts.reason, ctx, outcome.status === 'voided' ? outcome.at : ctx.now.toISOString()), after.version, { correlationId });
      return 'voided';
    }
    case 'refund': {
      // A staff cancellation of a captured order refunds through the same maker-checker rule as a
      // staff refund (RISK-7); a customer's or the system's cancellation refunds at once.
      const staff = cancelledByStaff(facts);
      const policy = deps.refundPolicy;
      if (staff && !policy) throw new Error(`order ${p.orderId}: a staff cancellation's refund needs the refund approval policy`);
      const day = refundDay(ctx.now, policy?.dayOffsetMinutes ?? 0);
      const requirement =
        staff && policy
          ? approvalRequirement({
              amount: decision.amount,
              refundedOrPendingOnOrder: refundedOrPendingOn((await deps.repo.listPayments(p.orderId)).map((s) => s.payment)),
              staffRefundedToday: await deps.repo.staffRefundedOn(facts.actor, day),
              policy: policy.approval,
            })
          : undefined;
      const refund = newRefund(
        {
          refundId: deps.newId(),
          orderId: p.orderId,
          paymentId: p.paymentId,
          currency: p.currency,
          amount: decision.amount,
          reason: facts.reason.slice(0, 64),
          origin: 'cancellation',
          requestedBy: facts.actor,
          requestedAt: ctx.now.toISOString(),
        },
        requirement,
      );
      const reserved = refundReserved(markReleased(p, facts.reason, ctx), decision.amount, ctx);
      await deps.repo.commit({
        payment: reserved,
        expectedVersion: p.version,
        refunds: [{ refund, expectedVersion: null }],
        ...(staff && policy && !requirement ? { staffRefund: { staffId: facts.actor, day, amount: refund.amount, cap: policy.approval.staffDailyCapMinor } } : {}),
      });
      if (requirement) return 'refund-pending-approval';
      return finishRefund(deps, p.orderId, refund.refundId, correlationId);
    }
  }
}

async function finishRefund(deps: ProviderDeps, orderId: string, refundId: string, correlationId: string): Promise<ReleaseResult> {
  const after = await executeRefund(deps, orderId, refundId, correlationId);
  if (after.status === 'processing') throw new RetryLaterError(`order ${orderId}: cancellation refund ${refundId} still processing`);
  if (after.status !== 'succeeded')
    throw new Error(`order ${orderId}: cancellation refund ${refundId} ${after.status} (${after.failureReason ?? 'no reason'}); an operator must settle it`);
  return 'refunded';
}

/** Records a void the provider reported by webhook (its call timed out, or the provider voided on its own). */
export async function applyVoidNotification(deps: ProviderDeps, orderId: string, providerPaymentId: string, at: string, correlationId: string): Promise<boolean> {
  return withConflictRetry('apply void', async () => {
    const p = (await findPayment(deps.repo, orderId, { providerPaymentId }))?.payment;
    if (!p || (p.status !== 'authorized' && p.status !== 'pending')) {
      await flushOutbox(deps, orderId);
      return false;
    }
    await commitTransition(deps, voidSucceeded(p, p.releaseReason ?? 'provider-voided', transitionContext(deps), at), p.version, { correlationId });
    return true;
  });
}
