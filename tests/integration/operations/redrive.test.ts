/**
 * `npm run ops -- redrive <queue>` on the bus's delivery DLQ (OPS-2): EventDeliveryFailures holds
 * events EventBridge could not deliver, each with the `TARGET_ARN` it missed. It is no queue's
 * redrive DLQ, so an SQS move task has nowhere to send them; the redrive sends each event again to
 * its own target and leaves what names no SQS target for a person. Driven against the local SQS with
 * the real SDK client, as it runs against AWS.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, startAwsEndpoint } from '../../../infra/local/aws-protocol.ts';
import { SqsService, type QueueDefinition } from '../../../infra/local/sqs.ts';
import { redrive } from '../../../scripts/ops-tools.ts';

function queue(name: string): QueueDefinition {
  return {
    logicalId: name,
    name,
    arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`,
    url: `http://sqs.local/${LOCAL_ACCOUNT}/${name}`,
    visibilityTimeoutSeconds: 30,
    delaySeconds: 0,
    messageRetentionSeconds: 345_600,
    receiveMessageWaitTimeSeconds: 0,
    maximumMessageSize: 262_144,
  };
}

const failures = queue('Commerce-dev-EventDeliveryFailures');
const allocate = queue('Commerce-dev-AllocateOrderQueue');
const notify = queue('Commerce-dev-SendNotificationQueue');
let sqs: SQSClient;
let lambda: LambdaClient;
let close: () => Promise<void>;

beforeAll(async () => {
  const service = new SqsService({ queues: [failures, allocate, notify] });
  const endpoint = await startAwsEndpoint({ services: [service] });
  sqs = new SQSClient({ endpoint: endpoint.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  lambda = new LambdaClient({ endpoint: endpoint.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  close = async () => {
    sqs.destroy();
    lambda.destroy();
    await endpoint.close();
    await service.close();
  };
});
afterAll(() => close());

const undelivered = (id: string, target: QueueDefinition | undefined) =>
  sqs.send(
    new SendMessageCommand({
      QueueUrl: failures.url,
      MessageBody: JSON.stringify({ id, 'detail-type': 'OrderPlaced', source: 'commerce.checkout', detail: { orderId: id } }),
      MessageAttributes: {
        ERROR_CODE: { DataType: 'String', StringValue: 'SQSPermissionDenied' },
        ...(target ? { TARGET_ARN: { DataType: 'String', StringValue: target.arn }, RULE_ARN: { DataType: 'String', StringValue: 'arn:aws:events:rule/x' } } : {}),
      },
    }),
  );

async function drainAll(q: QueueDefinition): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    if (Messages.length === 0) return all;
    all.push(...Messages);
  }
}

describe('redrive of the bus delivery DLQ (OPS-2)', () => {
  it('OPS-2: each undelivered event goes again to the target queue it missed (more than one batch); what names no target stays for a person', async () => {
    for (let i = 0; i < 12; i++) await undelivered(`evt-allocate-${String(i).padStart(2, '0')}`, allocate);
    for (let i = 0; i < 3; i++) await undelivered(`evt-notify-${i}`, notify);
    await undelivered('evt-unknown', undefined);

    const result = await redrive({ sqs, lambda }, failures.name);
    expect(result).toEqual({ queue: failures.name, mode: 'retarget', redriven: 15, skipped: 1 });

    const ids = async (q: QueueDefinition) => (await drainAll(q)).map((m) => (JSON.parse(m.Body as string) as { id: string }).id).sort();
    expect(await ids(allocate)).toEqual(Array.from({ length: 12 }, (_, i) => `evt-allocate-${String(i).padStart(2, '0')}`));
    expect(await ids(notify)).toEqual(['evt-notify-0', 'evt-notify-1', 'evt-notify-2']);
    // the message without a target is visible again in the DLQ, untouched
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: failures.url, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(Attributes?.ApproximateNumberOfMessages).toBe('1');
    expect(await ids(failures)).toEqual(['evt-unknown']);
  });

  it('an empty DLQ is reported as such', async () => {
    expect(await redrive({ sqs, lambda }, allocate.name)).toEqual({ queue: allocate.name, mode: 'empty', redriven: 0, skipped: 0 });
  });
});
