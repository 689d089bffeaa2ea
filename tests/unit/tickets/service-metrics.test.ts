import { describe, expect, it } from 'vitest';
import { addCounters, csat, nps, ratingCounters, resolutionCounters, satisfactionBand, serviceReport, ZERO_COUNTERS } from '../../../functions/tickets/domain/metrics.ts';

describe('AFT-3 satisfaction and NPS', () => {
  it('AFT-3: CSAT is the mean score; NPS is %promoters (9–10) − %detractors (0–6)', () => {
    let c = ZERO_COUNTERS;
    for (const [score, n] of [
      [5, 10],
      [4, 9],
      [3, 8],
      [5, 6],
      [2, undefined],
    ] as const)
      c = addCounters(c, ratingCounters(score, n));
    expect(csat(c)).toBe(3.8);
    // 4 answers: 2 promoters, 1 passive, 1 detractor → 25
    expect(nps(c)).toBe(25);
    expect(csat(ZERO_COUNTERS)).toBeNull();
    expect(nps(ZERO_COUNTERS)).toBeNull();
  });

  it('AFT-3: the handbook bands — ≥ 4.5 good, < 3.5 needs action; NPS target ≥ 70', () => {
    expect(satisfactionBand(4.5)).toBe('good');
    expect(satisfactionBand(4.49)).toBe('acceptable');
    expect(satisfactionBand(3.5)).toBe('acceptable');
    expect(satisfactionBand(3.49)).toBe('needs-action');
    let c = ZERO_COUNTERS;
    for (let i = 0; i < 7; i++) c = addCounters(c, ratingCounters(5, 10));
    for (let i = 0; i < 3; i++) c = addCounters(c, ratingCounters(5, 8));
    expect(serviceReport(c)).toMatchObject({ csat: 5, satisfactionBand: 'good', nps: 70, npsOnTarget: true });
    expect(serviceReport(addCounters(c, ratingCounters(1, 0)))).toMatchObject({ npsOnTarget: false });
  });

  it('AFT-2: the share of tickets within each clock', () => {
    const c = [resolutionCounters(true, true), resolutionCounters(false, true), resolutionCounters(true, false), resolutionCounters(true, true)].reduce(addCounters, ZERO_COUNTERS);
    expect(serviceReport(c)).toMatchObject({ resolved: 4, withinFirstResponse: 0.75, withinResolution: 0.75 });
  });
});
