/**
 * Pre-sale orders in payments against DynamoDB Local (ORD-5, PAY-1…PAY-3): the deposit is secured
 * on RiskApproved like any order; `PreSaleBalanceDue` opens the balance payment and secures it with
 * the order's method and stored token (a second authorisation with its own provider key, a second
 * awaited transfer, or — cash on delivery — nothing to collect before delivery); shipment captures
 * both, cancellation voids or refunds both, staff refunds never exceed what was captured, the
 * limits count the balance, the day reconciles. Consumers are idempotent and order-tolerant.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { balancesOf } from '../../../functions/payments/domain/ledger.ts';
import { newBalancePayment, startAuthorization, type Payment } from '../../../functions/payments/domain/payment.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { newId } from '../../../shared/ids.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, type PaymentsHarness, type TestOrder } from './harness.ts';

let h: PaymentsHarness;

beforeAll(() => {
  useLocalDynamoDb();
  h = paymentsHarness();
});

/** Everything payments holds about an order. */
async function state(orderId: string, harness = h) {
  const stored = await harness.repo.listPayments(orderId);
  const payments = stored.map((s) => s.payment);
  const ledger = await harness.repo.listMovements(orderId);
  return {
    deposit: payments.find((p) => p.part !== 'balance'),
    balance: payments.find((p) => p.part === 'balance'),
    balanceToken: stored.find((s) => s.payment.part === 'balance')?.tokenCiphertext,
    payments,
    ledger,
    balances: balancesOf(ledger, 'CNY'),
    outbox: await harness.repo.pendingOutbox(orderId),
  };
}

/** The payment events published for an order, with the payment id and amount they carry. */
const paymentEvents = (orderId: string, harness = h) =>
  harness.published
    .filter((e) => (e.payload as { orderId?: string }).orderId === orderId && e.definition.name.startsWith('Payment'))
    .map((e) => {
      const p = e.payload as { paymentId: string; amount?: { amount: number }; captureOn?: string };
      return { name: e.definition.name, paymentId: p.paymentId, amount: p.amount?.amount, captureOn: p.captureOn };
    });

/** Places and approves a pre-sale order, then delivers checkout's PreSaleBalanceDue. */
async function depositThenBalance(o: TestOrder, harness = h) {
  expect(await harness.deliver('OrderPlaced', harness.events.placed(o))).toBe(true);
  expect(await harness.deliver('RiskApproved', harness.events.approved(o))).toBe(true);
  expect(await harness.deliver('PreSaleBalanceDue', harness.events.balanceDue(o))).toBe(true);
}

const atProvider = async (p: Payment | undefined) => (p?.providerPaymentId ? h.store.getPayment(p.providerPaymentId) : undefined);

describe('card and wallet: a second authorisation for the balance (ORD-5)', () => {
  it('deposit authorised on RiskApproved; PreSaleBalanceDue → the balance is authorised with the stored token under its own key → PaymentAuthorized(balance); shipment captures both; the ledger balances; the day reconciles', async () => {
    const harness = paymentsHarness();
    const date = harness.clock.now().toISOString().slice(0, 10);
    const o = harness.newPresaleOrder('card', 100_000);
    expect(o.deposit).toBe(20_000);
    expect(await harness.deliver('OrderPlaced', harness.events.placed(o))).toBe(true);
    expect((await state(o.orderId, harness)).deposit).toMatchObject({ status: 'new', amount: 20_000, part: 'deposit', orderTotal: 100_000 });
    expect(await harness.deliver('RiskApproved', harness.events.approved(o))).toBe(true);
    const deposited = await state(o.orderId, harness);
    expect(deposited.deposit).toMatchObject({ status: 'authorized', authorizedAmount: 20_000 });
    expect(deposited.balance).toBeUndefined();

    expect(await harness.deliver('PreSaleBalanceDue', harness.events.balanceDue(o))).toBe(true);
    const s = await state(o.orderId, harness);
    expect(s.balance).toMatchObject({
      status: 'authorized',
      part: 'balance',
      amount: 80_000,
      authorizedAmount: 80_000,
      captureOn: 'shipment',
      orderTotal: 100_000,
      method: 'card',
      customerId: o.customerId,
    });
    expect(s.deposit?.balancePaymentId).toBe(s.balance?.paymentId);
    expect(s.balance?.paymentId).not.toBe(s.deposit?.paymentId);
    expect(s.balance?.providerPaymentId).not.toBe(s.deposit?.providerPaymentId);
    // The stored token is the deposit's ciphertext (encrypted, bound to the order); never in clear.
    expect(s.balanceToken).toMatch(/^v1\./);
    expect(s.balanceToken).not.toContain('tok_visa');
    expect(s.ledger.map((m) => m.movementId).sort()).toEqual(['AUTH', 'BALANCE#AUTH']);
    expect(s.balances).toMatchObject({ held: 100_000, captured: 0, balanced: true });
    // Checkout adds PaymentAuthorized amounts per payment id: deposit + balance = total.
    expect(paymentEvents(o.orderId, harness)).toEqual([
      { name: 'PaymentAuthorized', paymentId: s.deposit?.paymentId, amount: 20_000, captureOn: 'shipment' },
      { name: 'PaymentAuthorized', paymentId: s.balance?.paymentId, amount: 80_000, captureOn: 'shipment' },
    ]);
    // Two authorisations at the provider, each under its own idempotency key (our payment ids).
    const [depositAtProvider, balanceAtProvider] = [await harness.store.getPayment(s.deposit!.providerPaymentId!), await harness.store.getPayment(s.balance!.providerPaymentId!)];
    expect([depositAtProvider?.merchantPaymentId, depositAtProvider?.amount]).toEqual([s.deposit?.paymentId, 20_000]);
    expect([balanceAtProvider?.merchantPaymentId, balanceAtProvider?.amount]).toEqual([s.balance?.paymentId, 80_000]);

    expect(await harness.deliver('OrderShipped', harness.events.shipped(o))).toBe(true);
    await harness.deliverSandbox();
    const shipped = await state(o.orderId, harness);
    expect(shipped.deposit).toMatchObject({ status: 'captured', capturedAmount: 20_000, feeAmount: 120 });
    expect(shipped.balance).toMatchObject({ status: 'captured', capturedAmount: 80_000, feeAmount: 480 });
    expect(shipped.balances).toMatchObject({ held: 0, captured: 100_000, fees: 600, netPaid: 100_000, balanced: true });
    expect(shipped.outbox).toEqual([]);
    expect(paymentEvents(o.orderId, harness).filter((e) => e.name === 'PaymentCaptured')).toEqual([
      { name: 'PaymentCaptured', paymentId: s.deposit?.paymentId, amount: 20_000, captureOn: undefined },
      { name: 'PaymentCaptured', paymentId: s.balance?.paymentId, amount: 80_000, captureOn: undefined },
    ]);

    // The staff view shows both payments and one ledger.
    const view = await harness.http(harness.handlers.getPayment, {
      method: 'GET',
      path: `/admin/payments/${o.orderId}`,
      resource: '/admin/payments/{orderId}',
      pathParameters: { orderId: o.orderId },
      sub: 'ops-1',
      roles: ['ops'],
    });
    expect(view.status).toBe(200);
    expect(view.json.payment).toMatchObject({ part: 'deposit', status: 'captured' });
    expect((view.json.payments as Payment[]).map((p) => [p.part, p.status, p.capturedAmount])).toEqual([
      ['deposit', 'captured', 20_000],
      ['balance', 'captured', 80_000],
    ]);
    expect(view.json.balances).toMatchObject({ captured: 100_000, balanced: true });

    // PAY-3: both captures match the provider's settlement report; nothing is a mismatch.
    await harness.handlers.reconcile({ date }, lambdaContext());
    const report = (await harness.repo.getReconciliation(date))!;
    expect(report.mismatches).toEqual([]);
    expect(report).toMatchObject({ status: 'clean', matched: 2 });
    expect(report.totals).toMatchObject({ ledgerCaptured: 100_000, providerCaptured: 100_000, ledgerFees: 600, providerFees: 600 });
  });

  it('replays (same and new event ids) of every event open one balance, authorise it once and capture each payment once', async () => {
    const o = h.newPresaleOrder('wallet', 55_555);
    const placed = await h.events.placed(o);
    const approved = h.events.approved(o);
    const due = h.events.balanceDue(o);
    const shipped = h.events.shipped(o);
    const all = [
      ['OrderPlaced', placed],
      ['RiskApproved', approved],
      ['PreSaleBalanceDue', due],
      ['OrderShipped', shipped],
    ] as const;
    for (const [name, detail] of all) expect(await h.deliver(name, detail)).toBe(true);
    const before = await state(o.orderId);
    for (const [name, detail] of all) expect(await h.deliver(name, detail)).toBe(true);
    expect(await h.deliver('PreSaleBalanceDue', h.events.balanceDue(o))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect(await h.deliver('OrderDelivered', h.events.delivered(o))).toBe(true);
    await h.deliverSandbox();
    const after = await state(o.orderId);
    expect(after.payments).toHaveLength(2);
    expect(after.payments.map((p) => p.version)).toEqual(before.payments.map((p) => p.version));
    expect(after.ledger).toEqual(before.ledger);
    expect(after.balances).toMatchObject({ captured: 55_555, held: 0, balanced: true });
    for (const p of after.payments) expect((await atProvider(p))?.captures).toHaveLength(1);
    expect(paymentEvents(o.orderId).map((e) => e.name)).toEqual(['PaymentAuthorized', 'PaymentAuthorized', 'PaymentCaptured', 'PaymentCaptured']);
  });

  it('out of order: PreSaleBalanceDue before OrderPlaced or RiskApproved is redelivered until the deposit is secured; OrderShipped before the balance is recorded waits for it', async () => {
    const o = h.newPresaleOrder('card', 30_000);
    const due = h.events.balanceDue(o);
    const shipped = h.events.shipped(o);
    expect(await h.deliver('PreSaleBalanceDue', due)).toBe(false);
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('PreSaleBalanceDue', due)).toBe(false);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    expect(await h.deliver('OrderShipped', shipped)).toBe(false);
    expect((await state(o.orderId)).deposit?.capturedAmount).toBe(0);
    expect(await h.deliver('PreSaleBalanceDue', due)).toBe(true);
    expect(await h.deliver('OrderShipped', shipped)).toBe(true);
    const s = await state(o.orderId);
    expect(s.payments.map((p) => [p.part, p.status, p.capturedAmount])).toEqual([
      ['deposit', 'captured', 6_000],
      ['balance', 'captured', 24_000],
    ]);
    expect(s.balances).toMatchObject({ captured: 30_000, balanced: true });
  });

  it('the balance’s webhook arriving before its answer is recorded is applied to the balance (our payment id in the provider’s metadata), not to the deposit', async () => {
    const o = h.newPresaleOrder('card', 40_000);
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    await h.deliverSandbox();
    // The balance was opened and its authorisation sent, but the answer was lost (a timeout).
    const deposit = (await h.repo.getPayment(o.orderId))!;
    const ctx = { now: h.clock.now(), newId: () => newId() };
    const opened = newBalancePayment(
      deposit.payment,
      { orderId: o.orderId, currency: 'CNY', total: 40_000, authorized: 8_000, balance: 32_000, dueBy: h.clock.now().toISOString() },
      ctx,
    );
    const started = startAuthorization(opened, '2099-01-01', ctx).payment;
    await h.repo.commit({
      payment: started,
      expectedVersion: null,
      tokenCiphertext: deposit.tokenCiphertext,
      linked: { payment: { ...deposit.payment, balancePaymentId: started.paymentId, version: deposit.payment.version + 1 }, expectedVersion: deposit.payment.version },
    });
    await h.sandbox.authorize({
      idempotencyKey: `authorize-${started.paymentId}`,
      orderId: o.orderId,
      paymentId: started.paymentId,
      method: 'card',
      amount: 32_000,
      currency: 'CNY',
      token: 'tok_visa',
    });
    await h.deliverSandbox();
    const s = await state(o.orderId);
    expect(s.balance).toMatchObject({ status: 'authorized', authorizedAmount: 32_000 });
    expect(s.deposit).toMatchObject({ status: 'authorized', authorizedAmount: 8_000 });
    expect(
      paymentEvents(o.orderId)
        .filter((e) => e.name === 'PaymentAuthorized')
        .map((e) => [e.paymentId, e.amount]),
    ).toEqual([
      [deposit.payment.paymentId, 8_000],
      [started.paymentId, 32_000],
    ]);
    // The event's retry finds the balance secured and changes nothing.
    expect(await h.deliver('PreSaleBalanceDue', h.events.balanceDue(o))).toBe(true);
    expect((await state(o.orderId)).balance?.version).toBe(s.balance?.version);
  });
});

describe('a declined balance (ORD-5, ORD-6)', () => {
  it('declined → PaymentFailed for the balance + the customer is notified + a problem order; the deposit stays authorised until checkout cancels the order at dueBy → the deposit is voided', async () => {
    const o = h.newPresaleOrder('card', 60_000);
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    // The card is refused the second time (e.g. blocked since the deposit): the provider token behind the stored ciphertext now declines.
    await swapToken(o.orderId, await h.vault.seal(o.orderId, 'tok_chargeDeclined'));
    expect(await h.deliver('PreSaleBalanceDue', h.events.balanceDue(o))).toBe(true);
    const s = await state(o.orderId);
    expect(s.balance).toMatchObject({ status: 'failed', failureReason: 'declined', limit: { counted: false } });
    expect(s.deposit).toMatchObject({ status: 'authorized', authorizedAmount: 12_000 });
    const events = h.published
      .filter((e) => (e.payload as { orderId?: string }).orderId === o.orderId)
      .map((e) => [e.definition.name, (e.payload as { paymentId?: string }).paymentId]);
    expect(events).toEqual([
      ['PaymentAuthorized', s.deposit?.paymentId],
      ['PaymentFailed', s.balance?.paymentId],
      ['CustomerNotificationRequested', undefined],
      ['ProblemOrderRaised', undefined],
    ]);
    const notification = h.published.find((e) => e.definition.name === 'CustomerNotificationRequested' && (e.payload as { orderId?: string }).orderId === o.orderId);
    expect(notification?.payload).toMatchObject({ template: 'payment-failed', customerId: o.customerId });
    // A replay does not try again.
    expect(await h.deliver('PreSaleBalanceDue', h.events.balanceDue(o))).toBe(true);
    expect((await state(o.orderId)).balance?.version).toBe(s.balance?.version);

    // Checkout cancels the order when the balance window ends (balance-window-expired): the deposit is voided.
    expect(
      await h.deliver('OrderCancelled', { ...h.events.cancelled(o, 'PLACED'), cancelledBy: 'timeout', actor: 'system:payment-timeout', reason: 'balance-window-expired' }),
    ).toBe(true);
    const after = await state(o.orderId);
    expect(after.deposit).toMatchObject({ status: 'voided', releaseReason: 'order-cancelled' });
    expect(after.balance?.status).toBe('failed');
    expect(after.balances).toMatchObject({ held: 0, captured: 0, balanced: true });
    expect((await atProvider(after.deposit))?.status).toBe('canceled');
  });

  it('the limits count the balance on the day it is collected: over the daily limit → PaymentFailed(limit_exceeded); the per-order limit applies to the order’s total', async () => {
    const limits = {
      card: { perOrderMax: 200_000, dailyMax: 150_000 },
      wallet: { perOrderMax: 2_000_000, dailyMax: 5_000_000 },
      bank_transfer: { perOrderMax: 50_000_000, dailyMax: 100_000_000 },
      cod: { perOrderMax: 200_000, dailyMax: 500_000 },
    };
    const harness = paymentsHarness({ env: { PAYMENT_METHOD_LIMITS: JSON.stringify(limits) } });
    const customerId = `cust-presale-limit-${Date.now()}`;
    // 60,000 committed today by another order.
    const other = harness.newOrder('card', 60_000, 'tok_visa', customerId);
    expect(await harness.deliver('OrderPlaced', harness.events.placed(other))).toBe(true);
    expect(await harness.deliver('RiskApproved', harness.events.approved(other))).toBe(true);
    // Deposit 20,000 fits (80,000 today); the balance of 80,000 would make it 160,000 > 150,000.
    const o = harness.newPresaleOrder('card', 100_000, 'tok_visa', customerId);
    await depositThenBalance(o, harness);
    const s = await state(o.orderId, harness);
    expect(s.deposit?.status).toBe('authorized');
    expect(s.balance).toMatchObject({ status: 'failed', failureReason: 'limit_exceeded' });
    expect(s.ledger.map((m) => m.movementId)).toEqual(['AUTH']);
    // Once the other order is cancelled the room is back — but a failed balance is not retried by itself (a replay changes nothing).
    expect(await harness.deliver('OrderCancelled', harness.events.cancelled(other))).toBe(true);
    expect(await harness.deliver('PreSaleBalanceDue', harness.events.balanceDue(o))).toBe(true);
    expect((await state(o.orderId, harness)).balance?.status).toBe('failed');

    // A pre-sale whose total is over the per-order limit is refused at the deposit already (its deposit alone would fit).
    const big = harness.newPresaleOrder('card', 250_000, 'tok_visa');
    expect(await harness.deliver('OrderPlaced', harness.events.placed(big))).toBe(true);
    expect(await harness.deliver('RiskApproved', harness.events.approved(big))).toBe(true);
    expect((await state(big.orderId, harness)).deposit).toMatchObject({ status: 'failed', failureReason: 'limit_exceeded' });
  });
});

/** Replaces the stored provider token of an order's deposit (the card behind it changed). */
async function swapToken(orderId: string, tokenCiphertext: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: h.tables.payments as string,
      Key: { pk: `ORDER#${orderId}`, sk: 'PAYMENT' },
      UpdateExpression: 'SET tokenCiphertext = :t',
      ExpressionAttributeValues: { ':t': tokenCiphertext },
    }),
  );
}

describe('cancellation of a pre-sale order: both payments released (PAY-2, ORD-5)', () => {
  it('cancelled after the deposit, before the balance: the deposit is voided; a late PreSaleBalanceDue opens nothing', async () => {
    const o = h.newPresaleOrder('card', 45_000);
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o, 'PLACED'))).toBe(true);
    expect(await h.deliver('PreSaleBalanceDue', h.events.balanceDue(o))).toBe(true);
    const s = await state(o.orderId);
    expect(s.payments).toHaveLength(1);
    expect(s.deposit).toMatchObject({ status: 'voided' });
    expect(s.balances).toMatchObject({ held: 0, captured: 0, balanced: true });
    expect(paymentEvents(o.orderId).map((e) => e.name)).toEqual(['PaymentAuthorized', 'PaymentVoided']);
  });

  it('cancelled after the balance was authorised: both authorisations are voided (PaymentVoided for each), the limit counters freed', async () => {
    const o = h.newPresaleOrder('wallet', 70_000);
    await depositThenBalance(o);
    const day = (await state(o.orderId)).balance!.limit!.day;
    const committed = (await h.repo.dailyTotals(o.customerId, day)).total;
    expect(committed).toBe(70_000);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o, 'PLACED'))).toBe(true);
    expect(await h.deliver('OrderStatusChanged', h.events.statusChanged(o, 'CANCELLED'))).toBe(true);
    const s = await state(o.orderId);
    expect(s.payments.map((p) => [p.part, p.status])).toEqual([
      ['deposit', 'voided'],
      ['balance', 'voided'],
    ]);
    expect(s.ledger.map((m) => m.movementId).sort()).toEqual(['AUTH', 'BALANCE#AUTH', 'BALANCE#VOID', 'VOID']);
    expect(s.balances).toMatchObject({ held: 0, captured: 0, balanced: true });
    for (const p of s.payments) expect((await atProvider(p))?.status).toBe('canceled');
    expect((await h.repo.dailyTotals(o.customerId, day)).total).toBe(0);
    expect(paymentEvents(o.orderId).map((e) => e.name)).toEqual(['PaymentAuthorized', 'PaymentAuthorized', 'PaymentVoided', 'PaymentVoided']);
    // Late shipment events capture nothing.
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect((await state(o.orderId)).balances.captured).toBe(0);
  });

  it('cancelled after capture: each payment is refunded in full by its own cancellation refund; net paid zero', async () => {
    const o = h.newPresaleOrder('card', 88_000);
    await depositThenBalance(o);
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o, 'SHIPPED'))).toBe(true);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o, 'SHIPPED'))).toBe(true);
    await h.deliverSandbox();
    const s = await state(o.orderId);
    expect(s.payments.map((p) => [p.part, p.status, p.capturedAmount, p.refundedAmount])).toEqual([
      ['deposit', 'refunded', 17_600, 17_600],
      ['balance', 'refunded', 70_400, 70_400],
    ]);
    expect(s.balances).toMatchObject({ captured: 88_000, refunded: 88_000, netPaid: 0, balanced: true });
    const refunds = await h.repo.listRefunds(o.orderId);
    expect(refunds.map((r) => [r.paymentId, r.amount, r.origin, r.status]).sort()).toEqual(
      [
        [s.deposit?.paymentId, 17_600, 'cancellation', 'succeeded'],
        [s.balance?.paymentId, 70_400, 'cancellation', 'succeeded'],
      ].sort(),
    );
  });

  it('a cancellation racing PreSaleBalanceDue: whichever wins, nothing stays authorised and nothing is charged', async () => {
    const outcomes = { balanceOpened: 0, balanceNotOpened: 0 };
    for (let i = 0; i < 8; i++) {
      const o = h.newPresaleOrder(i % 2 ? 'card' : 'wallet', 20_000 + i);
      expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
      expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
      const due = h.events.balanceDue(o);
      const cancelled = h.events.cancelled(o, 'PLACED');
      const results = await Promise.all([h.deliver('PreSaleBalanceDue', due), h.deliver('OrderCancelled', cancelled)]);
      // A record that lost the race fails and is redelivered, like SQS.
      if (!results[0]) expect(await h.deliver('PreSaleBalanceDue', due)).toBe(true);
      if (!results[1]) expect(await h.deliver('OrderCancelled', cancelled)).toBe(true);
      await h.deliverSandbox();
      const s = await state(o.orderId);
      expect(s.balances, o.orderId).toMatchObject({ held: 0, captured: 0, balanced: true });
      for (const p of s.payments) expect(['voided', 'cancelled'], `${p.part} of ${o.orderId}`).toContain(p.status);
      for (const p of s.payments) if (p.providerPaymentId) expect((await atProvider(p))?.status).toBe('canceled');
      outcomes[s.balance ? 'balanceOpened' : 'balanceNotOpened']++;
    }
    console.log(`cancellation vs PreSaleBalanceDue race: ${JSON.stringify(outcomes)}`);
  });
});

describe('bank transfer and cash on delivery (ORD-5, PAY-1)', () => {
  it('bank transfer: the deposit’s transfer, then an awaited transfer for the balance → PaymentPending(balance) → funds arrive → PaymentAuthorized(already-captured, balance); shipment captures nothing more', async () => {
    const o = h.newPresaleOrder('bank_transfer', 300_000);
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    await h.deliverSandbox();
    expect((await state(o.orderId)).deposit).toMatchObject({ status: 'captured', capturedAmount: 60_000 });
    expect(await h.deliver('PreSaleBalanceDue', h.events.balanceDue(o))).toBe(true);
    expect((await state(o.orderId)).balance).toMatchObject({ status: 'pending', amount: 240_000 });
    await h.deliverSandbox();
    const s = await state(o.orderId);
    expect(s.balance).toMatchObject({ status: 'captured', captureOn: 'already-captured', capturedAmount: 240_000, feeAmount: 1_440 });
    expect(s.balances).toMatchObject({ captured: 300_000, fees: 360 + 1_440, held: 0, balanced: true });
    expect(paymentEvents(o.orderId).map((e) => [e.name, e.paymentId === s.balance?.paymentId ? 'balance' : 'deposit', e.amount])).toEqual([
      ['PaymentPending', 'deposit', 60_000],
      ['PaymentAuthorized', 'deposit', 60_000],
      ['PaymentCaptured', 'deposit', 60_000],
      ['PaymentPending', 'balance', 240_000],
      ['PaymentAuthorized', 'balance', 240_000],
      ['PaymentCaptured', 'balance', 240_000],
    ]);
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect((await state(o.orderId)).ledger).toHaveLength(s.ledger.length);
  });

  it('cash on delivery: nothing to collect before delivery — PaymentAuthorized(captureOn delivery) for the balance without the provider, so checkout approves; delivery captures deposit and balance', async () => {
    const o = h.newPresaleOrder('cod', 15_000);
    await depositThenBalance(o);
    const s = await state(o.orderId);
    expect(s.payments.map((p) => [p.part, p.status, p.captureOn, p.providerPaymentId])).toEqual([
      ['deposit', 'authorized', 'delivery', undefined],
      ['balance', 'authorized', 'delivery', undefined],
    ]);
    expect(paymentEvents(o.orderId)).toEqual([
      { name: 'PaymentAuthorized', paymentId: s.deposit?.paymentId, amount: 3_000, captureOn: 'delivery' },
      { name: 'PaymentAuthorized', paymentId: s.balance?.paymentId, amount: 12_000, captureOn: 'delivery' },
    ]);
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect((await state(o.orderId)).balances.captured).toBe(0);
    expect(await h.deliver('OrderDelivered', h.events.delivered(o))).toBe(true);
    const delivered = await state(o.orderId);
    expect(delivered.payments.map((p) => [p.part, p.status, p.capturedAmount])).toEqual([
      ['deposit', 'captured', 3_000],
      ['balance', 'captured', 12_000],
    ]);
    expect(delivered.balances.accounts['cod-receivable']).toBe(15_000);
    expect(delivered.balances).toMatchObject({ captured: 15_000, balanced: true });
  });
});

describe('staff refunds of a pre-sale order (PAY-2, RISK-7)', () => {
  it('a refund is taken from one payment and never exceeds what was captured: more than either payment → 409 (split it); both in two refunds; then nothing is left', async () => {
    const o = h.newPresaleOrder('card', 100_000);
    await depositThenBalance(o);
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    const s = await state(o.orderId);
    const refund = (amount: number, key = `k-${o.orderId}-${amount}-${Math.random()}`) =>
      h.http(h.handlers.requestRefund, {
        path: `/orders/${o.orderId}/refunds`,
        resource: '/orders/{orderId}/refunds',
        pathParameters: { orderId: o.orderId },
        body: { amount: { amount, currency: 'CNY' }, reason: 'damaged-or-defective' },
        sub: 'cs-1',
        roles: ['cs-agent'],
        key,
      });

    const tooBig = await refund(90_000);
    expect(tooBig.status).toBe(409);
    expect(String(tooBig.json.detail)).toContain('Split the refund');
    const fromBalance = await refund(80_000);
    expect(fromBalance.status, JSON.stringify(fromBalance.json)).toBe(201);
    expect(fromBalance.json).toMatchObject({ paymentId: s.balance?.paymentId, amount: 80_000, status: 'succeeded' });
    // 800.00 + 200.00 reaches the approval threshold on the order (RISK-7): the second piece waits.
    const pending = await refund(20_000);
    expect(pending.status).toBe(202);
    expect(pending.json).toMatchObject({ paymentId: s.deposit?.paymentId, amount: 20_000, status: 'pending_approval', approvalRequiredBy: 'order-threshold' });
    const refundId = String(pending.json.refundId);
    const fromDeposit = await h.http(h.handlers.approveRefund, {
      path: `/orders/${o.orderId}/refunds/${refundId}/approve`,
      resource: '/orders/{orderId}/refunds/{refundId}/approve',
      pathParameters: { orderId: o.orderId, refundId },
      sub: 'ops-2',
      roles: ['ops'],
      key: `approve-${refundId}`,
    });
    expect(fromDeposit.status).toBe(201);
    expect(fromDeposit.json).toMatchObject({ paymentId: s.deposit?.paymentId, amount: 20_000, status: 'succeeded' });
    expect((await refund(1)).status).toBe(409);
    const after = await state(o.orderId);
    expect(after.balances).toMatchObject({ captured: 100_000, refunded: 100_000, netPaid: 0, balanced: true });
    for (const p of after.payments) {
      const sp = await atProvider(p);
      expect(sp?.amountRefunded).toBe(sp?.amountCaptured);
    }
  });
});
