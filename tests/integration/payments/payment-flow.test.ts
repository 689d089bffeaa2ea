/**
 * The payments flow by events against DynamoDB Local (PAY-1, PAY-2, PAY-3, ORD-6): authorise on
 * risk approval, capture at shipment / delivery, bank transfers confirmed by the provider's
 * webhook, void or refund on cancellation and rejection, order tolerance and idempotency of every
 * consumer, limits at authorisation, authorisation expiry.
 */
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../shared/dynamodb.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { balancesOf } from '../../../functions/payments/domain/ledger.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, type PaymentsHarness, type TestOrder } from './harness.ts';
import { PROVIDER_CALL_BUDGET_MS } from '../../../functions/payments/provider/stripe/stripe-client.ts';
import { OrderShipped } from '../../../events/fulfillment-events.ts';
import { eventBridgeEvent, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';

let h: PaymentsHarness;

beforeAll(() => {
  useLocalDynamoDb();
  h = paymentsHarness();
});

async function state(orderId: string) {
  const stored = await h.repo.getPayment(orderId);
  const ledger = await h.repo.listMovements(orderId);
  return { payment: stored?.payment, tokenCiphertext: stored?.tokenCiphertext, ledger, balances: balancesOf(ledger), outbox: await h.repo.pendingOutbox(orderId) };
}

async function placeAndApprove(o: TestOrder) {
  expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
  expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
}

describe('card and wallet: authorise on approval, capture at shipment (PAY-1, PAY-2)', () => {
  it('a consumer calling the provider starts a record after the first only with the time for its slowest call left: the rest of the batch is deferred, not cut off', async () => {
    const [a, b] = [h.newOrder('card'), h.newOrder('card')];
    for (const o of [a, b]) await placeAndApprove(o);
    const shippedRecord = (o: TestOrder) => sqsRecord(eventBridgeEvent(OrderShipped.name, OrderShipped.source, h.events.shipped(o)));
    const [first, second] = [shippedRecord(a), shippedRecord(b)];
    // less time left than one worst-case provider call: the first record runs anyway, the second waits for a redelivery
    const short = await h.handlers.capture(sqsEvent(first, second), lambdaContext(PROVIDER_CALL_BUDGET_MS - 1_000));
    expect(short.batchItemFailures).toEqual([{ itemIdentifier: second.messageId }]);
    expect((await state(a.orderId)).payment).toMatchObject({ status: 'captured' });
    expect((await state(b.orderId)).payment).toMatchObject({ status: 'authorized' });
    // with the time, both run
    const c = h.newOrder('card');
    await placeAndApprove(c);
    const full = await h.handlers.capture(sqsEvent(shippedRecord(b), shippedRecord(c)), lambdaContext(PROVIDER_CALL_BUDGET_MS + 5_000));
    expect(full.batchItemFailures).toEqual([]);
    for (const o of [b, c]) expect((await state(o.orderId)).payment).toMatchObject({ status: 'captured' });
  });

  it('OrderPlaced stores the payment with its token encrypted; RiskApproved authorises → PaymentAuthorized; OrderShipped captures → PaymentCaptured; the ledger balances', async () => {
    const o = h.newOrder('card');
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    const placed = await state(o.orderId);
    expect(placed.payment).toMatchObject({ status: 'new', amount: 23040, method: 'card', orderKnown: true });
    expect(placed.tokenCiphertext).toMatch(/^v1\./);
    expect(placed.tokenCiphertext).not.toContain('tok_visa');

    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    const authorized = await state(o.orderId);
    expect(authorized.payment).toMatchObject({ status: 'authorized', captureOn: 'shipment', authorizedAmount: 23040 });
    expect(authorized.payment?.providerPaymentId).toMatch(/^pay_sbx_/);
    expect(authorized.balances.held).toBe(23040);
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentAuthorized']);

    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    const captured = await state(o.orderId);
    expect(captured.payment).toMatchObject({ status: 'captured', capturedAmount: 23040, feeAmount: 138 });
    expect(captured.balances).toMatchObject({ held: 0, captured: 23040, fees: 138, netPaid: 23040, balanced: true });
    expect(captured.outbox).toEqual([]);
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentAuthorized', 'PaymentCaptured']);

    // Delivery changes nothing for a card; the sandbox's webhooks confirm what is recorded.
    expect(await h.deliver('OrderDelivered', h.events.delivered(o))).toBe(true);
    await h.deliverSandbox();
    expect((await state(o.orderId)).ledger).toHaveLength(captured.ledger.length);
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentAuthorized', 'PaymentCaptured']);
  });

  it('replaying every event (same and new event ids) changes nothing and charges nothing twice', async () => {
    const o = h.newOrder('wallet');
    const placed = await h.events.placed(o);
    const approved = h.events.approved(o);
    const shipped = h.events.shipped(o);
    for (const [name, detail] of [
      ['OrderPlaced', placed],
      ['RiskApproved', approved],
      ['OrderShipped', shipped],
    ] as const)
      expect(await h.deliver(name, detail)).toBe(true);
    const before = await state(o.orderId);
    for (const [name, detail] of [
      ['OrderPlaced', placed],
      ['RiskApproved', approved],
      ['OrderShipped', shipped],
    ] as const)
      expect(await h.deliver(name, detail)).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect(await h.deliver('OrderDelivered', h.events.delivered(o))).toBe(true);
    const after = await state(o.orderId);
    expect(after.payment?.version).toBe(before.payment?.version);
    expect(after.ledger).toEqual(before.ledger);
    const atProvider = await h.store.getPayment(after.payment?.providerPaymentId as string);
    expect(atProvider?.captures).toHaveLength(1);
    expect(h.eventsOf(o.orderId).filter((n) => n === 'PaymentCaptured')).toHaveLength(1);
    // The use cases' own idempotency is all there is: no processed-event marker was written for any delivery.
    const { tables } = inject('dynamodb') as { tables: Record<string, string> };
    const { Items = [] } = await documentClient().send(
      new QueryCommand({
        TableName: tables.payments,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
        ExpressionAttributeValues: { ':pk': `ORDER#${o.orderId}`, ':event': 'EVENT#' },
      }),
    );
    expect(Items).toEqual([]);
  });

  it.each([
    ['tok_chargeDeclined', 'declined'],
    ['tok_insufficientFunds', 'insufficient_funds'],
    ['tok_somethingElse', 'unknown_token'],
  ])('%s → PaymentFailed(%s) + the customer is notified + a problem order (ORD-6)', async (token, reason) => {
    const o = h.newOrder('card', 5000, token);
    await placeAndApprove(o);
    const s = await state(o.orderId);
    expect(s.payment).toMatchObject({ status: 'failed', failureReason: reason, limit: { counted: false } });
    expect(s.ledger).toEqual([]);
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentFailed', 'CustomerNotificationRequested', 'ProblemOrderRaised']);
    const notification = h.published.find((e) => e.definition.name === 'CustomerNotificationRequested' && (e.payload as { orderId?: string }).orderId === o.orderId);
    expect(notification?.payload).toMatchObject({ template: 'payment-failed', customerId: o.customerId });
    // Checkout then moves the order to PAYMENT_FAILED: nothing to release.
    expect(await h.deliver('OrderStatusChanged', h.events.statusChanged(o, 'PAYMENT_FAILED'))).toBe(true);
    expect((await state(o.orderId)).payment?.status).toBe('failed');
  });
});

describe('bank transfer: pending until the provider confirms (PAY-1)', () => {
  it('RiskApproved → PaymentPending; the funds arrive → webhook → PaymentAuthorized(already-captured) + PaymentCaptured, captured in the ledger', async () => {
    const o = h.newOrder('bank_transfer', 500_000);
    await placeAndApprove(o);
    expect((await state(o.orderId)).payment).toMatchObject({ status: 'pending' });
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentPending']);
    await h.deliverSandbox();
    const s = await state(o.orderId);
    expect(s.payment).toMatchObject({ status: 'captured', captureOn: 'already-captured', capturedAmount: 500_000, feeAmount: 3000 });
    expect(s.balances).toMatchObject({ captured: 500_000, fees: 3000, held: 0, balanced: true });
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentPending', 'PaymentAuthorized', 'PaymentCaptured']);
    const authorized = h.published.find((e) => e.definition.name === 'PaymentAuthorized' && (e.payload as { orderId: string }).orderId === o.orderId);
    expect(authorized?.payload).toMatchObject({ captureOn: 'already-captured' });
    // Shipment later captures nothing more.
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect((await state(o.orderId)).ledger).toHaveLength(s.ledger.length);
  });

  it('cancelled before the funds arrive → the transfer is voided; the late funds are sent back by the sandbox', async () => {
    const o = h.newOrder('bank_transfer', 10_000);
    await placeAndApprove(o);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o, 'PLACED'))).toBe(true);
    await h.deliverSandbox();
    const s = await state(o.orderId);
    expect(s.payment).toMatchObject({ status: 'voided', capturedAmount: 0 });
    expect(s.balances).toMatchObject({ captured: 0, held: 0, balanced: true });
    expect((await h.store.getPayment(s.payment?.providerPaymentId as string))?.status).toBe('canceled');
  });
});

describe('cash on delivery: nothing to authorise, captured when delivered (PAY-1)', () => {
  it('RiskApproved → PaymentAuthorized(captureOn delivery) without the provider; shipment captures nothing; delivery captures', async () => {
    const o = h.newOrder('cod', 15_000);
    await placeAndApprove(o);
    expect((await state(o.orderId)).payment).toMatchObject({ status: 'authorized', captureOn: 'delivery' });
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect((await state(o.orderId)).payment?.status).toBe('authorized');
    expect(await h.deliver('OrderDelivered', h.events.delivered(o))).toBe(true);
    const s = await state(o.orderId);
    expect(s.payment).toMatchObject({ status: 'captured', capturedAmount: 15_000 });
    expect(s.balances.accounts['cod-receivable']).toBe(15_000);
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentAuthorized', 'PaymentCaptured']);
  });
});

describe('cancelled or rejected → void or refund (PAY-2)', () => {
  it('rejected before authorisation → cancelled; a late RiskApproved never authorises', async () => {
    const o = h.newOrder('card');
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('OrderStatusChanged', h.events.statusChanged(o, 'REJECTED'))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    const s = await state(o.orderId);
    expect(s.payment).toMatchObject({ status: 'cancelled', releaseReason: 'order-rejected' });
    expect(s.payment?.providerPaymentId).toBeUndefined();
  });

  it('cancelled after authorisation → voided at the provider, hold released, PaymentVoided', async () => {
    const o = h.newOrder('card');
    await placeAndApprove(o);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o))).toBe(true);
    expect(await h.deliver('OrderStatusChanged', h.events.statusChanged(o, 'CANCELLED', 'APPROVED'))).toBe(true);
    const s = await state(o.orderId);
    expect(s.payment).toMatchObject({ status: 'voided', releaseReason: 'order-cancelled' });
    expect(s.balances).toMatchObject({ held: 0, captured: 0, balanced: true });
    expect(s.ledger.map((m) => m.kind)).toEqual(['authorization', 'void']);
    expect((await h.store.getPayment(s.payment?.providerPaymentId as string))?.status).toBe('canceled');
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentAuthorized', 'PaymentVoided']);
    // A shipment event arriving late captures nothing.
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect((await state(o.orderId)).payment?.capturedAmount).toBe(0);
  });

  it('cancelled after capture → refunded in full, PaymentRefunded, net paid zero', async () => {
    const o = h.newOrder('card');
    await placeAndApprove(o);
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o, 'SHIPPED'))).toBe(true);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o, 'SHIPPED'))).toBe(true);
    const s = await state(o.orderId);
    expect(s.payment).toMatchObject({ status: 'refunded', capturedAmount: 23040, refundedAmount: 23040 });
    expect(s.balances).toMatchObject({ netPaid: 0, balanced: true });
    expect((await h.repo.listRefunds(o.orderId)).map((r) => [r.origin, r.status])).toEqual([['cancellation', 'succeeded']]);
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentAuthorized', 'PaymentCaptured', 'PaymentRefunded', 'CustomerNotificationRequested']);
  });

  it('a cancellation that overtakes OrderPlaced writes a tombstone; the late OrderPlaced and RiskApproved change nothing', async () => {
    const o = h.newOrder('card');
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o, 'PLACED'))).toBe(true);
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    expect((await state(o.orderId)).payment).toMatchObject({ status: 'cancelled', orderKnown: true, amount: 23040 });
  });

  it('RiskApproved before OrderPlaced fails the record so the queue redelivers it; it succeeds once the order is known', async () => {
    const o = h.newOrder('card');
    const approved = h.events.approved(o);
    expect(await h.deliver('RiskApproved', approved)).toBe(false);
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('RiskApproved', approved)).toBe(true);
    expect((await state(o.orderId)).payment?.status).toBe('authorized');
  });

  it('an authorisation in flight when the order is cancelled is learnt (same key) and voided', async () => {
    const o = h.newOrder('card');
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    // The provider authorises, but the answer is lost (a timeout): simulate by authorising directly with the key.
    const stored = await h.repo.getPayment(o.orderId);
    const p = stored!.payment;
    await h.repo.commit({ payment: { ...p, authorizationStartedAt: h.clock.now().toISOString(), version: p.version + 1 }, expectedVersion: p.version });
    await h.authorizedAtProviderOnly(o);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o, 'PLACED'))).toBe(true);
    expect((await state(o.orderId)).payment?.status).toBe('cancelled');
    // The RiskApproved retry learns the outcome with the same key and voids it.
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    const s = await state(o.orderId);
    expect(s.payment).toMatchObject({ status: 'voided' });
    expect(s.ledger.map((m) => m.kind)).toEqual(['authorization', 'void']);
    expect((await h.store.getPayment(s.payment?.providerPaymentId as string))?.status).toBe('canceled');
  });
});

describe('limits enforced at authorisation (PAY-1)', () => {
  it('over the per-customer daily limit → PaymentFailed(limit_exceeded); voids free the room again', async () => {
    const customerId = `cust-limit-${Date.now()}`;
    const big = (amount: number) => h.newOrder('wallet', amount, 'tok_wallet', customerId);
    const first = big(2_000_000);
    const second = big(2_000_000);
    const third = big(1_500_000);
    await placeAndApprove(first);
    await placeAndApprove(second);
    await placeAndApprove(third);
    expect((await state(first.orderId)).payment?.status).toBe('authorized');
    expect((await state(second.orderId)).payment?.status).toBe('authorized');
    expect((await state(third.orderId)).payment).toMatchObject({ status: 'failed', failureReason: 'limit_exceeded' });
    expect(h.eventsOf(third.orderId)).toEqual(['PaymentFailed', 'CustomerNotificationRequested', 'ProblemOrderRaised']);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(second))).toBe(true);
    const fourth = big(1_500_000);
    await placeAndApprove(fourth);
    expect((await state(fourth.orderId)).payment?.status).toBe('authorized');
  });

  it("the day's totals are read only when the day has no room: the conditional count decides first", async () => {
    const customerId = `cust-limit-read-${Date.now()}`;
    const reads = vi.spyOn(h.repo, 'dailyTotals');
    try {
      const [first, second] = [h.newOrder('wallet', 2_000_000, 'tok_wallet', customerId), h.newOrder('wallet', 2_000_000, 'tok_wallet', customerId)];
      await placeAndApprove(first);
      await placeAndApprove(second);
      expect((await state(second.orderId)).payment?.status).toBe('authorized');
      expect(reads).not.toHaveBeenCalled();
      // Within the per-order limit alone, over the day's room: the count is refused, then the totals say why.
      const third = h.newOrder('wallet', 1_500_000, 'tok_wallet', customerId);
      await placeAndApprove(third);
      expect((await state(third.orderId)).payment).toMatchObject({ status: 'failed', failureReason: 'limit_exceeded' });
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });

  it('concurrent authorisations cannot both squeeze under the limit', async () => {
    const customerId = `cust-race-${Date.now()}`;
    const orders = Array.from({ length: 4 }, () => h.newOrder('cod', 150_000, undefined, customerId));
    for (const o of orders) expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    await Promise.all(orders.map((o) => h.deliver('RiskApproved', h.events.approved(o))));
    const statuses = await Promise.all(orders.map(async (o) => (await state(o.orderId)).payment?.status));
    // COD daily limit is CNY 5,000.00: three orders of 1,500.00 fit, the fourth does not.
    expect(statuses.filter((s) => s === 'authorized')).toHaveLength(3);
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(1);
  });
});

describe('authorisation expiry', () => {
  it('capturing after the authorisation expired → expired, hold released, PaymentFailed(expired) + problem order', async () => {
    const o = h.newOrder('card', 7000);
    await placeAndApprove(o);
    h.clock.advance(8 * 24 * 3_600_000);
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    const s = await state(o.orderId);
    expect(s.payment).toMatchObject({ status: 'expired', failureReason: 'expired' });
    expect(s.balances).toMatchObject({ held: 0, captured: 0, balanced: true });
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentAuthorized', 'PaymentFailed', 'CustomerNotificationRequested', 'ProblemOrderRaised']);
    h.clock.advance(-8 * 24 * 3_600_000);
  });
});
