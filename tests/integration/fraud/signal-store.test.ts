/**
 * RISK-2 velocity counters, payment failures and blocklists; RISK-3 warning rate limit — against
 * DynamoDB Local. Counters are exact under 100 concurrent orders and under redelivery.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { DynamoDbAssessmentStore } from '../../../functions/fraud/assessment-store.ts';
import { DynamoDbSignalStore, PRUNE_AFTER, type BlocklistProbe, type SignalValue } from '../../../functions/fraud/signal-store.ts';
import { bucketKey, expiredBucketKeys, parseBucketKey, windowCount } from '../../../functions/fraud/domain/velocity.ts';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../shared/dynamodb.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import type { LocalTables } from '../../support/tables.ts';

let signals: DynamoDbSignalStore;
let assessments: DynamoDbAssessmentStore;
let client: DynamoDBDocumentClient;
let tables: LocalTables;

const hash = () =>
  ulid()
    .toLowerCase()
    .padEnd(64, '0')
    .replace(/[^0-9a-f]/g, 'a');

describe('signal store (DynamoDB Local)', () => {
  beforeAll(() => {
    ({ tables } = useLocalDynamoDb());
    client = documentClient();
    signals = new DynamoDbSignalStore(tables.risk);
    assessments = new DynamoDbAssessmentStore(tables.risk);
  });

  it('RISK-2: velocity counters are exact under 100 concurrent orders, and redelivered orders count once', async () => {
    const device = `dev-${ulid()}`;
    const at = Date.parse('2026-11-23T08:07:00.000Z');
    const orders = Array.from({ length: 100 }, () => ulid());
    const signalsOf = (i: number): SignalValue[] => [
      { dimension: 'device', value: device },
      { dimension: 'customer', value: `c-${device}-${i % 10}` },
    ];
    // 100 concurrent orders from one device (10 customers), each delivered twice concurrently.
    const results = await Promise.all([...orders, ...orders].map((orderId, i) => signals.recordOrderSignals(orderId, signalsOf(i % 100), at + (i % 100) * 1000)));
    expect(results.filter((r) => r === 'counted')).toHaveLength(100);
    expect(results.filter((r) => r === 'already-counted')).toHaveLength(100);
    const read = await signals.readSignals(
      'nobody',
      [
        { dimension: 'device', value: device },
        { dimension: 'customer', value: `c-${device}-3` },
      ],
      at + 100_000,
    );
    expect(read.velocity.device).toEqual({ '1h': 100, '24h': 100, '7d': 100 });
    expect(read.velocity.customer).toEqual({ '1h': 10, '24h': 10, '7d': 10 });
  });

  it('windows: an order leaves the 1 h window, stays in 24 h and 7 d', async () => {
    const device = `dev-${ulid()}`;
    const at = Date.parse('2026-11-23T08:07:00.000Z');
    await signals.recordOrderSignals(ulid(), [{ dimension: 'device', value: device }], at);
    await signals.recordOrderSignals(ulid(), [{ dimension: 'device', value: device }], at + 2 * 3_600_000);
    const read = await signals.readSignals('nobody', [{ dimension: 'device', value: device }], at + 2 * 3_600_000);
    expect(read.velocity.device).toEqual({ '1h': 1, '24h': 2, '7d': 2 });
    const later = await signals.readSignals('nobody', [{ dimension: 'device', value: device }], at + 8 * 86_400_000);
    expect(later.velocity.device).toEqual({ '1h': 0, '24h': 0, '7d': 0 });
  });

  it('one item per signal: a read removes expired buckets, so a signal busy for weeks keeps a small item', async () => {
    const device = `dev-${ulid()}`;
    const start = Date.parse('2026-11-01T00:03:00.000Z');
    const step = 2 * 3_600_000 + 7 * 60_000; // an order every 2 h 7 min for three weeks
    let largest = 0;
    for (let at = start, n = 0; at < start + 21 * 86_400_000; at += step, n++) {
      await signals.recordOrderSignals(ulid(), [{ dimension: 'device', value: device }], at);
      const read = await signals.readSignals('nobody', [{ dimension: 'device', value: device }], at);
      // Exact counts all along: orders in the last 24 h buckets and 7 d buckets.
      const expected24h = Array.from({ length: n + 1 }, (_, i) => start + i * step).filter((t) => windowCount('24h', at, new Map([[bucketKey('24h', t), 1]])) > 0).length;
      expect(read.velocity.device?.['24h']).toBe(expected24h);
      const { Items = [] } = await client.send(
        new QueryCommand({ TableName: tables.risk, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `VEL#device#${device}` } }),
      );
      expect(Items).toHaveLength(1);
      const item = Items[0]!;
      const buckets = Object.keys(item).filter((name) => parseBucketKey(name));
      expect(expiredBucketKeys(buckets, at).length).toBeLessThan(PRUNE_AFTER + 3);
      largest = Math.max(largest, Buffer.byteLength(JSON.stringify(item)));
    }
    // Well under one write unit (1 KB) at its largest.
    expect(largest).toBeLessThan(1024);
  });

  it("an order counted late (a backlog, a redrive) never shortens the counter item's life", async () => {
    const device = `dev-${ulid()}`;
    const now = Date.now();
    await signals.recordOrderSignals(ulid(), [{ dimension: 'device', value: device }], now);
    const expiry = async () =>
      Number(
        (await client.send(new QueryCommand({ TableName: tables.risk, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `VEL#device#${device}` } })))
          .Items?.[0]?.expiresAt,
      );
    const fresh = await expiry();
    expect(fresh).toBeGreaterThan(now / 1000 + 7 * 86_400);
    await signals.recordOrderSignals(ulid(), [{ dimension: 'device', value: device }], now - 6 * 86_400_000);
    expect(await expiry()).toBeGreaterThanOrEqual(fresh);
    expect((await signals.readSignals('nobody', [{ dimension: 'device', value: device }], now)).velocity.device).toEqual({ '1h': 1, '24h': 1, '7d': 2 });
  });

  it('RISK-2: payment failures count once per payment, in the 24 h window and the profile', async () => {
    const customer = `c-${ulid()}`;
    const at = Date.parse('2026-11-23T08:00:00.000Z');
    const payments = [ulid(), ulid(), ulid()];
    await Promise.all([...payments, payments[0]!].map((p, i) => signals.recordPaymentFailure(customer, p, at + i * 60_000)));
    expect((await signals.readSignals(customer, [], at + 3_600_000)).paymentFailures24h).toBe(3);
    expect((await signals.readSignals(customer, [], at + 25 * 3_600_000)).paymentFailures24h).toBe(0);
    expect((await assessments.getProfile(customer))?.paymentFailures).toBe(3);
  });

  it('blocklists: hits by kind; add, replace, remove', async () => {
    const emailHash = hash();
    const device = `dev-${ulid()}`;
    const hits = async (blocklist: BlocklistProbe) => (await signals.readSignals('nobody', [], Date.now(), { blocklist })).blocklist;
    await signals.putBlocklistEntry({ kind: 'email', value: emailHash, reason: 'chargebacks', addedBy: 'ana', addedAt: '2026-11-23T00:00:00.000Z' });
    await signals.putBlocklistEntry({ kind: 'device', value: device, reason: 'bot', addedBy: 'ana', addedAt: '2026-11-23T00:00:00.000Z' });
    expect(await hits({ email: emailHash, device, phone: hash(), emailDomain: 'example.com' })).toMatchObject({
      email: true,
      device: true,
      phone: false,
      address: false,
      emailDomain: false,
    });
    expect(await hits({})).toMatchObject({ email: false, device: false });
    expect(await signals.deleteBlocklistEntry('device', device)).toMatchObject({ reason: 'bot' });
    expect(await signals.deleteBlocklistEntry('device', device)).toBeUndefined();
    expect((await hits({ device })).device).toBe(false);
  });

  it("an order's window counts, its customer's failed payments, its blocklist hits and the customer's profile are one strongly consistent BatchGetItem", async () => {
    const { tables } = useLocalDynamoDb();
    const sent: Array<{ name: string; input: unknown }> = [];
    const client = documentClient();
    const counting = {
      send: (command: { constructor: { name: string }; input: unknown }) => (sent.push({ name: command.constructor.name, input: command.input }), client.send(command as never)),
    } as unknown as DynamoDBDocumentClient;
    const store = new DynamoDbSignalStore(tables.risk, counting);
    const device = `dev-${ulid()}`;
    const emailHash = hash();
    const customerId = `cust-${ulid()}`;
    const at = Date.parse('2026-11-23T10:00:00.000Z');
    await store.recordOrderSignals(`ord-${ulid()}`, [{ dimension: 'device', value: device }], at);
    await store.putBlocklistEntry({ kind: 'device', value: device, reason: 'bot', addedBy: 'ana', addedAt: '2026-11-23T00:00:00.000Z' });
    // Σx² of a long history is beyond Number.MAX_SAFE_INTEGER: it must read back exactly.
    const squares = 2n ** 60n + 7n;
    await client.send(
      new PutCommand({
        TableName: tables.risk,
        Item: {
          pk: `CUSTOMER#${customerId}`,
          sk: 'PROFILE',
          type: 'CustomerProfile',
          customerId,
          orderCount: 40,
          amountSum: 123_456_789,
          amountSumSquares: squares,
          firstSeenAt: '2025-01-01T00:00:00.000Z',
        },
      }),
    );
    sent.length = 0;

    const read = await store.readSignals(customerId, [{ dimension: 'device', value: device }], at + 1000, { blocklist: { device, email: emailHash }, profile: true });

    expect(read.velocity.device).toEqual({ '1h': 1, '24h': 1, '7d': 1 });
    expect(read.blocklist).toMatchObject({ device: true, email: false });
    expect(read.profile).toMatchObject({ customerId, orderCount: 40, amountSum: 123_456_789n, amountSumSquares: squares, firstSeenAt: '2025-01-01T00:00:00.000Z' });
    expect(sent.map((c) => c.name)).toEqual(['BatchGetCommand']);
    const request = Object.values((sent[0]?.input as { RequestItems: Record<string, { Keys: unknown[]; ConsistentRead: boolean }> }).RequestItems);
    expect(request).toHaveLength(1);
    expect(request[0]).toMatchObject({ ConsistentRead: true });
    expect(request[0]?.Keys).toHaveLength(5); // the failures counter, the device's counter, two blocklist entries, the profile
    // Without a profile (a new customer) or without asking, none.
    expect((await store.readSignals(`cust-${ulid()}`, [], at, { profile: true })).profile).toBeUndefined();
    expect((await store.readSignals(customerId, [], at)).profile).toBeUndefined();
  });

  it('RISK-3: at most N warnings per tier per window under a burst; the next one reports how many were suppressed', async () => {
    const { tables } = useLocalDynamoDb();
    const isolated = new DynamoDbSignalStore(tables.risk, undefined, `test-${ulid()}`);
    const windowStart = Date.parse('2026-11-23T08:00:00.000Z');
    const burst = await Promise.all(Array.from({ length: 25 }, () => isolated.acquireWarningSlot('major', windowStart + 1000, 5, 60)));
    expect(burst.filter((s) => s.allowed)).toHaveLength(5);
    // Tiers are limited separately.
    expect((await isolated.acquireWarningSlot('general', windowStart + 2000, 5, 60)).allowed).toBe(true);
    // Every suppressed warning is reported exactly once by a later one that was sent: the 20 of the
    // burst by those sent after them in the burst or by the first of the next window.
    const next = await isolated.acquireWarningSlot('major', windowStart + 61_000, 5, 60);
    expect(next.allowed).toBe(true);
    expect(burst.reduce((sum, s) => sum + s.suppressedSinceLast, 0) + next.suppressedSinceLast).toBe(20);
    expect(await isolated.acquireWarningSlot('major', windowStart + 62_000, 5, 60)).toEqual({ allowed: true, suppressedSinceLast: 0 });
  });

  it('RISK-3: one write per warning; only the first of a window reads (the latest earlier window), and a quiet tier still reports what it suppressed', async () => {
    const { tables } = useLocalDynamoDb();
    const sent: string[] = [];
    const client = documentClient();
    const counting = {
      send: (command: { constructor: { name: string } }) => (sent.push(command.constructor.name), client.send(command as never)),
    } as unknown as DynamoDBDocumentClient;
    const store = new DynamoDbSignalStore(tables.risk, counting, `test-${ulid()}`);
    const t0 = Date.parse('2026-11-23T09:00:00.000Z');
    const first = [];
    for (let i = 0; i < 8; i++) first.push(await store.acquireWarningSlot('general', t0 + i, 3, 60));
    expect(first.map((s) => s.allowed)).toEqual([true, true, true, false, false, false, false, false]);
    expect(sent.filter((name) => name === 'UpdateCommand')).toHaveLength(8);
    expect(sent.filter((name) => name === 'QueryCommand')).toHaveLength(1);
    // Two quiet hours later the next warning reports the five suppressed…
    expect(await store.acquireWarningSlot('general', t0 + 2 * 3_600_000, 3, 60)).toEqual({ allowed: true, suppressedSinceLast: 5 });
    // …and after a window within its limit, nothing.
    expect(await store.acquireWarningSlot('general', t0 + 3 * 3_600_000, 3, 60)).toEqual({ allowed: true, suppressedSinceLast: 0 });
    expect(sent).toHaveLength(13); // each of the last two: the first of its window (one write, one read)
  });

  it('RISK-3: a throttled warning counter (one item, hot in a flash sale) refuses the slot instead of failing the assessment; other errors still fail', async () => {
    const { tables } = useLocalDynamoDb();
    const failing = (name: string) =>
      ({
        send: async () => {
          throw Object.assign(new Error(`${name} on the warning window`), { name });
        },
      }) as unknown as DynamoDBDocumentClient;
    for (const name of ['ThrottlingException', 'ProvisionedThroughputExceededException']) {
      const store = new DynamoDbSignalStore(tables.risk, failing(name), `test-${ulid()}`);
      expect(await store.acquireWarningSlot('general', Date.now(), 30, 60)).toEqual({ allowed: false, suppressedSinceLast: 0 });
    }
    const broken = new DynamoDbSignalStore(tables.risk, failing('ResourceNotFoundException'), `test-${ulid()}`);
    await expect(broken.acquireWarningSlot('general', Date.now(), 30, 60)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
