/**
 * The counting proxy's capacity metering (what `npm run bench:checkout` prices): DynamoDB Local's
 * own figures for single-item writes, and for a TransactWriteItems — which DynamoDB Local reports as
 * two units per table however many items it writes — two units per item per KB plus, per index the
 * item is in, one per KB of its copy there (the whole item, or what the index projects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
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
});
