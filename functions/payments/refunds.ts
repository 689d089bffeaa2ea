/**
 * Use cases: refunds (PAY-2, AFT-1, RISK-7, ORD-7).
 *
 * - `POST /orders/{orderId}/refunds` (ops, cs-agent): a refund of `amount` for `reason`. Refused
 *   (409) above what is refundable (captured − refunded − pending refunds). Below the approval
 *   threshold it is executed at once (201); at or above it waits for a second approver (202).
 *   A request retried after a failure never creates a second refund: the request (user +
 *   Idempotency-Key) is remembered with the refund it created.
 * - `POST /orders/{orderId}/refunds/{refundId}/approve|reject`: a different staff member than the
 *   requester (403 otherwise) approves (then it is executed) or rejects it.
 * - Every staff step is recorded in the audit trail before it takes effect (SEC-4).
 * - Execution calls the provider with the key `refund-<refundId>`; if the provider cannot be
 *   reached the refund stays `processing` (202) and is completed by the provider's webhook or the
 *   next retry (the daily job retries refunds stuck in processing).
 * - A refund is taken from ONE payment of the order (`paymentId`): for a pre-sale order (ORD-5),
 *   from the deposit or the balance — whichever has the most refundable, and it must cover the
 *   amount; more than either alone (but not more than both) is a 409 that says to split it. So a
 *   refund never exceeds what its payment captured, and the order's refunds never exceed what the
 *   order captured.
 */
import crypto from 'node:crypto';
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import { conflict, forbidden, notFound, ProblemError } from '../../shared/errors.ts';
import { logger } from '../../shared/observability.ts';
import { PaymentStateError, refundable, refundReserved, refundSucceeded, refundTarget, refundUnreserved, type Payment } from './domain/payment.ts';
import { limitDay } from './domain/limits.ts';
import {
  approvalRequirement,
  approveRefund,
  completeRefund,
  failRefund,
  makerCheckerViolation,
  newRefund,
  reasonRefusal,
  refundRefusal,
  rejectRefund,
  type Refund,
  type RefundApprovalPolicy,
  type StaffRefundReason,
} from './domain/refund.ts';
import { findPayment, flushOutbox, transitionContext, withConflictRetry, type ProviderDeps } from './engine.ts';
import { PaymentWriteConflict } from './payments-repository.ts';
import { ProviderUnavailableError } from './provider/port.ts';

/** Ports of the refund use cases. */
export interface RefundDeps extends ProviderDeps {
  readonly audit: AuditLog;
  /** RISK-7: when a refund waits for a second approver. */
  readonly approval: RefundApprovalPolicy;
  /** Minutes from UTC of the day a staff member's daily cap counts (the payment limits' day). */
  readonly dayOffsetMinutes: number;
}

/** The day of `at` for staff refund caps. */
export const refundDay = (at: Date, dayOffsetMinutes: number): string => limitDay(at, dayOffsetMinutes);

/** What is refunded or being refunded (pending approval included) across the order's payments. */
export const refundedOrPendingOn = (payments: readonly Payment[]): number => payments.reduce((sum, p) => sum + p.refundedAmount + p.refundPendingAmount, 0);

/** A refund request from staff. */
export interface RefundCommand {
  readonly orderId: string;
  readonly amount: { readonly amount: number; readonly currency: string };
  readonly reason: StaffRefundReason;
  readonly principal: Principal;
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

/** The refund after the request, and whether it is done. */
export interface RefundResult {
  readonly refund: Refund;
  /** 201 when refunded, 202 when it waits (approval or provider). */
  readonly statusCode: 201 | 202 | 200;
}

const resultOf = (refund: Refund, fresh = true): RefundResult => ({ refund, statusCode: refund.status === 'succeeded' ? (fresh ? 201 : 200) : 202 });

/** Requests a refund (see the module documentation). */
export async function requestRefund(deps: RefundDeps, command: RefundCommand): Promise<RefundResult> {
  const requestKey = crypto.createHash('sha256').update(`${command.principal.userId}\n${command.idempotencyKey}`).digest('hex').slice(0, 40);
  const earlier = await deps.repo.refundOfRequest(command.orderId, requestKey);
  if (earlier) return resumeRefund(deps, command.orderId, earlier, command.correlationId);
  const notAllowed = reasonRefusal(command.reason, command.principal.roles);
  if (notAllowed) throw forbidden(notAllowed);

  const payments = (await deps.repo.listPayments(command.orderId)).map((s) => s.payment).filter((p) => p.orderKnown);
  const first = payments[0];
  if (!first) throw notFound(`No payment for order ${command.orderId}.`);
  const target = refundTarget(payments, command.amount.amount) ?? refundTarget(payments, 0) ?? first;
  const refusal = refundRefusal({
    amount: command.amount.amount,
    currency: command.amount.currency,
    paymentCurrency: target.currency,
    refundable: refundable(target),
    ...(payments.length > 1 ? { orderRefundable: payments.reduce((sum, p) => sum + refundable(p), 0) } : {}),
  });
  if (refusal) throw conflict(refusal);

  const ctx = transitionContext(deps, command.principal.userId);
  const day = refundDay(ctx.now, deps.dayOffsetMinutes);
  const refundId = deps.newId();
  let audited: Refund['approvalRequiredBy'] | 'none' | undefined;
  // Decided on what was read; the commit holds only if the payment is still at that version and the
  // staff member's day still has room, else it is decided again (a concurrent refund may change it).
  const refund = await withConflictRetry('request refund', async () => {
    const current = (await deps.repo.listPayments(command.orderId)).map((s) => s.payment).filter((p) => p.orderKnown);
    const payment = current.find((p) => p.paymentId === target.paymentId);
    if (!payment) throw notFound(`No payment for order ${command.orderId}.`);
    const again = refundRefusal({ amount: command.amount.amount, currency: command.amount.currency, paymentCurrency: payment.currency, refundable: refundable(payment) });
    if (again) throw conflict(again);
    const requirement = approvalRequirement({
      amount: command.amount.amount,
      refundedOrPendingOnOrder: refundedOrPendingOn(current),
      staffRefundedToday: await deps.repo.staffRefundedOn(command.principal.userId, day),
      policy: deps.approval,
    });
    const candidate = newRefund(
      {
        refundId,
        orderId: command.orderId,
        paymentId: payment.paymentId,
        currency: command.amount.currency,
        amount: command.amount.amount,
        reason: command.reason,
        origin: 'staff',
        requestedBy: command.principal.userId,
        requestedAt: ctx.now.toISOString(),
      },
      requirement,
    );
    if (audited !== (requirement ?? 'none')) {
      // SEC-4: recorded before it takes effect (again only if a concurrent change altered the decision).
      await deps.audit.record({
        actor: command.principal.userId,
        roles: command.principal.roles,
        action: 'refund.request',
        resource: { type: 'order', id: command.orderId },
        reason: command.reason,
        details: {
          refundId,
          amount: candidate.amount,
          currency: candidate.currency,
          needsApproval: requirement !== undefined,
          ...(requirement ? { approvalRequiredBy: requirement } : {}),
        },
        correlationId: command.correlationId,
      });
      audited = requirement ?? 'none';
    }
    await deps.repo.commit({
      payment: refundReserved(payment, candidate.amount, ctx),
      expectedVersion: payment.version,
      refunds: [{ refund: candidate, expectedVersion: null }],
      refundRequest: { key: requestKey, refundId },
      ...(requirement ? {} : { staffRefund: { staffId: command.principal.userId, day, amount: candidate.amount, cap: deps.approval.staffDailyCapMinor } }),
    });
    return candidate;
  });
  if (refund.status === 'pending_approval') return resultOf(refund);
  return resultOf(await executeRefund(deps, command.orderId, refund.refundId, command.correlationId));
}

/** A request already processed: continue it (execute if still processing) and answer as before. */
async function resumeRefund(deps: ProviderDeps, orderId: string, refundId: string, correlationId: string): Promise<RefundResult> {
  const refund = await deps.repo.getRefund(orderId, refundId);
  if (!refund) throw notFound(`Refund ${refundId} of order ${orderId} does not exist.`);
  return resultOf(refund.status === 'processing' ? await executeRefund(deps, orderId, refundId, correlationId) : refund);
}

/**
 * The second staff member's decision on a pending refund (maker-checker, RISK-7): the refund (as
 * just read) must
 * exist (404), still wait (409) and not be the decider's own request (403); the decision is
 * audited before it is carried out (SEC-4).
 */
async function decidePendingRefund(
  deps: RefundDeps,
  input: { orderId: string; refundId: string; principal: Principal; correlationId: string },
  decision: { action: 'approve' | 'reject'; reason: (refund: Refund) => string },
  refund: Refund | undefined,
): Promise<Refund> {
  if (!refund) throw notFound(`Refund ${input.refundId} of order ${input.orderId} does not exist.`);
  const past = decision.action === 'approve' ? 'approved' : 'rejected';
  if (refund.status !== 'pending_approval') throw conflict(`Refund ${input.refundId} is ${refund.status}; only a refund pending approval can be ${past}.`);
  const violation = makerCheckerViolation(refund, input.principal.userId);
  if (violation) throw forbidden(violation.replace('approved', past));
  await deps.audit.record({
    actor: input.principal.userId,
    roles: input.principal.roles,
    action: `refund.${decision.action}`,
    resource: { type: 'order', id: input.orderId },
    reason: decision.reason(refund),
    details: { refundId: refund.refundId, amount: refund.amount, currency: refund.currency, requestedBy: refund.requestedBy },
    correlationId: input.correlationId,
  });
  return refund;
}

/** Approves a pending refund and executes it (maker-checker: another staff member). */
export async function approvePendingRefund(deps: RefundDeps, input: { orderId: string; refundId: string; principal: Principal; correlationId: string }): Promise<RefundResult> {
  // A retry by the approver of a refund they approved continues it (the first approval stands).
  const existing = await deps.repo.getRefund(input.orderId, input.refundId);
  if (existing && existing.approvedBy === input.principal.userId && existing.status !== 'pending_approval') {
    return resultOf(existing.status === 'processing' ? await executeRefund(deps, input.orderId, input.refundId, input.correlationId) : existing, false);
  }
  const refund = await decidePendingRefund(deps, input, { action: 'approve', reason: (r) => r.reason }, existing);
  const approved = approveRefund(refund, input.principal.userId, deps.clock.now());
  try {
    await deps.repo.putRefund(approved, refund.version);
  } catch (error) {
    throw await notApplied(deps, input, 'approve', refund, approvalConflict(error, input.refundId));
  }
  return resultOf(await executeRefund(deps, input.orderId, input.refundId, input.correlationId));
}

/** Rejects a pending refund: its amount is refundable again. */
export async function rejectPendingRefund(
  deps: RefundDeps,
  input: { orderId: string; refundId: string; principal: Principal; note: string; correlationId: string },
): Promise<Refund> {
  // A retry by the staff member who rejected it answers the same.
  const existing = await deps.repo.getRefund(input.orderId, input.refundId);
  if (existing && existing.status === 'rejected' && existing.rejectedBy === input.principal.userId) return existing;
  const refund = await decidePendingRefund(deps, input, { action: 'reject', reason: () => input.note }, existing);
  const rejected = rejectRefund(refund, input.principal.userId, input.note, deps.clock.now());
  await withConflictRetry('reject refund', async (attempt) => {
    // Another staff member's decision meanwhile (its commit fails this one's refund version): a 409.
    if (attempt > 1 && (await changedSince(deps, refund))) throw decidedMeanwhile(input.refundId);
    const current = (await findPayment(deps.repo, input.orderId, { paymentId: refund.paymentId }))?.payment;
    if (!current) throw notFound(`No payment for order ${input.orderId}.`);
    const payment = await unlessChangedSince(deps, refund, () => refundUnreserved(current, refund.amount, transitionContext(deps)));
    await deps.repo.commit({ payment, expectedVersion: current.version, refunds: [{ refund: rejected, expectedVersion: refund.version }] });
  }).catch(async (error: unknown) => {
    throw await notApplied(deps, input, 'reject', refund, approvalConflict(error, input.refundId));
  });
  return rejected;
}

/**
 * A decision is audited before its write (decidePendingRefund). When the write then fails — lost
 * to another staff member's decision (a 409), or anything else — and the refund does not carry
 * this decision, the trail gets an entry saying it was not applied, so it never reads as if a
 * decision stood that did not. Returns `error` to throw.
 */
async function notApplied(
  deps: RefundDeps,
  input: { orderId: string; refundId: string; principal: Principal; correlationId: string },
  action: 'approve' | 'reject',
  refund: Refund,
  error: unknown,
): Promise<unknown> {
  try {
    const now = await deps.repo.getRefund(input.orderId, input.refundId);
    const applied = action === 'approve' ? now?.approvedBy === input.principal.userId : now?.rejectedBy === input.principal.userId;
    if (applied) return error; // the write landed after all (a timeout on the answer)
    await deps.audit.record({
      actor: input.principal.userId,
      roles: input.principal.roles,
      action: `refund.${action}.not-applied`,
      resource: { type: 'order', id: input.orderId },
      reason: error instanceof ProblemError && error.status === 409 ? 'the refund or its payment changed first' : 'the decision could not be written',
      details: { refundId: refund.refundId, amount: refund.amount, currency: refund.currency },
      correlationId: input.correlationId,
    });
  } catch (auditError) {
    // The client still learns its decision failed; the trail misses the note.
    logger.error('refund decision not applied, and its audit note failed', { orderId: input.orderId, refundId: refund.refundId, error: auditError });
  }
  return error;
}

const decidedMeanwhile = (refundId: string) => conflict(`Refund ${refundId} was decided by someone else at the same time; reload it.`);

/** Whether the refund changed since `refund` was read. */
async function changedSince(deps: Pick<ProviderDeps, 'repo'>, refund: Refund): Promise<boolean> {
  return (await deps.repo.getRefund(refund.orderId, refund.refundId))?.version !== refund.version;
}

/**
 * A transition of the payment for `refund`, where the refund and the payment were read apart: when
 * another run (the provider's webhook and the call's answer, two staff members, a redelivery)
 * changed both in between, the payment no longer matches the refund read before it — a
 * {@link PaymentWriteConflict}, so the caller's retry reads both again. When the refund did not
 * change, the payment's refusal stands.
 */
async function unlessChangedSince<T>(deps: Pick<ProviderDeps, 'repo'>, refund: Refund, transition: () => T): Promise<T> {
  try {
    return transition();
  } catch (error) {
    if (error instanceof PaymentStateError && (await changedSince(deps, refund))) {
      throw new PaymentWriteConflict(`refund ${refund.refundId} of order ${refund.orderId} changed meanwhile`);
    }
    throw error;
  }
}

function approvalConflict(error: unknown, refundId: string): unknown {
  if (error instanceof ProblemError) return error;
  if (error instanceof PaymentWriteConflict) return conflict(`Refund ${refundId} was changed by someone else at the same time; reload it.`);
  return error;
}

/**
 * Executes a refund in `processing` at the provider (key `refund-<refundId>`) and records the
 * outcome. If the provider cannot be reached, the refund stays processing and is returned as is.
 */
export async function executeRefund(deps: ProviderDeps, orderId: string, refundId: string, correlationId: string): Promise<Refund> {
  const refund = await deps.repo.getRefund(orderId, refundId);
  if (!refund) throw notFound(`Refund ${refundId} of order ${orderId} does not exist.`);
  if (refund.status !== 'processing') return refund;
  const stored = await findPayment(deps.repo, orderId, { paymentId: refund.paymentId });
  if (!stored) throw notFound(`No payment ${refund.paymentId} for order ${orderId}.`);
  const p = stored.payment;
  if (p.method === 'cod') {
    // Cash on delivery was collected by the carrier: the refund is paid out by operations and recorded here.
    return applyRefundOutcome(deps, orderId, refundId, { providerRefundId: undefined, amount: refund.amount, at: deps.clock.now().toISOString() }, correlationId);
  }
  if (!p.providerPaymentId) throw new Error(`order ${orderId}: captured without a provider payment id`);
  let outcome;
  try {
    outcome = await deps.provider.refund({
      idempotencyKey: `refund-${refundId}`,
      providerPaymentId: p.providerPaymentId,
      orderId,
      refundId,
      amount: refund.amount,
      currency: refund.currency,
    });
  } catch (error) {
    if (error instanceof ProviderUnavailableError) return refund;
    throw error;
  }
  if (outcome.status === 'refunded') return applyRefundOutcome(deps, orderId, refundId, outcome, correlationId);
  return withConflictRetry('fail refund', async () => {
    const current = await deps.repo.getRefund(orderId, refundId);
    const payment = (await findPayment(deps.repo, orderId, { paymentId: refund.paymentId }))?.payment;
    if (!current || !payment || current.status !== 'processing') return current ?? refund;
    const failed = failRefund(current, outcome.reason, deps.clock.now().toISOString());
    await deps.repo.commit({
      payment: await unlessChangedSince(deps, current, () => refundUnreserved(payment, current.amount, transitionContext(deps))),
      expectedVersion: payment.version,
      refunds: [{ refund: failed, expectedVersion: current.version }],
    });
    return failed;
  });
}

/** Records a refund the provider made (call or webhook); a refund already recorded is returned as is. */
export async function applyRefundOutcome(
  deps: ProviderDeps,
  orderId: string,
  refundId: string,
  outcome: { providerRefundId?: string; amount: number; at: string },
  correlationId: string,
): Promise<Refund> {
  return (await recordRefundOutcome(deps, orderId, refundId, outcome, correlationId)).refund;
}

/** {@link applyRefundOutcome}, telling whether this run recorded it (false: it was recorded before, or by another run meanwhile). */
export async function recordRefundOutcome(
  deps: ProviderDeps,
  orderId: string,
  refundId: string,
  outcome: { providerRefundId?: string; amount: number; at: string },
  correlationId: string,
): Promise<{ refund: Refund; applied: boolean }> {
  return withConflictRetry('apply refund', async () => {
    const refund = await deps.repo.getRefund(orderId, refundId);
    if (!refund) throw notFound(`Refund ${refundId} of order ${orderId} does not exist.`);
    if (refund.status !== 'processing') {
      await flushOutbox(deps, orderId);
      return { refund, applied: false };
    }
    const stored = await findPayment(deps.repo, orderId, { paymentId: refund.paymentId });
    if (!stored) throw notFound(`No payment ${refund.paymentId} for order ${orderId}.`);
    const ctx = transitionContext(deps);
    const transition = await unlessChangedSince(deps, refund, () =>
      refundSucceeded(
        stored.payment,
        {
          refundId,
          amount: refund.amount,
          reason: refund.reason,
          providerRefundId: outcome.providerRefundId,
          at: outcome.at,
          ...(refund.returnId ? { returnId: refund.returnId } : {}),
        },
        ctx,
      ),
    );
    const completed = completeRefund(refund, outcome.providerRefundId, outcome.at);
    await deps.repo.commit({
      payment: transition.payment,
      expectedVersion: stored.payment.version,
      movements: transition.movements,
      events: transition.events,
      correlationId,
      refunds: [{ refund: completed, expectedVersion: refund.version }],
    });
    await flushOutbox(deps, orderId);
    return { refund: completed, applied: true };
  });
}

/** Retries refunds stuck in `processing` (provider unreachable at the time). */
export async function retryProcessingRefunds(deps: ProviderDeps, correlationId: string, olderThanMs = 5 * 60_000): Promise<{ retried: number; completed: number }> {
  const cutoff = deps.clock.now().getTime() - olderThanMs;
  let retried = 0;
  let completed = 0;
  for (const refund of await deps.repo.refundsInStatus('processing')) {
    if (Date.parse(refund.requestedAt) > cutoff) continue;
    retried++;
    const after = await executeRefund(deps, refund.orderId, refund.refundId, correlationId);
    if (after.status !== 'processing') completed++;
  }
  return { retried, completed };
}
