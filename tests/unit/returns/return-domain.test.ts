/** AFT-1: the return state machine, the return window, returnable quantities, non-returnable goods, the express-refund risk profile. */
import { describe, expect, it } from 'vitest';
import { RETURN_STATUSES } from '../../../events/return-events.ts';
import { goodRiskProfile, isNonReturnable, itemRefusals, returnableQuantities, windowEnd, withinWindow } from '../../../functions/returns/domain/eligibility.ts';
import { RETURN_TRANSITIONS, returnTransition, TERMINAL_RETURN_STATUSES, type ReturnTrigger } from '../../../functions/returns/domain/return.ts';

const windows = { noReasonDays: 7, merchantFaultDays: 15 };

describe('AFT-1 return state machine', () => {
  it('AFT-1: the happy paths REQUESTED → APPROVED → PICKUP_BOOKED → IN_TRANSIT → RECEIVED → REFUNDED / EXCHANGED', () => {
    const path: Array<[ReturnTrigger, string]> = [
      ['approve', 'APPROVED'],
      ['pickup-booked', 'PICKUP_BOOKED'],
      ['picked-up', 'IN_TRANSIT'],
      ['received', 'RECEIVED'],
    ];
    let status: (typeof RETURN_STATUSES)[number] = 'REQUESTED';
    for (const [trigger, to] of path) {
      const result = returnTransition(status, trigger);
      expect(result).toEqual({ ok: true, to });
      if (result.ok) status = result.to;
    }
    expect(returnTransition(status, 'refunded')).toEqual({ ok: true, to: 'REFUNDED' });
    expect(returnTransition(status, 'exchanged')).toEqual({ ok: true, to: 'EXCHANGED' });
    expect(returnTransition(status, 'inspection-failed')).toEqual({ ok: true, to: 'INSPECTION_FAILED' });
  });

  it('AFT-1: illegal transitions are refused; terminal statuses never move', () => {
    for (const status of RETURN_STATUSES) {
      for (const trigger of Object.keys(RETURN_TRANSITIONS) as ReturnTrigger[]) {
        const result = returnTransition(status, trigger);
        if (TERMINAL_RETURN_STATUSES.includes(status)) expect(result).toEqual({ ok: false, reason: 'terminal' });
        else expect(result.ok).toBe(RETURN_TRANSITIONS[trigger].from.includes(status));
      }
    }
    expect(returnTransition('REQUESTED', 'refunded')).toEqual({ ok: false, reason: 'not-allowed' });
    expect(returnTransition('IN_TRANSIT', 'cancel')).toEqual({ ok: false, reason: 'not-allowed' });
    expect(returnTransition('APPROVED', 'approve')).toEqual({ ok: false, reason: 'not-allowed' });
  });

  it('AFT-1: the customer may cancel only before the pickup', () => {
    expect(RETURN_TRANSITIONS.cancel.from).toEqual(['REQUESTED', 'APPROVED', 'PICKUP_BOOKED']);
  });
});

describe('AFT-1 eligibility', () => {
  const delivered = '2026-11-20T10:00:00.000Z';

  it('AFT-1: 7 days for a no-reason return, 15 for the merchant’s fault, from delivery', () => {
    expect(windowEnd(delivered, 'no-reason', windows).toISOString()).toBe('2026-11-27T10:00:00.000Z');
    expect(withinWindow(delivered, 'no-reason', windows, new Date('2026-11-27T10:00:00.000Z'))).toBe(true);
    expect(withinWindow(delivered, 'no-reason', windows, new Date('2026-11-27T10:00:00.001Z'))).toBe(false);
    expect(withinWindow(delivered, 'other', windows, new Date('2026-11-28T00:00:00.000Z'))).toBe(false);
    expect(withinWindow(delivered, 'damaged', windows, new Date('2026-12-05T10:00:00.000Z'))).toBe(true);
    expect(withinWindow(delivered, 'counterfeit', windows, new Date('2026-12-05T10:00:01.000Z'))).toBe(false);
  });

  it('AFT-1: returnable = delivered − units of other returns that still hold them (rejected, failed and cancelled ones give them back)', () => {
    const left = returnableQuantities(
      [
        { sku: 'TEA-1', quantity: 3 },
        { sku: 'CUP-1', quantity: 1 },
      ],
      [
        { status: 'REFUNDED', items: [{ sku: 'TEA-1', quantity: 1 }] },
        { status: 'REQUESTED', items: [{ sku: 'TEA-1', quantity: 1 }] },
        {
          status: 'CANCELLED',
          items: [
            { sku: 'TEA-1', quantity: 1 },
            { sku: 'CUP-1', quantity: 1 },
          ],
        },
        { status: 'REJECTED', items: [{ sku: 'CUP-1', quantity: 1 }] },
        { status: 'INSPECTION_FAILED', items: [{ sku: 'CUP-1', quantity: 1 }] },
      ],
    );
    expect(Object.fromEntries(left)).toEqual({ 'TEA-1': 1, 'CUP-1': 1 });
    expect(
      itemRefusals(
        [
          { sku: 'TEA-1', quantity: 1 },
          { sku: 'TEA-1', quantity: 1 },
        ],
        left,
        'no-reason',
        new Set(),
      ),
    ).toEqual([{ sku: 'TEA-1', problem: 'too-many', returnable: 1 }]);
    expect(itemRefusals([{ sku: 'PEN-1', quantity: 1 }], left, 'no-reason', new Set())).toEqual([{ sku: 'PEN-1', problem: 'not-on-order' }]);
    expect(itemRefusals([{ sku: 'CUP-1', quantity: 1 }], left, 'no-reason', new Set())).toEqual([]);
  });

  it('AFT-1: non-returnable goods are excluded from the no-reason return only', () => {
    const left = new Map([['CAKE-1', 1]]);
    expect(itemRefusals([{ sku: 'CAKE-1', quantity: 1 }], left, 'no-reason', new Set(['CAKE-1']))).toEqual([{ sku: 'CAKE-1', problem: 'non-returnable' }]);
    expect(itemRefusals([{ sku: 'CAKE-1', quantity: 1 }], left, 'other', new Set(['CAKE-1']))).toEqual([{ sku: 'CAKE-1', problem: 'non-returnable' }]);
    expect(itemRefusals([{ sku: 'CAKE-1', quantity: 1 }], left, 'damaged', new Set(['CAKE-1']))).toEqual([]);
    expect(isNonReturnable({ sku: 'A', category: 'tea', returnable: false }, [])).toBe(true);
    expect(isNonReturnable({ sku: 'A', category: 'tea', fresh: true }, [])).toBe(true);
    expect(isNonReturnable({ sku: 'A', category: 'digital', returnable: true }, ['digital'])).toBe(true);
    expect(isNonReturnable({ sku: 'A', category: 'tea' }, ['digital'])).toBe(false);
  });

  it('AFT-1: a good risk profile = approved by the rules below the review threshold, no failed inspection before', () => {
    const risk = { outcome: 'approved', score: 10, decidedBy: 'rules' };
    expect(goodRiskProfile({ risk, reviewThreshold: 40, failedInspections: 0 })).toBe(true);
    expect(goodRiskProfile({ risk, reviewThreshold: 40, failedInspections: 1 })).toBe(false);
    expect(goodRiskProfile({ risk: { ...risk, score: 40 }, reviewThreshold: 40, failedInspections: 0 })).toBe(false);
    expect(goodRiskProfile({ risk: { ...risk, decidedBy: 'analyst' }, reviewThreshold: 40, failedInspections: 0 })).toBe(false);
    expect(goodRiskProfile({ reviewThreshold: 40, failedInspections: 0 })).toBe(false);
  });
});
