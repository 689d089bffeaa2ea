/**
 * The ledger (PAY-3, PAY-4): every movement is double-entry and balanced in integer minor units;
 * an order's balances derive from its movements.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  authorizationMovement,
  balancesOf,
  captureMovement,
  checkMovement,
  feeMovement,
  LedgerError,
  refundMovement,
  releaseMovement,
  type LedgerMovement,
} from '../../../functions/payments/domain/ledger.ts';

const s = { orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB', paymentId: '01JD7ZKB11V8Q4N6M5R9T0W1YE', method: 'card' as const, currency: 'CNY' };
const at = '2026-11-23T08:00:00.000Z';

describe('ledger movements (PAY-3)', () => {
  it('authorise → capture with fee → partial refunds: balanced, and balances derive from the movements', () => {
    const movements = [
      authorizationMovement(s, 23040, at, 'pay_1'),
      captureMovement(s, { captureId: 'cap_1', amount: 23040, at, fromHold: true, receivable: 'provider' }),
      feeMovement(s, 'cap_1', 138, at),
      refundMovement(s, { refundId: 'R1', amount: 5000, at, receivable: 'provider' }),
      refundMovement(s, { refundId: 'R2', amount: 3040, at, receivable: 'provider' }),
    ];
    for (const m of movements) expect(checkMovement(m)).toEqual([]);
    const b = balancesOf(movements);
    expect(b).toMatchObject({ held: 0, captured: 23040, refunded: 8040, fees: 138, netPaid: 15000, balanced: true, movements: 5 });
    expect(b.accounts[ACCOUNTS.providerReceivable]).toBe(23040 - 8040 - 138);
    expect(b.accounts[ACCOUNTS.authorizationCommitment]).toBe(0);
  });

  it('a void releases what is left of the hold; the order then holds nothing', () => {
    const b = balancesOf([authorizationMovement(s, 1000, at, 'p'), releaseMovement(s, 'void', 1000, at)]);
    expect(b).toMatchObject({ held: 0, captured: 0, netPaid: 0, balanced: true });
  });

  it('cash on delivery is owed by the carrier, not the provider', () => {
    const cod = { ...s, method: 'cod' as const };
    const b = balancesOf([captureMovement(cod, { captureId: 'cod-1', amount: 999, at, fromHold: false, receivable: 'cod' })]);
    expect(b.accounts[ACCOUNTS.codReceivable]).toBe(999);
    expect(b.accounts[ACCOUNTS.providerReceivable]).toBe(0);
    expect(b.captured).toBe(999);
  });

  it('movement ids are deterministic, so the same money movement cannot be recorded twice', () => {
    expect(captureMovement(s, { captureId: 'cap_9', amount: 1, at, fromHold: true, receivable: 'provider' }).movementId).toBe('CAPTURE#cap_9');
    expect(refundMovement(s, { refundId: 'R9', amount: 1, at, receivable: 'provider' }).movementId).toBe('REFUND#R9');
    expect(authorizationMovement(s, 1, at, 'p').movementId).toBe('AUTH');
  });

  it('refuses non-integer, zero or negative amounts (ORD-2: no floats)', () => {
    expect(() => authorizationMovement(s, 10.5, at, 'p')).toThrow(LedgerError);
    expect(() => captureMovement(s, { captureId: 'c', amount: 0, at, fromHold: true, receivable: 'provider' })).toThrow(LedgerError);
    expect(() => feeMovement(s, 'c', -1, at)).toThrow(LedgerError);
  });

  it('checkMovement finds an unbalanced or malformed record (as reconciliation reads them back)', () => {
    const bad: LedgerMovement = {
      ...authorizationMovement(s, 100, at, 'p'),
      postings: [
        { account: ACCOUNTS.authorizationHold, side: 'debit', amount: 100 },
        { account: ACCOUNTS.authorizationCommitment, side: 'credit', amount: 99 },
      ],
    };
    expect(checkMovement(bad)).toEqual(['debits 100 ≠ credits 99']);
    expect(balancesOf([bad]).balanced).toBe(false);
  });

  it('property: any sequence of well-formed movements balances, and captured − refunded = netPaid', () => {
    const amount = fc.integer({ min: 1, max: 10_000_000 });
    const movement = fc.oneof(
      amount.map((a) => authorizationMovement(s, a, at, 'p')),
      fc.tuple(amount, fc.boolean()).map(([a, hold]) => captureMovement(s, { captureId: `c${a}`, amount: a, at, fromHold: hold, receivable: 'provider' })),
      amount.map((a) => feeMovement(s, `c${a}`, a, at)),
      amount.map((a) => releaseMovement(s, 'void', a, at)),
      amount.map((a) => refundMovement(s, { refundId: `r${a}`, amount: a, at, receivable: 'provider' })),
    );
    fc.assert(
      fc.property(fc.array(movement, { maxLength: 30 }), (movements) => {
        const b = balancesOf(movements, 'CNY');
        expect(b.balanced).toBe(true);
        expect(Object.values(b.accounts).reduce((x, y) => x + y, 0)).toBe(0);
        expect(b.netPaid).toBe(b.captured - b.refunded);
      }),
    );
  });
});
