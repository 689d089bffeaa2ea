/**
 * How the sandbox payment provider behaves (API.md "Sandbox payment provider"): the pure rules of
 * its own records, which mirror a real provider's PaymentIntent with manual capture.
 *
 * - Tokens: `tok_visa` and `tok_wallet` authorise; `tok_chargeDeclined` is declined;
 *   `tok_insufficientFunds` is declined for insufficient funds; any other token is unknown
 *   (declined). A bank transfer needs no token: it is `processing` until the funds arrive.
 * - An authorisation (`requires_capture`) has an id and an expiry (default 7 days); capturing after
 *   it is refused (`authorization_expired`).
 * - Captures: full or partial; a final capture (the default) releases the rest, a non-final one
 *   keeps it capturable. A fee (basis points of the amount, half-up) is kept on every capture.
 * - Voids (cancel) release an authorisation or an awaited transfer; a captured payment cannot be
 *   voided (refund it).
 * - Refunds: full, partial and repeated, never more than captured minus refunded.
 * - Every capture and refund is a settlement line of its UTC day (the settlement report).
 *
 * Pure: no I/O.
 */
import { money, percentage } from '../../../../shared/money.ts';
import type { CaptureRefusal, DeclineReason, SettlementLine } from '../port.ts';

/** Sandbox payment statuses (PaymentIntent-like). */
export type SandboxStatus = 'requires_capture' | 'processing' | 'succeeded' | 'canceled' | 'declined';

/** A capture at the sandbox. */
export interface SandboxCapture {
  readonly id: string;
  readonly amount: number;
  readonly fee: number;
  readonly at: string;
  readonly final: boolean;
}

/** A refund at the sandbox. */
export interface SandboxRefund {
  readonly id: string;
  readonly amount: number;
  readonly at: string;
  /** The merchant's refund id (metadata). */
  readonly reference: string;
}

/** The sandbox's record of one payment. */
export interface SandboxPayment {
  readonly id: string;
  /** The merchant's order id (metadata). */
  readonly reference: string;
  /** The merchant's payment id (metadata). */
  readonly merchantPaymentId: string;
  readonly method: 'card' | 'wallet' | 'bank_transfer';
  readonly currency: string;
  readonly amount: number;
  readonly status: SandboxStatus;
  readonly amountCapturable: number;
  readonly amountCaptured: number;
  readonly amountRefunded: number;
  readonly declineReason?: DeclineReason;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly canceledAt?: string;
  readonly captures: readonly SandboxCapture[];
  readonly refunds: readonly SandboxRefund[];
  readonly version: number;
}

/** What the sandbox does with a token. */
export function tokenOutcome(
  method: SandboxPayment['method'],
  token: string | undefined,
): { result: 'authorize' } | { result: 'processing' } | { result: 'decline'; reason: DeclineReason } {
  if (method === 'bank_transfer') return { result: 'processing' };
  switch (token) {
    case 'tok_visa':
    case 'tok_wallet':
      return { result: 'authorize' };
    case 'tok_chargeDeclined':
      return { result: 'decline', reason: 'declined' };
    case 'tok_insufficientFunds':
      return { result: 'decline', reason: 'insufficient_funds' };
    default:
      return { result: 'decline', reason: 'unknown_token' };
  }
}

/** Settings of the sandbox's behaviour. */
export interface SandboxBehaviour {
  /** Fee kept on each capture, in basis points (60 = 0.6 %). */
  readonly feeBasisPoints: number;
  /** How long an authorisation can be captured. */
  readonly authorizationTtlHours: number;
}

/** A new sandbox payment for an authorisation request. */
export function createSandboxPayment(
  input: { id: string; reference: string; merchantPaymentId: string; method: SandboxPayment['method']; amount: number; currency: string; token?: string },
  behaviour: SandboxBehaviour,
  now: Date,
): SandboxPayment {
  const outcome = tokenOutcome(input.method, input.token);
  const at = now.toISOString();
  const common = {
    id: input.id,
    reference: input.reference,
    merchantPaymentId: input.merchantPaymentId,
    method: input.method,
    currency: input.currency,
    amount: input.amount,
    amountCaptured: 0,
    amountRefunded: 0,
    createdAt: at,
    captures: [],
    refunds: [],
    version: 1,
  };
  if (outcome.result === 'decline') return { ...common, status: 'declined', amountCapturable: 0, declineReason: outcome.reason };
  if (outcome.result === 'processing') return { ...common, status: 'processing', amountCapturable: 0 };
  return { ...common, status: 'requires_capture', amountCapturable: input.amount, expiresAt: new Date(now.getTime() + behaviour.authorizationTtlHours * 3_600_000).toISOString() };
}

/** True when an authorisation can no longer be captured. */
export function isExpired(p: SandboxPayment, now: Date): boolean {
  return p.status === 'requires_capture' && p.expiresAt !== undefined && now.getTime() >= new Date(p.expiresAt).getTime();
}

/** The fee of a capture. */
export function captureFee(amount: number, currency: string, behaviour: SandboxBehaviour): number {
  return percentage(money(amount, currency), behaviour.feeBasisPoints).amount;
}

/** Captures `amount` (final by default). */
export function captureSandboxPayment(
  p: SandboxPayment,
  request: { amount: number; final: boolean; captureId: string },
  behaviour: SandboxBehaviour,
  now: Date,
): { ok: true; payment: SandboxPayment; capture: SandboxCapture } | { ok: false; reason: CaptureRefusal } {
  if (p.status === 'canceled' || p.status === 'declined') return { ok: false, reason: 'canceled' };
  if (p.status === 'succeeded') return { ok: false, reason: 'already_captured' };
  if (p.status !== 'requires_capture') return { ok: false, reason: 'not_capturable' };
  if (isExpired(p, now)) return { ok: false, reason: 'authorization_expired' };
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0 || request.amount > p.amountCapturable) return { ok: false, reason: 'amount_too_large' };
  const capture: SandboxCapture = {
    id: request.captureId,
    amount: request.amount,
    fee: captureFee(request.amount, p.currency, behaviour),
    at: now.toISOString(),
    final: request.final,
  };
  const left = p.amountCapturable - request.amount;
  const done = request.final || left === 0;
  return {
    ok: true,
    capture,
    payment: {
      ...p,
      status: done ? 'succeeded' : 'requires_capture',
      amountCapturable: done ? 0 : left,
      amountCaptured: p.amountCaptured + request.amount,
      captures: [...p.captures, capture],
      version: p.version + 1,
    },
  };
}

/** Cancels an authorisation or an awaited transfer. */
export function cancelSandboxPayment(p: SandboxPayment, now: Date): { ok: true; payment: SandboxPayment } | { ok: false; reason: 'already_captured' | 'not_voidable' } {
  if (p.status === 'succeeded' || p.amountCaptured > 0) return { ok: false, reason: 'already_captured' };
  if (p.status !== 'requires_capture' && p.status !== 'processing') return { ok: false, reason: 'not_voidable' };
  return { ok: true, payment: { ...p, status: 'canceled', amountCapturable: 0, canceledAt: now.toISOString(), version: p.version + 1 } };
}

/** Refunds `amount` of what was captured. */
export function refundSandboxPayment(
  p: SandboxPayment,
  request: { amount: number; refundId: string; reference: string },
  now: Date,
): { ok: true; payment: SandboxPayment; refund: SandboxRefund } | { ok: false; reason: 'exceeds_captured' | 'not_captured' } {
  if (p.amountCaptured === 0) return { ok: false, reason: 'not_captured' };
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0 || request.amount > p.amountCaptured - p.amountRefunded) return { ok: false, reason: 'exceeds_captured' };
  const refund: SandboxRefund = { id: request.refundId, amount: request.amount, at: now.toISOString(), reference: request.reference };
  return { ok: true, refund, payment: { ...p, amountRefunded: p.amountRefunded + request.amount, refunds: [...p.refunds, refund], version: p.version + 1 } };
}

/**
 * The customer's bank transfer arrived: an awaited transfer is captured in full. A transfer for a
 * cancelled payment is sent back by the bank (nothing happens here).
 */
export function receiveSandboxTransfer(
  p: SandboxPayment,
  captureId: string,
  behaviour: SandboxBehaviour,
  now: Date,
): { payment: SandboxPayment; capture: SandboxCapture } | undefined {
  if (p.status !== 'processing') return undefined;
  const capture: SandboxCapture = { id: captureId, amount: p.amount, fee: captureFee(p.amount, p.currency, behaviour), at: now.toISOString(), final: true };
  return { capture, payment: { ...p, status: 'succeeded', amountCaptured: p.amount, captures: [capture], version: p.version + 1 } };
}

/** The settlement line of a capture. */
export function captureLine(p: SandboxPayment, c: SandboxCapture): SettlementLine {
  return { transactionId: c.id, type: 'capture', providerPaymentId: p.id, reference: p.reference, amount: c.amount, fee: c.fee, currency: p.currency, at: c.at };
}

/** The settlement line of a refund. */
export function refundLine(p: SandboxPayment, r: SandboxRefund): SettlementLine {
  return { transactionId: r.id, type: 'refund', providerPaymentId: p.id, reference: p.reference, amount: r.amount, fee: 0, currency: p.currency, at: r.at };
}

/** The sandbox's chaos mode draws from the kernel's seeded generator. */
export { seededRandom } from '../../../../shared/seeded-random.ts';
