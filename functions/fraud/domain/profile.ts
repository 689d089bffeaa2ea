/**
 * The customer risk profile (RISK-6): what the platform learned about a customer from their orders
 * and their outcomes. Good history (delivered orders, analyst approvals) lowers friction, confirmed
 * fraud (analyst rejections, refunds flagged as fraud) raises it, through the rules that read these
 * features. Pure.
 *
 * Amount history is kept as integer sums — count n, Σx and Σx² of the amounts in minor units — so
 * concurrent orders update it with commutative atomic `ADD`s (no read-modify-write, no lost update).
 * Σx² outgrows 2^53 quickly (fen²), so it is a BigInt here and a 38-digit DynamoDB number in storage,
 * read back exactly. The sample variance (nΣx² − (Σx)²) / (n(n − 1)) is computed exactly in BigInt;
 * only the final square root and the z-score are floating point (statistics, not money).
 */

/** A customer's risk profile. */
export interface CustomerProfile {
  readonly customerId: string;
  /** When the platform first saw the customer (their first assessed order): account age. */
  readonly firstSeenAt?: string;
  readonly lastOrderAt?: string;
  /** Orders in the amount history (orders not rejected by the rules). */
  readonly orderCount: number;
  /** Σ amount, minor units. */
  readonly amountSum: bigint;
  /** Σ amount², minor units squared. */
  readonly amountSumSquares: bigint;
  readonly deliveredOrders: number;
  readonly confirmedFraud: number;
  readonly reviewApproved: number;
  readonly paymentFailures: number;
}

/** An empty profile. */
export function emptyProfile(customerId: string): CustomerProfile {
  return { customerId, orderCount: 0, amountSum: 0n, amountSumSquares: 0n, deliveredOrders: 0, confirmedFraud: 0, reviewApproved: 0, paymentFailures: 0 };
}

/** Mean, sample standard deviation and z-score of an amount against a profile's history. */
export interface AmountStatistics {
  /** Minor units, rounded to the unit (0 without history). */
  readonly mean: number;
  /** Minor units, rounded to 2 decimals (0 with fewer than 2 orders). */
  readonly stdDev: number;
  /** Rounded to 2 decimals; 0 with fewer than 2 past orders. */
  readonly zScore: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The statistics of `amount` against the history in `profile`. The standard deviation used for the
 * z-score is floored at `minStdDevPercent` % of the mean (and 1 minor unit), so a customer who always
 * spent exactly the same does not get an infinite z-score for one fen more.
 */
export function amountStatistics(profile: CustomerProfile | undefined, amount: number, minStdDevPercent: number): AmountStatistics {
  const n = profile?.orderCount ?? 0;
  if (!profile || n < 1) return { mean: 0, stdDev: 0, zScore: 0 };
  const sum = profile.amountSum;
  const count = BigInt(n);
  const mean = Number(sum) / n;
  if (n < 2) return { mean: Math.round(mean), stdDev: 0, zScore: 0 };
  // Exact: n·Σx² − (Σx)² ≥ 0 for consistent sums; clamp in case of inconsistent data.
  const numerator = count * profile.amountSumSquares - sum * sum;
  const variance = numerator <= 0n ? 0 : Number(numerator) / Number(count * (count - 1n));
  const stdDev = Math.sqrt(variance);
  const floor = Math.max(1, (Math.abs(mean) * minStdDevPercent) / 100);
  const zScore = (amount - mean) / Math.max(stdDev, floor);
  return { mean: Math.round(mean), stdDev: round2(stdDev), zScore: round2(zScore) };
}

/** The profile after adding one order's amount to its history (pure; storage does the same with ADD). */
export function withOrderAmount(profile: CustomerProfile, amount: number, at: string): CustomerProfile {
  const x = BigInt(amount);
  return {
    ...profile,
    firstSeenAt: profile.firstSeenAt ?? at,
    lastOrderAt: at,
    orderCount: profile.orderCount + 1,
    amountSum: profile.amountSum + x,
    amountSumSquares: profile.amountSumSquares + x * x,
  };
}

/** Outcomes that update a profile. */
export type ProfileOutcome = 'delivered' | 'review-approved' | 'confirmed-fraud' | 'payment-failed';

/** The profile counter an outcome increments. */
export function outcomeCounter(outcome: ProfileOutcome): 'deliveredOrders' | 'reviewApproved' | 'confirmedFraud' | 'paymentFailures' {
  switch (outcome) {
    case 'delivered':
      return 'deliveredOrders';
    case 'review-approved':
      return 'reviewApproved';
    case 'confirmed-fraud':
      return 'confirmedFraud';
    case 'payment-failed':
      return 'paymentFailures';
  }
}

/** The profile as staff see it (JSON-safe: sums as decimal strings). */
export function profileView(profile: CustomerProfile, minStdDevPercent: number) {
  const stats = amountStatistics(profile, 0, minStdDevPercent);
  return {
    customerId: profile.customerId,
    ...(profile.firstSeenAt ? { firstSeenAt: profile.firstSeenAt } : {}),
    ...(profile.lastOrderAt ? { lastOrderAt: profile.lastOrderAt } : {}),
    orderCount: profile.orderCount,
    amountMean: stats.mean,
    amountStdDev: stats.stdDev,
    deliveredOrders: profile.deliveredOrders,
    confirmedFraud: profile.confirmedFraud,
    reviewApproved: profile.reviewApproved,
    paymentFailures: profile.paymentFailures,
  };
}
