/**
 * bench:checkout's DynamoDB breakdown (issue 15: what each remaining call is for): one line per
 * operation, table and item kind, transactions by their items, only key prefixes printed.
 */
import { describe, expect, it } from 'vitest';
import { breakdown, callerBreakdown, keyKind, shortTable, touches, writeUnitsBreakdown } from '../../../scripts/cost/dynamodb-breakdown.ts';

const req = (operation: string, body: unknown) => ({ operation, headers: {}, body: Buffer.from(JSON.stringify(body)) });

describe('DynamoDB call breakdown', () => {
  it('names tables by their construct and items by their key prefix, never by the key value', () => {
    expect(shortTable('Commerce-dev-CheckoutStack-OrdersTable1A2B3C-XYZ')).toBe('Orders');
    expect(keyKind({ pk: { S: 'ORDER#01HXYZ' } })).toBe('ORDER');
    expect(keyKind({ id: { S: 'place-order#abc' } })).toBe('place-order');
    expect(keyKind({ pk: { S: 'plain-value' } })).toBe('(no prefix)');
    expect(keyKind(undefined)).toBe('-');
  });

  it('lists a transaction by its items and counts calls per order', () => {
    const requests = [
      req('GetItem', { TableName: 'x-CatalogTableAB-1', Key: { pk: { S: 'PRODUCT#TEA-1' } } }),
      req('GetItem', { TableName: 'x-CatalogTableAB-1', Key: { pk: { S: 'PRODUCT#TEA-2' } } }),
      req('Query', { TableName: 'x-OrdersTableCD-2', IndexName: 'byCustomer', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'CUSTOMER#王芳' } } }),
      req('TransactWriteItems', {
        TransactItems: [
          { Put: { TableName: 'x-OrdersTableCD-2', Item: { pk: { S: 'ORDER#1' } } } },
          { Update: { TableName: 'x-CatalogTableAB-1', Key: { pk: { S: 'STOCK#TEA-1' } } } },
        ],
      }),
    ];
    expect(touches(requests[3] as never).map((t) => t.operation)).toEqual(['TransactWriteItems.Put', 'TransactWriteItems.Update']);
    // the partition key's value, whatever order the expression values come in
    const ranged = req('Query', {
      TableName: 'x-RiskTableEF-3',
      KeyConditionExpression: 'pk = :pk AND sk >= :from',
      ExpressionAttributeValues: { ':from': { S: '2026-12-01T00:00:00.000Z#1h' }, ':pk': { S: 'VEL#device#d1' } },
    });
    expect(touches(ranged as never)).toEqual([{ operation: 'Query', table: 'Risk', kind: 'VEL' }]);
    const lines = breakdown(requests as never, 2);
    expect(lines[0]).toBe('  1.00  GetItem Catalog PRODUCT');
    expect(lines).toContain('  0.50  Query Orders/byCustomer CUSTOMER');
    expect(lines).toContain('  0.50  TransactWriteItems.Put Orders ORDER');
    expect(lines.join('\n')).not.toContain('王芳');
  });

  it('write units per order by operation, table and item kind, largest first, small ones left out', () => {
    const writes = [
      { operation: 'TransactWriteItems.Put', table: 'x-OrdersTableCD-2', key: { pk: { S: 'ORDER#1' }, name: { S: '王芳' } }, units: 6 },
      { operation: 'TransactWriteItems.Put', table: 'x-OrdersTableCD-2', key: { pk: { S: 'ORDER#2' } }, units: 4 },
      { operation: 'UpdateItem', table: 'x-RiskTableEF-3', key: { pk: { S: 'WARN#general' } }, units: 1 },
      { operation: 'DeleteItem', table: 'x-OrdersTableCD-2', key: { pk: { S: 'OUTBOX#1' } }, units: 0.5 },
    ];
    const lines = writeUnitsBreakdown(writes, 2);
    expect(lines).toEqual(['   5.00  TransactWriteItems.Put Orders ORDER', '   0.50  UpdateItem Risk WARN']);
    expect(lines.join('\n')).not.toContain('王芳');
  });
});

describe('DynamoDB calls and write units by calling function', () => {
  const signed = (operation: string, accessKey: string) => ({
    operation,
    headers: { authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/20261207/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00` },
    body: Buffer.from('{}'),
  });
  it('sums each caller’s calls and write units per order, most calls first, naming unknown keys together', () => {
    const names: Record<string, string> = { ROLEA: 'PlaceOrder', ROLEB: 'AssessOrder' };
    const callerOf = (key: string | undefined) => (key && names[key]) || 'other';
    const requests = [signed('GetItem', 'ROLEA'), signed('TransactWriteItems', 'ROLEA'), signed('Query', 'ROLEA'), signed('GetItem', 'ROLEB'), signed('GetItem', 'local')];
    const writes = [
      { operation: 'TransactWriteItems.Put', table: 'Orders', units: 4, accessKey: 'ROLEA' },
      { operation: 'TransactWriteItems.Put', table: 'Orders', units: 2, accessKey: 'ROLEA' },
      { operation: 'PutItem', table: 'Risk', units: 3, accessKey: 'ROLEB' },
      { operation: 'PutItem', table: 'Risk', units: 1 },
    ];
    expect(callerBreakdown(requests, writes, 2, callerOf)).toEqual([
      '  1.50 calls    3.0 WRU  PlaceOrder',
      '  0.50 calls    1.5 WRU  AssessOrder',
      '  0.50 calls    0.5 WRU  other',
    ]);
  });
});
