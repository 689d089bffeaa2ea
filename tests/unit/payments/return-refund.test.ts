/**
 * Refunds of returns (AFT-1), pure parts: the refund record of a return and its PaymentRefunded.
 */
import { describe, expect, it } from 'vitest';
import {
  captureSucceeded,
  newPayment,
  refundReserved,
  refundSucceeded,
  startAuthorization,
  authorizationSucceeded,
  type TransitionContext,
} from '../../../functions/payments/domain/payment.ts';
import { RefundSchema, newRefund } from '../../../functions/payments/domain/refund.ts';
import { returnRefundId, returnRefundReason } from '../../../functions/payments/return-refunds.ts';

let n = 0;
const ctx: TransitionContext = { now: new Date('2026-11-28T10:00:00.000Z'), newId: () => `01JD7ZKD31V8Q4N6M5R9T0W${String(++n).padStart(3, '0')}` };
const returnId = '01JD7ZKG61V8Q4N6M5R9T0W1YK';
const at = '2026-11-28T10:00:01.000Z';

describe('return refunds (AFT-1)', () => {
  it('AFT-1: the refund of a return is identified by the return (once per return) and stored with its origin and returnId', () => {
    expect(returnRefundId(returnId)).toBe(returnId);
    expect(returnRefundReason('damaged')).toBe('return-damaged');
    const refund = newRefund(
      {
        refundId: returnId,
        orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
        paymentId: '01JD7ZKB11V8Q4N6M5R9T0W1YE',
        currency: 'CNY',
        amount: 5000,
        reason: 'return-damaged',
        origin: 'return',
        returnId,
        requestedBy: 'ops-1',
        requestedAt: at,
      },
      undefined,
    );
    expect(RefundSchema().parse(refund)).toMatchObject({ origin: 'return', returnId, status: 'processing' });
    expect(newRefund({ ...refund }, 'order-threshold')).toMatchObject({ status: 'pending_approval', approvalRequiredBy: 'order-threshold' });
  });

  it('AFT-1: PaymentRefunded carries the returnId when the refund is a return’s, and none otherwise', () => {
    const order = { orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB', customerId: 'alice', method: 'card' as const, amount: 23040, currency: 'CNY' };
    const started = startAuthorization(newPayment(order, ctx), '2026-11-28', ctx).payment;
    const authorized = authorizationSucceeded(started, { providerPaymentId: 'pay_1', amount: 23040, at, expiresAt: '2026-12-05T10:00:00.000Z' }, ctx).payment;
    const captured = captureSucceeded(authorized, { captureId: 'cap_1', amount: 23040, fee: 138, at, final: true }, ctx).payment;
    const reserved = refundReserved(refundReserved(captured, 5000, ctx), 1000, ctx);
    const forReturn = refundSucceeded(reserved, { refundId: returnId, amount: 5000, reason: 'return-damaged', at, returnId }, ctx);
    expect(forReturn.events.find((e) => e.definition.name === 'PaymentRefunded')?.payload).toMatchObject({ returnId, refundId: returnId });
    const staff = refundSucceeded(forReturn.payment, { refundId: '01JD7ZKC21V8Q4N6M5R9T0W1YF', amount: 1000, reason: 'goodwill', at }, ctx);
    expect(staff.events.find((e) => e.definition.name === 'PaymentRefunded')?.payload).not.toHaveProperty('returnId');
  });
});
