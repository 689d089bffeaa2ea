/**
 * SUP-1: the supplier scorecard and its triggers — exact integer rates (basis points rounded down,
 * thresholds by cross-multiplication), the 15 % delay boundary, two *consecutive* failed
 * inspections (not two in total), and the tiers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDelivery,
  basisPoints,
  EMPTY_SCORECARD,
  rateAbove,
  scorecard,
  tierOf,
  type DeliveryFacts,
  type InspectionResult,
  type ScorecardCounts,
} from '../../../functions/suppliers/domain/scorecard.ts';
import { chinaDay, daysBetween, licenceTrigger, scorecardTrigger, SUPPLIER_STATUSES, type Licence } from '../../../functions/suppliers/domain/supplier.ts';

const onTime = (inspection: InspectionResult = 'not-inspected'): DeliveryFacts => ({ promisedOn: '2026-11-10', receivedOn: '2026-11-10', inspection });
const late = (inspection: InspectionResult = 'not-inspected'): DeliveryFacts => ({ promisedOn: '2026-11-10', receivedOn: '2026-11-11', inspection });
const run = (deliveries: readonly DeliveryFacts[]): ScorecardCounts => deliveries.reduce(addDelivery, EMPTY_SCORECARD);
const counts = (deliveries: number, lateCount: number): ScorecardCounts => ({ ...EMPTY_SCORECARD, deliveries, late: lateCount });

const delivery = fc.record({
  late: fc.boolean(),
  inspection: fc.constantFrom<InspectionResult>('passed', 'failed', 'not-inspected'),
});
const toFacts = (d: { late: boolean; inspection: InspectionResult }): DeliveryFacts => (d.late ? late(d.inspection) : onTime(d.inspection));

describe('SUP-1 scorecard arithmetic', () => {
  it('SUP-1: received on the promised day is on time, the day after is late', () => {
    expect(run([onTime(), late()])).toMatchObject({ deliveries: 2, late: 1 });
    expect(scorecard(run([onTime(), late(), late(), onTime()]))).toMatchObject({ onTimeRateBp: 5_000, delayRateBp: 5_000, qualityPassRateBp: null });
  });

  it('SUP-1: rates are basis points rounded down, and exact: on-time + delay is 10 000 bp (or 9 999 when both round down)', () => {
    fc.assert(
      fc.property(fc.array(delivery, { maxLength: 200 }), (ds) => {
        const c = run(ds.map(toFacts));
        const s = scorecard(c);
        expect(c.deliveries).toBe(ds.length);
        expect(c.late).toBe(ds.filter((d) => d.late).length);
        expect(c.inspected).toBe(ds.filter((d) => d.inspection !== 'not-inspected').length);
        expect(c.failedInspections).toBe(ds.filter((d) => d.inspection === 'failed').length);
        if (c.deliveries === 0) {
          expect(s.delayRateBp).toBeNull();
          return;
        }
        // Rounded down: bp ≤ exact < bp + 1, in integers.
        expect(s.delayRateBp! * c.deliveries).toBeLessThanOrEqual(c.late * 10_000);
        expect((s.delayRateBp! + 1) * c.deliveries).toBeGreaterThan(c.late * 10_000);
        expect(s.onTimeRateBp! + s.delayRateBp!).toBeGreaterThanOrEqual(9_999);
        expect(s.onTimeRateBp! + s.delayRateBp!).toBeLessThanOrEqual(10_000);
        if (c.inspected > 0) expect(s.qualityPassRateBp).toBe(basisPoints(c.inspected - c.failedInspections, c.inspected));
      }),
    );
  });

  it('SUP-1: 1 late in 3 is 3 333 bp (rounded down, not 3 333.33…), 2 in 3 is 6 666 bp', () => {
    expect(basisPoints(1, 3)).toBe(3_333);
    expect(basisPoints(2, 3)).toBe(6_666);
    expect(basisPoints(0, 0)).toBeNull();
  });
});

describe('SUP-1 delay trigger: above 15 % flags an active supplier for review', () => {
  it('SUP-1: exactly 15 % does not trigger; one more late delivery does', () => {
    expect(scorecardTrigger('active', counts(20, 3))).toBeUndefined(); // 15 %
    expect(scorecardTrigger('active', counts(100, 15))).toBeUndefined(); // 15 %
    expect(scorecardTrigger('active', counts(20, 4))).toEqual({ to: 'under-review', reason: 'delay-rate-above-threshold' }); // 20 %
    expect(scorecardTrigger('active', counts(100, 16))).toEqual({ to: 'under-review', reason: 'delay-rate-above-threshold' }); // 16 %
    // 15.0001 %: a rounded rate (1 500 bp) would miss it.
    expect(basisPoints(150_001, 1_000_000)).toBe(1_500);
    expect(scorecardTrigger('active', counts(1_000_000, 150_001))).toEqual({ to: 'under-review', reason: 'delay-rate-above-threshold' });
    expect(scorecardTrigger('active', counts(1_000_000, 150_000))).toBeUndefined();
  });

  it('SUP-1: property — the trigger fires exactly when late × 20 > deliveries × 3', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (deliveries, l) => {
        const lateCount = l % (deliveries + 1);
        const trigger = scorecardTrigger('active', counts(deliveries, lateCount));
        expect(trigger !== undefined).toBe(lateCount * 20 > deliveries * 3);
        expect(rateAbove(lateCount, deliveries, 1_500)).toBe(lateCount * 20 > deliveries * 3);
      }),
    );
  });

  it('SUP-1: only an active supplier is flagged; one under review, suspended or ended keeps its status', () => {
    for (const status of ['under-review', 'suspended', 'terminated', 'blocklisted'] as const) expect(scorecardTrigger(status, counts(10, 5))).toBeUndefined();
    expect(scorecardTrigger('active', counts(0, 0))).toBeUndefined();
  });
});

describe('SUP-1 inspection trigger: two consecutive failed inspections end the relationship', () => {
  it('SUP-1: two failures in a row terminate; two failures with a pass between do not', () => {
    expect(scorecardTrigger('active', run([onTime('failed'), onTime('failed')]))).toEqual({ to: 'terminated', reason: 'consecutive-failed-inspections' });
    const interrupted = run([onTime('failed'), onTime('passed'), onTime('failed')]);
    expect(interrupted).toMatchObject({ failedInspections: 2, consecutiveFailedInspections: 1 });
    expect(scorecardTrigger('active', interrupted)).toBeUndefined();
  });

  it('SUP-1: a delivery not inspected does not break the run; termination wins over review; any status short of ended is terminated', () => {
    expect(scorecardTrigger('active', run([onTime('failed'), onTime('not-inspected'), late('failed')]))).toMatchObject({ to: 'terminated' });
    for (const status of ['active', 'under-review', 'suspended'] as const)
      expect(scorecardTrigger(status, run([late('failed'), late('failed')]))).toMatchObject({ to: 'terminated' });
    for (const status of ['terminated', 'blocklisted'] as const) expect(scorecardTrigger(status, run([late('failed'), late('failed')]))).toBeUndefined();
  });

  it('SUP-1: property — terminated exactly when the last two inspected deliveries both failed', () => {
    fc.assert(
      fc.property(fc.array(delivery, { maxLength: 60 }), (ds) => {
        const inspections = ds.filter((d) => d.inspection !== 'not-inspected').map((d) => d.inspection);
        const lastTwoFailed = inspections.length >= 2 && inspections.at(-1) === 'failed' && inspections.at(-2) === 'failed';
        const trigger = scorecardTrigger('active', run(ds.map(toFacts)));
        expect(trigger?.to === 'terminated').toBe(lastTwoFailed);
      }),
    );
  });
});

describe('SUP-1 tiers from the scorecard', () => {
  const many = (n: number, f: (i: number) => DeliveryFacts) => Array.from({ length: n }, (_, i) => f(i));

  it('SUP-1: a new supplier is approved; a clean long record is strategic; a good shorter one preferred', () => {
    expect(tierOf(EMPTY_SCORECARD)).toBe('approved');
    expect(tierOf(run(many(20, () => onTime('passed'))))).toBe('strategic');
    expect(tierOf(run(many(10, () => onTime('passed'))))).toBe('preferred');
    expect(tierOf(run(many(9, () => onTime('passed'))))).toBe('approved');
  });

  it('SUP-1: probation on a delay rate above 15 %, a quality pass rate under 95 %, or a failed last inspection', () => {
    expect(tierOf(run([...many(17, () => onTime()), ...many(3, () => late())]))).not.toBe('probation'); // 15 %
    expect(tierOf(run([...many(16, () => onTime()), ...many(4, () => late())]))).toBe('probation'); // 20 %
    expect(tierOf(run([...many(19, () => onTime('passed')), onTime('failed'), onTime('passed')]))).not.toBe('probation'); // 20/21 ≥ 95 %
    expect(tierOf(run([...many(18, () => onTime('passed')), onTime('failed'), onTime('passed'), onTime('failed'), onTime('passed')]))).toBe('probation'); // 20/22 < 95 %
    expect(tierOf(run([...many(30, () => onTime('passed')), onTime('failed')]))).toBe('probation');
  });

  it('SUP-1: property — the tier never improves when a late delivery is added', () => {
    const rank = ['strategic', 'preferred', 'approved', 'probation'];
    fc.assert(
      fc.property(fc.array(delivery, { maxLength: 60 }), (ds) => {
        const before = run(ds.map(toFacts));
        const after = addDelivery(before, late('not-inspected'));
        expect(rank.indexOf(tierOf(after))).toBeGreaterThanOrEqual(rank.indexOf(tierOf(before)));
      }),
    );
  });
});

describe('SUP-1 licences: days in China time, suspension at expiry', () => {
  const licence = (expiresOn: string): Licence => ({ kind: 'business-licence', number: 'L-1', issuer: 'SAMR', expiresOn });

  it('SUP-1: the China day turns at 16:00 UTC', () => {
    expect(chinaDay(new Date('2026-12-31T15:59:59Z'))).toBe('2026-12-31');
    expect(chinaDay(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(daysBetween('2026-12-31', '2027-01-30')).toBe(30);
    expect(daysBetween('2027-01-30', '2026-12-31')).toBe(-30);
  });

  it('SUP-1: valid through its last day, expired the day after; only active or under-review suppliers are suspended', () => {
    expect(licenceTrigger('active', [licence('2026-12-31')], '2026-12-31')).toBeUndefined();
    expect(licenceTrigger('active', [licence('2026-12-31')], '2027-01-01')).toEqual({ to: 'suspended', reason: 'licence-expired' });
    expect(licenceTrigger('under-review', [licence('2027-06-01'), licence('2026-12-31')], '2027-01-01')).toMatchObject({ to: 'suspended' });
    for (const status of SUPPLIER_STATUSES.filter((s) => s !== 'active' && s !== 'under-review'))
      expect(licenceTrigger(status, [licence('2026-12-31')], '2027-01-01')).toBeUndefined();
  });
});
