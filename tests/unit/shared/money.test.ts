/** ORD-2: money is integer minor units + currency; allocation never loses or invents a fen. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, allocate, compare, formatMoney, money, MoneyError, multiply, percentage, subtract, sum } from '../../../shared/money.ts';

const cny = (amount: number) => money(amount, 'CNY');

describe('money (ORD-2)', () => {
  it('refuses floats, unsafe integers and malformed currencies', () => {
    expect(() => money(1.5)).toThrow(MoneyError);
    expect(() => money(Number.MAX_SAFE_INTEGER + 1)).toThrow(MoneyError);
    expect(() => money(100, 'cny')).toThrow(MoneyError);
    expect(() => money(Number.NaN)).toThrow(MoneyError);
  });

  it('refuses to mix currencies', () => {
    expect(() => add(cny(1), money(1, 'USD'))).toThrow(/currency mismatch/);
    expect(() => compare(cny(1), money(1, 'USD'))).toThrow(MoneyError);
  });

  it('adds, subtracts, multiplies and sums exactly', () => {
    expect(add(cny(10), cny(20)).amount).toBe(30);
    expect(subtract(cny(10), cny(25)).amount).toBe(-15);
    expect(multiply(cny(1999), 3).amount).toBe(5997);
    expect(sum([cny(1), cny(2), cny(3)]).amount).toBe(6);
    expect(sum([], 'CNY').amount).toBe(0);
    expect(() => multiply(cny(Number.MAX_SAFE_INTEGER), 2)).toThrow(MoneyError);
  });

  it('takes percentages in basis points with explicit rounding', () => {
    expect(percentage(cny(1999), 1000).amount).toBe(200); // 199.9 → 200
    expect(percentage(cny(1999), 1000, 'down').amount).toBe(199);
    expect(percentage(cny(5), 5000).amount).toBe(3); // 2.5 → 3 (half-up)
    expect(percentage(cny(5), 5000, 'down').amount).toBe(2);
    expect(() => percentage(cny(100), -1)).toThrow(MoneyError);
  });

  it('allocates 100 fen over three equal lines as 34/33/33, never 33/33/33', () => {
    expect(allocate(cny(100), [1, 1, 1]).map((m) => m.amount)).toEqual([34, 33, 33]);
    expect(allocate(cny(5000), [1999, 5998, 3000]).map((m) => m.amount)).toEqual([909, 2727, 1364]);
    expect(allocate(cny(7), [0, 0]).map((m) => m.amount)).toEqual([4, 3]);
  });

  it('formats for humans', () => {
    expect(formatMoney(cny(123456))).toBe('CNY 1,234.56');
    expect(formatMoney(cny(-5))).toBe('-CNY 0.05');
    expect(formatMoney(money(1500, 'JPY'))).toBe('JPY 1,500');
  });

  const weights = fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 30 });

  it('property: allocation parts always add up to the total exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), weights, (total, ws) => {
        const parts = allocate(cny(total), ws);
        expect(parts).toHaveLength(ws.length);
        expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(total);
        for (const p of parts) expect(p.amount).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('property: a discount no larger than the subtotal never exceeds any line', () => {
    fc.assert(
      fc.property(weights, fc.double({ min: 0, max: 1, noNaN: true }), (ws, fraction) => {
        const subtotal = ws.reduce((s, w) => s + w, 0);
        const discount = Math.floor(subtotal * fraction);
        const parts = allocate(cny(discount), ws);
        parts.forEach((p, i) => expect(p.amount).toBeLessThanOrEqual(ws[i] as number));
      }),
    );
  });

  it('property: each part is within one fen of its exact proportional share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        weights.filter((ws) => ws.some((w) => w > 0)),
        (total, ws) => {
          const totalWeight = ws.reduce((s, w) => s + w, 0);
          allocate(cny(total), ws).forEach((p, i) => {
            const exact = (total * (ws[i] as number)) / totalWeight;
            expect(Math.abs(p.amount - exact)).toBeLessThan(1 + 1e-9);
          });
        },
      ),
    );
  });
});
