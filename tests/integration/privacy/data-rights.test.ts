/**
 * SEC-3, CMP-2: the data-rights use cases on DynamoDB Local and the local KMS — erasure by
 * crypto-shredding through `DELETE /me`, the export `GET /me/data` before and after, the admin's
 * list of requests, and the retention job.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptPersonalData, encryptPersonalData } from '../../../functions/checkout/personal-data.ts';
import { erasureDepsFromEnv, exportDepsFromEnv } from '../../../functions/privacy/adapters.ts';
import { shredExpiredPersonalData } from '../../../functions/privacy/data-rights.ts';
import { makeDeleteMeHandler } from '../../../functions/privacy/handlers/delete-me.ts';
import { makeGetMyDataHandler } from '../../../functions/privacy/handlers/get-my-data.ts';
import { makeListPrivacyRequestsHandler } from '../../../functions/privacy/handlers/list-privacy-requests.ts';
import { ordersPrivacyFromEnv } from '../../../functions/checkout/privacy-contract.ts';
import { manualClock } from '../../../shared/clock.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { FieldDecryptionError, FieldEncryptor, kmsKeyProvider } from '../../../shared/field-encryption.ts';
import { newId } from '../../../shared/ids.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let tables: ReturnType<typeof useLocalDynamoDb>['tables'];
beforeAll(() => {
  ({ tables } = useLocalDynamoDb());
});

const cny = (amount: number) => ({ amount, currency: 'CNY' });

/** Writes an order of `customerId` whose personal data is sealed under the customer's key, with optional timeline entries. */
async function seedOrder(
  customerId: string,
  name: string,
  options: { status?: string; placedAt?: string; timeline?: Array<{ to: string; at: string }>; cancelledAt?: string } = {},
) {
  const orderId = newId();
  const personal = await encryptPersonalData(new FieldEncryptor({ kms: kmsKeyProvider() }), orderId, customerId, {
    name,
    phone: '13700137000',
    line1: `${name}路 8 号`,
    city: '杭州',
    postalCode: '310000',
    email: `${orderId.toLowerCase()}@example.cn`,
  });
  await documentClient().send(
    new PutCommand({
      TableName: tables.orders,
      Item: {
        pk: `ORDER#${orderId}`,
        sk: 'ORDER',
        type: 'Order',
        orderId,
        customerId,
        status: options.status ?? 'DELIVERED',
        version: 3,
        currency: 'CNY',
        total: cny(12_900),
        lines: [{ sku: 'TEA-1', quantity: 1, unitPrice: cny(12_900), lineTotal: cny(12_900) }],
        placedAt: options.placedAt ?? '2026-12-01T00:00:00.000Z',
        ...(options.cancelledAt ? { cancellation: { by: 'customer', actor: customerId, reason: 'changed mind', at: options.cancelledAt } } : {}),
        personal,
        gsi1pk: `CUSTOMER#${customerId}`,
        gsi1sk: orderId,
      },
    }),
  );
  for (const [i, entry] of (options.timeline ?? []).entries()) {
    await documentClient().send(
      new PutCommand({ TableName: tables.orders, Item: { pk: `ORDER#${orderId}`, sk: `TIMELINE#${String(i + 2).padStart(6, '0')}`, type: 'Timeline', ...entry } }),
    );
  }
  return { orderId, personal };
}

const orderItem = async (orderId: string) =>
  (await documentClient().send(new GetCommand({ TableName: tables.orders, Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' }, ConsistentRead: true }))).Item!;

describe('SEC-3: erasure by crypto-shredding, and the export', () => {
  it('SEC-3: export holds the order and address; DELETE /me is audited, idempotent, shreds every ciphertext of the customer, strips orders to the books, disables sign-in; the export after it holds nothing personal', async () => {
    const customer = `erase-${newId().toLowerCase()}`;
    const bystander = `keep-${newId().toLowerCase()}`;
    const name = `删除测试${newId().slice(-6)}`;
    const { orderId, personal } = await seedOrder(customer, name);
    const other = await seedOrder(bystander, '旁观者');
    const clock = manualClock('2026-12-05T10:00:00.000Z');
    const steps: string[] = [];
    const disabled: string[] = [];
    const deps = () => {
      const real = erasureDepsFromEnv(clock);
      return {
        ...real,
        audit: { record: async (event: Parameters<typeof real.audit.record>[0]) => (steps.push(`audit:${event.action}`), real.audit.record(event)) },
        keys: { erase: async (id: string, at: string) => (steps.push('keys'), real.keys.erase(id, at)) },
        disableSignIn: async (id: string) => void disabled.push(id),
      };
    };
    const exportData = makeGetMyDataHandler(() => exportDepsFromEnv(clock));
    const eraseMe = makeDeleteMeHandler(deps);
    const claims = claimsFor(customer, 'customer');

    const before = jsonBody(await exportData(apiEvent({ method: 'GET', path: '/me/data', resource: '/me/data', claims }), lambdaContext())) as {
      orders: Array<{ orderId: string; personal?: { name: string; line1: string } }>;
    };
    expect(before.orders).toEqual([expect.objectContaining({ orderId, personal: expect.objectContaining({ name, line1: `${name}路 8 号` }) })]);

    const first = await eraseMe(apiEvent({ method: 'DELETE', path: '/me', resource: '/me', claims }), lambdaContext());
    expect(first.statusCode).toBe(202);
    const accepted = jsonBody(first) as { requestId: string; status: string };
    expect(accepted.status).toBe('ERASED'); // done within the request
    expect(steps).toEqual(['audit:customer.erase', 'keys']);
    expect(disabled).toEqual([customer]);

    // Idempotent: the same request, now complete; nothing is audited or erased again.
    const second = await eraseMe(apiEvent({ method: 'DELETE', path: '/me', resource: '/me', claims }), lambdaContext());
    expect(second.statusCode).toBe(202);
    expect(jsonBody(second)).toEqual({ requestId: accepted.requestId, status: 'ERASED' });
    expect(steps).toHaveLength(2);

    // The order stays for the books, without personal data.
    const stored = await orderItem(orderId);
    expect(stored.personal).toBeUndefined();
    expect(stored.personalDataErasedAt).toBe('2026-12-05T10:00:00.000Z');
    expect(stored.total).toEqual(cny(12_900));
    expect(stored.lines).toEqual([expect.objectContaining({ sku: 'TEA-1' })]);
    expect(stored.version).toBe(4);

    // A copy of the ciphertext kept anywhere (a backup, the archive) no longer decrypts, in a cold container.
    const cold = new FieldEncryptor({ kms: kmsKeyProvider() });
    const error = await decryptPersonalData(cold, orderId, personal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FieldDecryptionError);
    expect(error).toMatchObject({ reason: 'erased' });
    // Another customer is untouched.
    expect((await decryptPersonalData(cold, other.orderId, other.personal)).name).toBe('旁观者');
    expect((await orderItem(other.orderId)).personal).toBeDefined();

    const after = await exportData(apiEvent({ method: 'GET', path: '/me/data', resource: '/me/data', claims }), lambdaContext());
    expect(after.statusCode).toBe(200);
    const afterJson = jsonBody(after) as { profile: { erasedAt?: string }; orders: Array<{ orderId: string; personal?: unknown; personalDataErasedAt?: string }> };
    expect(afterJson.profile.erasedAt).toBeDefined();
    expect(afterJson.orders).toEqual([expect.objectContaining({ orderId, personalDataErasedAt: '2026-12-05T10:00:00.000Z' })]);
    expect(afterJson.orders[0]!.personal).toBeUndefined();
    expect(JSON.stringify(afterJson)).not.toContain(name);

    // The admin sees both kinds of request, with status and timings.
    const list = await makeListPrivacyRequestsHandler()(
      apiEvent({ method: 'GET', path: '/admin/privacy/requests', resource: '/admin/privacy/requests', claims: claimsFor('admin-1', 'admin'), query: { limit: '100' } }),
      lambdaContext(),
    );
    expect(list.statusCode).toBe(200);
    const mine = (jsonBody(list) as { items: Array<{ customerId: string; kind: string; status: string; durationMs?: number }> }).items.filter((r) => r.customerId === customer);
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'ERASURE', status: 'ERASED', durationMs: expect.any(Number) }),
        expect.objectContaining({ kind: 'EXPORT', status: 'EXPORTED' }),
      ]),
    );
  });

  it('SEC-1: only admins list privacy requests', async () => {
    const list = await makeListPrivacyRequestsHandler()(
      apiEvent({ method: 'GET', path: '/admin/privacy/requests', resource: '/admin/privacy/requests', claims: claimsFor('c-1', 'customer') }),
      lambdaContext(),
    );
    expect(list.statusCode).toBe(403);
  });
});

describe('CMP-2: personal data of completed orders is shredded after the retention period', () => {
  it('CMP-2: due from the first delivery, or the cancellation if never delivered; recent and open orders keep theirs', async () => {
    const customer = `retain-${newId().toLowerCase()}`;
    const now = new Date('2030-01-10T00:00:00.000Z');
    const day = 86_400_000;
    const ago = (days: number) => new Date(now.getTime() - days * day).toISOString();
    const deliveredLongAgo = await seedOrder(customer, '甲', { placedAt: ago(1200), timeline: [{ to: 'DELIVERED', at: ago(1096) }] });
    const deliveredRecently = await seedOrder(customer, '乙', { placedAt: ago(1200), timeline: [{ to: 'DELIVERED', at: ago(1094) }] });
    const cancelledLongAgo = await seedOrder(customer, '丙', { status: 'CANCELLED', placedAt: ago(1200), cancelledAt: ago(1100) });
    const stillOpen = await seedOrder(customer, '丁', { status: 'SHIPPED', placedAt: ago(1200) });

    const orders = ordersPrivacyFromEnv();
    const result = await shredExpiredPersonalData({ dueOrders: orders.dueOrders, removePersonalData: orders.removePersonalData, retentionDays: 1095, clock: manualClock(now) });
    expect(result.shredded).toBeGreaterThanOrEqual(2);

    for (const gone of [deliveredLongAgo, cancelledLongAgo]) {
      const item = await orderItem(gone.orderId);
      expect(item.personal, gone.orderId).toBeUndefined();
      expect(item.personalDataErasedAt).toBe(now.toISOString());
      expect(item.total).toEqual(cny(12_900));
    }
    for (const kept of [deliveredRecently, stillOpen]) expect((await orderItem(kept.orderId)).personal, kept.orderId).toBeDefined();
  });
});
