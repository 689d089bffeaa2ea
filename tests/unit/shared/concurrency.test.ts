import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../../shared/concurrency.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('mapLimited', () => {
  it('keeps the items’ order and never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimited(
      Array.from({ length: 25 }, (_, i) => i),
      4,
      async (n) => {
        most = Math.max(most, ++inFlight);
        await tick();
        inFlight--;
        return n * 2;
      },
    );
    expect(out).toEqual(Array.from({ length: 25 }, (_, i) => i * 2));
    expect(most).toBe(4);
  });

  it('rejects with the first failure and starts no new call after it', async () => {
    const started: number[] = [];
    await expect(
      mapLimited([0, 1, 2, 3, 4, 5, 6, 7], 2, async (n) => {
        started.push(n);
        await tick();
        if (n === 1) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(8);
  });

  it('an empty list is an empty result; a limit below 1 is a programming error', async () => {
    expect(await mapLimited([], 3, async () => 1)).toEqual([]);
    await expect(mapLimited([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
