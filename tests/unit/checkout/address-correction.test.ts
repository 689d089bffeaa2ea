/**
 * ORD-6: the customer corrects the shipping address before approval, and the order waits for
 * fraud's re-assessment. The pure state machine: which orders may be corrected, how often, what a
 * correction records, and how an authorised payment waits until a risk decision that took the
 * correction into account arrives — never approved on an older decision.
 */
import { describe, expect, it } from 'vitest';
import { decide, MAX_ADDRESS_CORRECTIONS, type Order, type OrderFact } from '../../../functions/checkout/domain/order.ts';
import { cny, orderFixture } from '../../support/orders.ts';

const now = new Date('2026-06-01T12:00:00.000Z');
const ctx = { now, balanceWindowHours: 168 };
const personal = { name: 'enc:name', phone: 'enc:phone', line1: 'enc:line1', city: 'enc:city', postalCode: 'enc:pc', email: 'enc:email' } as unknown as NonNullable<
  Order['personal']
>;
const correct: OrderFact = { type: 'CorrectAddress', actor: 'alice', personal, shippingRegion: 'south', riskSignals: { addressHash: 'a'.repeat(64), phoneHash: 'b'.repeat(64) } };
const authorized: OrderFact = { type: 'PaymentAuthorized', paymentId: 'P1', amount: cny(10000), captureOn: 'shipment', at: '2026-06-01T12:01:00.000Z' };
const approved = (addressCorrections?: number): OrderFact => ({
  type: 'RiskApproved',
  decision: {
    assessmentId: '01JD7ZK9Q1V8Q4N6M5R9T0W1YC',
    score: 10,
    level: 'low',
    rulesFired: [],
    decidedBy: 'rules',
    decidedAt: '2026-06-01T12:02:00.000Z',
    ...(addressCorrections ? { addressCorrections } : {}),
  },
});
const apply = (order: Order, fact: OrderFact): Order => {
  const d = decide(order, fact, ctx);
  if (d.kind !== 'change') throw new Error(`ignored: ${d.reason}`);
  return { ...order, ...d.patch, version: order.version + 1 };
};

describe('address correction (ORD-6)', () => {
  it('a PLACED or IN_REVIEW order takes the new address and zone, notes it on the timeline without a status change, and waits for risk', () => {
    for (const status of ['PLACED', 'IN_REVIEW'] as const) {
      const d = decide(orderFixture({ status, total: cny(10000) }), correct, ctx);
      expect(d.kind).toBe('change');
      if (d.kind !== 'change') continue;
      expect(d.patch).toMatchObject({ personal, shippingRegion: 'south', addressCorrection: { count: 1, correctedAt: now.toISOString(), awaitingRisk: true } });
      expect(d.transition).toBeUndefined();
      expect(d.note).toEqual({ at: now.toISOString(), from: status, to: status, reason: 'address-corrected', actor: 'alice' });
      expect(d.addressCorrected?.riskSignals).toEqual({ addressHash: 'a'.repeat(64), phoneHash: 'b'.repeat(64) });
    }
  });

  it('an approved, allocated, shipped or finished order cannot be corrected; nor one corrected as often as allowed', () => {
    for (const status of ['APPROVED', 'FULFILLING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REJECTED', 'PAYMENT_FAILED'] as const) {
      expect(decide(orderFixture({ status }), correct, ctx)).toMatchObject({ kind: 'ignore', reason: expect.stringMatching(/^not-correctable/) });
    }
    let order = orderFixture();
    for (let i = 0; i < MAX_ADDRESS_CORRECTIONS; i++) order = apply(order, correct);
    expect(order.addressCorrection?.count).toBe(MAX_ADDRESS_CORRECTIONS);
    expect(decide(order, correct, ctx)).toMatchObject({ kind: 'ignore', reason: expect.stringMatching(/^correction-limit/) });
  });

  it('SEC-3: an order whose personal data was erased meanwhile is not corrected (a correction read before the erasure must not write it back)', () => {
    const { personal: _personal, ...rest } = orderFixture({ status: 'PLACED' });
    const erased: Order = { ...rest, personalDataErasedAt: '2026-06-01T12:01:00.000Z' };
    expect(decide(erased, correct, ctx)).toMatchObject({ kind: 'ignore', reason: expect.stringMatching(/^erased/) });
  });

  it('an authorised payment waits; an older decision (or one before the latest correction) does not release it; the re-assessment approves', () => {
    let order = apply(orderFixture({ status: 'PLACED', total: cny(10000), amountDue: cny(10000) }), correct);
    order = apply(order, authorized);
    expect(order.status).toBe('PLACED');
    expect(order.payment.status).toBe('authorized');

    // The placement's own assessment (no corrections counted) arriving late: recorded, still waiting.
    const late = decide(order, approved(), ctx);
    expect(late.kind === 'change' ? late.transition : undefined).toBeUndefined();
    expect(late.kind === 'change' ? late.patch.addressCorrection : undefined).toBeUndefined();

    // A second correction; the re-assessment of the first one does not release it either.
    order = apply(order, correct);
    const first = decide(order, approved(1), ctx);
    expect(first.kind === 'change' ? first.transition : undefined).toBeUndefined();

    const reassessed = decide(order, approved(2), ctx);
    expect(reassessed.kind).toBe('change');
    if (reassessed.kind !== 'change') return;
    expect(reassessed.transition).toMatchObject({ from: 'PLACED', to: 'APPROVED', reason: 'address-reassessed' });
    expect(reassessed.patch.addressCorrection).toMatchObject({ count: 2, awaitingRisk: false });
  });

  it('the re-assessment can send the order to review or reject it; once released, a later payment approves as usual', () => {
    const corrected = apply(orderFixture({ status: 'PLACED', total: cny(10000), amountDue: cny(10000) }), correct);
    const review: OrderFact = { type: 'RiskReviewRequired', decision: { ...(approved(1) as { decision: object }).decision, score: 60, level: 'medium' } as never };
    expect(decide(corrected, review, ctx)).toMatchObject({ kind: 'change', transition: { to: 'IN_REVIEW' }, patch: { addressCorrection: { awaitingRisk: false } } });
    const rejected: OrderFact = { type: 'RiskRejected', decision: { ...(approved(1) as { decision: object }).decision, score: 90, level: 'high' } as never };
    expect(decide(corrected, rejected, ctx)).toMatchObject({ kind: 'change', transition: { to: 'REJECTED' } });
    // Approved by the re-assessment before the payment: the payment then approves it.
    const released = apply(corrected, approved(1));
    expect(released.status).toBe('PLACED');
    expect(decide(released, authorized, ctx)).toMatchObject({ kind: 'change', transition: { to: 'APPROVED' } });
  });
});
