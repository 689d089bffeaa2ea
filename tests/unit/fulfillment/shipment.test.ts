/** FUL-3: the shipment state machine (out-of-order and duplicate tracking) and order aggregation. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideTracking, hasLeft, isRecallable, newMilestones, orderProgress, SHIPMENT_STATUSES, type ShipmentStatus } from '../../../functions/fulfillment/domain/shipment.ts';

describe('decideTracking', () => {
  it.each<[ShipmentStatus, ShipmentStatus, string, ShipmentStatus[]?]>([
    ['CREATED', 'PICKED_UP', 'apply', []],
    ['PICKED_UP', 'IN_TRANSIT', 'apply', []],
    ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'apply', []],
    ['OUT_FOR_DELIVERY', 'DELIVERED', 'apply', []],
    ['CREATED', 'DELIVERED', 'apply', ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY']],
    ['PICKED_UP', 'OUT_FOR_DELIVERY', 'apply', ['IN_TRANSIT']],
    ['IN_TRANSIT', 'EXCEPTION', 'apply', []],
    ['CREATED', 'EXCEPTION', 'apply', []],
    ['EXCEPTION', 'DELIVERED', 'apply', []],
    ['IN_TRANSIT', 'IN_TRANSIT', 'same-status'],
    ['OUT_FOR_DELIVERY', 'IN_TRANSIT', 'regression'],
    ['IN_TRANSIT', 'PICKED_UP', 'regression'],
    ['DELIVERED', 'IN_TRANSIT', 'already-delivered'],
    ['DELIVERED', 'EXCEPTION', 'already-delivered'],
    ['DELIVERED', 'DELIVERED', 'same-status'],
    ['EXCEPTION', 'IN_TRANSIT', 'after-exception'],
    ['EXCEPTION', 'EXCEPTION', 'same-status'],
    ['PICKED_UP', 'CREATED', 'created-is-internal'],
    // A shipment cancelled with its order (before pickup): every carrier report is ignored.
    ['CANCELLED', 'PICKED_UP', 'shipment-cancelled'],
    ['CANCELLED', 'DELIVERED', 'shipment-cancelled'],
    ['CANCELLED', 'EXCEPTION', 'shipment-cancelled'],
  ])('%s + reported %s → %s', (current, reported, outcome, skipped) => {
    const decision = decideTracking(current, reported);
    if (outcome === 'apply') expect(decision).toEqual({ kind: 'apply', from: current, to: reported, skipped });
    else expect(decision).toEqual({ kind: 'ignore', reason: outcome });
  });

  it('any order of delivery of a carrier’s events ends in the furthest status reached (property)', () => {
    const progress: ShipmentStatus[] = ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'];
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 4 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.shuffledSubarray(progress.slice(0, n), { minLength: n, maxLength: n }),
              fc.array(fc.constantFrom(...progress.slice(0, n)), { maxLength: 5 }),
            ),
          ),
        ([n, order, duplicates]) => {
          let status: ShipmentStatus = 'CREATED';
          for (const reported of [...order, ...duplicates]) {
            const d = decideTracking(status, reported);
            if (d.kind === 'apply') status = d.to;
          }
          expect(status).toBe(progress[n - 1]);
        },
      ),
    );
  });
});

describe('order aggregation', () => {
  it.each<[string, ShipmentStatus[], boolean, boolean]>([
    ['one shipment created', ['CREATED'], false, false],
    ['one shipment picked up', ['PICKED_UP'], true, false],
    ['split: one left, one waiting', ['IN_TRANSIT', 'CREATED'], false, false],
    ['split: both left', ['IN_TRANSIT', 'PICKED_UP'], true, false],
    ['split: one delivered, one in transit', ['DELIVERED', 'IN_TRANSIT'], true, false],
    ['split: both delivered', ['DELIVERED', 'DELIVERED'], true, true],
    ['an exception has left but is not delivered', ['EXCEPTION', 'DELIVERED'], true, false],
    ['no shipments', [], false, false],
    ['a cancelled shipment does not count', ['CANCELLED', 'PICKED_UP'], true, false],
    ['only cancelled shipments: nothing done', ['CANCELLED'], false, false],
  ])('%s', (_name, statuses, allLeft, allDelivered) => {
    expect(orderProgress(statuses)).toEqual({ allLeft, allDelivered });
  });

  it('each milestone fires once', () => {
    expect(newMilestones({ allLeft: true, allDelivered: false }, { shipped: false, delivered: false })).toEqual({ shipped: true, delivered: false });
    expect(newMilestones({ allLeft: true, allDelivered: false }, { shipped: true, delivered: false })).toEqual({ shipped: false, delivered: false });
    expect(newMilestones({ allLeft: true, allDelivered: true }, { shipped: false, delivered: false })).toEqual({ shipped: true, delivered: true });
    expect(newMilestones({ allLeft: true, allDelivered: true }, { shipped: true, delivered: true })).toEqual({ shipped: false, delivered: false });
  });

  it('hasLeft is false only for CREATED and CANCELLED; only CREATED can be recalled', () => {
    expect(SHIPMENT_STATUSES.filter((s) => !hasLeft(s))).toEqual(['CREATED', 'CANCELLED']);
    expect(SHIPMENT_STATUSES.filter((s) => isRecallable(s))).toEqual(['CREATED']);
  });
});
