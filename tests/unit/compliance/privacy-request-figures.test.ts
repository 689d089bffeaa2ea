/** The yearly report's privacy-request figures (CMP-2), pure: received and served by kind, median and longest time to serve. */
import { describe, expect, it } from 'vitest';
import { duration, median, privacyRequestFigures, type ReportPrivacyRequest } from '../../../functions/compliance/domain/yearly-report.ts';

const served = (kind: ReportPrivacyRequest['kind'], requestedAt: string, durationMs: number): ReportPrivacyRequest => ({
  kind,
  requestedAt,
  completedAt: new Date(Date.parse(requestedAt) + durationMs).toISOString(),
  durationMs,
});

describe('CMP-2 privacy-request figures of the yearly report', () => {
  it('CMP-2: counts only the requests received in the year (UTC), by kind, and the served ones among them', () => {
    const figures = privacyRequestFigures(
      [
        served('EXPORT', '2024-12-31T23:59:59.999Z', 10),
        served('EXPORT', '2025-01-01T00:00:00.000Z', 400),
        served('ERASURE', '2025-07-01T00:00:00.000Z', 100),
        { kind: 'ERASURE', requestedAt: '2025-12-31T23:59:59.999Z' },
        served('ERASURE', '2025-03-01T00:00:00.000Z', 900),
        served('EXPORT', '2026-01-01T00:00:00.000Z', 99_999),
        served('EXPORT', '2025-05-05T00:00:00.000Z', 200),
      ],
      2025,
    );
    expect(figures).toEqual({
      received: 5,
      served: 4,
      byKind: { export: { received: 2, served: 2 }, erasure: { received: 3, served: 2 } },
      // 100, 200, 400, 900: the mean of the two middle ones
      medianMsToServe: 300,
      maxMsToServe: 900,
    });
  });

  it('CMP-2: a year with no served request has no times (null), not zero', () => {
    expect(privacyRequestFigures([{ kind: 'EXPORT', requestedAt: '2025-02-01T00:00:00.000Z' }], 2025)).toMatchObject({
      received: 1,
      served: 0,
      medianMsToServe: null,
      maxMsToServe: null,
    });
    expect(privacyRequestFigures([], 2025)).toMatchObject({ received: 0, served: 0, medianMsToServe: null, maxMsToServe: null });
  });

  it('CMP-2: the median of an odd count is the middle value; durations read in the largest fitting unit', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2])).toBe(2);
    expect(median([])).toBeNull();
    expect([duration(null), duration(850), duration(12_500), duration(3 * 3_600_000), duration(2 * 86_400_000)]).toEqual(['-', '850 ms', '12.5 s', '3.0 h', '2.0 d']);
  });
});
