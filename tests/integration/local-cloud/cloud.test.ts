/**
 * The local cloud runs a cloud assembly as AWS would (ARCHITECTURE.md "The local cloud"), driven
 * here through the real AWS SDK clients against a fixture stack that uses every emulated resource
 * kind: Lambda (sync/async invoke, timeouts, memory limit, errors, retries, on-failure
 * destinations), EventBridge rules → SQS / Lambda, SQS event source mappings with partial batch
 * failures and maxReceiveCount → DLQ, schedules, and template intrinsics resolved to local names.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SQSClient, SendMessageCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startLocalCloud, type LocalCloud } from '../../../infra/local/cloud.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws-protocol.ts';
import { synthFixture } from './fixture/fixture-stack.ts';

let cloud: LocalCloud;
let outdir: string;
const sdk = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const lambda = () => new LambdaClient({ ...sdk, endpoint: cloud.endpoints.lambda });
const sqs = () => new SQSClient({ ...sdk, endpoint: cloud.endpoints.sqs });
const events = () => new EventBridgeClient({ ...sdk, endpoint: cloud.endpoints.events });

const queueUrl = (logicalIdPrefix: string) => {
  const id = Object.keys(cloud.stack.Resources).find((k) => k.startsWith(logicalIdPrefix) && cloud.stack.Resources[k]?.Type === 'AWS::SQS::Queue');
  if (!id) throw new Error(`no queue ${logicalIdPrefix}`);
  return cloud.names.ref(id);
};
const functionName = (logicalIdPrefix: string) => {
  const fn = cloud.lambda.functions.find((f) => f.logicalId.startsWith(logicalIdPrefix));
  if (!fn) throw new Error(`no function ${logicalIdPrefix}`);
  return fn.name;
};

async function invoke(name: string, payload: unknown) {
  const result = await lambda().send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }));
  return { error: result.FunctionError, payload: JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8') || 'null') as Record<string, unknown> };
}

async function drain(url: string, waitMs: number, until: (bodies: string[]) => boolean): Promise<string[]> {
  const bodies: string[] = [];
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline && !until(bodies)) {
    const { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 30 }));
    bodies.push(...Messages.map((m) => m.Body ?? ''));
  }
  return bodies;
}

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-'));
  cloud = await startLocalCloud({ assemblyDir: synthFixture(outdir), asyncRetryDelaysMs: [200, 200] });
});

afterAll(async () => {
  await cloud?.stop();
  fs.rmSync(outdir, { recursive: true, force: true });
});

describe('Lambda', () => {
  it('runs the bundled handler with the template environment, intrinsics resolved to local names', async () => {
    const { error, payload } = await invoke(functionName('Behave'), { hello: 'world', env: ['TABLE_NAME', 'KEY_ARN', 'AWS_REGION', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE'] });
    expect(error).toBeUndefined();
    expect(payload.echo).toMatchObject({ hello: 'world' });
    const env = payload.env as Record<string, string>;
    expect(env.TABLE_NAME).toBe(cloud.tableName(Object.keys(cloud.stack.Resources).find((k) => k.startsWith('Processed')) as string));
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

  it('stops an invocation at the function timeout and recovers with a fresh environment', async () => {
    const { error, payload } = await invoke(functionName('Behave'), { sleepMs: 5_000 });
    expect(error).toBe('Unhandled');
    expect(payload.errorType).toBe('Sandbox.Timedout');
    expect(String(payload.errorMessage)).toMatch(/Task timed out after 2.00 seconds/);
    expect((await invoke(functionName('Behave'), { ok: 1 })).error).toBeUndefined();
  });

  it('enforces the memory size', async () => {
    const { error, payload } = await invoke(functionName('Behave'), { allocateMb: 512 });
    expect(error).toBe('Unhandled');
    expect(payload.errorType).toBe('Runtime.OutOfMemory');
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    await expect(lambda().send(new InvokeCommand({ FunctionName: 'nope', Payload: Buffer.from('{}') }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
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
    const bodies = await drain(queueUrl('Routed'), 5_000, (b) => b.length >= 1);
    const delivered = bodies.map((b) => JSON.parse(b) as { detail: { amount: number; marker: string }; 'detail-type': string; source: string });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ source: 'fixture', 'detail-type': 'OrderPlaced', detail: { amount: 150, marker } });
  });

  it('retries a failing asynchronous invocation, then sends the invocation record to the on-failure destination', async () => {
    const marker = `flaky-${Date.now()}`;
    await events().send(new PutEventsCommand({ Entries: [{ EventBusName: 'fixture-bus', Source: 'fixture', DetailType: 'Flaky', Detail: JSON.stringify({ fail: marker }) }] }));
    const bodies = await drain(queueUrl('AsyncFailures'), 15_000, (b) => b.some((x) => x.includes(marker)));
    const record = JSON.parse(bodies.find((b) => b.includes(marker)) as string) as Record<string, Record<string, unknown>>;
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 2 });
    expect(record.requestPayload).toMatchObject({ detail: { fail: marker } });
    expect(record.responsePayload).toMatchObject({ errorMessage: marker });
  });

  it('fires a scheduled rule into its Lambda target', async () => {
    const behave = functionName('Behave');
    const before = cloud.lambda.stats()[behave]?.invocations ?? 0;
    const rule = cloud.events.rules.find((r) => r.scheduleExpression);
    expect(rule?.scheduleExpression).toBe('cron(0 2 * * ? *)');
    await cloud.fireSchedule(rule?.logicalId as string);
    await expect.poll(() => cloud.lambda.stats()[behave]?.invocations ?? 0, { timeout: 5_000 }).toBeGreaterThan(before);
  });
});

describe('SQS event source mapping', () => {
  it('processes batches, deletes successes, redelivers reported failures and moves them to the DLQ after maxReceiveCount', async () => {
    const run = `esm-${Date.now()}`;
    const ok = Array.from({ length: 6 }, (_, i) => `${run}-ok-${i}`);
    for (const body of [...ok, `${run}-fail`]) await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl('Work'), MessageBody: body }));
    const ddb = new DynamoDBClient({ ...sdk, endpoint: cloud.endpoints.dynamodb });
    const table = cloud.tableName(Object.keys(cloud.stack.Resources).find((k) => k.startsWith('Processed')) as string);
    await expect
      .poll(async () => (await Promise.all(ok.map((pk) => ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } } }))))).filter((r) => r.Item).length, { timeout: 10_000 })
      .toBe(6);
    const item = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: ok[0] as string } } }));
    expect(Number(item.Item?.batchSize?.N)).toBeLessThanOrEqual(5);
    const dead = await drain(queueUrl('WorkDlq'), 15_000, (b) => b.includes(`${run}-fail`));
    expect(dead).toContain(`${run}-fail`);
    const attrs = await sqs().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl('Work'), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe('0');
  });
});
