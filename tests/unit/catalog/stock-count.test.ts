/** Cycle counts (FUL-4): the pure planning of a counted quantity against the current stock. */
import { describe, expect, it } from 'vitest';
import { planCount, toStockView } from '../../../functions/catalog/domain/stock.ts';

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
