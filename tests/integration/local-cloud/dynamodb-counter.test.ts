/**
 * The counting proxy's capacity metering (what `npm run bench:checkout` prices): DynamoDB Local's
 * own figures for single-item writes, and for a TransactWriteItems — which DynamoDB Local reports as
 * two units per table however many items it writes — two units per item per KB plus, per index the
 * item is in, one per KB of its copy there (the whole item, or what the index projects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCallCounter } from '../../../infra/local/dynamodb-counter.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import type { LocalTables } from '../../support/tables.ts';

let counter: DynamoDbCallCounter;
let client: DynamoDBDocumentClient;
let tables: LocalTables;

beforeAll(async () => {
  const local = useLocalDynamoDb();
  tables = local.tables;
  counter = new DynamoDbCallCounter(local.endpoint, { meterCapacity: true });
  await counter.listen();
  client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: counter.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
});

afterAll(async () => {
  client.destroy();
  await counter.close();
});

describe('DynamoDB capacity metering (the cost model)', () => {
  it('prices an index copy by what the index projects: a 2 KB order in the summary index costs one unit there', async () => {
    counter.reset();
    const id = ulid();
    const order = { pk: `ORDER#${id}`, sk: 'ORDER', orderId: id, status: 'PLACED', gsi1pk: `CUSTOMER#c-${id}`, gsi1sk: id, lines: 'l'.repeat(1500) };
    await client.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tables.orders, Item: order } }] }));
    await counter.meteringSettled();
    // Two KB transactional (4) plus the byCustomerSummary copy — keys, id and status — under one KB (1).
    expect(counter.consumedCapacity()).toMatchObject({ writeUnits: 4 + 1, unmeteredTransactions: 0 });
  });

  it('prices a transaction by its items: two units each per KB, one more per index an item is in', async () => {
    counter.reset();
    counter.startRecording();
    const id = ulid();
    await client.send(new PutCommand({ TableName: tables.risk, Item: { pk: `TEST#${id}#u`, sk: 'X', n: 1 } }));
    await counter.meteringSettled();
    expect(counter.consumedCapacity().writeUnits).toBe(1); // a small PutItem: DynamoDB Local's own figure
    counter.reset();
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tables.risk, Item: { pk: `TEST#${id}#a`, sk: 'X', n: 1 } } },
          { Put: { TableName: tables.risk, Item: { pk: `TEST#${id}#b`, sk: 'X', gsi1pk: 'TEST', gsi1sk: id } } }, // in the byDay index
          { Put: { TableName: tables.risk, Item: { pk: `TEST#${id}#c`, sk: 'X', blob: 'x'.repeat(1500) } } }, // two KB
          { Update: { TableName: tables.risk, Key: { pk: `TEST#${id}#u`, sk: 'X' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } },
        ],
      }),
    );
    await counter.meteringSettled();
    expect(counter.consumedCapacity()).toMatchObject({ writeUnits: 2 + (2 + 1) + 4 + 2, unmeteredTransactions: 0 });
    // … and per table (the benchmark prices the dev stage's sandbox tables apart)
    expect(counter.consumedCapacityByTable()).toEqual({ [tables.risk]: { readUnits: 0, writeUnits: 2 + (2 + 1) + 4 + 2 } });
    // Each write recorded with its units (the benchmark's breakdown by item kind).
    counter.stopRecording();
    const writes = counter.takeRecordedWrites();
    expect(writes.map((w) => [w.operation, (w.key as { pk?: { S?: string } }).pk?.S?.split('#').pop(), w.units])).toEqual([
      ['PutItem', 'u', 1],
      ['TransactWriteItems.Put', 'a', 2],
      ['TransactWriteItems.Put', 'b', 3],
      ['TransactWriteItems.Put', 'c', 4],
      ['TransactWriteItems.Update', 'u', 2],
    ]);
    // … and the access key it was signed with (the local cloud's functions sign with their role's: the benchmark's breakdown by caller)
    expect(new Set(writes.map((w) => w.accessKey))).toEqual(new Set(['local']));
  });

  it('reads back the items a transaction updated or checked in several tables, each priced at its size after the commit', async () => {
    const id = ulid();
    await client.send(new PutCommand({ TableName: tables.risk, Item: { pk: `TEST#${id}#r`, sk: 'X', n: 1 } }));
    await client.send(new PutCommand({ TableName: tables.orders, Item: { pk: `TEST#${id}#o`, sk: 'X', n: 1 } }));
    await client.send(new PutCommand({ TableName: tables.risk, Item: { pk: `TEST#${id}#c`, sk: 'X', blob: 'c'.repeat(2500) } }));
    await counter.meteringSettled();
    counter.reset();
    counter.startRecording();
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: tables.risk, Key: { pk: `TEST#${id}#r`, sk: 'X' }, UpdateExpression: 'SET padding = :b', ExpressionAttributeValues: { ':b': 'r'.repeat(1500) } } }, // now 2 KB
          { ConditionCheck: { TableName: tables.risk, Key: { pk: `TEST#${id}#absent`, sk: 'X' }, ConditionExpression: 'attribute_not_exists(pk)' } }, // not there: the minimum
          { Update: { TableName: tables.orders, Key: { pk: `TEST#${id}#o`, sk: 'X' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } },
          { ConditionCheck: { TableName: tables.risk, Key: { pk: `TEST#${id}#c`, sk: 'X' }, ConditionExpression: 'attribute_exists(pk)' } }, // 3 KB, read
          { Update: { TableName: tables.orders, Key: { pk: `TEST#${id}#new`, sk: 'X' }, UpdateExpression: 'SET m = :m', ExpressionAttributeValues: { ':m': 'x'.repeat(3500) } } }, // created: 4 KB
        ],
      }),
    );
    await counter.meteringSettled();
    expect(counter.consumedCapacity()).toMatchObject({ writeUnits: 4 + 2 + 2 + 6 + 8, unmeteredTransactions: 0 });
    expect(counter.consumedCapacityByTable()).toEqual({ [tables.risk]: { readUnits: 0, writeUnits: 4 + 2 + 6 }, [tables.orders]: { readUnits: 0, writeUnits: 2 + 8 } });
    // each item priced at its own size (a mix-up within a table would keep the totals)
    counter.stopRecording();
    const units = Object.fromEntries(counter.takeRecordedWrites().map((w) => [(w.key as { pk?: { S?: string } }).pk?.S?.split('#').pop(), w.units]));
    expect(units).toEqual({ r: 4, absent: 2, o: 2, c: 6, new: 8 });
  });

  it('a refused transaction is counted as refused, not priced', async () => {
    counter.reset();
    const id = ulid();
    await expect(
      client.send(
        new TransactWriteCommand({
          TransactItems: [{ Put: { TableName: tables.risk, Item: { pk: `TEST#${id}`, sk: 'X' }, ConditionExpression: 'attribute_exists(pk)' } }],
        }),
      ),
    ).rejects.toThrow();
    await counter.meteringSettled();
    expect(counter.consumedCapacity()).toMatchObject({ writeUnits: 0, refusedWrites: 1, refusedTransactions: 1 });
  });

  it('keeps reads and writes per table: a strongly consistent read of a 5 KB item, a batch read over two tables, a small put', async () => {
    counter.reset();
    const id = ulid();
    await client.send(new PutCommand({ TableName: tables.risk, Item: { pk: `TEST#${id}#big`, sk: 'X', blob: 'x'.repeat(5000) } }));
    await client.send(new PutCommand({ TableName: tables.orders, Item: { pk: `TEST#${id}`, sk: 'X' } }));
    await client.send(new GetCommand({ TableName: tables.risk, Key: { pk: `TEST#${id}#big`, sk: 'X' }, ConsistentRead: true }));
    await client.send(
      new BatchGetCommand({ RequestItems: { [tables.risk]: { Keys: [{ pk: `TEST#${id}#big`, sk: 'X' }] }, [tables.orders]: { Keys: [{ pk: `TEST#${id}`, sk: 'X' }] } } }),
    );
    await counter.meteringSettled();
    const byTable = counter.consumedCapacityByTable();
    // 5 KB: five write units, two read units strongly consistent (4 KB each), one eventually consistent; the small item one and a half.
    expect(byTable[tables.risk]).toEqual({ writeUnits: 5, readUnits: 2 + 1 });
    expect(byTable[tables.orders]).toEqual({ writeUnits: 1, readUnits: 0.5 });
    expect(counter.consumedCapacity()).toMatchObject({ writeUnits: 6, readUnits: 3.5 });
  });
});
