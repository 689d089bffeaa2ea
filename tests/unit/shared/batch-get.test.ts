/**
 * The kernel's batchGet (shared/dynamodb.ts), used by checkout and fraud: keys asked once each, at
 * most 100 per call, and unprocessed keys asked again until answered — never silently dropped.
 */
import { describe, expect, it } from 'vitest';
import { batchGet } from '../../../shared/dynamodb.ts';

describe('batchGet', () => {
  it('retries unprocessed keys, splits into calls of 100, and asks each key once', async () => {
    const calls: number[] = [];
    let throttledOnce = false;
    const client = {
      send: async (command: { input: { RequestItems: Record<string, { Keys: Array<Record<string, string>> }> } }) => {
        const keys = command.input.RequestItems.T!.Keys;
        calls.push(keys.length);
        // The first call leaves its last key unprocessed, as DynamoDB does under throttling.
        const unprocessed = !throttledOnce ? keys.slice(-1) : [];
        throttledOnce = true;
        const answered = keys.slice(0, keys.length - unprocessed.length).map((k) => ({ ...k, found: true }));
        return { Responses: { T: answered }, UnprocessedKeys: unprocessed.length ? { T: { Keys: unprocessed } } : {} };
      },
    };
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `P#${i}`, sk: 'S' }));
    const items = await batchGet(client as never, 'T', [...keys, keys[0]!]);
    expect(items).toHaveLength(150);
    expect(new Set(items.map((i) => i.pk)).size).toBe(150);
    expect(calls.slice(0, 2).sort((a, b) => b - a)).toEqual([100, 50]);
    expect(calls.reduce((s, n) => s + n, 0)).toBe(151);
  });
});
