/**
 * Helpers for the fraud e2e tests against the shared local cloud: OrderPlaced payloads, read the
 * per-tier warning queues (SQS SDK client) and analyst tokens. (Putting events on the bus and
 * polling: tests/support/e2e.ts.)
 */
import { DeleteMessageCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import type { EventPayload } from '../../../events/event-definition.ts';
import type { OrderPlaced } from '../../../events/order-placed.ts';
import { orderPlacedPayload, sdkConfig, tokenFor } from '../../support/e2e.ts';

/**
 * An OrderPlaced payload for an order checkout never saw (ids unique per call): the fraud side of a
 * flow, observed through the fraud API. Paid by bank transfer; ¥128 unless told.
 */
export function orderPlaced(overrides: { amount?: number; emailDomain?: string; deviceId?: string; customerId?: string } = {}): EventPayload<typeof OrderPlaced> {
  const orderId = ulid();
  return orderPlacedPayload({
    orderId,
    customerId: overrides.customerId ?? `e2e-fraud-${orderId}`,
    amount: overrides.amount ?? 12_800,
    paymentMethod: 'bank_transfer',
    emailDomain: overrides.emailDomain,
    deviceId: overrides.deviceId,
  });
}

/** A risk analyst's token. */
export function analystToken(sub = 'e2e-analyst'): Promise<string> {
  return tokenFor(sub, ['risk-analyst']);
}

/** Waits for a message on the warning queue of `tier` whose event is about `orderId`; removes it. */
export async function receiveWarning(tier: 'general' | 'elevated' | 'major', orderId: string, deadlineMs = 30_000): Promise<Record<string, unknown> | undefined> {
  const client = new SQSClient(sdkConfig('SQS'));
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
