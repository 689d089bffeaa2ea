/**
 * The sandbox provider's worker: takes messages off its outbound queue and
 * - delivers a webhook: signs the body at sending time (`Sandbox-Signature: t=…,v1=…`) and sends it
 *   to the merchant's webhook endpoint; anything but a 2xx answer is an error, so the queue
 *   redelivers it later (like a real provider's retry schedule) and finally dead-letters it;
 * - fires a bank-transfer timer: the customer's funds arrive.
 *
 * The endpoint is a port. In the cloud it is the `POST /webhooks/payments` Lambda invoked with the
 * same proxy event API Gateway would send (a real provider calls the HTTPS URL; the local cloud has
 * no route from a function to its own API URL, and the sandbox only stands in for the provider).
 */
import * as z from '../../../../shared/zod.ts';
import { lazily } from '../../../../shared/lazily.ts';
import type { Clock } from '../../../../shared/clock.ts';
import { signatureHeader } from '../../domain/webhook-signature.ts';
import type { SandboxMessage, SandboxProvider } from './sandbox-provider.ts';
import { SANDBOX_SIGNATURE_HEADER, SandboxWebhookSchema } from './sandbox-webhook.ts';

/** The merchant's webhook endpoint. */
export interface WebhookEndpoint {
  deliver(body: string, headers: Record<string, string>): Promise<{ statusCode: number }>;
}

/** The endpoint refused or failed a delivery; it will be retried. */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
}

/** A queued message (validated when read back). */
export const SandboxMessageSchema = /* @__PURE__ */ lazily(() =>
  z.union([
    z.object({ kind: z.literal('webhook'), event: SandboxWebhookSchema() }),
    z.object({ kind: z.literal('transfer-arrival'), providerPaymentId: z.string().check(z.minLength(1), z.maxLength(64)) }),
  ]),
);

/** Ports of the worker. */
export interface SandboxWorkerDeps {
  readonly provider: SandboxProvider;
  readonly endpoint: WebhookEndpoint;
  readonly webhookSecret: string;
  readonly clock: Clock;
}

/** Processes one message; throws to have it redelivered. */
export async function processSandboxMessage(deps: SandboxWorkerDeps, message: SandboxMessage): Promise<'delivered' | 'received' | 'ignored'> {
  if (message.kind === 'transfer-arrival') return deps.provider.receiveTransfer(message.providerPaymentId);
  const body = JSON.stringify(message.event);
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  const { statusCode } = await deps.endpoint.deliver(body, {
    'content-type': 'application/json',
    [SANDBOX_SIGNATURE_HEADER]: signatureHeader(deps.webhookSecret, timestamp, body),
  });
  if (statusCode < 200 || statusCode >= 300) throw new WebhookDeliveryError(`webhook ${message.event.type} answered ${statusCode}`);
  return 'delivered';
}
