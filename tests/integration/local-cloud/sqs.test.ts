/**
 * The local SQS (infra/local/sqs.ts), driven by the real `@aws-sdk/client-sqs` over the AWS JSON
 * protocol: messages, batches, visibility, long polling, delays, attributes, purge, dead-letter
 * queues and their redrive, error classes, and durability across restarts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  EmptyBatchRequest,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  InvalidAttributeName,
  InvalidBatchEntryId,
  InvalidMessageContents,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  MessageNotInflight,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  ResourceNotFoundException,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  TooManyEntriesInBatchRequest,
  UnsupportedOperation,
  type Message,
  type MessageAttributeValue as SdkMessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, startAwsEndpoint } from '../../../infra/local/aws-protocol.ts';
import { SqsService, type QueueDefinition } from '../../../infra/local/sqs.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const md5 = (text: string) => crypto.createHash('md5').update(text, 'utf8').digest('hex');

function queue(name: string, overrides: Partial<QueueDefinition> = {}): QueueDefinition {
  return {
    logicalId: name,
    name,
    arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`,
    url: `http://sqs.local/${LOCAL_ACCOUNT}/${name}`,
    visibilityTimeoutSeconds: 2,
    delaySeconds: 0,
    messageRetentionSeconds: 345_600,
    receiveMessageWaitTimeSeconds: 0,
    maximumMessageSize: 262_144,
    ...overrides,
  };
}

const work = queue('work', { redrivePolicy: { deadLetterTargetArn: queue('work-dlq').arn, maxReceiveCount: 2 } });
const dlq = queue('work-dlq');
const other = queue('other');
const arn = (name: string) => queue(name).arn;
const url = (name: string) => queue(name).url;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(queues: QueueDefinition[] = [work, dlq, other], options: { dataDir?: string; now?: () => number; closeOnCleanup?: boolean } = {}) {
  const sqs = new SqsService({ queues, dataDir: options.dataDir, now: options.now });
  const endpoint = await startAwsEndpoint({ services: [sqs] });
  const client = new SQSClient({ endpoint: endpoint.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  cleanups.push(async () => {
    client.destroy();
    await endpoint.close();
    if (options.closeOnCleanup !== false) await sqs.close();
  });
  return { sqs, client };
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-sqs-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function receiveOne(client: SQSClient, name: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}): Promise<Message | undefined> {
  const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: url(name), ...extra }));
  return Messages[0];
}

/** Receives a message and lets it become visible again at once, `times` times. */
async function receiveTimes(client: SQSClient, name: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) expect(await receiveOne(client, name, { VisibilityTimeout: 0, MaxNumberOfMessages: 10 })).toBeDefined();
}

async function waitForTask(client: SQSClient, sourceArn: string) {
  for (let i = 0; i < 100; i++) {
    const { Results = [] } = await client.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn }));
    if (Results[0] && Results[0].Status !== 'RUNNING') return Results[0];
    await sleep(50);
  }
  throw new Error('the message move task did not finish');
}

describe('messages', () => {
  it('sends, receives and deletes a message, with MD5s the SDK accepts', async () => {
    const { sqs, client } = await start();
    const body = 'héllo wörld ✓ 🎉';
    const sent = await client.send(
      new SendMessageCommand({ QueueUrl: url('work'), MessageBody: body, MessageAttributes: { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } } }),
    );
    expect(sent.MD5OfMessageBody).toBe(md5(body));
    expect(sent.MD5OfMessageAttributes).toBe('19e27d4e946b072f3f58da80d94fd778');

    const message = await receiveOne(client, 'work', { MessageAttributeNames: ['All'] });
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: body,
      MD5OfBody: md5(body),
      MD5OfMessageAttributes: '19e27d4e946b072f3f58da80d94fd778',
      MessageAttributes: { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } },
    });
    expect(sqs.stats('work')).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    await client.send(new DeleteMessageCommand({ QueueUrl: url('work'), ReceiptHandle: message?.ReceiptHandle }));
    expect(sqs.stats('work')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('computes MD5OfMessageAttributes as SQS does for string, custom number and binary attributes', async () => {
    const { client } = await start();
    const binary = new Uint8Array(Buffer.from('Hello binary world!'));
    const cases: Array<{ attributes: Record<string, SdkMessageAttributeValue>; md5: string }> = [
      { attributes: { binaryAttribute: { DataType: 'Binary', BinaryValue: binary } }, md5: '31a92b15d92f8db860eda32aceb656c3' },
      { attributes: { customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' } }, md5: '9fe1b90bbd9965bdf77bac517c7d2495' },
      {
        attributes: {
          attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
          customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' },
          binaryAttribute: { DataType: 'Binary', BinaryValue: binary },
        },
        md5: 'c932db14a896c663f83c260297d594ff',
      },
    ];
    for (const c of cases) {
      const sent = await client.send(new SendMessageCommand({ QueueUrl: url('other'), MessageBody: 'attributes', MessageAttributes: c.attributes }));
      expect(sent.MD5OfMessageAttributes).toBe(c.md5);
      const received = await receiveOne(client, 'other', { MessageAttributeNames: ['All'] });
      expect(received?.MD5OfMessageAttributes).toBe(c.md5);
      expect(received?.MessageAttributes).toEqual(c.attributes);
      await client.send(new DeleteMessageCommand({ QueueUrl: url('other'), ReceiptHandle: received?.ReceiptHandle }));
    }
  });

  it('returns only the requested message attributes and system attributes', async () => {
    const { client } = await start();
    const before = Date.now();
    await client.send(
      new SendMessageCommand({
        QueueUrl: url('other'),
        MessageBody: 'with attributes',
        MessageAttributes: {
          'trace.id': { DataType: 'String', StringValue: 't-1' },
          'trace.span': { DataType: 'Number', StringValue: '42' },
          tenant: { DataType: 'String', StringValue: 'acme' },
        },
      }),
    );
    const first = await receiveOne(client, 'other', { MessageAttributeNames: ['trace.*'], MessageSystemAttributeNames: ['All'], VisibilityTimeout: 0 });
    expect(Object.keys(first?.MessageAttributes ?? {}).sort()).toEqual(['trace.id', 'trace.span']);
    expect(first?.MD5OfMessageAttributes).toBeDefined();
    expect(first?.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: LOCAL_ACCOUNT });
    const sentAt = Number(first?.Attributes?.SentTimestamp);
    expect(sentAt).toBeGreaterThanOrEqual(before);
    expect(Number(first?.Attributes?.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(sentAt);

    const second = await receiveOne(client, 'other', { MessageAttributeNames: ['tenant'], MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    expect(second?.Attributes).toEqual({ ApproximateReceiveCount: '2' });
    expect(second?.MessageAttributes).toEqual({ tenant: { DataType: 'String', StringValue: 'acme' } });
    expect(second?.MD5OfMessageAttributes).not.toBe(first?.MD5OfMessageAttributes);
  });

  it('gives a new receipt handle on every receive; a stale handle deletes nothing, an invalid one is rejected', async () => {
    const { sqs, client } = await start();
    await client.send(new SendMessageCommand({ QueueUrl: url('other'), MessageBody: 'handles' }));
    const first = await receiveOne(client, 'other', { VisibilityTimeout: 0 });
    const second = await receiveOne(client, 'other', { VisibilityTimeout: 30 });
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);

    // SQS: deleting with a handle that is not the most recent one succeeds but deletes nothing.
    await client.send(new DeleteMessageCommand({ QueueUrl: url('other'), ReceiptHandle: first?.ReceiptHandle }));
    expect(sqs.stats('other').inFlight).toBe(1);
    await expect(client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url('other'), ReceiptHandle: first?.ReceiptHandle, VisibilityTimeout: 5 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('The receipt handle has expired'),
    });
    await expect(client.send(new DeleteMessageCommand({ QueueUrl: url('other'), ReceiptHandle: 'not-a-handle' }))).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    await expect(client.send(new DeleteMessageCommand({ QueueUrl: url('work'), ReceiptHandle: second?.ReceiptHandle }))).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);

    await client.send(new DeleteMessageCommand({ QueueUrl: url('other'), ReceiptHandle: second?.ReceiptHandle }));
    expect(sqs.stats('other')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    // Deleting an already deleted message succeeds, as on SQS.
    await client.send(new DeleteMessageCommand({ QueueUrl: url('other'), ReceiptHandle: second?.ReceiptHandle }));

    await client.send(new SendMessageCommand({ QueueUrl: url('other'), MessageBody: 'not in flight' }));
    const expired = await receiveOne(client, 'other', { VisibilityTimeout: 0 });
    await expect(client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url('other'), ReceiptHandle: expired?.ReceiptHandle, VisibilityTimeout: 5 }))).rejects.toBeInstanceOf(
      MessageNotInflight,
    );
  });
});

describe('batches', () => {
  it('sends a batch with per-entry failures', async () => {
    const { sqs, client } = await start();
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: url('other'),
        Entries: [
          { Id: 'ok-1', MessageBody: 'first' },
          { Id: 'bad-char', MessageBody: 'bell \u0007' },
          { Id: 'bad-delay', MessageBody: 'late', DelaySeconds: 901 },
          { Id: 'ok-2', MessageBody: 'second', MessageAttributes: { kind: { DataType: 'String', StringValue: 'x' } } },
        ],
      }),
    );
    expect(result.Successful?.map((s) => s.Id)).toEqual(['ok-1', 'ok-2']);
    expect(result.Successful?.[1]?.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(result.Failed).toEqual([
      { Id: 'bad-char', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.stringContaining("'#x7'") },
      { Id: 'bad-delay', SenderFault: true, Code: 'InvalidParameterValue', Message: expect.stringContaining('DelaySeconds') },
    ]);
    expect(sqs.stats('other').visible).toBe(2);
  });

  it('rejects malformed batches as a whole', async () => {
    const { client } = await start([queue('small', { maximumMessageSize: 1024 })]);
    const send = (Entries: Array<{ Id: string; MessageBody: string }>) => client.send(new SendMessageBatchCommand({ QueueUrl: url('small'), Entries }));
    await expect(send([])).rejects.toBeInstanceOf(EmptyBatchRequest);
    await expect(send(Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })))).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    await expect(
      send([
        { Id: 'same', MessageBody: 'a' },
        { Id: 'same', MessageBody: 'b' },
      ]),
    ).rejects.toBeInstanceOf(BatchEntryIdsNotDistinct);
    await expect(send([{ Id: 'not valid!', MessageBody: 'a' }])).rejects.toBeInstanceOf(InvalidBatchEntryId);
    await expect(
      send([
        { Id: 'a', MessageBody: 'x'.repeat(600) },
        { Id: 'b', MessageBody: 'y'.repeat(600) },
      ]),
    ).rejects.toBeInstanceOf(BatchRequestTooLong);
  });

  it('deletes and changes visibility in batches with per-entry failures', async () => {
    const { sqs, client } = await start();
    await client.send(new SendMessageBatchCommand({ QueueUrl: url('other'), Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `body ${i}` })) }));
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: url('other'), MaxNumberOfMessages: 10, VisibilityTimeout: 30 }));
    expect(Messages).toHaveLength(3);
    const [a, b, c] = Messages as [Message, Message, Message];

    const visibility = await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url('other'),
        Entries: [
          { Id: 'a', ReceiptHandle: a.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'bogus', ReceiptHandle: 'bogus', VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(visibility.Successful).toEqual([{ Id: 'a' }]);
    expect(visibility.Failed).toEqual([{ Id: 'bogus', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: expect.any(String) }]);
    expect(sqs.stats('other')).toEqual({ visible: 1, inFlight: 2, delayed: 0 });

    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url('other'),
        Entries: [
          { Id: 'b', ReceiptHandle: b.ReceiptHandle },
          { Id: 'c', ReceiptHandle: c.ReceiptHandle },
          { Id: 'bogus', ReceiptHandle: 'bogus' },
        ],
      }),
    );
    expect(deleted.Successful).toEqual([{ Id: 'b' }, { Id: 'c' }]);
    expect(deleted.Failed).toEqual([{ Id: 'bogus', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: expect.any(String) }]);
    expect(sqs.stats('other')).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  });
});

describe('visibility, long polling and delays', () => {
  it('hides a received message for the visibility timeout and delivers it again afterwards, not before', async () => {
    const { client } = await start([queue('short', { visibilityTimeoutSeconds: 1 })]);
    await client.send(new SendMessageCommand({ QueueUrl: url('short'), MessageBody: 'again' }));
    const first = await receiveOne(client, 'short', { MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    const receivedAt = Date.now();
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    await sleep(300);
    expect(await receiveOne(client, 'short')).toBeUndefined();

    const again = await receiveOne(client, 'short', { WaitTimeSeconds: 5, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    expect(Date.now() - receivedAt).toBeGreaterThanOrEqual(900);
    expect(again?.MessageId).toBe(first?.MessageId);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('ChangeMessageVisibility makes a message visible at once or hides it longer', async () => {
    const { client } = await start();
    await client.send(new SendMessageCommand({ QueueUrl: url('other'), MessageBody: 'visibility' }));
    const first = await receiveOne(client, 'other', { VisibilityTimeout: 60 });
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url('other'), ReceiptHandle: first?.ReceiptHandle, VisibilityTimeout: 0 }));
    const second = await receiveOne(client, 'other', { VisibilityTimeout: 1 });
    expect(second?.MessageId).toBe(first?.MessageId);

    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url('other'), ReceiptHandle: second?.ReceiptHandle, VisibilityTimeout: 3 }));
    const extendedAt = Date.now();
    await sleep(1500);
    expect(await receiveOne(client, 'other')).toBeUndefined();
    const third = await receiveOne(client, 'other', { WaitTimeSeconds: 5 });
    expect(third?.MessageId).toBe(first?.MessageId);
    expect(Date.now() - extendedAt).toBeGreaterThanOrEqual(2900);
  });

  it('long polling answers as soon as a message arrives, and empty when the wait ends', async () => {
    const { client } = await start();
    const started = Date.now();
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl: url('other'), WaitTimeSeconds: 10 }));
    await sleep(300);
    await client.send(new SendMessageCommand({ QueueUrl: url('other'), MessageBody: 'wake up' }));
    const { Messages = [] } = await polling;
    expect(Messages.map((m) => m.Body)).toEqual(['wake up']);
    expect(Date.now() - started).toBeLessThan(9_000);

    const emptyStarted = Date.now();
    const empty = await client.send(new ReceiveMessageCommand({ QueueUrl: url('other'), WaitTimeSeconds: 1 }));
    expect(empty.Messages).toBeUndefined();
    expect(Date.now() - emptyStarted).toBeGreaterThanOrEqual(900);
  });

  it('delays messages by the queue default and per message', async () => {
    const { sqs, client } = await start([queue('slow', { delaySeconds: 1 }), other]);
    const sentAt = Date.now();
    await client.send(new SendMessageCommand({ QueueUrl: url('slow'), MessageBody: 'queue delay' }));
    expect(sqs.stats('slow')).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    expect(await receiveOne(client, 'slow')).toBeUndefined();
    const delayed = await receiveOne(client, 'slow', { WaitTimeSeconds: 5 });
    expect(delayed?.Body).toBe('queue delay');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(900);

    await client.send(new SendMessageCommand({ QueueUrl: url('slow'), MessageBody: 'no delay', DelaySeconds: 0 }));
    expect((await receiveOne(client, 'slow'))?.Body).toBe('no delay');

    await client.send(new SendMessageCommand({ QueueUrl: url('other'), MessageBody: 'message delay', DelaySeconds: 1 }));
    expect(sqs.stats('other').delayed).toBe(1);
    expect(await receiveOne(client, 'other')).toBeUndefined();
    expect((await receiveOne(client, 'other', { WaitTimeSeconds: 5 }))?.Body).toBe('message delay');
  });

  it('drops messages older than the retention period, counted from the original send also in the dead-letter queue', async () => {
    let offset = 0;
    const source = queue('source', { messageRetentionSeconds: 60, redrivePolicy: { deadLetterTargetArn: arn('dead'), maxReceiveCount: 1 } });
    const { sqs, client } = await start([source, queue('dead', { messageRetentionSeconds: 120 })], { now: () => Date.now() + offset });
    await client.send(new SendMessageCommand({ QueueUrl: url('source'), MessageBody: 'old' }));
    offset += 61_000;
    expect(await receiveOne(client, 'source')).toBeUndefined();
    expect(sqs.stats('source')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });

    await client.send(new SendMessageCommand({ QueueUrl: url('source'), MessageBody: 'dead soon' }));
    offset += 50_000;
    await receiveTimes(client, 'source', 1);
    expect(await receiveOne(client, 'source')).toBeUndefined();
    expect(sqs.stats('dead').visible).toBe(1);
    // 71 s after the move, 121 s after the send: past the dead-letter queue's 120 s retention.
    offset += 71_000;
    expect(await receiveOne(client, 'dead')).toBeUndefined();
    expect(sqs.stats('dead').visible).toBe(0);
  });
});

describe('queues', () => {
  it('resolves queue URLs and lists queues; an unknown queue is QueueDoesNotExist', async () => {
    const { client } = await start();
    expect((await client.send(new GetQueueUrlCommand({ QueueName: 'work' }))).QueueUrl).toBe(url('work'));
    expect((await client.send(new ListQueuesCommand({ QueueNamePrefix: 'work' }))).QueueUrls).toEqual([url('work'), url('work-dlq')]);
    const page = await client.send(new ListQueuesCommand({ MaxResults: 2 }));
    expect(page.QueueUrls).toEqual([url('other'), url('work')]);
    expect((await client.send(new ListQueuesCommand({ MaxResults: 2, NextToken: page.NextToken }))).QueueUrls).toEqual([url('work-dlq')]);

    const error = await client.send(new GetQueueUrlCommand({ QueueName: 'missing' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 }, Code: 'AWS.SimpleQueueService.NonExistentQueue' });
    await expect(client.send(new SendMessageCommand({ QueueUrl: url('missing'), MessageBody: 'x' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(client.send(new CreateQueueCommand({ QueueName: 'new' }))).rejects.toBeInstanceOf(UnsupportedOperation);
  });

  it('reports queue attributes: counts, configuration and redrive policy', async () => {
    const { client } = await start();
    await client.send(
      new SendMessageBatchCommand({ QueueUrl: url('work'), Entries: ['a', 'b', 'c'].map((id) => ({ Id: id, MessageBody: id, DelaySeconds: id === 'c' ? 30 : 0 })) }),
    );
    await receiveOne(client, 'work');
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url('work'), AttributeNames: ['All'] }));
    expect(Attributes).toMatchObject({
      QueueArn: arn('work'),
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      VisibilityTimeout: '2',
      DelaySeconds: '0',
      MaximumMessageSize: '262144',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      CreatedTimestamp: expect.stringMatching(/^\d+$/),
    });
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: arn('work-dlq'), maxReceiveCount: 2 });

    const named = await client.send(new GetQueueAttributesCommand({ QueueUrl: url('work-dlq'), AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'RedrivePolicy'] }));
    expect(named.Attributes).toEqual({ QueueArn: arn('work-dlq'), ApproximateNumberOfMessages: '0' });
    await expect(client.send(new GetQueueAttributesCommand({ QueueUrl: url('work'), AttributeNames: ['Bogus' as 'All'] }))).rejects.toBeInstanceOf(InvalidAttributeName);
  });

  it('validates parameters as SQS does', async () => {
    const { client } = await start([queue('small', { maximumMessageSize: 1024 })]);
    await expect(client.send(new ReceiveMessageCommand({ QueueUrl: url('small'), MaxNumberOfMessages: 11 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    });
    await expect(client.send(new ReceiveMessageCommand({ QueueUrl: url('small'), WaitTimeSeconds: 21 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(client.send(new SendMessageCommand({ QueueUrl: url('small'), MessageBody: 'x', DelaySeconds: 901 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(client.send(new SendMessageCommand({ QueueUrl: url('small'), MessageBody: 'nul \u0000' }))).rejects.toBeInstanceOf(InvalidMessageContents);
    await expect(client.send(new SendMessageCommand({ QueueUrl: url('small'), MessageBody: 'x'.repeat(1025) }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('shorter than 1024 bytes'),
    });
    await expect(client.send(new SendMessageCommand({ QueueUrl: url('small'), MessageBody: '' }))).rejects.toMatchObject({ name: 'MissingParameter' });
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: url('small'), MessageBody: 'x', MessageAttributes: { 'AWS.reserved': { DataType: 'String', StringValue: 'v' } } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: url('small'), MessageBody: 'x', MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: url('small'), MessageBody: 'x', MessageAttributes: { d: { DataType: 'Date', StringValue: 'today' } } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('purges a queue, at most once a minute', async () => {
    const { sqs, client } = await start();
    await client.send(new SendMessageBatchCommand({ QueueUrl: url('other'), Entries: ['a', 'b', 'c'].map((id) => ({ Id: id, MessageBody: id })) }));
    await receiveOne(client, 'other');
    await client.send(new PurgeQueueCommand({ QueueUrl: url('other') }));
    expect(sqs.stats('other')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    await expect(client.send(new PurgeQueueCommand({ QueueUrl: url('other') }))).rejects.toBeInstanceOf(PurgeQueueInProgress);
  });
});

describe('dead-letter queues', () => {
  it('moves a message to the dead-letter queue on the receive after maxReceiveCount receives', async () => {
    const { sqs, client } = await start();
    const sent = await client.send(
      new SendMessageCommand({ QueueUrl: url('work'), MessageBody: 'poison', MessageAttributes: { kind: { DataType: 'String', StringValue: 'poison' } } }),
    );
    await receiveTimes(client, 'work', 2);
    expect(await receiveOne(client, 'work')).toBeUndefined();
    expect(sqs.stats('work')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });

    const dead = await receiveOne(client, 'work-dlq', { MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] });
    expect(dead).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'poison',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'poison' } },
      Attributes: { ApproximateReceiveCount: '3', DeadLetterQueueSourceArn: arn('work') },
    });
  });

  it('redrives a dead-letter queue back to the source queues with StartMessageMoveTask', async () => {
    const { sqs, client } = await start();
    await client.send(new SendMessageBatchCommand({ QueueUrl: url('work'), Entries: ['a', 'b', 'c'].map((id) => ({ Id: id, MessageBody: `redrive ${id}` })) }));
    for (let i = 0; i < 2; i++) {
      const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: url('work'), MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
      expect(Messages).toHaveLength(3);
    }
    expect(await receiveOne(client, 'work')).toBeUndefined();
    expect(sqs.stats('work-dlq').visible).toBe(3);

    const { TaskHandle } = await client.send(new StartMessageMoveTaskCommand({ SourceArn: arn('work-dlq') }));
    expect(TaskHandle).toBeTruthy();
    expect(await waitForTask(client, arn('work-dlq'))).toMatchObject({
      Status: 'COMPLETED',
      SourceArn: arn('work-dlq'),
      ApproximateNumberOfMessagesMoved: 3,
      ApproximateNumberOfMessagesToMove: 3,
    });
    expect(sqs.stats('work-dlq')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });

    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: url('work'), MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    expect(Messages.map((m) => m.Body).sort()).toEqual(['redrive a', 'redrive b', 'redrive c']);
    expect(Messages.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['1', '1', '1']);
  });

  it('redrives to a DestinationArn at a given rate, one task at a time', async () => {
    const { sqs, client } = await start();
    await client.send(new SendMessageBatchCommand({ QueueUrl: url('work'), Entries: ['a', 'b'].map((id) => ({ Id: id, MessageBody: id })) }));
    await receiveTimes(client, 'work', 2);
    expect(await receiveOne(client, 'work')).toBeUndefined();

    await client.send(new StartMessageMoveTaskCommand({ SourceArn: arn('work-dlq'), DestinationArn: arn('other'), MaxNumberOfMessagesPerSecond: 1 }));
    const { Results = [] } = await client.send(new ListMessageMoveTasksCommand({ SourceArn: arn('work-dlq'), MaxResults: 10 }));
    expect(Results[0]).toMatchObject({
      Status: 'RUNNING',
      TaskHandle: expect.any(String),
      DestinationArn: arn('other'),
      MaxNumberOfMessagesPerSecond: 1,
      ApproximateNumberOfMessagesToMove: 2,
    });
    await expect(client.send(new StartMessageMoveTaskCommand({ SourceArn: arn('work-dlq') }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('already a task running'),
    });

    expect(await waitForTask(client, arn('work-dlq'))).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 2 });
    expect(sqs.stats('other').visible).toBe(2);
    expect(sqs.stats('work').visible).toBe(0);
  });

  it('rejects move tasks from queues that are not dead-letter queues or do not exist', async () => {
    const { client } = await start();
    await expect(client.send(new StartMessageMoveTaskCommand({ SourceArn: arn('work') }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Source queue must be configured as a Dead Letter Queue.',
    });
    await expect(client.send(new StartMessageMoveTaskCommand({ SourceArn: arn('missing') }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new StartMessageMoveTaskCommand({ SourceArn: arn('work-dlq'), DestinationArn: arn('missing') }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new ListMessageMoveTasksCommand({ SourceArn: arn('missing') }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('durability', () => {
  it('replays the journal: accepted messages survive a restart, deleted ones stay deleted, in-flight ones reappear after their visibility timeout', async () => {
    const dataDir = tempDir();
    const first = await start([other], { dataDir });
    await first.client.send(new SendMessageBatchCommand({ QueueUrl: url('other'), Entries: ['a', 'b', 'c'].map((id) => ({ Id: id, MessageBody: id })) }));
    const { Messages = [] } = await first.client.send(new ReceiveMessageCommand({ QueueUrl: url('other'), MaxNumberOfMessages: 2, VisibilityTimeout: 2 }));
    const [deleted, inFlight] = Messages as [Message, Message];
    await first.client.send(new DeleteMessageCommand({ QueueUrl: url('other'), ReceiptHandle: deleted.ReceiptHandle }));
    await first.sqs.close();

    const second = new SqsService({ queues: [other], dataDir });
    cleanups.push(() => second.close());
    expect(second.stats('other')).toEqual({ visible: 1, inFlight: 1, delayed: 0 });
    const [visible] = await second.receive('other', { maxMessages: 10, waitTimeSeconds: 0 });
    expect(visible?.body).toBe('c');
    const [again] = await second.receive('other', { maxMessages: 10, waitTimeSeconds: 5 });
    expect(again).toMatchObject({ messageId: inFlight.MessageId, body: inFlight.Body, receiveCount: 2 });
    await second.deleteMessage('other', again?.receiptHandle ?? '');
    await second.deleteMessage('other', visible?.receiptHandle ?? '');
    expect(second.stats('other')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('keeps every acknowledged message after an abrupt stop, including moves to the dead-letter queue', async () => {
    const dataDir = tempDir();
    const poison = queue('poison', { redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 } });
    const queues = [work, dlq, poison];
    const first = await start(queues, { dataDir, closeOnCleanup: false });
    const bodies = Array.from({ length: 2000 }, (_, i) => `message ${i}`);
    const batches = Array.from({ length: bodies.length / 10 }, (_, b) => bodies.slice(b * 10, b * 10 + 10));
    for (let i = 0; i < batches.length; i += 20) {
      await Promise.all(
        batches
          .slice(i, i + 20)
          .map((batch) => first.client.send(new SendMessageBatchCommand({ QueueUrl: url('work'), Entries: batch.map((body, j) => ({ Id: `m${j}`, MessageBody: body })) }))),
      );
    }
    const gone = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const { Messages = [] } = await first.client.send(new ReceiveMessageCommand({ QueueUrl: url('work'), MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
      await first.client.send(new DeleteMessageBatchCommand({ QueueUrl: url('work'), Entries: Messages.map((m, j) => ({ Id: `d${j}`, ReceiptHandle: m.ReceiptHandle })) }));
      for (const m of Messages) gone.add(m.Body as string);
    }
    await first.sqs.send(poison.arn, 'dead letter');
    await receiveTimes(first.client, 'poison', 1);
    expect(await receiveOne(first.client, 'poison')).toBeUndefined();
    // No close(): the second service reads the journals as a kill -9 would have left them.

    const second = new SqsService({ queues, dataDir });
    cleanups.push(() => second.close());
    expect(gone.size).toBe(100);
    const expected = bodies.filter((b) => !gone.has(b));
    expect(second.stats('work')).toEqual({ visible: expected.length, inFlight: 0, delayed: 0 });
    expect(second.stats('poison')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    // The journal was compacted on start: one record per live message.
    expect(fs.readFileSync(path.join(dataDir, 'work.jsonl'), 'utf8').trim().split('\n')).toHaveLength(expected.length);

    const received: string[] = [];
    for (;;) {
      const batch = await second.receive('work', { maxMessages: 10, waitTimeSeconds: 0, visibilityTimeoutSeconds: 600 });
      if (batch.length === 0) break;
      received.push(...batch.map((m) => m.body));
    }
    expect(received.sort()).toEqual(expected.sort());
    const dead = await second.receive('work-dlq', { maxMessages: 10, waitTimeSeconds: 0 });
    expect(dead).toMatchObject([{ body: 'dead letter', deadLetterQueueSourceArn: poison.arn, receiveCount: 2 }]);
  });
});
