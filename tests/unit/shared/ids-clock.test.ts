import { describe, expect, it } from 'vitest';
import { manualClock, systemClock } from '../../../shared/clock.ts';
import { isId, newId } from '../../../shared/ids.ts';

describe('ids', () => {
  it('are ULIDs that sort in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => newId());
    expect(ids.every(isId)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
  });

  it('rejects what is not a ULID', () => {
    expect(isId('01JD7ZK3X2V8Q4N6M5R9T0W1YB')).toBe(true);
    for (const bad of ['', 'x', '01JD7ZK3X2V8Q4N6M5R9T0W1YI', 42, null]) expect(isId(bad)).toBe(false);
  });
});

describe('clock', () => {
  it('the manual clock moves only when told', () => {
    const clock = manualClock('2026-11-23T08:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-11-23T08:00:00.000Z');
    clock.advance(30 * 60_000);
    expect(clock.now().toISOString()).toBe('2026-11-23T08:30:00.000Z');
    clock.set('2027-01-01T00:00:00.000Z');
    expect(clock.now().getUTCFullYear()).toBe(2027);
    expect(() => manualClock('not a date')).toThrow();
  });

  it('the system clock tells the time', () => {
    expect(Math.abs(systemClock.now().getTime() - Date.now())).toBeLessThan(1000);
  });
});
