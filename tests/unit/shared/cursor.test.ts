import { describe, expect, it } from 'vitest';
import * as z from '../../../shared/zod.ts';
import { decodeCursor, encodeCursor } from '../../../shared/dynamodb.ts';
import { ProblemError } from '../../../shared/errors.ts';

const KeySchema = z.strictObject({ pk: z.string().check(z.startsWith('PRODUCT#')), sk: z.literal('PRODUCT') });

describe('pagination cursor (API.md lists)', () => {
  it('round-trips a key as opaque base64url', () => {
    const key = { pk: 'PRODUCT#ABC', sk: 'PRODUCT' };
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, KeySchema)).toEqual(key);
    expect(decodeCursor(undefined, KeySchema)).toBeUndefined();
  });

  it.each([
    ['not base64 !!'],
    [Buffer.from('not json').toString('base64url')],
    [encodeCursor({ pk: 'ORDER#1', sk: 'PRODUCT' })],
    [encodeCursor({ pk: 'PRODUCT#A', sk: 'PRODUCT', extra: 1 })],
    ['A'.repeat(5000)],
  ])('SEC-5: a bad or forged cursor is a 400 problem (%s)', (cursor) => {
    try {
      decodeCursor(cursor, KeySchema);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemError);
      expect((error as ProblemError).status).toBe(400);
      expect((error as ProblemError).errors?.[0]?.path).toBe('query.cursor');
    }
  });
});
