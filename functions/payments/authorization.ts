/**
 * Use case: `RiskApproved` → secure the order's payment (PAY-1, PAY-2):
 * - card and wallet: authorise at the provider (idempotency key `authorize-<paymentId>`) →
 *   PaymentAuthorized (captureOn `shipment`), or PaymentFailed + CustomerNotificationRequested +
 *   ProblemOrderRaised when declined (checkout then moves the order to PAYMENT_FAILED and releases
 *   its stock);
 * - bank transfer: open an awaited transfer → PaymentPending (the provider confirms it later, by
 *   webhook → PaymentAuthorized captureOn `already-captured`);
 * - cash on delivery: nothing to authorise → PaymentAuthorized (captureOn `delivery`).
 * The customer's daily limits are enforced here too (PaymentFailed `limit_exceeded`), counted in
 * the same transaction that starts the authorisation, so concurrent orders cannot both squeeze in.
 *
 * Order-tolerant and idempotent: RiskApproved before OrderPlaced waits (the record is retried);
 * after a cancellation nothing is authorised — and if the cancellation overtook an authorisation
 * already sent, the provider's answer is learnt (same key) and voided; a duplicate changes nothing.
 *
 * {@link applyAuthorizationOutcome} is shared with the webhook: whichever of the synchronous answer
 * and the provider's notification arrives first records the outcome, the other finds it done.
 *
 * `PreSaleBalanceDue` (ORD-5) → {@link handlePreSaleBalanceDue}: the balance payment is opened next
 * to the secured deposit (once; see domain/payment.ts) and secured by the same steps as above —
 * card/wallet: a second authorisation with the stored token (key `authorize-<balance paymentId>`)
 * → PaymentAuthorized for the balance, which checkout adds to the deposit and approves the order;
 * bank transfer: a second awaited transfer → PaymentPending, then PaymentAuthorized when the funds
 * arrive; cash on delivery: nothing to collect now → PaymentAuthorized (captureOn `delivery`), the
 * balance is collected on delivery with the deposit. Declined → PaymentFailed +
 * CustomerNotificationRequested + ProblemOrderRaised for the balance payment. The balance counts
 * against the customer's daily limits on the day it is collected; the per-order limit applies to
 * the order's total.
 */
import type { EventDetail } from '../../events/event-definition.ts';
import type { PreSaleBalanceDue } from '../../events/pre-sale-balance-due.ts';
import { checkPaymentLimits, NO_SPENDING } from './domain/limits.ts';
import {
  authorizationFailed,
  authorizationPending,
  authorizationSucceeded,
  codAccepted,
  decideAuthorization,
  decideBalance,
  lateAuthorizationVoided,
  lateDeclineRecorded,
  lateTransferPending,
  linkBalance,
  newBalancePayment,
  startAuthorization,
  voidSucceeded,
  type BalanceDue,
  type Payment,
  type PaymentRef,
} from './domain/payment.ts';
import type { PaymentLimits } from './domain/limits.ts';
import { commitTransition, flushOutbox, RetryLaterError, today, transitionContext, withConflictRetry, type ProviderDeps, type TokenVault } from './engine.ts';
import { ProviderRequestError, type AuthorizeOutcome, type AuthorizeRequest } from './provider/port.ts';
import type { OutboxItem, StoredPayment } from './payments-repository.ts';

/** Ports of the authorisation. */
export interface AuthorizeDeps extends ProviderDeps {
  readonly vault: TokenVault;
  readonly limits: PaymentLimits;
}

/** What RiskApproved did. */
export type AuthorizeResult = 'authorized' | 'pending' | 'failed' | 'cod-accepted' | 'voided-late' | 'skipped';

const authorizeKey = (p: Payment) => `authorize-${p.paymentId}`;
const voidKey = (p: Payment) => `void-${p.paymentId}`;

async function authorizeRequest(deps: AuthorizeDeps, p: Payment, tokenCiphertext: string | undefined): Promise<AuthorizeRequest> {
  const token = tokenCiphertext ? await deps.vault.open(p.orderId, tokenCiphertext) : undefined;
  return {
    idempotencyKey: authorizeKey(p),
    orderId: p.orderId,
    paymentId: p.paymentId,
    method: p.method as AuthorizeRequest['method'],
    amount: p.amount,
    currency: p.currency,
    token,
  };
}

/** Handles RiskApproved for an order (see the module documentation). */
export async function handleRiskApproved(deps: AuthorizeDeps, orderId: string, correlationId: string): Promise<AuthorizeResult> {
  return securePayment(deps, { orderId, slot: 'primary' }, correlationId);
}

/** What PreSaleBalanceDue did (for the balance payment). */
export type BalanceResult = AuthorizeResult;

/** The facts of a PreSaleBalanceDue event. */
export function balanceDueOf(detail: EventDetail<typeof PreSaleBalanceDue>): BalanceDue {
  return {
    orderId: detail.orderId,
    currency: detail.balance.currency,
    total: detail.total.amount,
    authorized: detail.authorized.amount,
    balance: detail.balance.amount,
    dueBy: detail.dueBy,
  };
}

/** An event whose facts contradict what payments recorded: never collected on a guess (the record fails and lands in the DLQ for an operator). */
export class InconsistentBalanceError extends Error {
  override readonly name = 'InconsistentBalanceError';
}

/**
 * Handles PreSaleBalanceDue (ORD-5): opens the balance payment next to the secured deposit — once,
 * conditional on the deposit's version (a concurrent release either wins, and nothing is opened,
 * or sees the balance and releases it too) — then secures it like RiskApproved secures the deposit.
 */
export async function handlePreSaleBalanceDue(deps: AuthorizeDeps, due: BalanceDue, correlationId: string): Promise<BalanceResult> {
  const opened = await withConflictRetry('open balance', async () => {
    const [deposit, balance] = await Promise.all([deps.repo.getPayment(due.orderId), deps.repo.getPayment(due.orderId, 'balance')]);
    const decision = decideBalance(deposit?.payment, balance?.payment, due);
    switch (decision.action) {
      case 'wait':
        throw new RetryLaterError(`order ${due.orderId}: ${decision.why}`);
      case 'skip':
        await flushOutbox(deps, due.orderId);
        return 'skipped' as const;
      case 'refuse':
        throw new InconsistentBalanceError(`order ${due.orderId}: PreSaleBalanceDue refused: ${decision.why}`);
      case 'continue':
        return 'continue' as const;
      case 'open': {
        const d = (deposit as NonNullable<typeof deposit>).payment;
        const ctx = transitionContext(deps);
        const payment = newBalancePayment(d, due, ctx);
        // The token is the deposit's ciphertext (bound to the order), so the balance uses the same provider token.
        await deps.repo.commit({
          payment,
          expectedVersion: null,
          tokenCiphertext: deposit?.tokenCiphertext,
          linked: { payment: linkBalance(d, payment, ctx), expectedVersion: d.version },
        });
        return 'continue' as const;
      }
    }
  });
  if (opened === 'skipped') return 'skipped';
  return securePayment(deps, { orderId: due.orderId, slot: 'balance' }, correlationId);
}

/**
 * Secures one payment of an order: authorise (card, wallet), open an awaited transfer, or accept
 * cash on delivery — with the limits counted in the transaction that starts it.
 */
async function securePayment(deps: AuthorizeDeps, ref: PaymentRef, correlationId: string): Promise<AuthorizeResult> {
  const { orderId } = ref;
  return withConflictRetry('authorize', async (attempt) => {
    // The payment with the order's outbox (one query): whichever commit below publishes also publishes what an earlier change left.
    const { stored, outbox } = await deps.repo.paymentAndOutbox(orderId, ref.slot);
    const decision = decideAuthorization(stored?.payment);
    if (decision.action === 'wait') throw new RetryLaterError(`order ${orderId}: ${decision.why}`);
    if (!stored || decision.action === 'skip') {
      await flushOutbox(deps, orderId, { listed: outbox });
      return 'skipped';
    }
    let p = stored.payment;
    const ctx = transitionContext(deps);

    if (decision.action === 'resolve-released') {
      const outcome = await deps.provider.authorize(await authorizeRequest(deps, p, stored.tokenCiphertext));
      return (await applyAuthorizationOutcome(deps, ref, outcome, correlationId)) === 'voided-late' ? 'voided-late' : 'skipped';
    }

    if (!p.authorizationStartedAt) {
      const day = today(deps, deps.limits);
      const orderAmount = Math.max(p.amount, p.orderTotal ?? p.amount);
      // The first attempt checks against no spending today without reading the day's totals: the
      // commit below counts the payment only if the day keeps room for it (a conditional update), and
      // a day without room fails it as a 'limit' conflict, so the next attempt reads the totals.
      const check = checkPaymentLimits({
        method: p.method,
        amount: p.amount,
        orderAmount,
        currency: p.currency,
        today: attempt === 1 ? NO_SPENDING : await deps.repo.dailyTotals(p.customerId, day),
        limits: deps.limits,
      });
      if (!check.ok) {
        await commitTransition(deps, authorizationFailed(p, 'limit_exceeded', ctx), p.version, { correlationId, listedOutbox: outbox });
        return 'failed';
      }
      // Counted conditionally: a concurrent order that took the room makes this a 'limit' conflict, and the retry re-checks.
      const transition = decision.action === 'accept-cod' ? codAccepted(p, day, ctx) : startAuthorization(p, day, ctx);
      // Cash on delivery publishes here; a started authorisation has no events (its outcome's commit publishes).
      await commitTransition(deps, transition, p.version, { correlationId, limits: deps.limits, listedOutbox: outbox });
      if (decision.action === 'accept-cod') return 'cod-accepted';
      p = transition.payment;
    }

    const outcome = await deps.provider.authorize(await authorizeRequest(deps, p, stored.tokenCiphertext));
    const applied = await applyAuthorizationOutcome(deps, ref, outcome, correlationId, { ...stored, payment: p }, outbox);
    return applied === 'unchanged' ? 'skipped' : applied;
  });
}

/** What applying an authorisation outcome did. */
export type AppliedAuthorization = 'authorized' | 'pending' | 'failed' | 'voided-late' | 'unchanged';

/**
 * Records the provider's answer to an authorisation of one payment of an order (from the call
 * itself or from its webhook). A new payment takes it; a payment released meanwhile has the
 * authorisation voided; anything else already knows it.
 */
export async function applyAuthorizationOutcome(
  deps: ProviderDeps,
  ref: PaymentRef,
  outcome: AuthorizeOutcome,
  correlationId: string,
  /**
   * The payment as the caller wrote or read it just before: the first attempt decides on it without
   * reading again. Every write below is conditional on its version, so a change meanwhile fails the
   * commit and the retry reads; and a payment's state only moves forward, so one already past `new`
   * is past it still.
   */
  known?: StoredPayment,
  /** The order's outbox as read with `known`: the first attempt publishes from it (with what it commits, or alone when the outcome was already applied). */
  knownOutbox?: readonly OutboxItem[],
): Promise<AppliedAuthorization> {
  const { orderId } = ref;
  return withConflictRetry('apply authorisation', async (attempt) => {
    const stored = attempt === 1 && known ? known : await deps.repo.getPayment(orderId, ref.slot);
    // A retry reads the payment again but not the outbox: its flush queries.
    const listedOutbox = attempt === 1 && known ? knownOutbox : undefined;
    if (!stored) throw new RetryLaterError(`order ${orderId}: no payment yet for an authorisation outcome`);
    const p = stored.payment;
    const ctx = transitionContext(deps);
    if (p.status === 'new' && !p.releaseReason) {
      if (outcome.status === 'authorized') {
        await commitTransition(deps, authorizationSucceeded(p, outcome, ctx), p.version, { correlationId, providerPaymentId: outcome.providerPaymentId, listedOutbox });
        return 'authorized';
      }
      if (outcome.status === 'pending') {
        await commitTransition(deps, authorizationPending(p, outcome, ctx), p.version, { correlationId, providerPaymentId: outcome.providerPaymentId, listedOutbox });
        return 'pending';
      }
      await commitTransition(deps, authorizationFailed(p, outcome.reason, ctx, outcome.providerPaymentId), p.version, {
        correlationId,
        listedOutbox,
        ...(outcome.providerPaymentId ? { providerPaymentId: outcome.providerPaymentId } : {}),
      });
      return 'failed';
    }
    if (p.status === 'cancelled' && !p.providerPaymentId) {
      if (outcome.status === 'declined') {
        await deps.repo.commit({ payment: lateDeclineRecorded(p, outcome.providerPaymentId, ctx), expectedVersion: p.version });
        return 'unchanged';
      }
      if (outcome.status === 'pending') {
        // Tracked first (still released): voided now, or — if the funds arrive first — captured and refunded when that is notified.
        const tracked = lateTransferPending(p, outcome.providerPaymentId, ctx);
        await deps.repo.commit({ payment: tracked, expectedVersion: p.version, providerPaymentId: outcome.providerPaymentId });
        const voided = await deps.provider.void({ idempotencyKey: voidKey(p), providerPaymentId: outcome.providerPaymentId });
        if (voided.status !== 'voided' && voided.reason === 'already_captured') return 'unchanged';
        await commitTransition(
          deps,
          voidSucceeded(tracked, tracked.releaseReason ?? 'order-released', ctx, voided.status === 'voided' ? voided.at : ctx.now.toISOString()),
          tracked.version,
          { correlationId, listedOutbox },
        );
        return 'voided-late';
      }
      const voided = await deps.provider.void({ idempotencyKey: voidKey(p), providerPaymentId: outcome.providerPaymentId });
      if (voided.status !== 'voided' && voided.reason === 'already_captured')
        throw new ProviderRequestError(`order ${orderId}: a late authorisation was captured; it needs a refund by an operator`, 'late_capture');
      const transition = lateAuthorizationVoided(
        p,
        { providerPaymentId: outcome.providerPaymentId, amount: outcome.amount, at: outcome.at },
        ctx,
        voided.status === 'voided' ? voided.at : ctx.now.toISOString(),
      );
      await commitTransition(deps, transition, p.version, { correlationId, providerPaymentId: outcome.providerPaymentId, listedOutbox });
      return 'voided-late';
    }
    await flushOutbox(deps, orderId, { listed: listedOutbox });
    return 'unchanged';
  });
}
