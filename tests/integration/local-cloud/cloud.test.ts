/**
 * The local cloud runs a cloud assembly as AWS would (ARCHITECTURE.md "The local cloud"), driven
 * here through the real AWS SDK clients against a fixture stack that uses every emulated resource
 * kind: Lambda (sync/async invoke, DryRun, timeouts, memory limit, errors, retries, on-failure
 * destinations, reserved concurrency), EventBridge rules → SQS / Lambda, SQS event source mappings
 * with partial batch failures and maxReceiveCount → DLQ, cron and rate schedules, the DynamoDB call
 * counter, an Object Lock S3 bucket used by a function, and template intrinsics resolved to local
 * names. (The API Gateway is in api-gateway.test.ts, unsupported templates in unsupported.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaClient, InvokeCommand, type InvocationType } from '@aws-sdk/client-lambda';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SQSClient, SendMessageCommand, ReceiveMessageCommand, GetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import { DynamoDBClient, DescribeTableCommand, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startLocalCloud, type LocalCloud } from '../../../infra/local/cloud.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws-protocol.ts';
import { fixtureAssembly } from './fixture/assembly.ts';

let cloud: LocalCloud;
const sdk = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const lambda = (options: { maxAttempts?: number } = {}) => new LambdaClient({ ...sdk, ...options, endpoint: cloud.endpoints.lambda });
const sqs = () => new SQSClient({ ...sdk, endpoint: cloud.endpoints.sqs });
const events = () => new EventBridgeClient({ ...sdk, endpoint: cloud.endpoints.events });
const dynamodb = () => new DynamoDBClient({ ...sdk, endpoint: cloud.endpoints.dynamodb });

/** The logical id CDK gives construct `id` at the stack root: the id and an 8-digit hash (so 'Work' is not 'WorkDlq…'). */
const logicalId = (id: string, type: string) => {
  const found = Object.keys(cloud.stack.Resources).find((k) => new RegExp(`^${id}[0-9A-F]{8}$`).test(k) && cloud.stack.Resources[k]?.Type === type);
  if (!found) throw new Error(`no ${type} ${id}`);
  return found;
};
const queueUrl = (id: string) => cloud.names.ref(logicalId(id, 'AWS::SQS::Queue'));
const functionName = (id: string) => cloud.names.ref(logicalId(id, 'AWS::Lambda::Function'));
const tableName = (id: string) => cloud.tableName(logicalId(id, 'AWS::DynamoDB::Table'));
const invocations = (name: string) => cloud.lambda.stats()[name]?.invocations ?? 0;

async function invoke(name: string, payload: unknown) {
  const result = await lambda().send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }));
  return { error: result.FunctionError, payload: JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8') || 'null') as Record<string, unknown> };
}

/** Receives from `url` until `until` holds for the messages so far or `waitMs` has passed. */
async function drain(url: string, waitMs: number, until: (messages: Message[]) => boolean): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline && !until(messages)) {
    const { Messages = [] } = await sqs().send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 30,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'DeadLetterQueueSourceArn'],
      }),
    );
    messages.push(...Messages);
  }
  return messages;
}
const bodies = (messages: Message[]) => messages.map((m) => m.Body ?? '');

beforeAll(async () => {
  // schedules on, as `npm start` runs them: the cron rule fires at 02:00 UTC, the rate rule 5 min after the start
  // init may take 2.5 s here (Lambda: 10 s), so the hung-init case takes seconds
  cloud = await startLocalCloud({ assemblyDir: await fixtureAssembly(), asyncRetryDelaysMs: [200, 200], schedules: true, lambdaInitLimitMs: 2_500 });
});

afterAll(async () => {
  await cloud?.stop();
});

describe('Lambda', () => {
  it('runs the bundled handler with the template environment, intrinsics resolved to local names', async () => {
    const { error, payload } = await invoke(functionName('Behave'), { hello: 'world', env: ['TABLE_NAME', 'KEY_ARN', 'AWS_REGION', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE'] });
    expect(error).toBeUndefined();
    expect(payload.echo).toMatchObject({ hello: 'world' });
    const env = payload.env as Record<string, string>;
    expect(env.TABLE_NAME).toBe(tableName('Processed'));
    expect(env.KEY_ARN).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);
    expect(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE).toBe('128');
    expect(payload.remainingMs).toBeGreaterThan(1000);
    expect(payload.remainingMs).toBeLessThanOrEqual(2000);
  });

  it('reports a thrown error as an Unhandled function error', async () => {
    const { error, payload } = await invoke(functionName('Behave'), { fail: 'boom' });
    expect(error).toBe('Unhandled');
    expect(payload).toMatchObject({ errorType: 'Error', errorMessage: 'boom' });
  });

  it('IAM: a function’s DynamoDB request its role allows goes through; one it does not allow is refused as on AWS (AccessDeniedException naming the action and table)', async () => {
    // Behave's grant: GetItem on the table, for partition keys `allowed*` only (dynamodb:LeadingKeys).
    expect((await invoke(functionName('Behave'), { readTable: 'allowed-1' })).payload).toEqual({ read: 'allowed' });
    const { error, payload } = await invoke(functionName('Behave'), { readTable: 'someone-else' });
    expect(error).toBeUndefined();
    expect(payload).toMatchObject({ read: 'refused', error: 'AccessDeniedException' });
    expect(String((payload as { message: string }).message)).toMatch(/not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:[^:]+:\d+:table\/\S+/);
  });

  it('stops an invocation at the function timeout and recovers with a fresh environment', async () => {
    const { error, payload } = await invoke(functionName('Behave'), { sleepMs: 5_000 });
    expect(error).toBe('Unhandled');
    expect(payload.errorType).toBe('Sandbox.Timedout');
    expect(String(payload.errorMessage)).toMatch(/Task timed out after 2.00 seconds/);
    expect((await invoke(functionName('Behave'), { ok: 1 })).error).toBeUndefined();
  });

  it('times the init phase apart from the invocation: a module that loads for longer than the timeout still answers', async () => {
    const { error, payload } = await invoke(functionName('SlowInit'), {});
    expect(error).toBeUndefined();
    expect(Number(payload.initMs)).toBeGreaterThanOrEqual(3_000);
    expect(Number(payload.remainingMs)).toBeGreaterThan(1_000);
  });

  it('a module that never finishes loading fails the invocation once the init limit and the timeout are past; it never hangs', async () => {
    const started = Date.now();
    const { error, payload } = await invoke(functionName('HungInit'), {});
    expect(error).toBe('Unhandled');
    expect(payload.errorType).toBe('Sandbox.Timedout');
    // 2.5 s of init, then the 1 s timeout of the invocation's re-init
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_400);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('enforces the memory size', async () => {
    const { error, payload } = await invoke(functionName('Behave'), { allocateMb: 512 });
    expect(error).toBe('Unhandled');
    expect(payload.errorType).toBe('Runtime.OutOfMemory');
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    await expect(lambda().send(new InvokeCommand({ FunctionName: 'nope', Payload: Buffer.from('{}') }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('throttles invocations beyond the reserved concurrency with TooManyRequestsException (429)', async () => {
    const single = functionName('Single');
    const before = invocations(single);
    const client = lambda({ maxAttempts: 1 }); // the SDK would otherwise retry the throttle
    const first = client.send(new InvokeCommand({ FunctionName: single, Payload: Buffer.from(JSON.stringify({ sleepMs: 1_000 })) }));
    await expect.poll(() => invocations(single)).toBe(before + 1); // its one environment is busy
    const throttled = await client.send(new InvokeCommand({ FunctionName: single, Payload: Buffer.from('{}') })).catch((error: unknown) => error);
    expect(throttled).toMatchObject({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    expect((await first).FunctionError).toBeUndefined();
    expect((await client.send(new InvokeCommand({ FunctionName: single, Payload: Buffer.from('{}') }))).StatusCode).toBe(200);
  });

  it('provides the AWS SDK to code that leaves it out of its bundle, as the Node.js runtime does', async () => {
    // consume-batch.ts imports @aws-sdk/client-dynamodb, which NodejsFunction keeps external by default
    const { error } = await invoke(functionName('ConsumeBatch'), { Records: [] });
    expect(error).toBeUndefined();
  });
});

describe('Lambda Invoke API (npm run invoke)', () => {
  const send = (name: string, type: InvocationType, payload: unknown) =>
    lambda().send(new InvokeCommand({ FunctionName: name, InvocationType: type, Payload: Buffer.from(JSON.stringify(payload)) }));

  it('runs a function named by its logical id, as `npm run invoke -- <LogicalId>` does', async () => {
    const result = await send(logicalId('Behave', 'AWS::Lambda::Function'), 'RequestResponse', { hello: 'by logical id' });
    expect(result.StatusCode).toBe(200);
    expect(JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8'))).toMatchObject({ echo: { hello: 'by logical id' }, functionName: functionName('Behave') });
  });

  it('InvocationType Event answers 202 at once and runs the function asynchronously, with retries and the on-failure destination', async () => {
    const marker = `event-${Date.now()}`;
    const accepted = await send(functionName('Flaky'), 'Event', { fail: marker });
    expect(accepted.StatusCode).toBe(202);
    expect(accepted.Payload?.length ?? 0).toBe(0);
    const records = await drain(queueUrl('AsyncFailures'), 15_000, (m) => bodies(m).some((b) => b.includes(marker)));
    const record = JSON.parse(bodies(records).find((b) => b.includes(marker)) as string) as Record<string, Record<string, unknown>>;
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 2 });
    expect(record.requestPayload).toEqual({ fail: marker });
  });

  it('InvocationType DryRun answers 204 without running the function, and 404 for an unknown one', async () => {
    const behave = functionName('Behave');
    const before = invocations(behave);
    const dryRun = await send(behave, 'DryRun', { hello: 'dry' });
    expect(dryRun.StatusCode).toBe(204);
    expect(invocations(behave)).toBe(before);
    await expect(send('nope', 'DryRun', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('EventBridge → targets', () => {
  it('delivers events matching a rule to its SQS target and nothing else', async () => {
    const marker = `m-${Date.now()}`;
    const put = await events().send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'fixture-bus', Source: 'fixture', DetailType: 'OrderPlaced', Detail: JSON.stringify({ amount: 150, marker }) },
          { EventBusName: 'fixture-bus', Source: 'fixture', DetailType: 'OrderPlaced', Detail: JSON.stringify({ amount: 50, marker }) },
          { EventBusName: 'no-such-bus', Source: 'fixture', DetailType: 'OrderPlaced', Detail: '{}' },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(1);
    expect(put.Entries?.[2]?.ErrorCode).toBeDefined();
    // PutEvents answers once the matching targets have the event: it is in the queue now, alone
    const messages = await drain(queueUrl('Routed'), 2_000, (m) => m.length >= 1);
    const { Messages: more = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl: queueUrl('Routed'), MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    messages.push(...more);
    const delivered = bodies(messages).map((b) => JSON.parse(b) as { detail: { amount: number; marker: string }; 'detail-type': string; source: string });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ source: 'fixture', 'detail-type': 'OrderPlaced', detail: { amount: 150, marker } });
  });

  it('retries a failing asynchronous invocation, then sends the invocation record to the on-failure destination', async () => {
    const marker = `flaky-${Date.now()}`;
    await events().send(new PutEventsCommand({ Entries: [{ EventBusName: 'fixture-bus', Source: 'fixture', DetailType: 'Flaky', Detail: JSON.stringify({ fail: marker }) }] }));
    const messages = await drain(queueUrl('AsyncFailures'), 15_000, (m) => bodies(m).some((b) => b.includes(marker)));
    const record = JSON.parse(bodies(messages).find((b) => b.includes(marker)) as string) as Record<string, Record<string, unknown>>;
    // MaximumRetryAttempts 1: the first attempt and one retry
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 2 });
    expect(record.requestPayload).toMatchObject({ source: 'fixture', 'detail-type': 'Flaky', detail: { fail: marker } });
    expect(record.responseContext).toMatchObject({ statusCode: 200, functionError: 'Unhandled' });
    expect(record.responsePayload).toMatchObject({ errorType: 'Error', errorMessage: marker });
  });
});

describe('schedules', () => {
  it('fires a cron rule into its Lambda target', async () => {
    const behave = functionName('Behave');
    const before = invocations(behave);
    const rule = cloud.events.rules.find((r) => r.logicalId === logicalId('Nightly', 'AWS::Events::Rule'));
    expect(rule?.scheduleExpression).toBe('cron(0 2 * * ? *)');
    await cloud.fireSchedule(rule?.logicalId as string);
    await expect.poll(() => invocations(behave), { timeout: 5_000 }).toBeGreaterThan(before);
  });

  it('fires a rate rule into its SQS target with the target Input', async () => {
    const rule = logicalId('EveryFiveMinutes', 'AWS::Events::Rule');
    expect(cloud.events.rules.find((r) => r.logicalId === rule)?.scheduleExpression).toBe('rate(5 minutes)');
    await cloud.fireSchedule(rule);
    const messages = await drain(queueUrl('Ticks'), 2_000, (m) => m.length >= 1);
    expect(bodies(messages).map((b) => JSON.parse(b) as unknown)).toContainEqual({ tick: 'five-minutes' });
  });

  it('arms a timer for every scheduled rule at its next fire time (schedules on, as in npm start)', () => {
    const armed = new Map(cloud.events.armedSchedules().map(({ rule, next }) => [rule.logicalId, next.getTime()]));
    expect([...armed.keys()].sort()).toEqual([logicalId('EveryFiveMinutes', 'AWS::Events::Rule'), logicalId('Nightly', 'AWS::Events::Rule')].sort());
    const nightly = armed.get(logicalId('Nightly', 'AWS::Events::Rule')) as number;
    expect(new Date(nightly).toISOString()).toMatch(/T02:00:00\.000Z$/);
    expect(nightly - Date.now()).toBeGreaterThan(0);
    expect(nightly - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    const rate = armed.get(logicalId('EveryFiveMinutes', 'AWS::Events::Rule')) as number;
    expect(rate - Date.now()).toBeGreaterThan(0);
    expect(rate - Date.now()).toBeLessThanOrEqual(5 * 60_000);
  });
});

describe('SQS event source mapping', () => {
  it('processes batches, deletes successes, redelivers reported failures and moves them to the DLQ after maxReceiveCount', async () => {
    const run = `esm-${Date.now()}`;
    const ok = Array.from({ length: 6 }, (_, i) => `${run}-ok-${i}`);
    for (const body of [...ok, `${run}-fail`]) await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl('Work'), MessageBody: body }));
    const ddb = dynamodb();
    const table = tableName('Processed');
    await expect
      .poll(async () => (await Promise.all(ok.map((pk) => ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } } }))))).filter((r) => r.Item).length, {
        timeout: 10_000,
      })
      .toBe(6);
    const item = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: ok[0] as string } } }));
    expect(Number(item.Item?.batchSize?.N)).toBeLessThanOrEqual(5);
    // reported as failed on each of its maxReceiveCount (2) receives, then moved by the next receive
    const dead = await drain(queueUrl('WorkDlq'), 15_000, (m) => bodies(m).includes(`${run}-fail`));
    const moved = dead.find((m) => m.Body === `${run}-fail`);
    expect(moved?.Attributes).toMatchObject({ ApproximateReceiveCount: '3', DeadLetterQueueSourceArn: cloud.names.getAtt(logicalId('Work', 'AWS::SQS::Queue'), 'Arn') });
    const attrs = await sqs().send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl('Work'), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(attrs.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });
});

describe('DynamoDB call counter', () => {
  it('counts the calls made through the DynamoDB endpoint, per operation, since the last reset', async () => {
    const ddb = dynamodb();
    const TableName = tableName('Processed');
    cloud.dynamodbCalls.reset();
    await ddb.send(new DescribeTableCommand({ TableName }));
    await ddb.send(new DescribeTableCommand({ TableName }));
    await ddb.send(new ScanCommand({ TableName, Limit: 1 }));
    expect(cloud.dynamodbCalls.stats()).toEqual({ DescribeTable: 2, Scan: 1 });
    cloud.dynamodbCalls.reset();
    expect(cloud.dynamodbCalls.stats()).toEqual({});
  });
});

describe('S3 (Object Lock bucket of the template)', () => {
  it('a function reads and writes the bucket through AWS_ENDPOINT_URL_S3; the default retention locks each version; Ref and GetAtt resolve', async () => {
    const bucket = cloud.names.ref(logicalId('Anchors', 'AWS::S3::Bucket'));
    const anchor = functionName('Anchor');
    const first = await invoke(anchor, { key: 'head.json', put: '{"seq":1}' });
    const second = await invoke(anchor, { key: 'head.json', put: '{"seq":2}' });
    expect(first.error).toBeUndefined();
    expect(second.payload.versionId).not.toBe(first.payload.versionId);
    expect((await invoke(anchor, { key: 'head.json' })).payload).toMatchObject({ body: '{"seq":2}', versionId: second.payload.versionId, lockMode: 'COMPLIANCE' });
    expect((await invoke(anchor, { key: 'head.json', versionId: first.payload.versionId })).payload).toMatchObject({ body: '{"seq":1}' });
    expect((await invoke(anchor, { key: 'missing.json' })).payload).toEqual({ error: 'NoSuchKey' });
    expect(cloud.s3.versions(bucket, 'head.json').map((v) => v.lock?.mode)).toEqual(['COMPLIANCE', 'COMPLIANCE']);
    const env = (await invoke(functionName('Behave'), { env: ['AWS_ENDPOINT_URL_S3'] })).payload.env as Record<string, string>;
    expect(env.AWS_ENDPOINT_URL_S3).toBe(cloud.endpoints.s3);
    const fnEnv = cloud.stack.Resources[logicalId('Anchor', 'AWS::Lambda::Function')]?.Properties?.Environment as { Variables: Record<string, unknown> };
    expect(cloud.names.resolve(fnEnv.Variables)).toMatchObject({
      AUDIT_ANCHOR_BUCKET: bucket,
      BUCKET_ARN: `arn:aws:s3:::${bucket}`,
      BUCKET_DOMAIN: `${bucket}.s3.${LOCAL_REGION}.amazonaws.com`,
    });
  });
});
