/**
 * The sandbox's outbound queue in the cloud: an SQS queue (`SANDBOX_PROVIDER_QUEUE_URL`) consumed by
 * the sandbox worker (handlers/run-payment-sandbox.ts), which signs and delivers webhooks and fires
 * the bank-transfer timers (SQS `DelaySeconds`, at most 15 minutes).
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '../../../../shared/observability.ts';
import type { SandboxMessage, SandboxOutbox } from './sandbox-provider.ts';

let client: SQSClient | undefined;

/** The SQS adapter of {@link SandboxOutbox}. */
export function sqsSandboxOutbox(queueUrl: string, sqs?: SQSClient): SandboxOutbox {
  const sender = () => sqs ?? (client ??= tracer.captureAWSv3Client(new SQSClient({})));
  return {
    async send(message, delaySeconds) {
      await sender().send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(message),
          ...(delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(delaySeconds))) } : {}),
        }),
      );
    },
  };
}

/** An outbox that keeps messages in memory (tests drive delivery themselves). */
export class InMemorySandboxOutbox implements SandboxOutbox {
  readonly messages: Array<{ message: SandboxMessage; delaySeconds?: number }> = [];

  async send(message: SandboxMessage, delaySeconds?: number): Promise<void> {
    this.messages.push({ message: structuredClone(message), delaySeconds });
  }

  /** Takes every queued message. */
  drain(): Array<{ message: SandboxMessage; delaySeconds?: number }> {
    return this.messages.splice(0, this.messages.length);
  }
}
