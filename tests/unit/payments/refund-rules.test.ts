/** Refund rules (PAY-2, RISK-7): threshold, what is refundable, maker-checker. */
import { describe, expect, it } from 'vitest';
import { approveRefund, makerCheckerViolation, needsApproval, newRefund, refundRefusal, rejectRefund } from '../../../functions/payments/domain/refund.ts';

const base = { refundId: 'R', orderId: 'O', paymentId: 'P', currency: 'CNY', reason: 'damaged', origin: 'staff' as const, requestedBy: 'cs-1', requestedAt: '2026-11-25T10:00:00.000Z' };

describe('refund rules (RISK-7)', () => {
  it('at or above the threshold (default CNY 1,000.00) a refund waits for approval; below it is processed at once', () => {
    expect(needsApproval(100_000, 100_000)).toBe(true);
    expect(needsApproval(99_999, 100_000)).toBe(false);
    expect(newRefund({ ...base, amount: 100_000 }, 100_000).status).toBe('pending_approval');
    expect(newRefund({ ...base, amount: 99_999 }, 100_000).status).toBe('processing');
    expect(newRefund({ ...base, origin: 'cancellation', amount: 10_000_000 }, 100_000).status).toBe('processing');
  });

  it('refuses more than refundable, nothing refundable, or another currency — with a message that says how much', () => {
    expect(refundRefusal({ amount: 5001, currency: 'CNY', paymentCurrency: 'CNY', refundable: 5000 })).toBe(
      'At most CNY 50.00 can be refunded (captured minus refunded and pending refunds); CNY 50.01 was requested.',
    );
    expect(refundRefusal({ amount: 1, currency: 'CNY', paymentCurrency: 'CNY', refundable: 0 })).toMatch(/Nothing is refundable/);
    expect(refundRefusal({ amount: 1, currency: 'USD', paymentCurrency: 'CNY', refundable: 100 })).toMatch(/CNY/);
    expect(refundRefusal({ amount: 5000, currency: 'CNY', paymentCurrency: 'CNY', refundable: 5000 })).toBeUndefined();
  });

  it('the approver must be someone else than the requester', () => {
    expect(makerCheckerViolation({ requestedBy: 'cs-1' }, 'cs-1')).toMatch(/different staff member/);
    expect(makerCheckerViolation({ requestedBy: 'cs-1' }, 'ops-2')).toBeUndefined();
  });

  it('approve and reject record who and when', () => {
    const pending = newRefund({ ...base, amount: 200_000 }, 100_000);
    const at = new Date('2026-11-25T11:00:00.000Z');
    expect(approveRefund(pending, 'ops-2', at)).toMatchObject({ status: 'processing', approvedBy: 'ops-2', approvedAt: at.toISOString(), version: 2 });
    expect(rejectRefund(pending, 'ops-2', 'not eligible', at)).toMatchObject({ status: 'rejected', rejectedBy: 'ops-2', rejectionNote: 'not eligible' });
  });
});
