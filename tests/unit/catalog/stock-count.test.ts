/** Cycle counts (FUL-4) and a hot SKU's buckets merged back after a sale (ORD-4): the pure planning against the current stock. */
import { describe, expect, it } from 'vitest';
import { planCount, planMerge, planSplit, toStockView, type BucketLevel } from '../../../functions/catalog/domain/stock.ts';

describe('planCount', () => {
  it('records the difference against the current on-hand quantity', () => {
    expect(planCount({ warehouseId: 'WH-EAST', onHand: 10, reserved: 3 }, 7)).toEqual({ kind: 'change', previousOnHand: 10, onHand: 7, reserved: 3, difference: -3 });
    expect(planCount({ warehouseId: 'WH-EAST', onHand: 10, reserved: 3 }, 15)).toMatchObject({ kind: 'change', difference: 5 });
  });

  it('creates stock where there was none', () => {
    expect(planCount(undefined, 12)).toEqual({ kind: 'change', onHand: 12, reserved: 0, difference: 12 });
  });

  it('counting the same quantity changes nothing', () => {
    expect(planCount({ warehouseId: 'WH-EAST', onHand: 10, reserved: 3 }, 10)).toMatchObject({ kind: 'unchanged' });
  });

  it('refuses a count below what placed orders reserved (available never below zero, ORD-4)', () => {
    expect(planCount({ warehouseId: 'WH-EAST', onHand: 10, reserved: 6 }, 5)).toEqual({ kind: 'below-reserved', reserved: 6 });
    expect(planCount({ warehouseId: 'WH-EAST', onHand: 10, reserved: 6 }, 6)).toMatchObject({ kind: 'change', difference: -4 });
  });

  it('shows available as on hand minus reserved', () => {
    expect(toStockView({ warehouseId: 'WH-EAST', onHand: 10, reserved: 4 })).toEqual({ warehouseId: 'WH-EAST', onHand: 10, reserved: 4, available: 6 });
  });
});

describe('planMerge (a split stock back into its counter after a sale)', () => {
  const bucket = (n: number, onHand: number, reserved = 0): BucketLevel => ({ bucket: n, onHand, reserved, available: onHand - reserved });
  const split = { warehouseId: 'WH-EAST', onHand: 30, reserved: 2, buckets: 3 };

  it('moves every bucket’s units back and removes every bucket when no order holds a unit in them', () => {
    expect(planMerge(split, [bucket(0, 10), bucket(1, 0), bucket(2, 7)])).toEqual({
      kind: 'merge',
      units: 17,
      complete: true,
      reserved: 0,
      buckets: [
        { ...bucket(0, 10), remove: true },
        { ...bucket(1, 0), remove: true },
        { ...bucket(2, 7), remove: true },
      ],
    });
  });

  it('drains while orders hold reservations in some buckets: their available units move, the buckets stay with just the reservations', () => {
    const plan = planMerge(split, [bucket(0, 10), bucket(1, 10, 2), bucket(2, 7, 7)]);
    expect(plan).toMatchObject({ kind: 'merge', units: 18, complete: false, reserved: 9 });
    expect(plan.kind === 'merge' && plan.buckets.map((b) => [b.bucket, b.remove])).toEqual([
      [0, true],
      [1, false],
      [2, false],
    ]);
  });

  it('a later step finds fewer buckets (the ones removed before) and completes once the last reservation is gone', () => {
    expect(planMerge({ ...split, draining: true }, [bucket(2, 1)])).toMatchObject({ kind: 'merge', units: 1, complete: true });
    expect(planMerge({ ...split, draining: true }, [])).toMatchObject({ kind: 'merge', units: 0, complete: true });
  });

  it('a stock that is not split is unchanged; no stock, or a bucket the counter does not name, is refused; a draining stock is not split again', () => {
    expect(planMerge({ warehouseId: 'WH-EAST', onHand: 5, reserved: 0 }, [])).toEqual({ kind: 'unchanged' });
    expect(planMerge(undefined, [])).toMatchObject({ kind: 'refused' });
    expect(planMerge(split, [bucket(0, 10), bucket(3, 10)])).toMatchObject({ kind: 'refused', why: expect.stringContaining('bucket 3') });
    expect(planSplit({ ...split, draining: true }, 3)).toMatchObject({ kind: 'refused', why: expect.stringContaining('merged back') });
  });
});
