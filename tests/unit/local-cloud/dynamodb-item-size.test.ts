/**
 * The cost model's transactional write units (issue: DynamoDB Local reports two units per table for
 * a whole TransactWriteItems): item sizes by DynamoDB's documented rules, two units per item per KB.
 */
import { describe, expect, it } from 'vitest';
import { canonicalNumber, indexCopies, itemSize, keyIdentity, transactionWriteUnits, valueSize } from '../../../infra/local/dynamodb-item-size.ts';

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
  it('two per item per started KB, one more per started KB of each index copy', () => {
    expect(transactionWriteUnits([])).toBe(0);
    expect(transactionWriteUnits([{ size: 100, indexCopies: [] }])).toBe(2);
    expect(
      transactionWriteUnits([
        { size: 100, indexCopies: [] },
        { size: 1024, indexCopies: [] },
        { size: 1025, indexCopies: [] },
      ]),
    ).toBe(2 + 2 + 4);
    expect(transactionWriteUnits([{ size: 2000, indexCopies: [2000, 2000] }])).toBe(4 + 2 * 2);
    // A 2 KB item whose index copies only a summary: the copy costs one unit.
    expect(transactionWriteUnits([{ size: 2000, indexCopies: [300] }])).toBe(4 + 1);
    // A deletion (size of its key only) still costs the minimum.
    expect(transactionWriteUnits([{ size: 0, indexCopies: [] }])).toBe(2);
  });

  it("an item is in an index only when it has all of the index's key attributes; its copy there is what the projection keeps", () => {
    const item = { pk: { S: 'a' }, sk: { S: 'b' }, gsi1pk: { S: 'x' }, gsi1sk: { S: 'y' }, gsi2pk: { S: 'z' }, status: { S: 'PLACED' }, lines: { S: 'l'.repeat(1500) } };
    const all = { keys: ['gsi1pk', 'gsi1sk'], projection: 'ALL' as const };
    const summary = { keys: ['gsi1pk', 'gsi1sk'], projection: 'INCLUDE' as const, include: ['status', 'total'] };
    const keysOnly = { keys: ['gsi2pk'], projection: 'KEYS_ONLY' as const };
    const absent = { keys: ['gsi2pk', 'gsi2sk'], projection: 'ALL' as const };
    const keySize = itemSize({ pk: item.pk, sk: item.sk });
    expect(indexCopies(item, ['pk', 'sk'], [all, summary, keysOnly, absent])).toEqual([
      itemSize(item),
      keySize + itemSize({ gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk, status: item.status }),
      keySize + itemSize({ gsi2pk: item.gsi2pk }),
    ]);
  });
});

describe("an item's identity by its key (the metering proxy matches read-back items to a transaction's keys)", () => {
  it('spells a number one way, as DynamoDB returns it', () => {
    const same = ['1.5', '1.50', '+1.5', '15e-1', '0.15E1', '001.500'];
    expect(new Set(same.map(canonicalNumber)).size).toBe(1);
    expect(canonicalNumber('1e+21')).toBe(canonicalNumber('1000000000000000000000'));
    expect(canonicalNumber('-0.0')).toBe('0');
    expect(canonicalNumber('0')).toBe('0');
    expect(canonicalNumber('-12')).not.toBe(canonicalNumber('12'));
    expect(canonicalNumber('120')).not.toBe(canonicalNumber('12'));
    expect(canonicalNumber('not a number')).toBe('not a number');
  });

  it('is the key attributes in the table’s order, whatever else the item holds', () => {
    const keys = ['pk', 'sk'];
    expect(keyIdentity(keys, { sk: { N: '1.50' }, pk: { S: 'A' }, other: { S: 'x' } })).toBe(keyIdentity(keys, { pk: { S: 'A' }, sk: { N: '1.5' } }));
    expect(keyIdentity(keys, { pk: { S: 'A' }, sk: { N: '2' } })).not.toBe(keyIdentity(keys, { pk: { S: 'A' }, sk: { N: '1.5' } }));
    expect(keyIdentity(keys, { pk: { S: 'A' }, sk: { S: '1.5' } })).not.toBe(keyIdentity(keys, { pk: { S: 'A' }, sk: { N: '1.5' } }));
  });
});
