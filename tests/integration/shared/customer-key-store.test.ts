/**
 * SEC-3: the customer keyring's DynamoDB store on DynamoDB Local. It remembers a customer's key
 * record for a few seconds only to skip re-reading an absence before a create (a new customer's
 * order creates keys of two entity kinds with one read); every stale case is decided by the
 * create's condition, and lookups for decryption always read afresh.
 */
import crypto from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoCustomerKeyStore } from '../../../shared/customer-keys.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { newId } from '../../../shared/ids.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let table: string;
beforeAll(() => {
  table = useLocalDynamoDb().tables.customerKey;
});

/** A store whose GetItems are counted. */
function counted() {
  const reads = { count: 0 };
  const base = documentClient();
  const client = {
    send: (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
      if (command instanceof GetCommand) reads.count++;
      return base.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return { store: dynamoCustomerKeyStore(table, client), reads };
}

const edk = () => new Uint8Array(crypto.randomBytes(48));
const customer = () => `cust-keys-${newId().toLowerCase()}`;

/** Two containers' stores and a new customer whose absent key of `entity` the first one has read (and remembers). */
async function absenceRemembered(entity: string) {
  const { store: here, reads: hereReads } = counted();
  const c = customer();
  expect(await here.get(c, entity, 'encrypt')).toBeUndefined();
  return { here, hereReads, there: counted().store, c };
}

describe('customer key store on DynamoDB Local (SEC-3)', () => {
  it("a new customer's keys of two entity kinds are created after one read; decryption reads afresh", async () => {
    const { store, reads } = counted();
    const c = customer();
    const [orderKey, idempotencyKey] = [edk(), edk()];
    expect(await store.get(c, 'order', 'encrypt')).toBeUndefined();
    expect(await store.create(c, 'order', orderKey)).toEqual({ edk: orderKey });
    expect(await store.get(c, 'idempotency', 'encrypt')).toBeUndefined();
    expect(await store.create(c, 'idempotency', idempotencyKey)).toEqual({ edk: idempotencyKey });
    expect(reads.count).toBe(1);
    expect(await store.get(c, 'order')).toEqual({ edk: orderKey });
    expect(await store.get(c, 'idempotency', 'decrypt')).toEqual({ edk: idempotencyKey });
    expect(reads.count).toBe(3);
  });

  it('a remembered absence gone stale (another container created the key): the create fails its condition and returns theirs', async () => {
    const { here, hereReads, there, c } = await absenceRemembered('order');
    const theirs = edk();
    expect(await there.create(c, 'order', theirs)).toEqual({ edk: theirs });
    expect(await here.get(c, 'order', 'encrypt')).toBeUndefined();
    expect(hereReads.count).toBe(1); // the absence as remembered, not read again
    expect(await here.create(c, 'order', edk())).toEqual({ edk: theirs });
  });

  it('decryption never trusts a remembered absence', async () => {
    const { here, there, c } = await absenceRemembered('ticket');
    const theirs = edk();
    await there.create(c, 'ticket', theirs);
    expect(await here.get(c, 'ticket', 'decrypt')).toEqual({ edk: theirs });
  });

  it('erased meanwhile: the create fails on the tombstone and no key is written', async () => {
    const { here, there, c } = await absenceRemembered('order');
    const { erasedAt } = await there.erase(c, new Date().toISOString());
    expect(await here.create(c, 'order', edk())).toEqual({ erasedAt });
    const { Item } = await documentClient().send(new GetCommand({ TableName: table, Key: { customerId: c }, ConsistentRead: true }));
    expect(Item).toEqual({ customerId: c, erasedAt });
  });

  it('keys of several kinds in one write: all stored when the customer has none of them; nothing when one exists or the customer is erased', async () => {
    const { store, reads } = counted();
    const c = customer();
    const [orderKey, responseKey] = [edk(), edk()];
    expect(await store.get(c, 'order', 'encrypt')).toBeUndefined();
    expect(
      await store.createTogether!(c, [
        { entity: 'order', edk: orderKey },
        { entity: 'idempotency-response', edk: responseKey },
      ]),
    ).toBe(true);
    expect(reads.count).toBe(1);
    expect(await store.get(c, 'order')).toEqual({ edk: orderKey });
    expect(await store.get(c, 'idempotency-response')).toEqual({ edk: responseKey });

    // One of the kinds already there (another container's): nothing is written, the stored keys stay.
    const d = customer();
    const theirs = edk();
    await counted().store.create(d, 'idempotency-response', theirs);
    expect(
      await store.createTogether!(d, [
        { entity: 'order', edk: edk() },
        { entity: 'idempotency-response', edk: edk() },
      ]),
    ).toBe(false);
    const { Item } = await documentClient().send(new GetCommand({ TableName: table, Key: { customerId: d }, ConsistentRead: true }));
    expect(Object.keys(Item ?? {}).sort()).toEqual(['customerId', 'key:idempotency-response']);
    expect(new Uint8Array(Item?.['key:idempotency-response'] as Uint8Array)).toEqual(theirs);

    // Erased: nothing is written.
    const e = customer();
    const { erasedAt } = await store.erase(e, new Date().toISOString());
    expect(await store.createTogether!(e, [{ entity: 'order', edk: edk() }])).toBe(false);
    const erased = await documentClient().send(new GetCommand({ TableName: table, Key: { customerId: e }, ConsistentRead: true }));
    expect(erased.Item).toEqual({ customerId: e, erasedAt });
  });
});
