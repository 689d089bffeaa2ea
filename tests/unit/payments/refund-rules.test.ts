/** Refund rules (PAY-2, RISK-7): threshold, what is refundable, maker-checker. */
import { describe, expect, it } from 'vitest';
import {
  approvalRequirement,
  approveRefund,
  makerCheckerViolation,
  newRefund,
  reasonRefusal,
  refundRefusal,
  rejectRefund,
  STAFF_REFUND_REASONS,
} from '../../../functions/payments/domain/refund.ts';

const base = {
  refundId: 'R',
  orderId: 'O',
  paymentId: 'P',
  currency: 'CNY',
  reason: 'damaged-or-defective',
  origin: 'staff' as const,
  requestedBy: 'cs-1',
  requestedAt: '2026-11-25T10:00:00.000Z',
};

describe('refund rules (RISK-7)', () => {
  const policy = { thresholdMinor: 100_000, staffDailyCapMinor: 500_000 };
  const requirement = (amount: number, refundedOrPendingOnOrder = 0, staffRefundedToday = 0) =>
    approvalRequirement({ amount, refundedOrPendingOnOrder, staffRefundedToday, policy });

  it('a refund that brings the order to the threshold (default CNY 1,000.00) or more waits for approval; below it is processed at once', () => {
    expect(requirement(100_000)).toBe('order-threshold');
    expect(requirement(99_999)).toBeUndefined();
    expect(newRefund({ ...base, amount: 100_000 }, requirement(100_000))).toMatchObject({ status: 'pending_approval', approvalRequiredBy: 'order-threshold' });
    expect(newRefund({ ...base, amount: 99_999 }, requirement(99_999)).status).toBe('processing');
  });

  it('the threshold counts everything already refunded and pending on the order: a split refund still needs a second approver', () => {
    // CNY 5,000 refunded as CNY 999.99 pieces: the first goes through, the second waits.
    expect(requirement(99_999, 0)).toBeUndefined();
    expect(requirement(99_999, 99_999)).toBe('order-threshold');
    expect(requirement(1, 99_999)).toBe('order-threshold');
    expect(requirement(1, 99_998)).toBeUndefined();
  });

  it('a staff member above their daily cap (default CNY 5,000.00) needs a second approver, however small each order', () => {
    expect(requirement(50_000, 0, 450_000)).toBeUndefined();
    expect(requirement(50_001, 0, 450_000)).toBe('staff-daily-cap');
    expect(requirement(100, 0, 500_000)).toBe('staff-daily-cap');
  });

  it("refund reasons are an enumeration; 'fraud' (it labels the customer) is for risk analysts only", () => {
    expect(STAFF_REFUND_REASONS).toContain('fraud');
    expect(reasonRefusal('fraud', ['cs-agent'])).toMatch(/risk-analyst/);
    expect(reasonRefusal('fraud', ['ops', 'admin'])).toMatch(/risk-analyst/);
    expect(reasonRefusal('fraud', ['risk-analyst'])).toBeUndefined();
    for (const reason of STAFF_REFUND_REASONS.filter((r) => r !== 'fraud')) expect(reasonRefusal(reason, ['cs-agent'])).toBeUndefined();
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
    const pending = newRefund({ ...base, amount: 200_000 }, 'order-threshold');
    const at = new Date('2026-11-25T11:00:00.000Z');
    expect(approveRefund(pending, 'ops-2', at)).toMatchObject({ status: 'processing', approvedBy: 'ops-2', approvedAt: at.toISOString(), version: 2 });
    expect(rejectRefund(pending, 'ops-2', 'not eligible', at)).toMatchObject({ status: 'rejected', rejectedBy: 'ops-2', rejectionNote: 'not eligible' });
  });
});
