/**
 * Reconciliation (PAY-3): ledger, orders and the provider's settlement report agree to the cent on
 * clean data; each kind of deliberately injected discrepancy is found.
 */
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, authorizationMovement, captureMovement, feeMovement, refundMovement, type LedgerMovement } from '../../../functions/payments/domain/ledger.ts';
import type { Payment } from '../../../functions/payments/domain/payment.ts';
import { reconcile, type ReconciliationInput } from '../../../functions/payments/domain/reconciliation.ts';
import type { SettlementLine } from '../../../functions/payments/provider/port.ts';

const DAY = '2026-11-24';
const at = `${DAY}T10:00:00.000Z`;
const id = (n: number) => `01JD7ZK3X2V8Q4N6M5R9T0W${String(n).padStart(3, '0')}`;

function payment(n: number, overrides: Partial<Payment> = {}): Payment {
  return {
    paymentId: id(500 + n),
    orderId: id(n),
    customerId: 'alice',
    method: 'card',
    currency: 'CNY',
    amount: 10_000,
    status: 'captured',
    orderKnown: true,
    providerPaymentId: `pay_${n}`,
    authorizedAmount: 10_000,
    capturedAmount: 10_000,
    refundedAmount: 0,
    refundPendingAmount: 0,
    feeAmount: 60,
    createdAt: at,
    updatedAt: at,
    version: 4,
    ...overrides,
  };
}

/** A clean day: order 1 captured, order 2 captured and partly refunded, order 3 cash on delivery. */
function cleanDay() {
  const s = (p: Payment) => ({ orderId: p.orderId, paymentId: p.paymentId, method: p.method, currency: p.currency });
  const p1 = payment(1);
  const p2 = payment(2, { refundedAmount: 2500, status: 'partially_refunded' });
  const p3 = payment(3, { method: 'cod', providerPaymentId: undefined, feeAmount: 0 });
  const movements = new Map<string, LedgerMovement[]>([
    [
      p1.orderId,
      [
        authorizationMovement(s(p1), 10_000, '2026-11-23T10:00:00.000Z', 'pay_1'),
        captureMovement(s(p1), { captureId: 'cap_1', amount: 10_000, at, fromHold: true, receivable: 'provider', providerPaymentId: 'pay_1' }),
        feeMovement(s(p1), 'cap_1', 60, at),
      ],
    ],
    [
      p2.orderId,
      [
        authorizationMovement(s(p2), 10_000, at, 'pay_2'),
        captureMovement(s(p2), { captureId: 'cap_2', amount: 10_000, at, fromHold: true, receivable: 'provider', providerPaymentId: 'pay_2' }),
        feeMovement(s(p2), 'cap_2', 60, at),
        refundMovement(s(p2), { refundId: id(900), amount: 2500, at, providerRefundId: 're_2', receivable: 'provider', providerPaymentId: 'pay_2' }),
      ],
    ],
    [p3.orderId, [captureMovement(s(p3), { captureId: `cod-${p3.paymentId}`, amount: 10_000, at, fromHold: false, receivable: 'cod' })]],
  ]);
  const lines: SettlementLine[] = [
    { transactionId: 'cap_1', type: 'capture', providerPaymentId: 'pay_1', reference: p1.orderId, amount: 10_000, fee: 60, currency: 'CNY', at },
    { transactionId: 'cap_2', type: 'capture', providerPaymentId: 'pay_2', reference: p2.orderId, amount: 10_000, fee: 60, currency: 'CNY', at },
    { transactionId: 're_2', type: 'refund', providerPaymentId: 'pay_2', reference: p2.orderId, amount: 2500, fee: 0, currency: 'CNY', at },
  ];
  return { payments: new Map([p1, p2, p3].map((p) => [p.orderId, p])), movements, lines };
}

function run(day: ReturnType<typeof cleanDay>) {
  const dayMovements = [...day.movements.values()].flat().filter((m) => m.at.startsWith(DAY));
  const input: ReconciliationInput = {
    date: DAY,
    currency: 'CNY',
    dayMovements,
    providerLines: day.lines,
    payments: day.payments,
    orderMovements: day.movements,
    orderOfProviderPayment: new Map([...day.payments.values()].filter((p) => p.providerPaymentId).map((p) => [p.providerPaymentId as string, p.orderId])),
  };
  return reconcile(input, { generatedAt: '2026-11-25T01:30:00.000Z', provider: 'sandbox', maxStoredMismatches: 500 });
}

const kinds = (r: ReturnType<typeof run>) => r.mismatches.map((m) => m.kind);

describe('reconciliation (PAY-3)', () => {
  it('clean data: zero mismatches, totals to the cent', () => {
    const report = run(cleanDay());
    expect(report.mismatches).toEqual([]);
    expect(report).toMatchObject({ status: 'clean', matched: 3, mismatchCount: 0, truncated: false });
    expect(report.totals).toMatchObject({
      ledgerCaptured: 20_000,
      ledgerRefunded: 2500,
      ledgerFees: 120,
      codCaptured: 10_000,
      providerCaptured: 20_000,
      providerRefunded: 2500,
      providerFees: 120,
      orders: 3,
    });
  });

  it('missing capture (provider side): the ledger has a capture the provider never settled', () => {
    const day = cleanDay();
    day.lines = day.lines.filter((l) => l.transactionId !== 'cap_1');
    expect(run(day).mismatches).toEqual([expect.objectContaining({ kind: 'missing-capture', side: 'provider', transactionId: 'cap_1', orderId: id(1), expected: 10_000 })]);
  });

  it('missing capture (ledger side): the provider settled a capture the ledger does not have', () => {
    const day = cleanDay();
    const p4 = payment(4, { status: 'authorized', capturedAmount: 0, feeAmount: 0 });
    day.payments.set(p4.orderId, p4);
    day.lines.push({ transactionId: 'cap_4', type: 'capture', providerPaymentId: 'pay_4', reference: p4.orderId, amount: 10_000, fee: 60, currency: 'CNY', at });
    expect(kinds(run(day))).toEqual(['missing-capture']);
    expect(run(day).mismatches[0]).toMatchObject({ side: 'ledger', transactionId: 'cap_4', orderId: p4.orderId });
  });

  it('double capture: the provider captured an already captured order again', () => {
    const day = cleanDay();
    day.lines.push({ transactionId: 'cap_1b', type: 'capture', providerPaymentId: 'pay_1', reference: id(1), amount: 10_000, fee: 60, currency: 'CNY', at });
    const report = run(day);
    expect(kinds(report)).toContain('double-capture');
    expect(report.mismatches.find((m) => m.kind === 'double-capture')).toMatchObject({ orderId: id(1), expected: 10_000, actual: 20_000 });
  });

  it('double capture in the ledger: two captures above the order amount', () => {
    const day = cleanDay();
    const p1 = day.payments.get(id(1)) as Payment;
    const s = { orderId: p1.orderId, paymentId: p1.paymentId, method: p1.method, currency: p1.currency };
    day.movements.get(id(1))!.push(captureMovement(s, { captureId: 'cap_1x', amount: 10_000, at, fromHold: false, receivable: 'provider' }));
    expect(kinds(run(day))).toEqual(expect.arrayContaining(['double-capture', 'missing-capture', 'amount-mismatch']));
  });

  it('amount mismatch: both sides know the capture but disagree by one fen; and a fee mismatch', () => {
    const day = cleanDay();
    day.lines = day.lines.map((l) => (l.transactionId === 'cap_2' ? { ...l, amount: 9_999 } : l.transactionId === 'cap_1' ? { ...l, fee: 61 } : l));
    const report = run(day);
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'amount-mismatch', transactionId: 'cap_1', expected: 60, actual: 61 }),
      expect.objectContaining({ kind: 'amount-mismatch', transactionId: 'cap_2', expected: 10_000, actual: 9_999 }),
    ]);
    expect(report.matched).toBe(1);
  });

  it('provider transaction with no order', () => {
    const day = cleanDay();
    day.lines.push({ transactionId: 'cap_x', type: 'capture', providerPaymentId: 'pay_x', reference: id(777), amount: 4_200, fee: 25, currency: 'CNY', at });
    expect(run(day).mismatches).toEqual([expect.objectContaining({ kind: 'unknown-provider-transaction', transactionId: 'cap_x', actual: 4_200 })]);
  });

  it('missing refund (either side)', () => {
    const day = cleanDay();
    day.lines = day.lines.filter((l) => l.type !== 'refund');
    expect(run(day).mismatches).toEqual([expect.objectContaining({ kind: 'missing-refund', side: 'provider', transactionId: 're_2' })]);
  });

  it('an unbalanced ledger record; and a payment record that disagrees with its ledger', () => {
    const day = cleanDay();
    const fee = day.movements.get(id(1))![2]!;
    day.movements.get(id(1))![2] = {
      ...fee,
      postings: [
        { account: ACCOUNTS.providerFees, side: 'debit', amount: 60 },
        { account: ACCOUNTS.providerReceivable, side: 'credit', amount: 59 },
      ],
    };
    day.payments.set(id(2), { ...(day.payments.get(id(2)) as Payment), refundedAmount: 0 });
    const report = run(day);
    expect(kinds(report)).toEqual(expect.arrayContaining(['unbalanced-entry', 'amount-mismatch']));
    expect(report.mismatches.find((m) => m.kind === 'amount-mismatch')).toMatchObject({ side: 'payment', orderId: id(2), expected: 2500, actual: 0 });
  });

  it('stores at most maxStoredMismatches but always counts them all', () => {
    const day = cleanDay();
    for (let i = 0; i < 5; i++) day.lines.push({ transactionId: `cap_z${i}`, type: 'capture', providerPaymentId: `pay_z${i}`, amount: 1, fee: 0, currency: 'CNY', at });
    const dayMovements = [...day.movements.values()].flat();
    const report = reconcile(
      { date: DAY, currency: 'CNY', dayMovements, providerLines: day.lines, payments: day.payments, orderMovements: day.movements, orderOfProviderPayment: new Map() },
      { generatedAt: at, provider: 'sandbox', maxStoredMismatches: 2 },
    );
    expect(report).toMatchObject({ mismatchCount: 5, truncated: true });
    expect(report.mismatches).toHaveLength(2);
  });
});
