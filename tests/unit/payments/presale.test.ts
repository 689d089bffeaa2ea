/**
 * Pre-sale orders (ORD-5) in payments' pure rules: when the balance payment is opened (and when it
 * is not), its ledger movements next to the deposit's in one ledger, captures of both, refunds
 * taken from one payment and never above what was captured, limits on the order's total, and the
 * reconciliation of an order with two payments.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancesOf, type LedgerMovement } from '../../../functions/payments/domain/ledger.ts';
import { checkPaymentLimits, type PaymentLimits } from '../../../functions/payments/domain/limits.ts';
import {
  authorizationFailed,
  authorizationSucceeded,
  captureSucceeded,
  codAccepted,
  decideAuthorization,
  decideBalance,
  decideOrderCapture,
  linkBalance,
  markReleased,
  newBalancePayment,
  newPayment,
  orderAmountOf,
  PaymentStateError,
  refundable,
  refundReserved,
  refundSucceeded,
  refundTarget,
  slotOf,
  startAuthorization,
  tombstone,
  voidSucceeded,
  type BalanceDue,
  type Payment,
  type TransitionContext,
} from '../../../functions/payments/domain/payment.ts';
import { reconcile } from '../../../functions/payments/domain/reconciliation.ts';
import { refundRefusal } from '../../../functions/payments/domain/refund.ts';
import type { SettlementLine } from '../../../functions/payments/provider/port.ts';

let n = 0;
const ctx: TransitionContext = { now: new Date('2026-11-23T08:00:00.000Z'), newId: () => `01JD7ZKD31V8Q4N6M5R9T0W${String(++n).padStart(3, '0')}` };
const ORDER = '01JD7ZK3X2V8Q4N6M5R9T0W1YB';
const at = '2026-11-23T08:00:03.000Z';
const names = (t: { events: readonly { definition: { name: string } }[] }) => t.events.map((e) => e.definition.name);

const depositFacts = (method: Payment['method'] = 'card', deposit = 20_000, total = 100_000) => ({
  orderId: ORDER,
  customerId: 'alice',
  method,
  amount: deposit,
  currency: 'CNY',
  part: 'deposit' as const,
  orderTotal: total,
});
const due = (over: Partial<BalanceDue> = {}): BalanceDue => ({
  orderId: ORDER,
  currency: 'CNY',
  total: 100_000,
  authorized: 20_000,
  balance: 80_000,
  dueBy: '2026-11-30T08:00:00.000Z',
  ...over,
});

/** A card deposit authorised at the provider (`pay_dep`), with its movements. */
function deposited(deposit = 20_000, total = 100_000): { payment: Payment; movements: LedgerMovement[] } {
  const p = startAuthorization(newPayment(depositFacts('card', deposit, total), ctx), '2026-11-23', ctx).payment;
  const t = authorizationSucceeded(p, { providerPaymentId: 'pay_dep', amount: deposit, at }, ctx);
  return { payment: t.payment, movements: [...t.movements] };
}
const authorizedDeposit = (deposit = 20_000, total = 100_000) => deposited(deposit, total).payment;

/** The balance of `deposit`, authorised at the provider (`pay_bal`). */
function authorizedBalance(deposit: Payment, d = due()): { payment: Payment; movements: LedgerMovement[] } {
  const opened = newBalancePayment(deposit, d, ctx);
  const started = startAuthorization(opened, '2026-11-24', ctx).payment;
  const t = authorizationSucceeded(started, { providerPaymentId: 'pay_bal', amount: d.balance, at }, ctx);
  return { payment: t.payment, movements: [...t.movements] };
}

describe('opening the balance payment on PreSaleBalanceDue (ORD-5)', () => {
  it('opens once, next to a secured deposit that was not released', () => {
    const deposit = authorizedDeposit();
    expect(decideBalance(deposit, undefined, due())).toEqual({ action: 'open' });
    const balance = newBalancePayment(deposit, due(), ctx);
    expect(balance).toMatchObject({
      orderId: ORDER,
      customerId: 'alice',
      method: 'card',
      currency: 'CNY',
      amount: 80_000,
      part: 'balance',
      orderTotal: 100_000,
      dueBy: '2026-11-30T08:00:00.000Z',
      status: 'new',
      version: 1,
    });
    expect(balance.paymentId).not.toBe(deposit.paymentId);
    expect(slotOf(balance)).toBe('balance');
    expect(slotOf(deposit)).toBe('primary');
    expect(linkBalance(deposit, balance, ctx)).toMatchObject({ balancePaymentId: balance.paymentId, version: deposit.version + 1 });
    // Once opened, the event continues (securing it is idempotent): never a second balance.
    expect(decideBalance(deposit, balance, due())).toEqual({ action: 'continue' });
    expect(() => linkBalance({ ...deposit, balancePaymentId: 'other' }, balance, ctx)).toThrow(PaymentStateError);
    // The balance is secured like any payment: card → authorise; cash on delivery → accept.
    expect(decideAuthorization(balance)).toEqual({ action: 'authorize' });
    const cod = codAccepted(newPayment(depositFacts('cod'), ctx), 'd', ctx).payment;
    expect(decideAuthorization(newBalancePayment(cod, due(), ctx))).toEqual({ action: 'accept-cod' });
  });

  it('waits while the deposit is not recorded or not secured; skips a released, failed or cancelled order; refuses facts that contradict the deposit', () => {
    expect(decideBalance(undefined, undefined, due())).toMatchObject({ action: 'wait' });
    expect(decideBalance(newPayment(depositFacts(), ctx), undefined, due())).toMatchObject({ action: 'wait' });
    expect(decideBalance(tombstone(depositFacts(), 'order-cancelled', ctx), undefined, due())).toMatchObject({ action: 'skip' });
    expect(decideBalance(markReleased(authorizedDeposit(), 'order-cancelled', ctx), undefined, due())).toMatchObject({ action: 'skip' });
    expect(decideBalance(voidSucceeded(authorizedDeposit(), 'order-cancelled', ctx).payment, undefined, due())).toMatchObject({ action: 'skip' });
    expect(decideBalance(authorizationFailed(newPayment(depositFacts(), ctx), 'declined', ctx).payment, undefined, due())).toMatchObject({ action: 'skip' });
    expect(decideBalance(authorizedDeposit(), undefined, due({ balance: 0, total: 20_000 }))).toMatchObject({ action: 'skip' });
    expect(decideBalance(authorizedDeposit(), undefined, due({ balance: 80_001 }))).toMatchObject({ action: 'refuse' });
    expect(decideBalance(authorizedDeposit(), undefined, due({ authorized: 19_999 }))).toMatchObject({ action: 'refuse' });
    expect(decideBalance(authorizedDeposit(), undefined, due({ currency: 'USD' }))).toMatchObject({ action: 'refuse' });
    expect(decideBalance(authorizedDeposit(20_000, 90_000), undefined, due())).toMatchObject({ action: 'refuse' });
  });

  it('the balance has its own ledger ids (BALANCE#…) in the order’s one ledger, and its own PaymentAuthorized that checkout adds to the deposit', () => {
    const { payment: deposit, movements: depositMovements } = deposited();
    const opened = newBalancePayment(deposit, due(), ctx);
    const started = startAuthorization(opened, '2026-11-24', ctx);
    expect(started.limitDelta).toBe(80_000);
    const t = authorizationSucceeded(started.payment, { providerPaymentId: 'pay_bal', amount: 80_000, at }, ctx);
    expect(t.movements.map((m) => [m.movementId, m.paymentId])).toEqual([['BALANCE#AUTH', opened.paymentId]]);
    expect(t.movements[0]).not.toHaveProperty('idPrefix');
    expect(names(t)).toEqual(['PaymentAuthorized']);
    expect(t.events[0]!.payload).toMatchObject({ paymentId: opened.paymentId, amount: { amount: 80_000, currency: 'CNY' }, captureOn: 'shipment' });
    const voided = voidSucceeded(t.payment, 'order-cancelled', ctx);
    expect(voided.movements.map((m) => m.movementId)).toEqual(['BALANCE#VOID']);
    expect(voided.limitDelta).toBe(-80_000);
    const all = [...depositMovements, ...t.movements];
    expect(new Set(all.map((m) => m.movementId)).size).toBe(all.length);
    expect(balancesOf(all)).toMatchObject({ held: 100_000, balanced: true });
  });
});

describe('capturing both at shipment, delivery for cash on delivery', () => {
  it('captures each authorised payment; waits while a pre-sale’s balance is not recorded or not secured', () => {
    const deposit = authorizedDeposit();
    expect(decideOrderCapture([deposit], 'shipment')).toMatchObject({ action: 'wait', why: 'pre-sale balance not recorded yet' });
    expect(decideOrderCapture([deposit, newBalancePayment(deposit, due(), ctx)], 'shipment')).toMatchObject({ action: 'wait' });
    const balance = authorizedBalance(deposit).payment;
    const d = decideOrderCapture([deposit, balance], 'shipment');
    expect(d).toMatchObject({ action: 'capture', skipped: 0 });
    expect(d.action === 'capture' && d.captures.map((c) => [c.payment.part, c.amount])).toEqual([
      ['deposit', 20_000],
      ['balance', 80_000],
    ]);
    // Released: nothing to wait for, nothing to capture.
    expect(decideOrderCapture([markReleased(deposit, 'order-cancelled', ctx)], 'shipment')).toEqual({ action: 'capture', captures: [], skipped: 1 });
    // A regular order is unchanged.
    const regular = authorizationSucceeded(
      startAuthorization(newPayment({ orderId: ORDER, customerId: 'bob', method: 'card', amount: 5000, currency: 'CNY' }, ctx), 'd', ctx).payment,
      { providerPaymentId: 'p', amount: 5000, at },
      ctx,
    ).payment;
    expect(decideOrderCapture([regular], 'shipment')).toMatchObject({ action: 'capture', captures: [{ amount: 5000 }] });
    expect(decideOrderCapture([], 'shipment')).toMatchObject({ action: 'wait' });
  });

  it('cash on delivery: both are captured at delivery, none at shipment', () => {
    const deposit = codAccepted(newPayment(depositFacts('cod'), ctx), 'd', ctx).payment;
    const balance = codAccepted(newBalancePayment(deposit, due(), ctx), 'd', ctx).payment;
    expect(decideOrderCapture([deposit, balance], 'shipment')).toMatchObject({ action: 'capture', captures: [], skipped: 2 });
    const d = decideOrderCapture([deposit, balance], 'delivery');
    expect(d.action === 'capture' && d.captures.map((c) => c.amount)).toEqual([20_000, 80_000]);
  });
});

describe('refunds are taken from one payment, never more than captured (PAY-2)', () => {
  const captured = () => {
    const deposit = captureSucceeded(authorizedDeposit(), { captureId: 'cap_dep', amount: 20_000, fee: 120, at }, ctx).payment;
    const balance = captureSucceeded(authorizedBalance(authorizedDeposit()).payment, { captureId: 'cap_bal', amount: 80_000, fee: 480, at }, ctx).payment;
    return [deposit, balance] as const;
  };

  it('the payment with the most refundable that covers the amount; none when neither does', () => {
    const [deposit, balance] = captured();
    expect(refundTarget([deposit, balance], 30_000)?.part).toBe('balance');
    expect(refundTarget([deposit, balance], 80_000)?.part).toBe('balance');
    expect(refundTarget([deposit, balance], 80_001)).toBeUndefined();
    const partly = refundReserved(balance, 70_000, ctx);
    expect(refundTarget([deposit, partly], 15_000)?.part).toBe('deposit');
    expect(orderAmountOf([deposit, balance])).toBe(100_000);
    expect(orderAmountOf([authorizedDeposit()])).toBe(100_000);
  });

  it('a refund above either payment but within both is refused with a message to split it; above both, with the order’s refundable', () => {
    expect(refundRefusal({ amount: 90_000, currency: 'CNY', paymentCurrency: 'CNY', refundable: 80_000, orderRefundable: 100_000 })).toContain('Split the refund in two');
    expect(refundRefusal({ amount: 100_001, currency: 'CNY', paymentCurrency: 'CNY', refundable: 80_000, orderRefundable: 100_000 })).toContain(
      'At most CNY 1,000.00 can be refunded on this order',
    );
    expect(refundRefusal({ amount: 80_000, currency: 'CNY', paymentCurrency: 'CNY', refundable: 80_000, orderRefundable: 100_000 })).toBeUndefined();
    expect(refundRefusal({ amount: 1, currency: 'CNY', paymentCurrency: 'CNY', refundable: 0, orderRefundable: 0 })).toContain('Nothing is refundable');
  });

  it('property: whatever refunds are asked for, each is taken from one payment and Σ refunded ≤ Σ captured; the ledger balances and agrees with the payments', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 10_000_000 }), { maxLength: 12 }), (total, asks) => {
        const depositAmount = Math.max(1, Math.floor((total * 2000 + 5000) / 10_000));
        const balanceAmount = total - depositAmount;
        fc.pre(balanceAmount > 0);
        const d = due({ total, authorized: depositAmount, balance: balanceAmount });
        const dep0 = deposited(depositAmount, total);
        const bal0 = authorizedBalance(dep0.payment, d);
        const depCap = captureSucceeded(dep0.payment, { captureId: 'cap_dep', amount: depositAmount, fee: 0, at }, ctx);
        const balCap = captureSucceeded(bal0.payment, { captureId: 'cap_bal', amount: balanceAmount, fee: 0, at }, ctx);
        const payments: Payment[] = [depCap.payment, balCap.payment];
        const movements: LedgerMovement[] = [...dep0.movements, ...depCap.movements, ...bal0.movements, ...balCap.movements];
        asks.forEach((amount, i) => {
          const target = refundTarget(payments, amount);
          const orderRefundable = payments.reduce((s, p) => s + refundable(p), 0);
          if (!target) {
            expect(amount > Math.max(...payments.map(refundable)) || orderRefundable === 0).toBe(true);
            return;
          }
          const at2 = `2026-11-25T00:00:${String(i).padStart(2, '0')}.000Z`;
          const index = payments.indexOf(target);
          const t = refundSucceeded(refundReserved(target, amount, ctx), { refundId: `R${i}`, amount, reason: 'damaged', at: at2 }, ctx);
          payments[index] = t.payment;
          movements.push(...t.movements);
        });
        const b = balancesOf(movements, 'CNY');
        expect(b.balanced).toBe(true);
        expect(b.captured).toBe(total);
        expect(b.refunded).toBeLessThanOrEqual(b.captured);
        expect(b.refunded).toBe(payments.reduce((s, p) => s + p.refundedAmount, 0));
        for (const p of payments) expect(p.refundedAmount).toBeLessThanOrEqual(p.capturedAmount);
      }),
      { numRuns: 200 },
    );
  });
});

describe('limits: the per-order limit is on the order’s total, the daily limits on what is collected that day (PAY-1)', () => {
  const limits: PaymentLimits = {
    currency: 'CNY',
    perMethod: {
      card: { perOrderMax: 100_000, dailyMax: 150_000 },
      wallet: { perOrderMax: 1, dailyMax: 1 },
      bank_transfer: { perOrderMax: 1, dailyMax: 1 },
      cod: { perOrderMax: 1, dailyMax: 1 },
    },
    customerDailyMax: 1_000_000,
    dayOffsetMinutes: 480,
  };
  it('a deposit of an order above the per-order limit is refused; a balance is counted against the day', () => {
    expect(checkPaymentLimits({ method: 'card', amount: 20_001, orderAmount: 100_001, currency: 'CNY', today: { total: 0, byMethod: {} }, limits })).toMatchObject({
      ok: false,
      violation: 'per-order-method-limit',
    });
    expect(checkPaymentLimits({ method: 'card', amount: 20_000, orderAmount: 100_000, currency: 'CNY', today: { total: 0, byMethod: {} }, limits })).toEqual({ ok: true });
    expect(
      checkPaymentLimits({ method: 'card', amount: 80_000, orderAmount: 100_000, currency: 'CNY', today: { total: 80_000, byMethod: { card: 80_000 } }, limits }),
    ).toMatchObject({ ok: false, violation: 'daily-method-limit' });
    expect(() => checkPaymentLimits({ method: 'card', amount: 80_000, orderAmount: 79_999, currency: 'CNY', today: { total: 0, byMethod: {} }, limits })).toThrow(RangeError);
  });
});

describe('reconciliation of an order with two payments (PAY-3)', () => {
  const DAY = '2026-11-24';
  const at3 = `${DAY}T10:00:00.000Z`;
  function capturedOrder() {
    const dep = deposited();
    const bal = authorizedBalance(dep.payment);
    const depCap = captureSucceeded(dep.payment, { captureId: 'cap_dep', amount: 20_000, fee: 120, at: at3 }, ctx);
    const balCap = captureSucceeded(bal.payment, { captureId: 'cap_bal', amount: 80_000, fee: 480, at: at3 }, ctx);
    const movements = [...dep.movements, ...bal.movements, ...depCap.movements, ...balCap.movements];
    const lines: SettlementLine[] = [
      { transactionId: 'cap_dep', type: 'capture', providerPaymentId: 'pay_dep', reference: ORDER, amount: 20_000, fee: 120, currency: 'CNY', at: at3 },
      { transactionId: 'cap_bal', type: 'capture', providerPaymentId: 'pay_bal', reference: ORDER, amount: 80_000, fee: 480, currency: 'CNY', at: at3 },
    ];
    return { payments: [depCap.payment, balCap.payment], movements, lines };
  }
  const run = (payments: Payment[], movements: LedgerMovement[], lines: SettlementLine[]) =>
    reconcile(
      {
        date: DAY,
        currency: 'CNY',
        dayMovements: movements.filter((m) => m.at.startsWith(DAY)),
        providerLines: lines,
        payments: new Map([[ORDER, payments]]),
        orderMovements: new Map([[ORDER, movements]]),
        orderOfProviderPayment: new Map([
          ['pay_dep', ORDER],
          ['pay_bal', ORDER],
        ]),
      },
      { generatedAt: at3, provider: 'sandbox', maxStoredMismatches: 100 },
    );

  it('clean: both captures matched, the order captured its total (not "more than the deposit")', () => {
    const { payments, movements, lines } = capturedOrder();
    const report = run(payments, movements, lines);
    expect(report.mismatches).toEqual([]);
    expect(report).toMatchObject({ status: 'clean', matched: 2, totals: { ledgerCaptured: 100_000, providerCaptured: 100_000, ledgerFees: 600 } });
  });

  it('each payment record is checked against its own movements; a second provider capture of one payment is a double capture', () => {
    const { payments, movements, lines } = capturedOrder();
    const wrong = [payments[0]!, { ...payments[1]!, capturedAmount: 79_999 }];
    expect(run(wrong, movements, lines).mismatches).toEqual([expect.objectContaining({ kind: 'amount-mismatch', side: 'payment', expected: 80_000, actual: 79_999 })]);
    const again: SettlementLine = {
      transactionId: 'cap_bal_2',
      type: 'capture',
      providerPaymentId: 'pay_bal',
      reference: ORDER,
      amount: 80_000,
      fee: 480,
      currency: 'CNY',
      at: at3,
    };
    const kinds = run(payments, movements, [...lines, again]).mismatches.map((m) => m.kind);
    expect(kinds).toContain('double-capture');
  });
});
