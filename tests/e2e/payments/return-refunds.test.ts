/**
 * Refunds of returns end to end through the local cloud (AFT-1): `ReturnRefundRequested` on the bus
 * → the rule → `RefundReturnQueue` → refunded once per return (refund id = return id) through the
 * sandbox provider; a large one waits for another staff member's approval over HTTP.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { OrderShipped } from '../../../events/fulfillment-events.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { ReturnRefundRequested } from '../../../events/return-events.ts';
import { RiskApproved } from '../../../events/risk-assessed.ts';
import { api, poll, putEvent, tokenFor } from '../../support/e2e.ts';
import { newOrder, orderPlaced, paymentView, untilPayment, type E2eOrder } from './support.ts';

async function capturedOrder(amount: number): Promise<E2eOrder> {
  const o = newOrder('card', amount);
  await putEvent(OrderPlaced, await orderPlaced(o));
  await untilPayment(o.orderId, ['new']);
  await putEvent(RiskApproved, { ...RiskApproved.example, orderId: o.orderId, customerId: o.customerId, assessmentId: ulid(), decidedAt: new Date().toISOString() });
  await untilPayment(o.orderId, ['authorized']);
  await putEvent(OrderShipped, { orderId: o.orderId, shipmentIds: [ulid()], shippedAt: new Date().toISOString() });
  await untilPayment(o.orderId, ['captured']);
  return o;
}

const refundRequest = (o: E2eOrder, returnId: string, amount: number, requestedBy: string) => ({
  returnId,
  orderId: o.orderId,
  customerId: o.customerId,
  amount: { amount, currency: 'CNY' },
  reason: 'damaged' as const,
  express: false,
  requestedBy,
  requestedAt: new Date().toISOString(),
});

describe('refunds of returns (e2e, local cloud)', () => {
  it('AFT-1: refunded once per return though published twice; a large one waits for another staff member to approve it', async () => {
    const o = await capturedOrder(300_000);
    const small = ulid();
    await putEvent(ReturnRefundRequested, refundRequest(o, small, 5000, 'e2e-returns-ops'));
    await putEvent(ReturnRefundRequested, refundRequest(o, small, 5000, 'e2e-returns-ops'));
    const refunded = await untilPayment(o.orderId, ['partially_refunded']);
    expect(refunded?.refunds).toEqual([expect.objectContaining({ refundId: small, status: 'succeeded' })]);

    const large = ulid();
    await putEvent(ReturnRefundRequested, refundRequest(o, large, 150_000, 'e2e-returns-ops'));
    const waiting = await poll(
      () => paymentView(o.orderId),
      (v) => v?.refunds.some((r) => r.refundId === large) === true,
    );
    expect(waiting?.refunds.find((r) => r.refundId === large)).toMatchObject({ status: 'pending_approval' });
    const approve = async (sub: string) =>
      api(`/orders/${o.orderId}/refunds/${large}/approve`, { method: 'POST', token: await tokenFor(sub, ['ops']), headers: { 'idempotency-key': ulid() } });
    expect((await approve('e2e-returns-ops')).status).toBe(403);
    expect((await approve('e2e-other-ops')).status).toBe(201);
    const done = await paymentView(o.orderId);
    expect(done?.payment.refundedAmount).toBe(155_000);
    expect(done?.refunds.map((r) => [r.refundId, r.status]).sort()).toEqual(
      [
        [large, 'succeeded'],
        [small, 'succeeded'],
      ].sort(),
    );
  });
});
