/**
 * The upgrade from `byCustomer` to `byCustomerSummary` (orders-repository.ts): CloudFormation
 * completes the deployment that adds an index before DynamoDB has filled it, and a query on a
 * filling index fails — so while the first deployment of the upgrade keeps the old index, queries on
 * the new one fall back to it. Nothing else is retried, and without the old index the first error
 * is what the caller sees.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LEGACY_ORDER_INDEX, ORDER_INDEXES, withLegacyIndexFallback } from '../../../functions/checkout/orders-repository.ts';

const validation = (message: string) => Object.assign(new Error(message), { name: 'ValidationException' });
const backfilling = validation(`Cannot read from backfilling global secondary index: ${ORDER_INDEXES.byCustomer}`);

/** A client answering per index: an error to throw or items to return; records what it was asked. */
function fakeClient(answers: Record<string, Error | unknown[]>) {
  const asked: string[] = [];
  const send = async (command: { input: { IndexName?: string } }) => {
    const index = command.input.IndexName ?? '(table)';
    asked.push(index);
    const answer = answers[index];
    if (answer instanceof Error) throw answer;
    return { Items: answer ?? [] };
  };
  return { asked, client: { send } as never };
}

const query = (IndexName: string) =>
  new QueryCommand({ TableName: 'orders', IndexName, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'CUSTOMER#c' } });

describe('withLegacyIndexFallback', () => {
  it('a query on the summary index while DynamoDB fills it is answered from the old index, with the same keys and conditions', async () => {
    const { asked, client } = fakeClient({ [ORDER_INDEXES.byCustomer]: backfilling, [LEGACY_ORDER_INDEX]: [{ orderId: 'O1' }] });
    const answer = await withLegacyIndexFallback(client).send(query(ORDER_INDEXES.byCustomer));
    expect(answer).toEqual({ Items: [{ orderId: 'O1' }] });
    expect(asked).toEqual([ORDER_INDEXES.byCustomer, LEGACY_ORDER_INDEX]);
  });

  it('so is one on a table that does not have the summary index yet', async () => {
    const { asked, client } = fakeClient({ [ORDER_INDEXES.byCustomer]: validation('The table does not have the specified index: byCustomerSummary'), [LEGACY_ORDER_INDEX]: [] });
    await withLegacyIndexFallback(client).send(query(ORDER_INDEXES.byCustomer));
    expect(asked).toEqual([ORDER_INDEXES.byCustomer, LEGACY_ORDER_INDEX]);
  });

  it('without the old index the first error is thrown', async () => {
    const { client } = fakeClient({ [ORDER_INDEXES.byCustomer]: backfilling, [LEGACY_ORDER_INDEX]: validation('The table does not have the specified index: byCustomer') });
    await expect(withLegacyIndexFallback(client).send(query(ORDER_INDEXES.byCustomer))).rejects.toBe(backfilling);
  });

  it('any other error, another index or another operation is not retried', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const other = fakeClient({ [ORDER_INDEXES.byCustomer]: throttled, [LEGACY_ORDER_INDEX]: [] });
    await expect(withLegacyIndexFallback(other.client).send(query(ORDER_INDEXES.byCustomer))).rejects.toBe(throttled);
    expect(other.asked).toEqual([ORDER_INDEXES.byCustomer]);

    const awaiting = fakeClient({ [ORDER_INDEXES.awaitingPayment]: validation('Cannot read from backfilling global secondary index: awaitingPayment') });
    await expect(withLegacyIndexFallback(awaiting.client).send(query(ORDER_INDEXES.awaitingPayment))).rejects.toThrow(/backfilling/);
    expect(awaiting.asked).toEqual([ORDER_INDEXES.awaitingPayment]);

    const get = fakeClient({ '(table)': backfilling });
    await expect(withLegacyIndexFallback(get.client).send(new GetCommand({ TableName: 'orders', Key: { pk: 'x', sk: 'y' } }))).rejects.toBe(backfilling);
    expect(get.asked).toEqual(['(table)']);
  });
});
