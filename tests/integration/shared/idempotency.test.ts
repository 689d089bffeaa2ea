import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import crypto from 'node:crypto';
import { DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { canonicalJson } from '../../../shared/canonical-json.ts';
import { ulid } from 'ulid';
import * as z from '../../../shared/zod.ts';
import { conflict } from '../../../shared/errors.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

const header = (result: { headers?: Record<string, unknown> }, name: string) => Object.entries(result.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

/** A POST route that creates a thing with a fresh id each time it really runs. */
function createThingRoute(options: { delayMs?: number; failTimes?: number } = {}) {
  const operation = `createThing${ulid()}`;
  let runs = 0;
  let failures = options.failTimes ?? 0;
  const handler = idempotentHttpHandler(
    { operation, auth: { roles: ['customer'] }, idempotent: true, body: z.object({ sku: z.string(), quantity: z.number().check(z.int(), z.positive()) }) },
    async ({ body, principal }) => {
      runs++;
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      if (failures-- > 0) throw conflict('Out of stock.');
      return { statusCode: 201, body: { thingId: ulid(), sku: body.sku, quantity: body.quantity, owner: principal.userId } };
    },
  );
  return { handler, runs: () => runs, operation };
}

const post = (key: string | undefined, body: unknown, sub = 'customer-1') =>
  apiEvent({
    method: 'POST',
    path: '/things',
    body,
    headers: key === undefined ? {} : { 'Idempotency-Key': key },
    claims: claimsFor(sub, 'customer'),
  });

let tables: { idempotency: string };
let endpoint: string;

describe('idempotency middleware against DynamoDB Local (ORD-7)', () => {
  beforeAll(() => {
    ({ tables, endpoint } = useLocalDynamoDb());
  });

  it('ORD-7: same key + same body → the first response again (same status and body); the handler ran once', async () => {
    const { handler, runs } = createThingRoute();
    const key = `key-${ulid()}`;
    const first = await handler(post(key, { sku: 'TEA-1', quantity: 2 }), lambdaContext());
    expect(first.statusCode).toBe(201);
    // the same JSON with keys in another order is the same body
    const second = await handler(post(key, { quantity: 2, sku: 'TEA-1' }), lambdaContext());
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(header(second, 'idempotent-replayed')).toBe('true');
    expect(header(first, 'idempotent-replayed')).toBeUndefined();
    expect(runs()).toBe(1);
  });

  it('ORD-7: a replay is decorated like any response (security headers, CORS, its own correlation id)', async () => {
    const { handler } = createThingRoute();
    const key = `key-${ulid()}`;
    await handler(post(key, { sku: 'A', quantity: 1 }), lambdaContext());
    const replay = await handler(
      { ...post(key, { sku: 'A', quantity: 1 }), headers: { 'Idempotency-Key': key, 'Content-Type': 'application/json', 'X-Correlation-Id': 'retry-1' } },
      lambdaContext(),
    );
    expect(header(replay, 'x-correlation-id')).toBe('retry-1');
    expect(header(replay, 'strict-transport-security')).toBeTruthy();
    expect(header(replay, 'access-control-allow-origin')).toBe('*');
  });

  it('ORD-7: same key + different body → 422 problem; the first response stays stored', async () => {
    const { handler, runs } = createThingRoute();
    const key = `key-${ulid()}`;
    const first = await handler(post(key, { sku: 'TEA-1', quantity: 2 }), lambdaContext());
    const reused = await handler(post(key, { sku: 'TEA-1', quantity: 3 }), lambdaContext());
    expect(reused.statusCode).toBe(422);
    expect(jsonBody(reused)).toMatchObject({ type: 'https://errors.commerce.dev/idempotency-key-reused', status: 422 });
    // the mismatch did not delete the original record (Powertools middleware bug #5675 avoided)
    const again = await handler(post(key, { sku: 'TEA-1', quantity: 3 }), lambdaContext());
    expect(again.statusCode).toBe(422);
    const original = await handler(post(key, { sku: 'TEA-1', quantity: 2 }), lambdaContext());
    expect(original.body).toBe(first.body);
    expect(runs()).toBe(1);
  });

  it('ORD-7 / SEC-5: a missing or invalid Idempotency-Key → 400 problem, nothing runs', async () => {
    const { handler, runs } = createThingRoute();
    expect((await handler(post(undefined, { sku: 'A', quantity: 1 }), lambdaContext())).statusCode).toBe(400);
    expect((await handler(post('', { sku: 'A', quantity: 1 }), lambdaContext())).statusCode).toBe(400);
    expect((await handler(post('x'.repeat(256), { sku: 'A', quantity: 1 }), lambdaContext())).statusCode).toBe(400);
    expect(runs()).toBe(0);
  });

  it('ORD-7: keys are scoped per user — two users with the same key are independent', async () => {
    const { handler, runs } = createThingRoute();
    const key = `shared-${ulid()}`;
    const a = await handler(post(key, { sku: 'A', quantity: 1 }, 'user-a'), lambdaContext());
    const b = await handler(post(key, { sku: 'A', quantity: 1 }, 'user-b'), lambdaContext());
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(jsonBody(a).thingId).not.toBe(jsonBody(b).thingId);
    expect(jsonBody(b).owner).toBe('user-b');
    // and user b's different body is not a 422 against user a's record
    const bOther = await handler(post(key, { sku: 'B', quantity: 9 }, 'user-c'), lambdaContext());
    expect(bOther.statusCode).toBe(201);
    expect(runs()).toBe(3);
  });

  it('ORD-7: keys are scoped per operation', async () => {
    const one = createThingRoute();
    const two = createThingRoute();
    const key = `key-${ulid()}`;
    await one.handler(post(key, { sku: 'A', quantity: 1 }), lambdaContext());
    const other = await two.handler(post(key, { sku: 'A', quantity: 2 }), lambdaContext());
    expect(other.statusCode).toBe(201);
    expect(two.runs()).toBe(1);
  });

  it('ORD-7: 20 concurrent identical requests run the handler once and all get the first response (same status, same body)', async () => {
    const { handler, runs } = createThingRoute({ delayMs: 1000 });
    const key = `key-${ulid()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => handler(post(key, { sku: 'TEA-1', quantity: 1 }), lambdaContext())));
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    expect(results.filter((r) => header(r, 'idempotent-replayed') === 'true')).toHaveLength(19);
    expect(runs()).toBe(1);
  });

  it('ORD-7: a twin that cannot wait long enough (little invocation time left) gets 409 request-in-progress with retry-after', async () => {
    const { handler, runs } = createThingRoute({ delayMs: 1500 });
    const key = `key-${ulid()}`;
    const first = handler(post(key, { sku: 'TEA-1', quantity: 1 }), lambdaContext());
    await new Promise((resolve) => setTimeout(resolve, 200));
    const twin = await handler(post(key, { sku: 'TEA-1', quantity: 1 }), lambdaContext(3_400));
    expect(twin.statusCode).toBe(409);
    expect(jsonBody(twin)).toMatchObject({ type: 'https://errors.commerce.dev/request-in-progress' });
    expect(header(twin, 'retry-after')).toBeTruthy();
    expect((await first).statusCode).toBe(201);
    expect(runs()).toBe(1);
  });

  it('ORD-7: an error is not stored — a retry with the same key runs again', async () => {
    const { handler, runs } = createThingRoute({ failTimes: 1 });
    const key = `key-${ulid()}`;
    const failed = await handler(post(key, { sku: 'A', quantity: 1 }), lambdaContext());
    expect(failed.statusCode).toBe(409);
    const retried = await handler(post(key, { sku: 'A', quantity: 1 }), lambdaContext());
    expect(retried.statusCode).toBe(201);
    expect(runs()).toBe(2);
  });

  it('ORD-7: records are kept at least 24 h and their key never contains the raw key or the user id', async () => {
    const { handler, operation } = createThingRoute();
    const key = `key-${ulid()}`;
    await handler(post(key, { sku: 'A', quantity: 1 }, 'user-secret-id'), lambdaContext());
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tables.idempotency }));
    client.destroy();
    const record = Items.find((item) => item.id?.S?.startsWith(`${operation}#`));
    expect(record).toBeTruthy();
    expect(record!.id!.S).not.toContain(key);
    expect(record!.id!.S).not.toContain('user-secret-id');
    expect(record!.status?.S).toBe('COMPLETED');
    expect(Number(record!.expiration!.N)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 24 * 3600 - 60);
  });

  it('SEC-2: a stored response holds no personal data in clear — the body is sealed, and a replay still returns it', async () => {
    const operation = `createContact${ulid()}`;
    const handler = idempotentHttpHandler(
      { operation, auth: { roles: ['customer'] }, idempotent: true, body: z.object({ name: z.string(), phone: z.string() }) },
      async ({ body }) => ({
        statusCode: 201,
        body: { contactId: ulid(), name: body.name, phone: body.phone },
      }),
    );
    const key = `key-${ulid()}`;
    const event = () =>
      apiEvent({
        method: 'POST',
        path: '/contacts',
        body: { name: '张三丰', phone: '13800138000' },
        headers: { 'Idempotency-Key': key },
        claims: claimsFor('customer-pii', 'customer'),
      });
    const first = await handler(event(), lambdaContext());
    expect(jsonBody(first)).toMatchObject({ name: '张三丰', phone: '13800138000' });
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tables.idempotency }));
    client.destroy();
    const record = Items.find((item) => item.id?.S?.startsWith(`${operation}#`));
    expect(record?.status?.S).toBe('COMPLETED');
    const raw = JSON.stringify(record);
    expect(raw).not.toContain('13800138000');
    expect(raw).not.toContain('张三丰');
    expect(raw).not.toContain(JSON.stringify('张三丰').slice(1, -1));
    const replay = await handler(event(), lambdaContext());
    expect(header(replay, 'idempotent-replayed')).toBe('true');
    expect(replay.body).toBe(first.body);
  });

  it('ORD-7: a lock whose invocation died (its in-progress time passed) is taken over; an expired record is not replayed', async () => {
    const { handler, runs, operation } = createThingRoute();
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const body = { sku: 'A', quantity: 1 };
    const idOf = (key: string) => `${operation}#${crypto.createHash('sha256').update(`${operation}\ncustomer-1\n${key}`).digest('hex')}`;
    const validation = crypto
      .createHash('sha256')
      .update(canonicalJson({ body, path: null }))
      .digest('hex');
    const now = Date.now();
    const abandoned = `key-${ulid()}`;
    await client.send(
      new PutItemCommand({
        TableName: tables.idempotency,
        Item: {
          id: { S: idOf(abandoned) },
          status: { S: 'INPROGRESS' },
          expiration: { N: String(Math.floor(now / 1000) + 3600) },
          in_progress_expiration: { N: String(now - 1) },
          validation: { S: validation },
        },
      }),
    );
    expect((await handler(post(abandoned, body), lambdaContext())).statusCode).toBe(201);
    expect(runs()).toBe(1);
    const expired = `key-${ulid()}`;
    await client.send(
      new PutItemCommand({
        TableName: tables.idempotency,
        Item: {
          id: { S: idOf(expired) },
          status: { S: 'COMPLETED' },
          expiration: { N: String(Math.floor(now / 1000) - 1) },
          validation: { S: validation },
          data: { S: '{"statusCode":201,"body":"{}"}' },
        },
      }),
    );
    const fresh = await handler(post(expired, body), lambdaContext());
    expect(fresh.statusCode).toBe(201);
    expect(header(fresh, 'idempotent-replayed')).toBeUndefined();
    expect(runs()).toBe(2);
    // A live lock (its invocation still has time) is not taken over: a twin without time to wait gets 409.
    const live = `key-${ulid()}`;
    await client.send(
      new PutItemCommand({
        TableName: tables.idempotency,
        Item: {
          id: { S: idOf(live) },
          status: { S: 'INPROGRESS' },
          expiration: { N: String(Math.floor(now / 1000) + 3600) },
          in_progress_expiration: { N: String(now + 60_000) },
          validation: { S: validation },
        },
      }),
    );
    expect((await handler(post(live, body), lambdaContext(3_000))).statusCode).toBe(409);
    expect(runs()).toBe(2);
    client.destroy();
  });

  it("ORD-7: the same key on another resource (other path parameters, same body) is a 422, not the first resource's replay", async () => {
    const operation = `cancelThing${ulid()}`;
    const cancelled: string[] = [];
    const handler = idempotentHttpHandler(
      { operation, auth: { roles: ['customer'] }, idempotent: true, path: z.object({ thingId: z.string() }), body: z.object({ reason: z.string() }) },
      async ({ path }) => {
        cancelled.push(path.thingId);
        return { statusCode: 200, body: { thingId: path.thingId, status: 'CANCELLED' } };
      },
    );
    const key = `key-${ulid()}`;
    const cancel = (thingId: string) =>
      handler(
        apiEvent({
          method: 'POST',
          path: `/things/${thingId}/cancel`,
          pathParameters: { thingId },
          body: { reason: 'changed my mind' },
          headers: { 'Idempotency-Key': key },
          claims: claimsFor('customer-1', 'customer'),
        }),
        lambdaContext(),
      );
    expect((await cancel('A')).statusCode).toBe(200);
    expect(header(await cancel('A'), 'idempotent-replayed')).toBe('true');
    const other = await cancel('B');
    expect(other.statusCode).toBe(422);
    expect(jsonBody(other)).toMatchObject({ type: 'https://errors.commerce.dev/idempotency-key-reused' });
    expect(cancelled).toEqual(['A']);
  });
});
