/**
 * The payment state machine (PAY-1, PAY-2, ORD-6): transitions, their ledger movements and
 * events, and the order-tolerant decisions the consumers take.
 */
import { describe, expect, it } from 'vitest';
import { balancesOf } from '../../../functions/payments/domain/ledger.ts';
import {
  authorizationExpired,
  authorizationFailed,
  authorizationPending,
  authorizationSucceeded,
  capturable,
  captureSucceeded,
  codAccepted,
  completeTombstone,
  decideAuthorization,
  decideCapture,
  decideRelease,
  lateAuthorizationVoided,
  markReleased,
  newPayment,
  PaymentStateError,
  refundable,
  refundReserved,
  refundSucceeded,
  refundUnreserved,
  releasedBeforeAuthorization,
  startAuthorization,
  tombstone,
  transferReceived,
  voidSucceeded,
  type Payment,
  type TransitionContext,
} from '../../../functions/payments/domain/payment.ts';

let n = 0;
const ctx: TransitionContext = { now: new Date('2026-11-23T08:00:00.000Z'), newId: () => `01JD7ZKD31V8Q4N6M5R9T0W${String(++n).padStart(3, '0')}` };
const order = (method: Payment['method'] = 'card', amount = 23040) => ({ orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB', customerId: 'alice', method, amount, currency: 'CNY' });
const at = '2026-11-23T08:00:03.000Z';
const names = (t: { events: readonly { definition: { name: string } }[] }) => t.events.map((e) => e.definition.name);

function authorized(amount = 23040): Payment {
  const p = startAuthorization(newPayment(order('card', amount), ctx), '2026-11-23', ctx).payment;
  return authorizationSucceeded(p, { providerPaymentId: 'pay_sbx_1', amount, expiresAt: '2026-11-30T08:00:00.000Z', at }, ctx).payment;
}

describe('authorisation (PAY-1)', () => {
  it('card: new → authorised with a hold in the ledger and PaymentAuthorized(captureOn shipment)', () => {
    const started = startAuthorization(newPayment(order(), ctx), '2026-11-23', ctx);
    expect(started.limitDelta).toBe(23040);
    const t = authorizationSucceeded(started.payment, { providerPaymentId: 'pay_sbx_1', amount: 23040, at }, ctx);
    expect(t.payment).toMatchObject({ status: 'authorized', captureOn: 'shipment', authorizedAmount: 23040, version: 3 });
    expect(balancesOf(t.movements).held).toBe(23040);
    expect(names(t)).toEqual(['PaymentAuthorized']);
    expect(t.events[0]!.payload).toMatchObject({ captureOn: 'shipment', amount: { amount: 23040, currency: 'CNY' } });
  });

  it('declined → failed, and the customer is told and operations alerted (ORD-6); the limit is released', () => {
    const started = startAuthorization(newPayment(order(), ctx), '2026-11-23', ctx).payment;
    const t = authorizationFailed(started, 'insufficient_funds', ctx, 'pay_sbx_2');
    expect(t.payment).toMatchObject({ status: 'failed', failureReason: 'insufficient_funds', limit: { counted: false } });
    expect(t.limitDelta).toBe(-23040);
    expect(names(t)).toEqual(['PaymentFailed', 'CustomerNotificationRequested', 'ProblemOrderRaised']);
    expect(t.events[1]!.payload).toMatchObject({ template: 'payment-failed', customerId: 'alice' });
    expect(t.events[2]!.payload).toMatchObject({ problem: 'payment-failed' });
  });

  it('bank transfer: pending → funds received → captured at once (captureOn already-captured)', () => {
    const pending = authorizationPending(newPayment(order('bank_transfer'), ctx), { providerPaymentId: 'pay_bt', at }, ctx);
    expect(names(pending)).toEqual(['PaymentPending']);
    const t = transferReceived(pending.payment, { captureId: 'cap_bt', amount: 23040, fee: 138, at }, ctx);
    expect(t.payment).toMatchObject({ status: 'captured', captureOn: 'already-captured', capturedAmount: 23040 });
    expect(names(t)).toEqual(['PaymentAuthorized', 'PaymentCaptured']);
    expect(t.events[0]!.payload).toMatchObject({ captureOn: 'already-captured' });
    expect(balancesOf(t.movements)).toMatchObject({ held: 0, captured: 23040, fees: 138, balanced: true });
  });

  it('cash on delivery: nothing to authorise — PaymentAuthorized(captureOn delivery), no ledger movement', () => {
    const t = codAccepted(newPayment(order('cod'), ctx), '2026-11-23', ctx);
    expect(t.payment).toMatchObject({ status: 'authorized', captureOn: 'delivery' });
    expect(t.movements).toEqual([]);
    expect(t.events[0]!.payload).toMatchObject({ captureOn: 'delivery' });
  });

  it('decisions are order-tolerant: wait before OrderPlaced, never after a cancellation, skip duplicates', () => {
    expect(decideAuthorization(undefined)).toMatchObject({ action: 'wait' });
    expect(decideAuthorization(tombstone(order(), 'order-cancelled', ctx))).toMatchObject({ action: 'skip' });
    expect(decideAuthorization(newPayment(order(), ctx))).toEqual({ action: 'authorize' });
    expect(decideAuthorization(newPayment(order('cod'), ctx))).toEqual({ action: 'accept-cod' });
    expect(decideAuthorization(authorized())).toMatchObject({ action: 'skip' });
    const startedThenCancelled = releasedBeforeAuthorization(startAuthorization(newPayment(order(), ctx), 'd', ctx).payment, 'order-cancelled', ctx).payment;
    expect(decideAuthorization(startedThenCancelled)).toEqual({ action: 'resolve-released' });
  });

  it('a late authorisation for a released payment is recorded and voided at once (the ledger shows both)', () => {
    const released = releasedBeforeAuthorization(startAuthorization(newPayment(order(), ctx), 'd', ctx).payment, 'order-cancelled', ctx).payment;
    const t = lateAuthorizationVoided(released, { providerPaymentId: 'pay_late', amount: 23040, at }, ctx, at);
    expect(t.payment.status).toBe('voided');
    expect(t.movements.map((m) => m.kind)).toEqual(['authorization', 'void']);
    expect(balancesOf(t.movements)).toMatchObject({ held: 0, balanced: true });
    expect(names(t)).toEqual(['PaymentVoided']);
  });

  it('a tombstone completed by a late OrderPlaced stays cancelled', () => {
    const t = tombstone(order('card', 1), 'order-cancelled', ctx);
    const completed = completeTombstone(t, order(), ctx);
    expect(completed).toMatchObject({ status: 'cancelled', orderKnown: true, amount: 23040 });
  });
});

describe('capture (PAY-2)', () => {
  it('full capture at shipment: hold released, receivable booked, fee recorded, PaymentCaptured', () => {
    const t = captureSucceeded(authorized(), { captureId: 'cap_1', amount: 23040, fee: 138, at }, ctx);
    expect(t.payment).toMatchObject({ status: 'captured', capturedAmount: 23040, feeAmount: 138 });
    expect(t.movements.map((m) => m.movementId)).toEqual(['CAPTURE#cap_1', 'FEE#cap_1']);
    expect(names(t)).toEqual(['PaymentCaptured']);
  });

  it('a final partial capture releases the rest of the hold; a non-final one keeps it capturable', () => {
    const p = authorized(10_000);
    const final = captureSucceeded(p, { captureId: 'c1', amount: 6000, fee: 0, at }, ctx);
    expect(final.payment.status).toBe('captured');
    expect(balancesOf([...authorizationMovementsOf(p), ...final.movements]).held).toBe(0);
    const partial = captureSucceeded(p, { captureId: 'c1', amount: 6000, fee: 0, at, final: false }, ctx);
    expect(partial.payment).toMatchObject({ status: 'authorized', capturedAmount: 6000 });
    expect(capturable(partial.payment)).toBe(4000);
    const rest = captureSucceeded(partial.payment, { captureId: 'c2', amount: 4000, fee: 0, at, final: false }, ctx);
    expect(rest.payment.status).toBe('captured');
  });

  it('never captures more than authorised', () => {
    expect(() => captureSucceeded(authorized(100), { captureId: 'c', amount: 101, fee: 0, at }, ctx)).toThrow(PaymentStateError);
  });

  it('decisions: card at shipment, cash on delivery at delivery, never after a release, wait while not yet authorised', () => {
    expect(decideCapture(authorized(), 'shipment')).toEqual({ action: 'capture', amount: 23040 });
    expect(decideCapture(authorized(), 'delivery')).toEqual({ action: 'capture', amount: 23040 });
    const cod = codAccepted(newPayment(order('cod'), ctx), 'd', ctx).payment;
    expect(decideCapture(cod, 'shipment')).toMatchObject({ action: 'skip' });
    expect(decideCapture(cod, 'delivery')).toEqual({ action: 'capture', amount: 23040 });
    expect(decideCapture(markReleased(authorized(), 'order-cancelled', ctx), 'shipment')).toMatchObject({ action: 'skip' });
    expect(decideCapture(newPayment(order(), ctx), 'shipment')).toMatchObject({ action: 'wait' });
    expect(decideCapture(undefined, 'shipment')).toMatchObject({ action: 'wait' });
  });

  it('an expired authorisation becomes a problem order: hold released, PaymentFailed(expired)', () => {
    const t = authorizationExpired(authorized(), ctx);
    expect(t.payment.status).toBe('expired');
    expect(t.movements.map((m) => m.kind)).toEqual(['expiry']);
    expect(t.events[0]!.payload).toMatchObject({ reason: 'expired' });
  });
});

describe('release: void or refund (PAY-2)', () => {
  it('decides void before capture, refund after, cancel before authorisation, tombstone when unknown', () => {
    expect(decideRelease(undefined)).toEqual({ action: 'tombstone' });
    expect(decideRelease(newPayment(order(), ctx))).toEqual({ action: 'cancel' });
    expect(decideRelease(authorized())).toEqual({ action: 'void' });
    expect(decideRelease(codAccepted(newPayment(order('cod'), ctx), 'd', ctx).payment)).toEqual({ action: 'void-cod' });
    const captured = captureSucceeded(authorized(), { captureId: 'c', amount: 23040, fee: 0, at }, ctx).payment;
    expect(decideRelease(captured)).toEqual({ action: 'refund', amount: 23040 });
    expect(decideRelease(voidSucceeded(authorized(), 'x', ctx).payment)).toMatchObject({ action: 'none' });
  });

  it('a void releases the hold and the limit, and emits PaymentVoided', () => {
    const t = voidSucceeded(authorized(), 'order-cancelled', ctx);
    expect(t.payment).toMatchObject({ status: 'voided', releaseReason: 'order-cancelled' });
    expect(t.limitDelta).toBe(-23040);
    expect(t.movements.map((m) => m.kind)).toEqual(['void']);
  });
});

describe('refunds (PAY-2, AFT-1)', () => {
  const captured = () => captureSucceeded(authorized(), { captureId: 'c', amount: 23040, fee: 138, at }, ctx).payment;

  it('partial and repeated refunds never exceed captured minus refunded minus pending', () => {
    let p = refundReserved(captured(), 20000, ctx);
    expect(refundable(p)).toBe(3040);
    expect(() => refundReserved(p, 3041, ctx)).toThrow(PaymentStateError);
    const first = refundSucceeded(p, { refundId: 'R1', amount: 20000, reason: 'damaged', at }, ctx);
    p = first.payment;
    expect(p).toMatchObject({ status: 'partially_refunded', refundedAmount: 20000, refundPendingAmount: 0 });
    expect(first.events[0]!.payload).toMatchObject({ refundId: 'R1', amount: { amount: 20000 }, refundedTotal: { amount: 20000 } });
    p = refundReserved(p, 3040, ctx);
    const second = refundSucceeded(p, { refundId: 'R2', amount: 3040, reason: 'damaged', at }, ctx);
    expect(second.payment).toMatchObject({ status: 'refunded', refundedAmount: 23040 });
    expect(refundable(second.payment)).toBe(0);
  });

  it('a refund must be reserved first; an unreserved one is released', () => {
    expect(() => refundSucceeded(captured(), { refundId: 'R', amount: 1, reason: 'x', at }, ctx)).toThrow(PaymentStateError);
    const p = refundReserved(captured(), 100, ctx);
    expect(refundUnreserved(p, 100, ctx).refundPendingAmount).toBe(0);
  });
});

function authorizationMovementsOf(p: Payment) {
  return authorizationSucceeded({ ...p, status: 'new' }, { providerPaymentId: 'x', amount: p.authorizedAmount, at }, ctx).movements;
}
