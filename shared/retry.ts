/**
 * The one way to run something again: {@link retry} with a bounded number of attempts, an explicit
 * test of which errors are worth another attempt, and (optionally) a wait between attempts with
 * exponential backoff and full jitter ({@link backoffDelay}).
 *
 * Two uses, one helper:
 * - **Backoff** (`backoff` given): a transient failure (DynamoDB cancelling a transaction for a
 *   conflict with another, a throttled call) is tried again after a growing, randomised wait, so
 *   that competing writers spread out instead of colliding again.
 * - **Optimistic concurrency** (no `backoff`): "read, conditional write, on conflict re-read" — the
 *   attempt re-reads itself, so it runs again at once.
 *
 * When the attempts run out, the last error is thrown as is, or what `exhausted` makes of it (a
 * use case's 409, say). An error `retryable` refuses is thrown at once, unchanged.
 */

/** Exponential backoff: the wait before attempt n+1 is at most `min(maxMs, baseMs × 2^(n−1))`. */
export interface Backoff {
  /** The ceiling of the first wait, in ms. */
  readonly baseMs: number;
  /** The ceiling of any wait, in ms. */
  readonly maxMs: number;
  /** Full jitter (default), or `false`: wait exactly the ceiling (polling something to finish). */
  readonly jitter?: boolean;
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The wait after failed attempt `attempt` (1-based): "full jitter" — uniformly random in
 * `[0, min(maxMs, baseMs × 2^(attempt−1)))` — or, without jitter, that ceiling. `random` returns a
 * number in [0, 1).
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return backoff.jitter === false ? ceiling : random() * ceiling;
}

/** How {@link retry} runs. */
export interface RetryOptions {
  /** Attempts in all, the first included (a whole number ≥ 1, or `Infinity` when `deadline` bounds them). */
  readonly attempts: number;
  /** Epoch ms: no new attempt is made whose wait would end after it (the last error is then thrown as exhausted). */
  readonly deadline?: number;
  /** Injectable for tests: the clock `deadline` is read against (epoch ms). */
  readonly now?: () => number;
  /** Whether `error`, thrown by attempt `attempt`, is worth another attempt. */
  readonly retryable: (error: unknown, attempt: number) => boolean;
  /** The wait between attempts; none (run again at once) when omitted. */
  readonly backoff?: Backoff;
  /** What to throw when the last attempt failed with a retryable error (default: that error). */
  readonly exhausted?: (error: unknown) => unknown;
  /** Called before each new attempt (logging). */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests: a number in [0, 1). */
  readonly random?: () => number;
}

/** Runs `run(attempt)` until it succeeds, throws a non-retryable error, or the attempts run out. */
export async function retry<T>(run: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const unbounded = options.attempts === Number.POSITIVE_INFINITY && options.deadline !== undefined;
  if (!unbounded && (!Number.isInteger(options.attempts) || options.attempts < 1)) {
    throw new RangeError(`attempts must be a whole number ≥ 1 (or Infinity with a deadline), not ${options.attempts}`);
  }
  const wait = options.sleep ?? sleep;
  const now = options.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (!options.retryable(error, attempt)) throw error;
      const delayMs = options.backoff ? backoffDelay(attempt, options.backoff, options.random) : 0;
      const pastDeadline = options.deadline !== undefined && now() + delayMs > options.deadline;
      if (attempt >= options.attempts || pastDeadline) throw options.exhausted ? options.exhausted(error) : error;
      options.onRetry?.(error, attempt, delayMs);
      if (delayMs > 0) await wait(delayMs);
    }
  }
}
