/**
 * SEC-3 through the local cloud: place an order, export (the order and its address are there),
 * erase, export again (nothing personal), staff read the order (amounts, no personal data), then a
 * raw sweep of every table, the event archive, the queues' journals and the function logs finds the
 * customer's strings nowhere in clear — and the customer's ciphertexts taken before the erasure (the
 * order's fields, and every value sealed under the customer's keys anywhere in the tables) no longer
 * decrypt.
 */
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { dynamoCustomerKeyStore } from '../../../shared/customer-keys.ts';
import { FieldDecryptionError, FieldEncryptor, kmsKeyProvider, subjectOfEncryptedField } from '../../../shared/field-encryption.ts';
import { kmsClient } from '../../../shared/aws-json.ts';
import { api, dynamo, e2e, getItem, sdkConfig, tables, tokenFor } from '../../support/e2e.ts';
import { sweepForPersonalData } from '../../support/personal-data-sweep.ts';
import { orderBody, postOrder, productWithStock } from '../checkout/support.ts';
import { decryptPersonalData } from '../../../functions/checkout/personal-data.ts';

/** A fresh container's encryptor (no cached keys), on the local cloud's KMS and keyring. */
const freshEncryptor = () =>
  new FieldEncryptor({ kms: kmsKeyProvider(kmsClient(sdkConfig('KMS'))), keyId: e2e().fieldKeyId, customerKeyStore: dynamoCustomerKeyStore(tables().customerKey, dynamo()) });

/** Every string attribute value (nested too) of every item of every table that is sealed under `customerId`'s keys. */
async function valuesSealedFor(customerId: string): Promise<string[]> {
  const client = new DynamoDBClient(sdkConfig('DYNAMODB'));
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (subjectOfEncryptedField(value) === customerId) found.push(value);
    } else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
  };
  for (const table of Object.values(tables())) for await (const page of paginateScan({ client }, { TableName: table })) for (const item of page.Items ?? []) walk(item);
  client.destroy();
  return found;
}

describe('erasure by crypto-shredding over HTTP (SEC-3)', () => {
  it('SEC-3: export shows the order and address; DELETE /me is idempotent; the export after it and staff reads hold no personal data', async () => {
    const customerId = `e2e-erase-${ulid()}`;
    const customer = await tokenFor(customerId, ['customer']);
    const sku = await productWithStock({ 'WH-EAST': 5 });
    const unique = `抹除${ulid().slice(-8)}`;
    const body = orderBody([{ sku, quantity: 1 }]);
    const placed = await postOrder(customer, { ...body, shippingAddress: { ...body.shippingAddress, name: unique, line1: `${unique}路1号` } });
    expect(placed.status, placed.text).toBe(201);
    const orderId = String(placed.json.orderId);

    const before = await api('/me/data', { token: customer });
    expect(before.status, before.text).toBe(200);
    expect(before.text).toContain(unique);
    expect(before.json.orders).toEqual([expect.objectContaining({ orderId })]);

    // The order's personal data as stored (sealed under the customer's keys) opens before the erasure.
    const stored = (await getItem(tables().orders, { pk: `ORDER#${orderId}`, sk: 'ORDER' })) as { personal?: string } | undefined;
    const sealed = stored?.personal;
    expect(subjectOfEncryptedField(sealed)).toBe(customerId);
    expect((await decryptPersonalData(freshEncryptor(), orderId, sealed as string)).name).toBe(unique);
    const sealedBefore = await valuesSealedFor(customerId);
    expect(sealedBefore.length).toBeGreaterThan(0);

    const erased = await api('/me', { method: 'DELETE', token: customer });
    expect(erased.status, erased.text).toBe(202);
    const again = await api('/me', { method: 'DELETE', token: customer });
    expect(again.status).toBe(202);
    expect(again.json.requestId).toBe(erased.json.requestId);

    const after = await api('/me/data', { token: customer });
    expect(after.status, after.text).toBe(200);
    expect(after.text).not.toContain(unique);
    expect(after.json.orders).toEqual([expect.objectContaining({ orderId, personalDataErasedAt: expect.any(String) })]);

    const staff = await tokenFor(`e2e-ops-${ulid()}`, ['ops']);
    const read = await api(`/orders/${orderId}`, { token: staff, headers: { 'X-Access-Reason': 'customer asked about an erased order' } });
    expect(read.status, read.text).toBe(200);
    expect(read.json.total).toBeDefined();
    expect(read.text).not.toContain(unique);

    const admin = await tokenFor(`e2e-admin-${ulid()}`, ['admin']);
    const requests = await api('/admin/privacy/requests?limit=100', { token: admin });
    expect(requests.status).toBe(200);
    expect(requests.json.items).toEqual(expect.arrayContaining([expect.objectContaining({ requestId: erased.json.requestId, kind: 'ERASURE', status: 'ERASED' })]));

    // The raw sweep: every table as DynamoDB returns it, the event archive, every queue's and DLQ's journal, every function's log.
    const dynamodb = new DynamoDBClient(sdkConfig('DYNAMODB'));
    const hits = await sweepForPersonalData({ dynamodb, tableNames: Object.values(tables()), dataDir: e2e().dataDir, strings: [unique] });
    dynamodb.destroy();
    expect(hits).toEqual([]);
    // What remains sealed under the customer's keys (and what was sealed before) no longer opens, in a fresh container.
    const encryptor = freshEncryptor();
    const opened = await decryptPersonalData(encryptor, orderId, sealed as string).then(
      () => 'decrypted',
      (error: unknown) => (error instanceof FieldDecryptionError ? error.reason : String(error)),
    );
    expect(opened).toBe('erased');
    for (const value of [...sealedBefore, ...(await valuesSealedFor(customerId))]) {
      const outcome = await encryptor.decrypt({ entity: 'order', recordId: orderId, field: 'any' }, value).then(
        () => 'decrypted',
        (error: unknown) => (error instanceof FieldDecryptionError ? error.reason : String(error)),
      );
      expect(outcome).toBe('erased');
    }
  }, 120_000);
});
