/**
 * RISK-2 features: amount vs the customer's own history (z-score from exact integer sums), account
 * age, velocity windows in buckets, region mismatch, disposable domains, blocklists.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISPOSABLE_EMAIL_DOMAINS } from '../../../functions/fraud/domain/disposable-domains.ts';
import { computeFeatures, isDisposableDomain, NO_BLOCKLIST_HITS, normaliseFeatures, type OrderFacts } from '../../../functions/fraud/domain/features.ts';
import { amountStatistics, emptyProfile, withOrderAmount, type CustomerProfile } from '../../../functions/fraud/domain/profile.ts';
import { bucketKey, bucketsToIncrement, expiredBucketKeys, parseBucketKey, windowBucketKeys, windowCount, WINDOW_BUCKETS } from '../../../functions/fraud/domain/velocity.ts';

const order = (overrides: Partial<OrderFacts> = {}): OrderFacts => ({
  orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
  customerId: 'alice',
  orderType: 'regular',
  paymentMethod: 'card',
  total: { amount: 23_040, currency: 'CNY' },
  amountDue: { amount: 23_040, currency: 'CNY' },
  lines: [{ quantity: 2 }, { quantity: 1 }],
  shippingRegion: 'east',
  placedAt: '2026-11-23T08:00:00.000Z',
  riskSignals: { emailDomain: 'Example.COM', emailHash: 'a'.repeat(64), phoneHash: 'b'.repeat(64), addressHash: 'c'.repeat(64), deviceId: 'device-1' },
  ...overrides,
});

const profileOf = (amounts: number[], firstSeenAt = '2026-11-01T00:00:00.000Z'): CustomerProfile =>
  amounts.reduce((p, a) => withOrderAmount(p, a, firstSeenAt), emptyProfile('alice'));

const context = { velocity: {}, paymentFailures24h: 0, blocklist: NO_BLOCKLIST_HITS, disposableDomains: new Set(DEFAULT_DISPOSABLE_EMAIL_DOMAINS), zScoreMinStdDevPercent: 10 };

describe('computeFeatures', () => {
  it('computes order facts, region mismatch, disposable email and account age', () => {
    const f = computeFeatures(order({ billingRegion: 'north', couponCode: 'WELCOME10', riskSignals: { ...order().riskSignals, emailDomain: 'x.Mailinator.com.' } }), {
      ...context,
      profile: profileOf([10_000], '2026-11-22T20:00:00.000Z'),
      velocity: { device: { '1h': 2, '24h': 5, '7d': 9 }, customer: { '1h': 1 } },
      paymentFailures24h: 2,
      blocklist: { ...NO_BLOCKLIST_HITS, device: true },
    });
    expect(f).toMatchObject({
      amount: 23_040,
      itemCount: 3,
      lineCount: 2,
      regionMismatch: true,
      billingRegion: 'north',
      couponUsed: true,
      emailDomain: 'x.mailinator.com',
      disposableEmail: true,
      accountAgeHours: 12,
      customerOrderCount: 1,
      velocityDevice1h: 2,
      velocityDevice24h: 5,
      velocityDevice7d: 9,
      velocityCustomer1h: 1,
      velocityCustomer24h: 0,
      velocityIp1h: 0,
      paymentFailures24h: 2,
      blocklistedDevice: true,
      blocklistedEmail: false,
      hasDevice: true,
    });
  });

  it('a customer never seen has account age 0 and no history', () => {
    const f = computeFeatures(order(), context);
    expect(f).toMatchObject({
      accountAgeHours: 0,
      customerOrderCount: 0,
      amountZScore: 0,
      amountMean: 0,
      regionMismatch: false,
      billingRegion: '',
      disposableEmail: false,
      couponUsed: false,
    });
  });

  it('normaliseFeatures fills features an older assessment lacks and drops unknown or mistyped ones', () => {
    const f = normaliseFeatures({ amount: 5, unknown: 1, regionMismatch: 'yes', velocityIp1h: Number.NaN });
    expect(f.amount).toBe(5);
    expect(f.regionMismatch).toBe(false);
    expect(f.velocityIp1h).toBe(0);
    expect(f.emailDomain).toBe('');
    expect('unknown' in f).toBe(false);
    expect(Object.getPrototypeOf(f)).toBeNull();
  });
});

describe('disposable email domains', () => {
  it.each([
    ['mailinator.com', true],
    ['MAILINATOR.COM', true],
    ['eu.mailinator.com', true],
    ['notmailinator.com', false],
    ['mailinator.com.cn', false],
    ['gmail.com', false],
    ['com', false],
  ])('%s → %s', (domain, expected) => {
    expect(isDisposableDomain(domain, new Set(DEFAULT_DISPOSABLE_EMAIL_DOMAINS))).toBe(expected);
  });
});

describe('amount history and z-score (exact integer sums)', () => {
  it('matches the textbook sample mean / standard deviation', () => {
    const stats = amountStatistics(profileOf([10_000, 12_000, 11_000, 9_000, 13_000]), 30_000, 10);
    expect(stats.mean).toBe(11_000);
    expect(stats.stdDev).toBeCloseTo(1581.14, 2);
    expect(stats.zScore).toBeCloseTo((30_000 - 11_000) / 1581.1388, 2);
  });

  it('floors the standard deviation at a percent of the mean (identical history)', () => {
    const stats = amountStatistics(profileOf([10_000, 10_000, 10_000, 10_000, 10_000]), 11_000, 10);
    expect(stats.stdDev).toBe(0);
    expect(stats.zScore).toBe(1);
  });

  it('needs two past orders for a z-score', () => {
    expect(amountStatistics(profileOf([10_000]), 99_000, 10)).toEqual({ mean: 10_000, stdDev: 0, zScore: 0 });
    expect(amountStatistics(undefined, 99_000, 10)).toEqual({ mean: 0, stdDev: 0, zScore: 0 });
  });

  it('stays exact where Σx² exceeds 2^53 (large amounts, many orders)', () => {
    const amounts = Array.from({ length: 1000 }, (_, i) => 900_000_000 + (i % 2) * 2);
    const profile = profileOf(amounts);
    expect(profile.amountSumSquares > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const stats = amountStatistics(profile, 900_000_001, 0);
    expect(stats.mean).toBe(900_000_001);
    expect(stats.stdDev).toBeCloseTo(1.0005, 3);
  });

  it('property: incremental sums equal the batch statistics', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100_000_000 }), { minLength: 2, maxLength: 60 }), (amounts) => {
        const n = amounts.length;
        const mean = amounts.reduce((a, b) => a + b, 0) / n;
        const variance = amounts.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
        const stats = amountStatistics(profileOf(amounts), 0, 0);
        expect(stats.mean).toBe(Math.round(mean));
        expect(Math.abs(stats.stdDev - Math.sqrt(variance))).toBeLessThanOrEqual(Math.max(0.01, Math.sqrt(variance) * 1e-9));
      }),
    );
  });
});

describe('velocity buckets (the documented exactness trade-off)', () => {
  const at = Date.parse('2026-11-23T08:07:30.000Z');

  it('an event increments one bucket per window, expiring one bucket after it leaves the window', () => {
    const number = (start: string, bucketMs: number) => (Date.parse(start) / bucketMs).toString(36);
    expect(bucketsToIncrement(at)).toEqual([
      { window: '1h', key: `1h_${number('2026-11-23T08:05:00.000Z', 300_000)}`, expiresAt: Date.parse('2026-11-23T09:10:00.000Z') / 1000 },
      { window: '24h', key: `24h_${number('2026-11-23T08:00:00.000Z', 3_600_000)}`, expiresAt: Date.parse('2026-11-24T09:00:00.000Z') / 1000 },
      { window: '7d', key: `7d_${number('2026-11-23T06:00:00.000Z', 21_600_000)}`, expiresAt: Date.parse('2026-11-30T12:00:00.000Z') / 1000 },
    ]);
    // Short attribute names: a signal's item holds every bucket of every window well under 1 KB.
    for (const bucket of bucketsToIncrement(at)) expect(bucket.key.length).toBeLessThanOrEqual(9);
  });

  it('a bucket key names its window and start, and reads back', () => {
    for (const window of ['1h', '24h', '7d'] as const) {
      const [bucket] = bucketsToIncrement(at, [window]);
      expect(parseBucketKey(bucket!.key)).toEqual({ window, start: Math.floor(at / WINDOW_BUCKETS[window].bucketMs) * WINDOW_BUCKETS[window].bucketMs });
    }
    for (const other of ['pk', 'sk', 'type', 'expiresAt', '1h_', '2h_abc', '1h_ABC', 'n']) expect(parseBucketKey(other)).toBeUndefined();
  });

  it('a window sums its buckets: 12 × 5 min, 24 × 1 h, 28 × 6 h', () => {
    expect(windowBucketKeys('1h', at)).toHaveLength(12);
    expect(windowBucketKeys('24h', at)).toHaveLength(24);
    expect(windowBucketKeys('7d', at)).toHaveLength(28);
    expect(windowBucketKeys('1h', at).at(-1)).toBe(bucketKey('1h', Date.parse('2026-11-23T07:10:00.000Z')));
    for (const [w, { bucketMs, buckets }] of Object.entries(WINDOW_BUCKETS)) expect(bucketMs * buckets, w).toBe({ '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 }[w]);
  });

  it('a bucket expires exactly when its stored expiry passes: one bucket after it left its window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 9 * 86_400_000 }), (event, delta) => {
        for (const bucket of bucketsToIncrement(event)) {
          const now = event + delta;
          const expired = expiredBucketKeys([bucket.key, 'pk', 'expiresAt'], now);
          expect(expired).toEqual(now >= bucket.expiresAt * 1000 ? [bucket.key] : []);
          // An expired bucket is never one a count at `now` (or one bucket earlier) still includes.
          if (expired.length > 0) {
            const earlier = now - WINDOW_BUCKETS[bucket.window].bucketMs;
            expect(windowCount(bucket.window, now, new Map([[bucket.key, 1]]))).toBe(0);
            expect(windowCount(bucket.window, earlier, new Map([[bucket.key, 1]]))).toBe(0);
          }
        }
      }),
    );
  });

  it('counts an event for between (window − one bucket) and the whole window, never longer', () => {
    const event = Date.parse('2026-11-23T08:07:30.000Z');
    const counts = new Map(bucketsToIncrement(event).map((b) => [b.key, 1]));
    const minute = 60_000;
    expect(windowCount('1h', event, counts)).toBe(1);
    expect(windowCount('1h', event + 52 * minute, counts)).toBe(1); // 52 min later: still inside (≥ 55 min always counted)
    expect(windowCount('1h', event + 57 * minute, counts)).toBe(1); // 57 min later: its bucket is still the oldest one counted
    expect(windowCount('1h', event + 58 * minute, counts)).toBe(0); // 58 min later: its bucket left the window → dropped (< 60 min)
    expect(windowCount('1h', event + 61 * minute, counts)).toBe(0); // never older than the window
    expect(windowCount('24h', event + 23 * 60 * minute, counts)).toBe(1);
    expect(windowCount('24h', event + 24 * 60 * minute + 1, counts)).toBe(0);
    expect(windowCount('7d', event + 6 * 24 * 60 * minute, counts)).toBe(1);
    expect(windowCount('7d', event + 7 * 24 * 60 * minute, counts)).toBe(0);
  });

  it('property: a window never counts an event older than the window and always counts one younger than window − bucket', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 8 * 86_400_000 }), fc.constantFrom('1h', '24h', '7d' as const), (event, delta, window) => {
        const counts = new Map(bucketsToIncrement(event).map((b) => [b.key, 1]));
        const { bucketMs, buckets } = WINDOW_BUCKETS[window];
        const counted = windowCount(window, event + delta, counts) === 1;
        if (delta >= bucketMs * buckets) expect(counted).toBe(false);
        if (delta < bucketMs * (buckets - 1)) expect(counted).toBe(true);
      }),
    );
  });
});
