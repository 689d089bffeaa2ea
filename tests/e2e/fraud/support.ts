/**
 * Helpers for the fraud e2e tests against the shared local cloud: put events on the bus as their
 * producers would (EventBridge SDK client), read the per-tier warning queues (SQS SDK client),
 * analyst tokens, and polling with a deadline.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import type { AnyEventDefinition, EventPayload } from '../../../events/event-definition.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { buildEventDetail } from '../../../shared/events.ts';
import { e2e, tokenFor } from '../../support/e2e.ts';

/** The bus of the dev stage (infra/platform.ts: `commerce-<stage>`). */
export const BUS_NAME = 'commerce-dev';

const clientConfig = () => {
  const env = e2e().sdkEnv;
  return { region: env.AWS_REGION as string, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string } };
};

/** Publishes an event on the bus as its producer would (validated against its contract). */
export async function putEvent<D extends AnyEventDefinition>(definition: D, payload: EventPayload<D>): Promise<void> {
  const client = new EventBridgeClient({ ...clientConfig(), endpoint: e2e().sdkEnv.AWS_ENDPOINT_URL_EVENTBRIDGE });
  try {
    const detail = buildEventDetail(definition, payload, { correlationId: `e2e-fraud-${ulid()}`, occurredAt: new Date().toISOString(), eventId: ulid() });
    const result = await client.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS_NAME, Source: definition.source, DetailType: definition.name, Detail: JSON.stringify(detail) }] }));
    if (result.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(result.Entries)}`);
  } finally {
    client.destroy();
  }
}

const hex = (seed: string) => Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64);

/**
 * An OrderPlaced payload for an order checkout never saw (ids unique per call): the fraud side of a
 * flow, observed through the fraud API. Other capabilities ignore what they cannot match.
 */
export function orderPlaced(overrides: { amount?: number; emailDomain?: string; deviceId?: string; customerId?: string } = {}): EventPayload<typeof OrderPlaced> {
  const orderId = ulid();
  const amount = overrides.amount ?? 12_800;
  const money = { amount, currency: 'CNY' };
  return {
    ...OrderPlaced.example,
    orderId,
    customerId: overrides.customerId ?? `e2e-fraud-${orderId}`,
    paymentMethod: 'bank_transfer',
    lines: [{ sku: 'TEA-LONGJING-250G', quantity: 1, category: 'tea', unitPrice: money, lineTotal: money }],
    subtotal: money,
    discountTotal: { amount: 0, currency: 'CNY' },
    shippingFee: { amount: 0, currency: 'CNY' },
    total: money,
    amountDue: money,
    couponCode: undefined,
    placedAt: new Date().toISOString(),
    paymentDueBy: new Date(Date.now() + 30 * 60_000).toISOString(),
    riskSignals: { emailDomain: overrides.emailDomain ?? 'example.cn', emailHash: hex(`e${orderId}`), phoneHash: hex(`p${orderId}`), addressHash: hex(`a${orderId}`), deviceId: overrides.deviceId ?? `dev-${orderId}` },
  } as EventPayload<typeof OrderPlaced>;
}

/** A risk analyst's token. */
export function analystToken(sub = 'e2e-analyst'): Promise<string> {
  return tokenFor(sub, ['risk-analyst']);
}

/** Polls `read` until `done` holds (or the deadline passes, then returns the last value). */
export async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 30_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

/** Waits for a message on the warning queue of `tier` whose event is about `orderId`; removes it. */
export async function receiveWarning(tier: 'general' | 'elevated' | 'major', orderId: string, deadlineMs = 30_000): Promise<Record<string, unknown> | undefined> {
  const client = new SQSClient({ ...clientConfig(), endpoint: e2e().sdkEnv.AWS_ENDPOINT_URL_SQS });
  try {
    const suffix = `-Risk${tier.charAt(0).toUpperCase()}${tier.slice(1)}Warnings`;
    const { QueueUrls } = await client.send(new ListQueuesCommand({}));
    const url = (QueueUrls ?? []).find((u) => u.endsWith(suffix));
    if (!url) throw new Error(`no queue ending in ${suffix}`);
    const until = Date.now() + deadlineMs;
    while (Date.now() < until) {
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 1 }));
      for (const message of Messages ?? []) {
        const event = JSON.parse(message.Body ?? '{}') as { detail?: { orderId?: string } };
        if (event.detail?.orderId === orderId) {
          await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
          return event as Record<string, unknown>;
        }
      }
    }
    return undefined;
  } finally {
    client.destroy();
  }
}
