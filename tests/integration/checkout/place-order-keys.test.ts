/**
 * SEC-3 on `POST /orders`: the order's personal data and the stored idempotent response are sealed
 * under the customer's own keys by one field encryptor (handlers/place-order.ts), so a new
 * customer's two keys are created in one write. Against DynamoDB Local and a local KMS.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { makePlaceOrderHandler, PLACEMENT_KEY_COMPANIONS } from '../../../functions/checkout/handlers/place-order.ts';
import { dynamoCustomerKeyStore } from '../../../shared/customer-keys.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { customer, useCheckoutWorld } from './fixtures.ts';

const world = useCheckoutWorld();

/** A container: the handler with the placement encryptor's companions, its keyring writes counted. */
function container() {
  const base = documentClient();
  const writes = { count: 0 };
  const client = {
    send: (command: unknown) => {
      if (command instanceof UpdateCommand) writes.count++;
      return base.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  const cipher = world.newEncryptor({ customerKeyStore: dynamoCustomerKeyStore(world.tables.customerKey, client), customerKeyCompanions: PLACEMENT_KEY_COMPANIONS });
  const handler = makePlaceOrderHandler({
    orders: () => world.orders,
    catalog: () => world.catalog,
    promotions: () => world.promotions,
    cipher: () => cipher,
    events: world.events.forCorrelation,
    paymentLimits: () => world.limitsPort(),
    riskSignalKey: async () => world.settings.riskSignalKey,
  });
  return { handler, writes };
}

const post = (handler: ReturnType<typeof makePlaceOrderHandler>, customerId: string, body: unknown, key: string) =>
  handler(
    apiEvent({ method: 'POST', path: '/orders', resource: '/orders', body, claims: claimsFor(customerId, 'customer'), headers: { 'Idempotency-Key': key } }),
    lambdaContext(),
  );

describe('POST /orders and the customer keyring (SEC-3)', () => {
  it('a new customer’s order key and stored-response key: one keyring write, the response sealed without a further KMS call; a replay opens it', async () => {
    const sku = await world.product();
    const customerId = customer();
    const { handler, writes } = container();
    // A first order warms the container (its shared data key for the sealed payment token).
    expect((await post(handler, customer(), world.request([{ sku, quantity: 1 }]), ulid())).statusCode).toBe(201);
    const [writesBefore, before] = [writes.count, world.kmsCalls()];
    const key = ulid();
    const body = world.request([{ sku, quantity: 1 }]);
    const first = await post(handler, customerId, body, key);
    expect(first.statusCode).toBe(201);
    expect(writes.count - writesBefore).toBe(1);
    const after = world.kmsCalls();
    expect((after.GenerateDataKey ?? 0) - (before.GenerateDataKey ?? 0)).toBe(2);
    expect((after.Decrypt ?? 0) - (before.Decrypt ?? 0)).toBe(0);
    const { Item } = await documentClient().send(new GetCommand({ TableName: world.tables.customerKey, Key: { customerId }, ConsistentRead: true }));
    expect(Object.keys(Item ?? {}).sort()).toEqual(['customerId', 'key:idempotency-response', 'key:order']);

    // The stored response holds no personal data in clear, and a retry (another container) replays it.
    const stored = JSON.stringify(await documentClient().send(new GetCommand({ TableName: world.tables.idempotency, Key: { id: `placeOrder#${customerId}#${key}` } })));
    expect(stored).not.toContain('王小明');
    const replay = await post(container().handler, customerId, body, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(jsonBody(replay)).toEqual(jsonBody(first));
    expect(JSON.stringify(jsonBody(replay))).toContain('王小明');
  });

  it('a returning customer’s keys are neither created nor written again', async () => {
    const sku = await world.product();
    const customerId = customer();
    const { handler, writes } = container();
    expect((await post(handler, customerId, world.request([{ sku, quantity: 1 }]), ulid())).statusCode).toBe(201);
    const second = container();
    expect((await post(second.handler, customerId, world.request([{ sku, quantity: 1 }]), ulid())).statusCode).toBe(201);
    expect(second.writes.count).toBe(0);
    expect(writes.count).toBe(1);
  });
});
