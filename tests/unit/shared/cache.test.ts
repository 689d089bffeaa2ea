/**
 * The kernel's one-value cache (shared/cache.ts) behind the warehouse list, risk rules and
 * thresholds and the shipping settings: reused for its TTL, one load for concurrent callers, a
 * failure forgotten, `fresh` reloads, a TTL of 0 caches nothing.
 */
import { describe, expect, it } from 'vitest';
import { cachedFor, setNewest } from '../../../shared/cache.ts';

describe('cachedFor', () => {
  it('reuses the value for its TTL, shares one load, reloads after it or when asked fresh', async () => {
    let t = 0;
    let loads = 0;
    const get = cachedFor(
      async () => ++loads,
      1000,
      () => t,
    );
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    t = 999;
    expect(await get()).toBe(1);
    t = 1000;
    expect(await get()).toBe(2);
    expect(await get({ fresh: true })).toBe(3);
    expect(await get()).toBe(3);
  });

  it('forgets a failed load, and caches nothing with a TTL of 0', async () => {
    let fail = true;
    let loads = 0;
    const get = cachedFor(async () => {
      loads++;
      if (fail) throw new Error('unavailable');
      return 'ok';
    }, 60_000);
    await expect(get()).rejects.toThrow('unavailable');
    fail = false;
    expect(await get()).toBe('ok');
    expect(loads).toBe(2);
    let n = 0;
    const uncached = cachedFor(async () => ++n, 0);
    await uncached();
    expect(await uncached()).toBe(2);
  });
});

describe('setNewest (the bounded LRU of the key caches)', () => {
  it('keeps at most maxEntries, drops the least recently set, and a re-set entry becomes the newest', () => {
    const map = new Map<string, number>();
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      setNewest(map, k, v, 3);
    setNewest(map, 'a', 10, 3); // a is now the newest
    setNewest(map, 'd', 4, 3); // b, the oldest, goes
    expect([...map]).toEqual([
      ['c', 3],
      ['a', 10],
      ['d', 4],
    ]);
    setNewest(map, 'e', 5, 1);
    expect([...map]).toEqual([['e', 5]]);
  });
});
