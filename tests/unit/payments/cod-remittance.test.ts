/**
 * PAY-4: cash on delivery reaches the company's accounts. A carrier's remittance report is settled
 * against each order's ledger — booked where it matches what the carrier owes, a finding everywhere
 * else — and a delivered COD order whose cash is still owed after N days is reported.
 */
import { describe, expect, it } from 'vitest';
import { codNotRemitted, settleRemittance, type OrderCod } from '../../../functions/payments/domain/cod-remittance.ts';
import { ACCOUNTS, balancesOf, captureMovement, refundMovement, type LedgerMovement } from '../../../functions/payments/domain/ledger.ts';
import { reconcile } from '../../../functions/payments/domain/reconciliation.ts';

const subject = (orderId: string, method: 'cod' | 'card' = 'cod') => ({ orderId, paymentId: `P-${orderId}`, method, currency: 'CNY' });
const collected = (orderId: string, amount: number, at = '2026-11-20T10:00:00.000Z') =>
  captureMovement(subject(orderId), { captureId: `cod-P-${orderId}`, amount, at, fromHold: false, receivable: 'cod' });
const order = (orderId: string, movements: LedgerMovement[], method: 'cod' | 'card' = 'cod'): OrderCod => ({
  payment: { orderId, paymentId: `P-${orderId}`, method, currency: 'CNY', status: movements.length ? 'captured' : 'authorized' },
  movements,
});
const report = (lines: Array<{ orderId: string; amount: number; fee?: number }>, remittanceId = 'SF-REMIT-2026-11-27') => ({
  remittanceId,
  carrier: 'sf-express',
  remittedAt: '2026-11-27T02:00:00.000Z',
  currency: 'CNY',
  lines: lines.map((l) => ({ fee: 0, ...l })),
});

describe('settling a carrier’s remittance report (PAY-4)', () => {
  it('books what matches what the carrier owes: bank and carrier fees against cod-receivable; the order then owes nothing and still balances', () => {
    const a = collected('A', 12_900);
    const settled = settleRemittance(report([{ orderId: 'A', amount: 12_771, fee: 129 }]), new Map([['A', order('A', [a])]]));
    expect(settled.lines).toEqual([{ orderId: 'A', amount: 12_771, fee: 129, outcome: 'remitted', owedBefore: 12_900, owedAfter: 0 }]);
    expect(settled.movements.map((m) => [m.movementId, m.kind, m.amount])).toEqual([
      ['REMIT#SF-REMIT-2026-11-27', 'remittance', 12_771],
      ['REMIT-FEE#SF-REMIT-2026-11-27', 'collection-fee', 129],
    ]);
    const after = balancesOf([a, ...settled.movements]);
    expect(after).toMatchObject({ codOutstanding: 0, captured: 12_900, balanced: true });
    expect(after.accounts[ACCOUNTS.bank]).toBe(12_771);
    expect(after.accounts[ACCOUNTS.carrierFees]).toBe(129);
    expect(settled.totals).toEqual({ lines: 1, remitted: 12_771, fees: 129, booked: 1, findings: 0 });
  });

  it('every other line is a finding, booked only when it is a short payment', () => {
    const orders = new Map<string, OrderCod>([
      ['SHORT', order('SHORT', [collected('SHORT', 10_000)])],
      ['OVER', order('OVER', [collected('OVER', 10_000)])],
      [
        'CARD',
        order(
          'CARD',
          [captureMovement(subject('CARD', 'card'), { captureId: 'ch_1', amount: 5_000, at: '2026-11-20T10:00:00.000Z', fromHold: true, receivable: 'provider' })],
          'card',
        ),
      ],
      ['UNDELIVERED', order('UNDELIVERED', [])],
    ]);
    // Refunded in full at the door before the carrier remitted: it owes nothing.
    const refunded = collected('REFUNDED', 8_000);
    orders.set(
      'REFUNDED',
      order('REFUNDED', [refunded, refundMovement(subject('REFUNDED'), { refundId: 'R1', amount: 8_000, at: '2026-11-21T00:00:00.000Z', receivable: 'cod' })]),
    );
    const settled = settleRemittance(
      report([
        { orderId: 'SHORT', amount: 9_000 },
        { orderId: 'OVER', amount: 10_001 },
        { orderId: 'CARD', amount: 5_000 },
        { orderId: 'UNDELIVERED', amount: 100 },
        { orderId: 'REFUNDED', amount: 8_000 },
        { orderId: 'GHOST', amount: 1 },
        { orderId: 'SHORT', amount: 1_000 },
      ]),
      orders,
    );
    expect(settled.lines.map((l) => [l.orderId, l.outcome, l.owedAfter])).toEqual([
      ['SHORT', 'short', 1_000],
      ['OVER', 'over-remitted', 10_000],
      ['CARD', 'not-cod', undefined],
      ['UNDELIVERED', 'not-delivered', undefined],
      ['REFUNDED', 'already-remitted', undefined],
      ['GHOST', 'unknown-order', undefined],
      ['SHORT', 'duplicate-line', undefined],
    ]);
    expect(settled.movements.map((m) => [m.orderId, m.amount])).toEqual([['SHORT', 9_000]]);
    expect(settled.totals).toMatchObject({ lines: 7, booked: 1, remitted: 9_000, findings: 7 });
  });

  it('a report settled again (a retry) books nothing new and keeps its outcomes; a second report for the same cash is a double remittance', () => {
    const a = collected('A', 5_000);
    const first = settleRemittance(report([{ orderId: 'A', amount: 5_000 }]), new Map([['A', order('A', [a])]]));
    const booked = [a, ...first.movements];
    const again = settleRemittance(report([{ orderId: 'A', amount: 5_000 }]), new Map([['A', order('A', booked)]]));
    expect(again.movements).toEqual([]);
    expect(again.lines[0]).toMatchObject({ outcome: 'remitted', owedBefore: 5_000, owedAfter: 0 });
    const other = settleRemittance(report([{ orderId: 'A', amount: 5_000 }], 'SF-REMIT-2026-11-28'), new Map([['A', order('A', booked)]]));
    expect(other.lines[0]?.outcome).toBe('already-remitted');
    expect(other.movements).toEqual([]);
  });
});

describe('cash still owed after N days (PAY-4)', () => {
  it('the daily reconciliation reports each COD order collected N days before whose cash the carrier still owes', () => {
    const owed = collected('OWED', 7_000);
    const paid = collected('PAID', 3_000);
    const paidMovements = [paid, ...settleRemittance(report([{ orderId: 'PAID', amount: 3_000 }]), new Map([['PAID', order('PAID', [paid])]])).movements];
    const found = codNotRemitted(
      [owed, paid],
      new Map([
        ['OWED', [owed]],
        ['PAID', paidMovements],
      ]),
    );
    expect(found).toEqual([{ orderId: 'OWED', owed: 7_000, collectedAt: owed.at }]);
    const result = reconcile(
      {
        date: '2026-11-27',
        currency: 'CNY',
        dayMovements: [],
        providerLines: [],
        payments: new Map(),
        orderMovements: new Map(),
        orderOfProviderPayment: new Map(),
        codNotRemitted: found,
        codRemittanceDays: 7,
      },
      { generatedAt: '2026-11-28T01:00:00.000Z', provider: 'sandbox', maxStoredMismatches: 100 },
    );
    expect(result.status).toBe('mismatches');
    expect(result.mismatches).toEqual([expect.objectContaining({ kind: 'cod-not-remitted', side: 'carrier', orderId: 'OWED', actual: 7_000 })]);
  });
});
