/**
 * SQS event source mappings (infra/local/event-source-mapping.ts) polling the local SQS, with a
 * fake `invoke` standing in for Lambda: event shape, batching window and batch size, concurrency,
 * success, function errors, partial batch failures, invalid responses and maxReceiveCount → DLQ.
 * Messages are sent and the dead-letter queue inspected with the real SDK client.
 */
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, startAwsEndpoint } from '../../../infra/local/aws-protocol.ts';
import { SqsService, type QueueDefinition } from '../../../infra/local/sqs.ts';
import { startSqsEventSourceMapping, type MappingInvokeResult, type SqsEventSourceMappingOptions } from '../../../infra/local/event-source-mapping.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function queue(name: string, overrides: Partial<QueueDefinition> = {}): QueueDefinition {
  return {
    logicalId: name,
    name,
    arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`,
    url: `http://sqs.local/${LOCAL_ACCOUNT}/${name}`,
    visibilityTimeoutSeconds: 1,
    delaySeconds: 0,
    messageRetentionSeconds: 345_600,
    receiveMessageWaitTimeSeconds: 0,
    maximumMessageSize: 262_144,
    ...overrides,
  };
}

const dlq = queue('work-dlq');
const work = queue('work', { redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 } });
const plain = queue('plain');
/** Lambda requires a visibility timeout longer than the batching window (else messages reappear mid-window). */
const batched = queue('batched', { visibilityTimeoutSeconds: 10 });

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start() {
  const sqs = new SqsService({ queues: [work, dlq, plain, batched] });
  const endpoint = await startAwsEndpoint({ services: [sqs] });
  const client = new SQSClient({ endpoint: endpoint.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  cleanups.push(async () => {
    client.destroy();
    await endpoint.close();
    await sqs.close();
  });
  return { sqs, client };
}

interface Invocation {
  records: SQSRecord[];
  at: number;
}

/** A fake Lambda: records each invocation and answers with `respond`. */
function fakeFunction(respond: (event: SQSEvent) => MappingInvokeResult | Promise<MappingInvokeResult> = () => ({ status: 'ok', payload: null })) {
  const invocations: Invocation[] = [];
  const invoke = async (functionName: string, event: unknown): Promise<MappingInvokeResult> => {
    expect(functionName).toBe('consumer');
    invocations.push({ records: (event as SQSEvent).Records, at: Date.now() });
    return respond(event as SQSEvent);
  };
  const deliveries = (body: string) => invocations.flatMap((i) => i.records).filter((r) => r.body === body);
  return { invocations, invoke, deliveries };
}

function map(sqs: SqsService, invoke: SqsEventSourceMappingOptions['invoke'], overrides: Partial<SqsEventSourceMappingOptions> = {}) {
  const mapping = startSqsEventSourceMapping({
    sqs,
    queueArn: work.arn,
    functionName: 'consumer',
    batchSize: 10,
    maximumBatchingWindowSeconds: 0,
    reportBatchItemFailures: false,
    enabled: true,
    invoke,
    ...overrides,
  });
  cleanups.push(() => mapping.stop());
  return mapping;
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

const empty = { visible: 0, inFlight: 0, delayed: 0 };

describe('SQS event source mapping', () => {
  it('invokes the function with an SQSEvent shaped like Lambda’s and deletes the batch on success', async () => {
    const { sqs, client } = await start();
    const fn = fakeFunction();
    map(sqs, fn.invoke);
    const body = JSON.stringify({ orderId: 'o-1' });
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: work.url,
        MessageBody: body,
        MessageAttributes: { tenant: { DataType: 'String', StringValue: 'acme' }, blob: { DataType: 'Binary', BinaryValue: new Uint8Array(Buffer.from('bytes')) } },
      }),
    );
    await until(() => fn.invocations.length === 1);
    expect(fn.invocations[0]?.records).toEqual([
      {
        messageId: sent.MessageId,
        receiptHandle: expect.any(String),
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d{13}$/),
          SenderId: LOCAL_ACCOUNT,
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
        },
        messageAttributes: {
          tenant: { stringValue: 'acme', stringListValues: [], binaryListValues: [], dataType: 'String' },
          blob: { binaryValue: Buffer.from('bytes').toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
        },
        md5OfBody: crypto.createHash('md5').update(body).digest('hex'),
        md5OfMessageAttributes: sent.MD5OfMessageAttributes,
        eventSource: 'aws:sqs',
        eventSourceARN: work.arn,
        awsRegion: LOCAL_REGION,
      },
    ]);
    await until(() => sqs.stats(work.arn).inFlight === 0);
    expect(sqs.stats(work.arn)).toEqual(empty);
  });

  it('waits up to the batching window to fill a batch', async () => {
    const { sqs, client } = await start();
    const fn = fakeFunction();
    map(sqs, fn.invoke, { queueArn: batched.arn, batchSize: 50, maximumBatchingWindowSeconds: 1 });
    const firstSentAt = Date.now();
    for (const body of ['a', 'b', 'c']) {
      await client.send(new SendMessageCommand({ QueueUrl: batched.url, MessageBody: body }));
      await sleep(150);
    }
    await until(() => fn.invocations.flatMap((i) => i.records).length === 3);
    // Each of the (two) pollers holds its batch for the window: three messages, at most two batches.
    expect(fn.invocations.length).toBeLessThanOrEqual(2);
    expect(Math.min(...fn.invocations.map((i) => i.at)) - firstSentAt).toBeGreaterThanOrEqual(900);
    await until(() => sqs.stats(batched.arn).inFlight === 0);
    expect(sqs.stats(batched.arn)).toEqual(empty);
  });

  it('never puts more than BatchSize messages in a batch', async () => {
    const { sqs, client } = await start();
    const fn = fakeFunction();
    map(sqs, fn.invoke, { queueArn: batched.arn, batchSize: 3, maximumBatchingWindowSeconds: 1 });
    await client.send(new SendMessageBatchCommand({ QueueUrl: batched.url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `m${i}` })) }));
    await until(() => fn.invocations.flatMap((i) => i.records).length === 10);
    expect(Math.max(...fn.invocations.map((i) => i.records.length))).toBeLessThanOrEqual(3);
    expect(fn.invocations.length).toBeGreaterThanOrEqual(4);
    await until(() => sqs.stats(batched.arn).inFlight === 0);
    expect(sqs.stats(batched.arn)).toEqual(empty);
  });

  it('deletes a processed batch as Lambda does and as it is billed: one DeleteMessageBatch per ten messages, never a DeleteMessage each (issue 15)', async () => {
    const { sqs, client } = await start();
    const fn = fakeFunction();
    map(sqs, fn.invoke, { queueArn: batched.arn, batchSize: 12, maximumBatchingWindowSeconds: 1 });
    const before = sqs.requests();
    const beforeByQueue = sqs.requestsByQueue();
    await client.send(new SendMessageBatchCommand({ QueueUrl: batched.url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `m${i}` })) }));
    await client.send(new SendMessageBatchCommand({ QueueUrl: batched.url, Entries: Array.from({ length: 2 }, (_, i) => ({ Id: `n${i}`, MessageBody: `n${i}` })) }));
    await until(() => sqs.stats(batched.arn).inFlight === 0 && fn.invocations.flatMap((i) => i.records).length === 12);
    expect(sqs.stats(batched.arn)).toEqual(empty);
    const after = sqs.requests();
    const batches = fn.invocations.map((i) => i.records.length);
    expect((after.DeleteMessageBatch ?? 0) - (before.DeleteMessageBatch ?? 0)).toBe(batches.reduce((n, size) => n + Math.ceil(size / 10), 0));
    expect((after.DeleteMessageBatch ?? 0) - (before.DeleteMessageBatch ?? 0)).toBeLessThan(12);
    expect(after.DeleteMessage ?? 0).toBe(before.DeleteMessage ?? 0);
    // every one of them is the queue's (the benchmark prices the dev stage's sandbox queues apart)
    const sum = (r: Record<string, number>) => Object.values(r).reduce((n, v) => n + v, 0);
    expect((sqs.requestsByQueue()[batched.name] ?? 0) - (beforeByQueue[batched.name] ?? 0)).toBe(sum(after) - sum(before));
    expect(sum(after) - sum(before)).toBeGreaterThanOrEqual(2 + 1 + 2);
  });

  it('rejects batch sizes Lambda rejects', async () => {
    const { sqs } = await start();
    expect(() => map(sqs, fakeFunction().invoke, { batchSize: 11 })).toThrow(RangeError);
    expect(() => map(sqs, fakeFunction().invoke, { batchSize: 10_001, maximumBatchingWindowSeconds: 1 })).toThrow(RangeError);
  });

  it('with ReportBatchItemFailures deletes only the successful messages; the failed one comes back after the visibility timeout', async () => {
    const { sqs, client } = await start();
    const fn = fakeFunction((event) => ({
      status: 'ok',
      payload: {
        batchItemFailures: event.Records.filter((r) => r.body.startsWith('fail') && r.attributes.ApproximateReceiveCount === '1').map((r) => ({ itemIdentifier: r.messageId })),
      },
    }));
    map(sqs, fn.invoke, { reportBatchItemFailures: true });
    await client.send(new SendMessageBatchCommand({ QueueUrl: work.url, Entries: ['ok-1', 'fail-1', 'ok-2'].map((body) => ({ Id: body, MessageBody: body })) }));
    await until(() => fn.deliveries('fail-1').length === 2);
    expect(fn.deliveries('ok-1')).toHaveLength(1);
    expect(fn.deliveries('ok-2')).toHaveLength(1);
    const [first, second] = fn.deliveries('fail-1') as [SQSRecord, SQSRecord];
    expect(second.attributes.ApproximateReceiveCount).toBe('2');
    expect(Number(second.attributes.ApproximateFirstReceiveTimestamp)).toBe(Number(first.attributes.ApproximateFirstReceiveTimestamp));
    await until(() => sqs.stats(work.arn).inFlight === 0);
    expect(sqs.stats(work.arn)).toEqual(empty);
  });

  it('a function error leaves the whole batch to reappear after the visibility timeout', async () => {
    const { sqs, client } = await start();
    const fn = fakeFunction((event) =>
      event.Records.some((r) => r.attributes.ApproximateReceiveCount === '1') ? { status: 'error', errorType: 'Error', errorMessage: 'boom' } : { status: 'ok', payload: null },
    );
    map(sqs, fn.invoke);
    await client.send(new SendMessageBatchCommand({ QueueUrl: work.url, Entries: ['x', 'y', 'z'].map((body) => ({ Id: body, MessageBody: body })) }));
    await until(() => ['x', 'y', 'z'].every((body) => fn.deliveries(body).length === 2));
    for (const body of ['x', 'y', 'z']) {
      const [first, second] = fn.deliveries(body) as [SQSRecord, SQSRecord];
      expect(second.attributes.ApproximateReceiveCount).toBe('2');
      expect(Number(second.attributes.ApproximateFirstReceiveTimestamp)).toBe(Number(first.attributes.ApproximateFirstReceiveTimestamp));
    }
    await until(() => sqs.stats(work.arn).inFlight === 0);
    expect(sqs.stats(work.arn)).toEqual(empty);
  });

  it('an invalid batch response fails the whole batch, as on Lambda', async () => {
    const { sqs, client } = await start();
    const responses: Record<string, unknown> = {
      '1': { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] },
      '2': { batchItemFailures: [{ itemIdentifier: '' }] },
      '3': 'not a batch response',
      '4': { batchItemFailures: [] },
    };
    const fn = fakeFunction((event) => ({ status: 'ok', payload: responses[event.Records[0]?.attributes.ApproximateReceiveCount ?? ''] }));
    map(sqs, fn.invoke, { queueArn: plain.arn, reportBatchItemFailures: true });
    await client.send(new SendMessageCommand({ QueueUrl: plain.url, MessageBody: 'stubborn' }));
    await until(() => fn.deliveries('stubborn').length === 4);
    await until(() => sqs.stats(plain.arn).inFlight === 0);
    expect(sqs.stats(plain.arn)).toEqual(empty);
    expect(fn.deliveries('stubborn').map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3', '4']);
  });

  it('after maxReceiveCount failed attempts the queue moves the message to its dead-letter queue', async () => {
    const { sqs, client } = await start();
    const fn = fakeFunction(() => ({ status: 'error', errorType: 'Error', errorMessage: 'always fails' }));
    map(sqs, fn.invoke);
    const sent = await client.send(new SendMessageCommand({ QueueUrl: work.url, MessageBody: 'poison' }));
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 15, MessageSystemAttributeNames: ['All'] }));
    expect(Messages).toMatchObject([{ MessageId: sent.MessageId, Body: 'poison', Attributes: { DeadLetterQueueSourceArn: work.arn } }]);
    expect(fn.deliveries('poison').map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(sqs.stats(work.arn)).toEqual(empty);
  });

  it('processes at most MaximumConcurrency batches at once', async () => {
    const { sqs, client } = await start();
    let active = 0;
    let maxActive = 0;
    const fn = fakeFunction(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(150);
      active--;
      return { status: 'ok', payload: null };
    });
    map(sqs, fn.invoke, { batchSize: 1, maximumConcurrency: 3, queueArn: plain.arn });
    await client.send(new SendMessageBatchCommand({ QueueUrl: plain.url, Entries: Array.from({ length: 9 }, (_, i) => ({ Id: `m${i}`, MessageBody: `m${i}` })) }));
    await until(() => fn.invocations.length === 9 && active === 0);
    expect(maxActive).toBeLessThanOrEqual(3);
    expect(maxActive).toBeGreaterThanOrEqual(2);
    await until(() => sqs.stats(plain.arn).inFlight === 0);
    expect(sqs.stats(plain.arn)).toEqual(empty);
  });

  it('stop() stops polling and waits for the batch in flight', async () => {
    const { sqs, client } = await start();
    let finished = false;
    const fn = fakeFunction(async () => {
      await sleep(300);
      finished = true;
      return { status: 'ok', payload: null };
    });
    const mapping = map(sqs, fn.invoke);
    await client.send(new SendMessageCommand({ QueueUrl: work.url, MessageBody: 'last' }));
    await until(() => fn.invocations.length === 1);
    await mapping.stop();
    expect(finished).toBe(true);
    expect(sqs.stats(work.arn)).toEqual(empty);

    await client.send(new SendMessageCommand({ QueueUrl: work.url, MessageBody: 'after stop' }));
    await sleep(300);
    expect(fn.invocations).toHaveLength(1);
    expect(sqs.stats(work.arn).visible).toBe(1);
  });

  it('a disabled mapping does not poll', async () => {
    const { sqs, client } = await start();
    const fn = fakeFunction();
    map(sqs, fn.invoke, { enabled: false });
    await client.send(new SendMessageCommand({ QueueUrl: work.url, MessageBody: 'untouched' }));
    await sleep(300);
    expect(fn.invocations).toHaveLength(0);
    expect(sqs.stats(work.arn).visible).toBe(1);
  });
});
