/**
 * The cost model's transactional write units (issue: DynamoDB Local reports two units per table for
 * a whole TransactWriteItems): item sizes by DynamoDB's documented rules, two units per item per KB.
 */
import { describe, expect, it } from 'vitest';
import { indexesHolding, itemSize, transactionWriteUnits, valueSize } from '../../../infra/local/dynamodb-item-size.ts';

describe("DynamoDB item sizes (the developer guide's rules)", () => {
  it('strings are UTF-8 bytes; names count too', () => {
    expect(itemSize({ pk: { S: 'ORDER#1' } })).toBe(2 + 7);
    expect(valueSize({ S: '双十一' })).toBe(9);
  });

  it('numbers: one byte per two significant digits, plus one', () => {
    expect(valueSize({ N: '1' })).toBe(2);
    expect(valueSize({ N: '12' })).toBe(2);
    expect(valueSize({ N: '123' })).toBe(3);
    expect(valueSize({ N: '-1000' })).toBe(2); // leading and trailing zeros are not significant
    expect(valueSize({ N: '12.345' })).toBe(4);
  });

  it('binary, booleans, null, sets', () => {
    expect(valueSize({ B: Buffer.alloc(100).toString('base64') })).toBe(100);
    expect(valueSize({ BOOL: false })).toBe(1);
    expect(valueSize({ NULL: true })).toBe(1);
    expect(valueSize({ SS: ['ab', 'cde'] })).toBe(5);
  });

  it('lists and maps: three bytes, plus one per element, plus the elements', () => {
    expect(valueSize({ L: [{ S: 'ab' }, { N: '1' }] })).toBe(3 + (1 + 2) + (1 + 2));
    expect(valueSize({ M: { a: { S: 'xyz' } } })).toBe(3 + 1 + 1 + 3);
  });
});

describe('transactional write units', () => {
  it('two per item per started KB, one more per index the item is in', () => {
    expect(transactionWriteUnits([])).toBe(0);
    expect(transactionWriteUnits([{ size: 100, indexes: 0 }])).toBe(2);
    expect(
      transactionWriteUnits([
        { size: 100, indexes: 0 },
        { size: 1024, indexes: 0 },
        { size: 1025, indexes: 0 },
      ]),
    ).toBe(2 + 2 + 4);
    expect(transactionWriteUnits([{ size: 2000, indexes: 2 }])).toBe(4 + 2 * 2);
    // A deletion (size of its key only) still costs the minimum.
    expect(transactionWriteUnits([{ size: 0, indexes: 0 }])).toBe(2);
  });

  it("an item is in an index only when it has all of the index's key attributes", () => {
    const item = { pk: { S: 'a' }, gsi1pk: { S: 'x' }, gsi1sk: { S: 'y' }, gsi2pk: { S: 'z' } };
    expect(indexesHolding(item, [['gsi1pk', 'gsi1sk'], ['gsi2pk', 'gsi2sk'], ['gsi3pk']])).toBe(1);
  });
});
