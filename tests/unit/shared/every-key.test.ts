/**
 * `everyKeyOf` is a compile-time check: the `@ts-expect-error` lines below fail `npm run typecheck`
 * (part of `npm test`) if the helper ever stops refusing a list that misses a key or names a stranger.
 */
import { describe, expect, it } from 'vitest';
import { everyKeyOf } from '../../../shared/every-key.ts';

interface Pair {
  readonly left: number;
  readonly right: string;
}

describe('everyKeyOf', () => {
  it('returns the list as given, typed as its exact keys', () => {
    const keys = everyKeyOf<Pair>()(['left', 'right']);
    const first: 'left' = keys[0];
    expect(keys).toEqual(['left', 'right']);
    expect(first).toBe('left');
  });

  it('refuses, at compile time, a list that misses a key or names one the type lacks', () => {
    // @ts-expect-error 'right' is missing
    const missing = everyKeyOf<Pair>()(['left']);
    // @ts-expect-error 'middle' is not a key of Pair
    const stranger = everyKeyOf<Pair>()(['left', 'right', 'middle']);
    expect([missing, stranger]).toHaveLength(2);
  });
});
