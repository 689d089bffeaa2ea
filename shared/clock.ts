/**
 * The injectable clock. Use cases take a {@link Clock} instead of calling `new Date()`, so tests can
 * move time (payment windows, SLAs, flash-price windows) without waiting or faking globals.
 */

/** Tells the time. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand: starts at `start` and only changes through `set`/`advance`. */
export interface ManualClock extends Clock {
  set(at: Date | string): void;
  advance(milliseconds: number): void;
}

/** A {@link ManualClock} starting at `start` (default 2026-01-01T00:00:00Z). */
export function manualClock(start: Date | string = '2026-01-01T00:00:00.000Z'): ManualClock {
  let current = new Date(start).getTime();
  if (Number.isNaN(current)) throw new Error(`manualClock: invalid start ${String(start)}`);
  return {
    now: () => new Date(current),
    set: (at) => {
      const next = new Date(at).getTime();
      if (Number.isNaN(next)) throw new Error(`manualClock: invalid time ${String(at)}`);
      current = next;
    },
    advance: (milliseconds) => {
      current += milliseconds;
    },
  };
}
