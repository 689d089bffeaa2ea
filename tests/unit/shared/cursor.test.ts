import { describe, expect, it } from 'vitest';
import * as z from '../../../shared/zod.ts';
import { decodeCursor, encodeCursor, indexCursorSchema } from '../../../shared/dynamodb.ts';
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

  it('a cursor over an index holds the table key and that index key, nothing else', () => {
    const key = { pk: 'ORDER#1', sk: 'ASSESSMENT', gsi2pk: 'REVIEWQ#pending', gsi2sk: '2026-12-07T00:00:00.000Z#1' };
    expect(decodeCursor(encodeCursor(key), indexCursorSchema('gsi2'))).toEqual(key);
    const bad = (cursorKey: Record<string, unknown>) => () => decodeCursor(encodeCursor(cursorKey), indexCursorSchema('gsi2'));
    expect(bad({ ...key, gsi2pk: undefined, gsi1pk: 'x' })).toThrow(ProblemError);
    expect(bad({ ...key, extra: 'x' })).toThrow(ProblemError);
    expect(bad({ ...key, gsi2sk: 'x'.repeat(401) })).toThrow(ProblemError);
  });
});
