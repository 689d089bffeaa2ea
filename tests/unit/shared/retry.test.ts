/**
 * The kernel's one retry helper (shared/retry.ts): the attempts are bounded, only retryable errors
 * are tried again, the waits follow exponential backoff with full jitter, and the error surfaced
 * when the attempts run out is the last one (or what `exhausted` makes of it).
 */
import { describe, expect, it } from 'vitest';
import { backoffDelay, retry } from '../../../shared/retry.ts';

class Conflict extends Error {}

/** A run that fails with `errors` in turn, then returns `done`. */
function failing(errors: unknown[]) {
  const seen: number[] = [];
  const run = async (attempt: number) => {
    seen.push(attempt);
    const error = errors.shift();
    if (error !== undefined) throw error;
    return 'done';
  };
  return { run, seen };
}

describe('backoffDelay (ORD-4, OPS-1: competing writers spread out)', () => {
  it('full jitter: uniform below a ceiling that doubles from baseMs and stops at maxMs', () => {
    const backoff = { baseMs: 50, maxMs: 400 };
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(n, backoff, () => 0.999999))).toEqual([50, 100, 200, 400, 400, 400].map((c) => c * 0.999999));
    expect(backoffDelay(3, backoff, () => 0)).toBe(0);
    expect(backoffDelay(3, backoff, () => 0.5)).toBe(100);
  });

  it('stays within [0, ceiling) for any random in [0, 1)', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const delay = backoffDelay(attempt, { baseMs: 10, maxMs: 200 });
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(200, 10 * 2 ** (attempt - 1)));
    }
  });
});

describe('retry (ORD-4: read, conditional write, on conflict again)', () => {
  it('runs again while the error is retryable and returns the first success, numbering the attempts', async () => {
    const { run, seen } = failing([new Conflict('a'), new Conflict('b')]);
    await expect(retry(run, { attempts: 3, retryable: (e) => e instanceof Conflict })).resolves.toBe('done');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('throws the last retryable error unchanged once the attempts run out', async () => {
    const last = new Conflict('third');
    const { run, seen } = failing([new Conflict('first'), new Conflict('second'), last, new Conflict('never')]);
    await expect(retry(run, { attempts: 3, retryable: (e) => e instanceof Conflict })).rejects.toBe(last);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('throws what exhausted makes of the last error (a use case’s 409)', async () => {
    const { run } = failing([new Conflict('1'), new Conflict('2')]);
    const error = await retry(run, { attempts: 2, retryable: (e) => e instanceof Conflict, exhausted: (e) => new Error('gave up', { cause: e }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('gave up');
    expect((error as Error).cause).toBeInstanceOf(Conflict);
  });

  it('a non-retryable error is thrown at once, unchanged, even when attempts remain', async () => {
    const boom = new Error('boom');
    const { run, seen } = failing([new Conflict('1'), boom]);
    await expect(retry(run, { attempts: 5, retryable: (e) => e instanceof Conflict, exhausted: () => new Error('not this') })).rejects.toBe(boom);
    expect(seen).toEqual([1, 2]);
  });

  it('retryable sees the attempt number (a caller may retry some errors fewer times)', async () => {
    const { run, seen } = failing([new Conflict('1'), new Conflict('2'), new Conflict('3')]);
    await expect(retry(run, { attempts: 10, retryable: (_e, attempt) => attempt < 2 })).rejects.toThrow('2');
    expect(seen).toEqual([1, 2]);
  });

  it('with backoff, waits the jittered delay between attempts and never after the last', async () => {
    const waits: number[] = [];
    const retries: Array<[number, number]> = [];
    const { run } = failing([new Conflict('1'), new Conflict('2'), new Conflict('3')]);
    await expect(
      retry(run, {
        attempts: 3,
        retryable: (e) => e instanceof Conflict,
        backoff: { baseMs: 50, maxMs: 400 },
        random: () => 0.5,
        sleep: async (ms) => void waits.push(ms),
        onRetry: (_e, attempt, delay) => retries.push([attempt, delay]),
      }),
    ).rejects.toThrow('3');
    expect(waits).toEqual([25, 50]);
    expect(retries).toEqual([
      [1, 25],
      [2, 50],
    ]);
  });

  it('without backoff (optimistic concurrency), runs again at once', async () => {
    const waits: number[] = [];
    const { run } = failing([new Conflict('1')]);
    await expect(retry(run, { attempts: 2, retryable: () => true, sleep: async (ms) => void waits.push(ms) })).resolves.toBe('done');
    expect(waits).toEqual([]);
  });

  it('refuses an attempt count that is not a whole number ≥ 1 before running anything', async () => {
    const { run, seen } = failing([]);
    await expect(retry(run, { attempts: 0, retryable: () => true })).rejects.toThrow(RangeError);
    await expect(retry(run, { attempts: 1.5, retryable: () => true })).rejects.toThrow(RangeError);
    expect(seen).toEqual([]);
  });

  it('Infinity attempts only with a deadline', async () => {
    const { run } = failing([]);
    await expect(retry(run, { attempts: Number.POSITIVE_INFINITY, retryable: () => true })).rejects.toThrow(RangeError);
    await expect(retry(run, { attempts: Number.POSITIVE_INFINITY, deadline: 0, retryable: () => true })).resolves.toBe('done');
  });

  it('with a deadline, makes no attempt whose wait would end after it; without jitter, waits the ceiling (polling a twin request)', async () => {
    let clock = 1_000;
    const waits: number[] = [];
    const { run, seen } = failing(Array.from({ length: 20 }, (_, i) => new Conflict(String(i + 1))));
    const error = await retry(run, {
      attempts: Number.POSITIVE_INFINITY,
      deadline: 1_000 + 25 + 50 + 100 + 200 + 250 + 100,
      now: () => clock,
      retryable: (e) => e instanceof Conflict,
      backoff: { baseMs: 25, maxMs: 250, jitter: false },
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      exhausted: (e) => new Error('gave up', { cause: e }),
    }).catch((e: unknown) => e);
    expect(waits).toEqual([25, 50, 100, 200, 250]);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect((error as Error).message).toBe('gave up');
    expect(backoffDelay(9, { baseMs: 25, maxMs: 250, jitter: false })).toBe(250);
  });
});
