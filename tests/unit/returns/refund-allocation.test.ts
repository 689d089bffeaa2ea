/**
 * AFT-1: refund amounts for returns of discounted lines. Property tests: over random orders (lines,
 * quantities, discounts already in each line total, shipping) and every sequence of partial
 * returns, the running sum never exceeds what was paid and the full return ends exactly at it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cumulativeShare, EMPTY_LEDGER, quoteRefund, RefundAllocationError, type PaidOrder, type RefundLedger } from '../../../functions/returns/domain/refund.ts';
import { RETURN_REASONS } from '../../../events/return-events.ts';
import type { ReturnReason, ReturnUnits } from '../../../functions/returns/domain/return.ts';

const MERCHANT_FAULT: ReturnReason[] = ['damaged', 'wrong-item', 'quality', 'counterfeit'];

/** A random order: list prices, discounts (any amount up to the line's subtotal), a shipping fee. */
const orderArb = fc
  .array(
    fc.record({
      quantity: fc.integer({ min: 1, max: 12 }),
      unitPrice: fc.integer({ min: 1, max: 1_000_000 }),
      discountPerMille: fc.integer({ min: 0, max: 1000 }),
      odd: fc.integer({ min: 0, max: 997 }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .chain((lines) =>
    fc.record({
      shippingFee: fc.integer({ min: 0, max: 5_000 }),
      lines: fc.constant(
        lines.map((l, i) => {
          const subtotal = l.quantity * l.unitPrice;
          // A discount that leaves an awkward total (not a multiple of the quantity) as often as not.
          const discount = Math.min(subtotal, Math.floor((subtotal * l.discountPerMille) / 1000) + l.odd);
          return { sku: `SKU-${i + 1}`, quantity: l.quantity, lineTotal: subtotal - discount };
        }),
      ),
    }),
  )
  .map(({ lines, shippingFee }): PaidOrder => ({ lines, shippingFee, paid: lines.reduce((s, l) => s + l.lineTotal, 0) + shippingFee }));

/** Every unit of the order in a random order, cut into random returns. */
const splitArb = (order: PaidOrder) =>
  fc
    .shuffledSubarray(
      order.lines.flatMap((l) => Array.from({ length: l.quantity }, (_, u) => `${l.sku}#${u}`)),
      { minLength: order.lines.reduce((s, l) => s + l.quantity, 0) },
    )
    .chain((units) => fc.tuple(fc.constant(units), fc.array(fc.boolean(), { minLength: units.length, maxLength: units.length })))
    .map(([units, cuts]) => {
      const returns: ReturnUnits[][] = [];
      let current = new Map<string, number>();
      units.forEach((unit, i) => {
        const sku = unit.split('#')[0] as string;
        current.set(sku, (current.get(sku) ?? 0) + 1);
        if (cuts[i] || i === units.length - 1) {
          returns.push([...current].map(([s, quantity]) => ({ sku: s, quantity })));
          current = new Map();
        }
      });
      return returns;
    });

function refundAll(order: PaidOrder, returns: readonly ReturnUnits[][], reasons: readonly ReturnReason[]): { running: number[]; ledger: RefundLedger } {
  let ledger = EMPTY_LEDGER;
  const running: number[] = [];
  returns.forEach((items, i) => {
    const quote = quoteRefund(order, ledger, items, reasons[i % reasons.length] as ReturnReason);
    expect(quote.amount).toBeGreaterThanOrEqual(0);
    expect(quote.ledger.amount).toBe(ledger.amount + quote.amount);
    ledger = quote.ledger;
    running.push(ledger.amount);
  });
  return { running, ledger };
}

const goodsTotal = (order: PaidOrder) => order.lines.reduce((s, l) => s + l.lineTotal, 0);

describe('AFT-1 refund allocation (property tests)', () => {
  it('AFT-1: no-reason returns in any split never exceed what was paid and end exactly at the goods paid for (shipping is not refunded)', () => {
    fc.assert(
      fc.property(
        orderArb.chain((order) => fc.tuple(fc.constant(order), splitArb(order))),
        ([order, returns]) => {
          const { running, ledger } = refundAll(order, returns, ['no-reason']);
          for (const sum of running) expect(sum).toBeLessThanOrEqual(order.paid);
          expect(running).toEqual([...running].sort((a, b) => a - b));
          expect(ledger.amount).toBe(goodsTotal(order));
          expect(ledger.shippingRefunded).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('AFT-1: merchant-fault returns in any split never exceed what was paid and the full return refunds exactly everything paid, shipping included', () => {
    fc.assert(
      fc.property(
        orderArb.chain((order) => fc.tuple(fc.constant(order), splitArb(order), fc.array(fc.constantFrom(...MERCHANT_FAULT), { minLength: 1, maxLength: 4 }))),
        ([order, returns, reasons]) => {
          const { running, ledger } = refundAll(order, returns, reasons);
          for (const sum of running) expect(sum).toBeLessThanOrEqual(order.paid);
          expect(ledger.amount).toBe(order.paid);
          // Shipping comes only with the refund that completes the order.
          expect(running.slice(0, -1).every((sum) => sum <= goodsTotal(order))).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('AFT-1: with any mix of reasons the running sum stays within what was paid; a mix never refunds shipping', () => {
    fc.assert(
      fc.property(
        orderArb.chain((order) => fc.tuple(fc.constant(order), splitArb(order), fc.array(fc.constantFrom(...RETURN_REASONS), { minLength: 1, maxLength: 5 }))),
        ([order, returns, reasons]) => {
          const used = returns.map((_, i) => reasons[i % reasons.length] as ReturnReason);
          const { running, ledger } = refundAll(order, returns, used);
          for (const sum of running) expect(sum).toBeLessThanOrEqual(order.paid);
          const allFault = used.every((r) => MERCHANT_FAULT.includes(r));
          expect(ledger.amount).toBe(allFault ? order.paid : goodsTotal(order));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('AFT-1: the refund never exceeds what is left of the payment (paid less than the order, e.g. an earlier refund elsewhere)', () => {
    fc.assert(
      fc.property(
        orderArb.chain((order) => fc.tuple(fc.constant(order), splitArb(order), fc.integer({ min: 0, max: 100 }))),
        ([order, returns, percent]) => {
          const capped = { ...order, paid: Math.floor((order.paid * percent) / 100) };
          const { running, ledger } = refundAll(capped, returns, ['damaged']);
          for (const sum of running) expect(sum).toBeLessThanOrEqual(capped.paid);
          expect(ledger.amount).toBe(capped.paid);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('AFT-1: a unit’s share is floor-cumulative: 3 units paid 100 fen refund 33, 33, 34 one by one, 66 + 34 in two returns', () => {
    const order: PaidOrder = { lines: [{ sku: 'TEA-1', quantity: 3, lineTotal: 100 }], shippingFee: 0, paid: 100 };
    let ledger = EMPTY_LEDGER;
    const one = [1, 2, 3].map(() => {
      const q = quoteRefund(order, ledger, [{ sku: 'TEA-1', quantity: 1 }], 'no-reason');
      ledger = q.ledger;
      return q.amount;
    });
    expect(one).toEqual([33, 33, 34]);
    const two = quoteRefund(order, EMPTY_LEDGER, [{ sku: 'TEA-1', quantity: 2 }], 'no-reason');
    expect(two.amount).toBe(66);
    expect(quoteRefund(order, two.ledger, [{ sku: 'TEA-1', quantity: 1 }], 'no-reason').amount).toBe(34);
    expect(cumulativeShare({ sku: 'X', quantity: 7, lineTotal: 999_999_999_999 }, 7)).toBe(999_999_999_999);
  });

  it('AFT-1: the whole order returned as damaged refunds the shipping fee once; a no-reason one does not', () => {
    const order: PaidOrder = {
      lines: [
        { sku: 'TEA-1', quantity: 2, lineTotal: 1800 },
        { sku: 'CUP-1', quantity: 1, lineTotal: 500 },
      ],
      shippingFee: 1000,
      paid: 3300,
    };
    const all = [
      { sku: 'TEA-1', quantity: 2 },
      { sku: 'CUP-1', quantity: 1 },
    ];
    const damaged = quoteRefund(order, EMPTY_LEDGER, all, 'damaged');
    expect(damaged).toMatchObject({ amount: 3300, shipping: 1000 });
    expect(quoteRefund(order, EMPTY_LEDGER, all, 'no-reason')).toMatchObject({ amount: 2300, shipping: 0 });
  });

  it('AFT-1: more units than are left, or a SKU not on the order, is refused', () => {
    const order: PaidOrder = { lines: [{ sku: 'TEA-1', quantity: 2, lineTotal: 1800 }], shippingFee: 0, paid: 1800 };
    const first = quoteRefund(order, EMPTY_LEDGER, [{ sku: 'TEA-1', quantity: 2 }], 'no-reason');
    expect(() => quoteRefund(order, first.ledger, [{ sku: 'TEA-1', quantity: 1 }], 'no-reason')).toThrow(RefundAllocationError);
    expect(() => quoteRefund(order, EMPTY_LEDGER, [{ sku: 'CUP-1', quantity: 1 }], 'no-reason')).toThrow(RefundAllocationError);
  });
});
