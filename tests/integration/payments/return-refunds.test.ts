/**
 * Refunds of returns (AFT-1, PAY-2, RISK-7): `ReturnRefundRequested` through the real consumer
 * against DynamoDB Local — once per return, never more than refundable (refused without a retry
 * loop), large ones wait for a second approver, `PaymentRefunded` carries the returnId; cash on
 * delivery and bank transfers refunded as any refund is.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { newId } from '../../../shared/ids.ts';
import { ProviderUnavailableError, type PaymentProvider } from '../../../functions/payments/provider/port.ts';
import { sandboxWebhookVerifier } from '../../../functions/payments/provider/sandbox/sandbox-webhook.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, WEBHOOK_SECRET, type PaymentsHarness, type TestOrder } from './harness.ts';

let h: PaymentsHarness;

beforeAll(() => {
  useLocalDynamoDb();
  h = paymentsHarness();
});

async function capturedOrder(amount = 300_000, method: 'card' | 'cod' | 'bank_transfer' = 'card'): Promise<TestOrder> {
  const o = h.newOrder(method, amount);
  expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
  expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
  if (method === 'bank_transfer') await h.deliverSandbox();
  else expect(await h.deliver(method === 'cod' ? 'OrderDelivered' : 'OrderShipped', method === 'cod' ? h.events.delivered(o) : h.events.shipped(o))).toBe(true);
  expect((await h.repo.getPayment(o.orderId))!.payment.status).toBe('captured');
  return o;
}

const refundedEvents = (orderId: string) =>
  h.published.filter((e) => e.definition.name === 'PaymentRefunded' && (e.payload as { orderId: string }).orderId === orderId).map((e) => e.payload as Record<string, unknown>);
const problems = (orderId: string) =>
  h.published.filter((e) => e.definition.name === 'ProblemOrderRaised' && (e.payload as { orderId: string }).orderId === orderId).map((e) => e.payload as Record<string, unknown>);

describe('ReturnRefundRequested → refund to the original payment method (AFT-1)', () => {
  it('AFT-1: refunded once per return even when delivered twice (same and another event id); PaymentRefunded carries the returnId', async () => {
    const o = await capturedOrder(300_000);
    const returnId = newId();
    const eventId = newId();
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(o, { returnId, amount: 5000, eventId }))).toBe(true);
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(o, { returnId, amount: 5000, eventId }))).toBe(true);
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(o, { returnId, amount: 5000 }))).toBe(true);

    const refunds = await h.repo.listRefunds(o.orderId);
    expect(refunds).toMatchObject([{ refundId: returnId, returnId, origin: 'return', status: 'succeeded', amount: 5000, reason: 'return-damaged', requestedBy: 'ops-returns' }]);
    const payment = (await h.repo.getPayment(o.orderId))!.payment;
    expect(payment).toMatchObject({ status: 'partially_refunded', refundedAmount: 5000, refundPendingAmount: 0 });
    expect((await h.store.getPayment(payment.providerPaymentId as string))?.amountRefunded).toBe(5000);
    const events = refundedEvents(o.orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ returnId, refundId: returnId, amount: { amount: 5000, currency: 'CNY' }, method: 'card' });
  });

  it('AFT-1: more than refundable is refused without a retry loop: recorded once, ProblemOrderRaised return-refund-refused, nothing moves', async () => {
    const o = await capturedOrder(50_000);
    const returnId = newId();
    // The record succeeds (no redelivery, no DLQ)…
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(o, { returnId, amount: 50_001 }))).toBe(true);
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(o, { returnId, amount: 50_001 }))).toBe(true);
    // …the refusal is on record, once, for operations.
    const [refund, ...more] = await h.repo.listRefunds(o.orderId);
    expect(more).toEqual([]);
    expect(refund).toMatchObject({ refundId: returnId, returnId, status: 'failed', amount: 50_001 });
    expect(refund!.failureReason).toMatch(/^refused: At most CNY 500\.00 can be refunded/);
    expect(problems(o.orderId)).toMatchObject([{ problem: 'return-refund-refused', raisedBy: 'payments' }]);
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ status: 'captured', refundedAmount: 0, refundPendingAmount: 0 });
    expect(refundedEvents(o.orderId)).toEqual([]);
    // What is refundable counts pending refunds too: a second return may take only what is left.
    const first = newId();
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(o, { returnId: first, amount: 30_000 }))).toBe(true);
    const second = newId();
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(o, { returnId: second, amount: 20_001 }))).toBe(true);
    expect((await h.repo.getRefund(o.orderId, second))?.status).toBe('failed');
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundedAmount: 30_000 });
  });

  it('AFT-1, RISK-7: at or above the threshold it waits for a second approver; the returns actor cannot approve; another staff member does → PaymentRefunded with the returnId', async () => {
    const o = await capturedOrder(300_000);
    const returnId = newId();
    const actor = `ops-returns-${newId()}`;
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(o, { returnId, amount: 100_000, requestedBy: actor }))).toBe(true);
    expect(await h.repo.getRefund(o.orderId, returnId)).toMatchObject({ status: 'pending_approval', approvalRequiredBy: 'order-threshold', requestedBy: actor, returnId });
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundPendingAmount: 100_000, refundedAmount: 0 });
    // A redelivery while it waits changes nothing.
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(o, { returnId, amount: 100_000, requestedBy: actor }))).toBe(true);
    expect(await h.repo.listRefunds(o.orderId)).toHaveLength(1);
    expect(refundedEvents(o.orderId)).toEqual([]);

    const approve = (sub: string) =>
      h.http(h.handlers.approveRefund, {
        path: `/orders/${o.orderId}/refunds/${returnId}/approve`,
        resource: '/orders/{orderId}/refunds/{refundId}/approve',
        pathParameters: { orderId: o.orderId, refundId: returnId },
        sub,
        roles: ['ops'],
        key: newId(),
      });
    expect((await approve(actor)).status).toBe(403);
    const approved = await approve(`ops-${newId()}`);
    expect(approved.status).toBe(201);
    expect(approved.json).toMatchObject({ status: 'succeeded', origin: 'return', returnId });
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundedAmount: 100_000, refundPendingAmount: 0 });
    expect(refundedEvents(o.orderId)).toMatchObject([{ returnId, refundId: returnId, amount: { amount: 100_000, currency: 'CNY' } }]);
  });

  it('AFT-1: a refund executed alone counts towards the returns actor’s daily cap like a staff refund', async () => {
    const actor = `ops-cap-${newId()}`;
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const o = await capturedOrder(300_000);
      const returnId = newId();
      expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(o, { returnId, amount: 90_000, requestedBy: actor }))).toBe(true);
      outcomes.push((await h.repo.getRefund(o.orderId, returnId))!.status);
    }
    expect(outcomes).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'pending_approval']);
  });

  it('AFT-1: cash on delivery is refunded as today (paid out by operations, recorded at once); a bank transfer through the provider', async () => {
    const cod = await capturedOrder(20_000, 'cod');
    const codReturn = newId();
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(cod, { returnId: codReturn, amount: 20_000 }))).toBe(true);
    expect(await h.repo.getRefund(cod.orderId, codReturn)).toMatchObject({ status: 'succeeded' });
    expect((await h.repo.getPayment(cod.orderId))!.payment).toMatchObject({ status: 'refunded', refundedAmount: 20_000 });
    expect(refundedEvents(cod.orderId)).toMatchObject([{ returnId: codReturn, method: 'cod' }]);

    const transfer = await capturedOrder(40_000, 'bank_transfer');
    const transferReturn = newId();
    expect(await h.deliver('ReturnRefundRequested', h.events.returnRefund(transfer, { returnId: transferReturn, amount: 15_000 }))).toBe(true);
    const payment = (await h.repo.getPayment(transfer.orderId))!.payment;
    expect(payment).toMatchObject({ status: 'partially_refunded', refundedAmount: 15_000 });
    expect((await h.store.getPayment(payment.providerPaymentId as string))?.amountRefunded).toBe(15_000);
    expect(refundedEvents(transfer.orderId)).toMatchObject([{ returnId: transferReturn, method: 'bank_transfer' }]);
  });
});

describe('a return refund completed by the provider’s webhook (AFT-1)', () => {
  it('AFT-1: the refund call times out after the provider refunded: it stays processing (record redelivered), the webhook completes it → PaymentRefunded with the returnId, once', async () => {
    // The sandbox, except that every refund call times out after the sandbox made it.
    const provider = (): PaymentProvider => {
      const sandbox = f.sandbox;
      return {
        name: sandbox.name,
        authorize: (r) => sandbox.authorize(r),
        capture: (r) => sandbox.capture(r),
        void: (r) => sandbox.void(r),
        settlementReport: (d) => sandbox.settlementReport(d),
        refund: async (r) => {
          await sandbox.refund(r);
          throw new ProviderUnavailableError('refund timed out (test)', 'timeout');
        },
      };
    };
    // The wiring is resolved on first use, after the harness exists.
    const f: PaymentsHarness = paymentsHarness({
      wiring: () => ({ provider: provider(), sandbox: f.sandbox, webhookVerifier: async () => sandboxWebhookVerifier(WEBHOOK_SECRET, f.settings.webhookToleranceSeconds) }),
    });
    const o = f.newOrder('card', 80_000);
    expect(await f.deliver('OrderPlaced', f.events.placed(o))).toBe(true);
    expect(await f.deliver('RiskApproved', f.events.approved(o))).toBe(true);
    expect(await f.deliver('OrderShipped', f.events.shipped(o))).toBe(true);
    f.outbox.drain(); // the authorisation's and capture's webhooks: not this test's

    const returnId = newId();
    const eventId = newId();
    // The record fails (redelivered with backoff): the refund is processing, nothing published yet.
    expect(await f.deliver('ReturnRefundRequested', f.events.returnRefund(o, { returnId, amount: 12_000, eventId }))).toBe(false);
    expect(await f.repo.getRefund(o.orderId, returnId)).toMatchObject({ status: 'processing' });
    const refunded = () => f.published.filter((e) => e.definition.name === 'PaymentRefunded' && (e.payload as { orderId: string }).orderId === o.orderId).map((e) => e.payload);
    expect(refunded()).toEqual([]);

    // The provider's webhook completes it.
    await f.deliverSandbox();
    expect(await f.repo.getRefund(o.orderId, returnId)).toMatchObject({ status: 'succeeded' });
    expect(refunded()).toMatchObject([{ returnId, refundId: returnId, amount: { amount: 12_000, currency: 'CNY' } }]);
    // The redelivered record finds it done: nothing more, at the provider either.
    expect(await f.deliver('ReturnRefundRequested', f.events.returnRefund(o, { returnId, amount: 12_000, eventId }))).toBe(true);
    expect(refunded()).toHaveLength(1);
    const payment = (await f.repo.getPayment(o.orderId))!.payment;
    expect(payment).toMatchObject({ refundedAmount: 12_000, refundPendingAmount: 0 });
    expect((await f.store.getPayment(payment.providerPaymentId as string))?.amountRefunded).toBe(12_000);
  });
});
