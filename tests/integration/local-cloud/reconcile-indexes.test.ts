/**
 * The local cloud keeps its tables between runs (`.data/`); an index the template added is created
 * on a kept table, filled from its items, so `npm start` on an older run's data finds every index
 * the code queries. Indexes the template dropped stay (locally harmless).
 */
import { describe, expect, it } from 'vitest';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { reconcileIndexes } from '../../../infra/local/cloud.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

const keys = (pk: string, sk: string) => [
  { AttributeName: pk, KeyType: 'HASH' as const },
  { AttributeName: sk, KeyType: 'RANGE' as const },
];
const attributes = ['pk', 'sk', 'g1pk', 'g1sk', 'g2pk', 'g2sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const }));

describe('reconcileIndexes (local cloud)', () => {
  it('creates the template’s new indexes, filled from the items; leaves the others as they are', async () => {
    const { endpoint } = useLocalDynamoDb();
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const TableName = `reconcile-${ulid()}`;
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keys('pk', 'sk'),
        AttributeDefinitions: attributes.filter((a) => a.AttributeName !== 'g2pk' && a.AttributeName !== 'g2sk'),
        GlobalSecondaryIndexes: [
          { IndexName: 'old', KeySchema: keys('g1pk', 'g1sk'), Projection: { ProjectionType: 'ALL' } },
          { IndexName: 'kept', KeySchema: keys('g1pk', 'g1sk'), Projection: { ProjectionType: 'ALL' } },
          { IndexName: 'narrowed', KeySchema: keys('g1pk', 'g1sk'), Projection: { ProjectionType: 'ALL' } },
        ],
      }),
    );
    await client.send(
      new PutItemCommand({
        TableName,
        Item: { pk: { S: 'A' }, sk: { S: 'A' }, g1pk: { S: 'C' }, g1sk: { S: '1' }, g2pk: { S: 'X' }, g2sk: { S: '1' }, big: { S: 'x'.repeat(100) } },
      }),
    );

    await reconcileIndexes(client, TableName, {
      AttributeDefinitions: attributes,
      GlobalSecondaryIndexes: [
        { IndexName: 'kept', KeySchema: keys('g1pk', 'g1sk'), Projection: { ProjectionType: 'ALL' } },
        { IndexName: 'narrowed', KeySchema: keys('g1pk', 'g1sk'), Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['small'] } },
        { IndexName: 'added', KeySchema: keys('g2pk', 'g2sk'), Projection: { ProjectionType: 'KEYS_ONLY' } },
      ],
    });

    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    const indexes = Object.fromEntries((Table?.GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName, g.Projection?.ProjectionType]));
    expect(indexes).toEqual({ old: 'ALL', kept: 'ALL', narrowed: 'ALL', added: 'KEYS_ONLY' });
    const added = await client.send(new QueryCommand({ TableName, IndexName: 'added', KeyConditionExpression: 'g2pk = :x', ExpressionAttributeValues: { ':x': { S: 'X' } } }));
    expect(added.Items?.map((i) => i.pk?.S)).toEqual(['A']);
    client.destroy();
  });
});
