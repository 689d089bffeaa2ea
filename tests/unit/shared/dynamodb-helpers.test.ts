/** The kernel's DynamoDB helpers every adapter uses: all pages of a query, and a put that only creates. */
import { describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putIfAbsent, queryAll } from '../../../shared/dynamodb.ts';

type Command = { constructor: { name: string }; input: Record<string, unknown> };

function fakeClient(respond: (command: Command, call: number) => unknown) {
  const calls: Command[] = [];
  const client = { send: async (command: Command) => respond(command, calls.push(command)) } as unknown as Pick<DynamoDBDocumentClient, 'send'>;
  return { client, calls };
}

describe('queryAll', () => {
  it('follows LastEvaluatedKey through every page, in order, with the same query', async () => {
    const pages = [{ Items: [{ n: 1 }, { n: 2 }], LastEvaluatedKey: { pk: 'P', sk: '2' } }, { Items: [], LastEvaluatedKey: { pk: 'P', sk: '3' } }, { Items: [{ n: 3 }] }];
    const { client, calls } = fakeClient((_, call) => pages[call - 1]);
    const input = { TableName: 't', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'P' }, ConsistentRead: true };
    expect(await queryAll(client, input)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(calls.map((c) => [c.constructor.name, c.input])).toEqual([
      ['QueryCommand', input],
      ['QueryCommand', { ...input, ExclusiveStartKey: { pk: 'P', sk: '2' } }],
      ['QueryCommand', { ...input, ExclusiveStartKey: { pk: 'P', sk: '3' } }],
    ]);
  });

  it('an empty result is one call and no items', async () => {
    const { client, calls } = fakeClient(() => ({}));
    expect(await queryAll(client, { TableName: 't' })).toEqual([]);
    expect(calls).toHaveLength(1);
  });
});

describe('putIfAbsent', () => {
  it('puts on condition that no item has the key: true when written, false when one existed; other errors propagate', async () => {
    const conditionFailed = Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' });
    const outcomes: Array<Error | undefined> = [undefined, conditionFailed, new Error('throttled')];
    const { client, calls } = fakeClient((_, call) => {
      const outcome = outcomes[call - 1];
      if (outcome) throw outcome;
      return {};
    });
    const item = { pk: 'SEED#x', sk: 'SEED' };
    expect(await putIfAbsent(client, 't', item)).toBe(true);
    expect(await putIfAbsent(client, 't', item)).toBe(false);
    await expect(putIfAbsent(client, 't', item)).rejects.toThrow('throttled');
    expect(calls.map((c) => [c.constructor.name, c.input])[0]).toEqual(['PutCommand', { TableName: 't', Item: item, ConditionExpression: 'attribute_not_exists(pk)' }]);
  });
});
