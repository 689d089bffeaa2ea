/**
 * SQS consumer of the sandbox provider's outbound queue (sandbox stages only): delivers its signed
 * webhooks to the `POST /webhooks/payments` function (Lambda Invoke with the proxy event API
 * Gateway would send — see ../provider/sandbox/sandbox-worker.ts for why) and fires its bank
 * transfer timers. A failed delivery is retried by the queue, then dead-lettered.
 * Webhooks are signed with the sandbox's secret of this stage (Secrets Manager
 * `SANDBOX_WEBHOOK_SECRET_ID` when deployed; the built-in one only in the local cloud and tests).
 * Env: `PAYMENT_PROVIDER_SANDBOX_TABLE_NAME`, `SANDBOX_PROVIDER_QUEUE_URL`, `SANDBOX_WEBHOOK_SECRET_ID`,
 * `PAYMENT_WEBHOOK_FUNCTION_NAME`.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSRecord } from 'aws-lambda';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { ConfigError } from '../../../shared/config.ts';
import { sqsConsumer } from '../../../shared/event-consumer.ts';
import { logger, metrics, MetricUnit, tracer } from '../../../shared/observability.ts';
import { providerFromEnv, sandboxWebhookSecret, type ProviderWiring } from '../provider/from-env.ts';
import { processSandboxMessage, SandboxMessageSchema, WebhookDeliveryError, type WebhookEndpoint } from '../provider/sandbox/sandbox-worker.ts';
import { paymentsSettings } from '../settings.ts';

let lambda: LambdaClient | undefined;

/** The webhook function, invoked with the proxy event API Gateway sends for `POST /webhooks/payments`. */
export function lambdaWebhookEndpoint(functionName: string, client?: LambdaClient): WebhookEndpoint {
  const sender = () => client ?? (lambda ??= tracer.captureAWSv3Client(new LambdaClient({})));
  return {
    async deliver(body, headers) {
      const requestId = crypto.randomUUID();
      const event = {
        resource: '/webhooks/payments',
        path: '/webhooks/payments',
        httpMethod: 'POST',
        headers,
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: null,
        stageVariables: null,
        isBase64Encoded: false,
        body,
        requestContext: {
          httpMethod: 'POST',
          path: '/webhooks/payments',
          resourcePath: '/webhooks/payments',
          requestId,
          stage: 'sandbox',
          identity: { sourceIp: '127.0.0.1', userAgent: 'payment-sandbox' },
          requestTimeEpoch: Date.now(),
        },
      };
      const output = await sender().send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }));
      if (output.FunctionError) throw new WebhookDeliveryError(`webhook function failed (${output.FunctionError})`);
      const payload = JSON.parse(Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8') || '{}') as { statusCode?: number };
      return { statusCode: Number(payload.statusCode ?? 502) };
    },
  };
}

/** Ports of the worker. */
export interface RunPaymentSandboxPorts {
  readonly wiring?: () => Promise<ProviderWiring>;
  readonly endpoint?: () => WebhookEndpoint;
  readonly clock?: Clock;
  /** The sandbox's webhook signing secret (default: {@link sandboxWebhookSecret}). */
  readonly webhookSecret?: () => Promise<string>;
}

/** Builds the handler with the given ports. */
export function makeRunPaymentSandboxHandler(ports: RunPaymentSandboxPorts = {}) {
  let endpoint: WebhookEndpoint | undefined;
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const message = SandboxMessageSchema().parse(JSON.parse(record.body));
    const { sandbox } = await (ports.wiring ?? providerFromEnv)();
    if (!sandbox) throw new ConfigError('the sandbox worker runs only with PAYMENT_PROVIDER=sandbox');
    const settings = paymentsSettings();
    endpoint ??=
      ports.endpoint?.() ??
      lambdaWebhookEndpoint(
        settings.sandbox.webhookFunctionName ??
          (() => {
            throw new ConfigError('PAYMENT_WEBHOOK_FUNCTION_NAME is not set');
          })(),
      );
    const webhookSecret = message.kind === 'webhook' ? await (ports.webhookSecret ?? (() => sandboxWebhookSecret(settings)))() : '';
    const outcome = await processSandboxMessage({ provider: sandbox, endpoint, webhookSecret, clock: ports.clock ?? systemClock }, message);
    logger.info('sandbox message processed', {
      messageId: record.messageId,
      kind: message.kind,
      outcome,
      ...(message.kind === 'webhook' ? { type: message.event.type, eventId: message.event.id } : {}),
    });
    metrics.addMetric(message.kind === 'webhook' ? 'SandboxWebhooksDelivered' : 'SandboxTransfersReceived', MetricUnit.Count, 1);
  };
  return sqsConsumer(recordHandler, { sequential: true });
}

/** The Lambda handler. */
export const handler = makeRunPaymentSandboxHandler();
