/**
 * Velocity windows (RISK-2: orders per customer, email, device, IP, address and payment instrument
 * per window) as time buckets. Pure: the bucket arithmetic; the counters live in DynamoDB (one item
 * per signal value, one numeric attribute per bucket, incremented with atomic `ADD`s).
 *
 * Each window is counted in fixed buckets: 1 h in 5-minute buckets (12), 24 h in 1-hour buckets
 * (24), 7 d in 6-hour buckets (28). An order increments the bucket containing its `placedAt` in
 * each window; a window's count at time t is the sum of the buckets from the one containing t back
 * over the window's length. **Exactness trade-off:** every increment is exact and atomic (no lost or
 * doubled counts, also under concurrency and redelivery), but the window edge moves in bucket
 * steps: the count covers between (window − one bucket) and the whole window, i.e. the last 55–60
 * minutes, 23–24 hours or 6¾–7 days. It never counts anything older than the window; it may miss
 * orders in the oldest (partial) bucket. Finer buckets would make the counter items larger, and a
 * write costs a unit per KB.
 */

/** The signals counted. */
export const VELOCITY_DIMENSIONS = ['customer', 'email', 'device', 'ip', 'address', 'payment'] as const;
export type VelocityDimension = (typeof VELOCITY_DIMENSIONS)[number];

/** The windows. */
export const VELOCITY_WINDOWS = ['1h', '24h', '7d'] as const;
export type VelocityWindow = (typeof VELOCITY_WINDOWS)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Bucket size and bucket count of each window. */
export const WINDOW_BUCKETS: Readonly<Record<VelocityWindow, { readonly bucketMs: number; readonly buckets: number }>> = {
  '1h': { bucketMs: 5 * MINUTE, buckets: 12 },
  '24h': { bucketMs: HOUR, buckets: 24 },
  '7d': { bucketMs: 6 * HOUR, buckets: 28 },
};

/** Counts per dimension per window. */
export type VelocityCounts = Partial<Record<VelocityDimension, Partial<Record<VelocityWindow, number>>>>;

/** Start (epoch ms) of the bucket of `window` that contains `at`. */
export function bucketStart(window: VelocityWindow, at: number): number {
  const { bucketMs } = WINDOW_BUCKETS[window];
  return Math.floor(at / bucketMs) * bucketMs;
}

/**
 * The name of a window bucket's counter: `<window>_<bucket number in base 36>`, e.g. `1h_3iq4k` (the
 * bucket number counts buckets of that window since the epoch). A signal's buckets are the numeric
 * attributes of one item, so the names are short: a busy signal holds up to 64 of them well under
 * DynamoDB's 1 KB write unit.
 */
export function bucketKey(window: VelocityWindow, start: number): string {
  return `${window}_${Math.floor(start / WINDOW_BUCKETS[window].bucketMs).toString(36)}`;
}

/** The window and start (epoch ms) of a bucket key, or undefined if `key` is not one. */
export function parseBucketKey(key: string): { window: VelocityWindow; start: number } | undefined {
  const match = /^(1h|24h|7d)_([0-9a-z]{1,11})$/.exec(key);
  if (!match) return undefined;
  const window = match[1] as VelocityWindow;
  return { window, start: parseInt(match[2]!, 36) * WINDOW_BUCKETS[window].bucketMs };
}

/** One bucket to increment for an event at `at`: its key and when it may expire (epoch seconds). */
export interface BucketRef {
  readonly window: VelocityWindow;
  readonly key: string;
  readonly expiresAt: number;
}

/** The buckets an event at `at` increments (one per window). They expire one bucket after leaving their window. */
export function bucketsToIncrement(at: number, windows: readonly VelocityWindow[] = VELOCITY_WINDOWS): BucketRef[] {
  return windows.map((window) => {
    const { bucketMs, buckets } = WINDOW_BUCKETS[window];
    const start = bucketStart(window, at);
    return { window, key: bucketKey(window, start), expiresAt: Math.ceil((start + (buckets + 1) * bucketMs) / 1000) };
  });
}

/** The bucket keys whose sum is the count of `window` at `at`, newest first. */
export function windowBucketKeys(window: VelocityWindow, at: number): string[] {
  const { bucketMs, buckets } = WINDOW_BUCKETS[window];
  const newest = bucketStart(window, at);
  return Array.from({ length: buckets }, (_, i) => bucketKey(window, newest - i * bucketMs));
}

/** Sums the buckets of `window` at `at` from a map of bucket key → count. */
export function windowCount(window: VelocityWindow, at: number, counts: ReadonlyMap<string, number>): number {
  return windowBucketKeys(window, at).reduce((sum, key) => sum + (counts.get(key) ?? 0), 0);
}

/**
 * The keys among `keys` of buckets that expired at `at`: they left their window more than one
 * bucket ago (the same grace the buckets' expiry gives them), so no count at `at` or within one bucket
 * before it includes them. Keys that are not bucket keys are never stale.
 */
export function expiredBucketKeys(keys: Iterable<string>, at: number): string[] {
  return [...keys].filter((key) => {
    const bucket = parseBucketKey(key);
    if (!bucket) return false;
    const { bucketMs, buckets } = WINDOW_BUCKETS[bucket.window];
    return bucket.start < bucketStart(bucket.window, at) - buckets * bucketMs;
  });
}
