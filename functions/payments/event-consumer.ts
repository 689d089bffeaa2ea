/**
 * The shape of every payments event consumer (EventBridge rule → SQS → Lambda, partial batch
 * responses through Powertools' BatchProcessor, records one after the other):
 *
 * 1. parse the SQS body as an EventBridge event and its `detail` with the event's schema — a
 *    message that is not a valid event fails (retried, then dead-lettered: never dropped silently);
 * 2. skip an event this consumer already processed (a processed-event marker per order, event
 *    name and event id) — but publish anything its first run left in the outbox;
 * 3. run the use case (idempotent itself: a replay under another event id changes nothing either);
 * 4. write the marker.
 *
 * A record that cannot be processed yet (RetryLaterError), a provider outage or a conflict fails
 * alone; SQS redelivers it after the visibility timeout. A record that waits for another event
 * (RetryLaterError, e.g. RiskApproved before OrderPlaced) is made visible again sooner, with
 * backoff — 5 s, 15 s, 45 s, 135 s, 405 s by receive count — instead of the queue's full timeout.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AnyEventDefinition, EventMeta } from '../../events/event-definition.ts';
import { logger, metrics, MetricUnit, tracer } from '../../shared/observability.ts';
import { flushOutbox, RetryLaterError } from './engine.ts';
import type { PaymentsRuntime } from './runtime.ts';

/** A message that is not a valid event of this consumer. Names fields, never values. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/** One parsed event. */
export interface ConsumedEvent {
  readonly name: string;
  readonly detail: Record<string, unknown> & { readonly orderId: string; readonly meta: EventMeta };
}

/** Parses an SQS record into one of `definitions`. */
export function parseEventRecord(record: SQSRecord, definitions: readonly AnyEventDefinition[]): ConsumedEvent {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new InvalidMessageError('body is not JSON');
  }
  const envelope = json as { 'detail-type'?: unknown; detail?: unknown };
  const definition = definitions.find((d) => d.name === envelope?.['detail-type']);
  if (!definition) throw new InvalidMessageError(`unexpected detail-type ${typeof envelope?.['detail-type'] === 'string' ? envelope['detail-type'].slice(0, 64) : '(none)'}`);
  const result = definition.detailSchema.safeParse(envelope.detail);
  if (!result.success) throw new InvalidMessageError(`not a ${definition.name} v${definition.version} event: ${result.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
  return { name: definition.name, detail: result.data as ConsumedEvent['detail'] };
}

let sqs: SQSClient | undefined;
const queueUrls = new Map<string, string>();

/** The backoff of a deferred record by its receive count: 5 × 3^(n−1) seconds, at most 12 hours. */
export function deferSeconds(receiveCount: number): number {
  return Math.min(43_200, 5 * 3 ** Math.max(0, receiveCount - 1));
}

/** Makes a failed record visible again after its backoff (best effort: the queue's timeout applies otherwise). */
async function defer(record: SQSRecord): Promise<void> {
  if (!record.eventSourceARN?.startsWith('arn:') || !record.receiptHandle) return;
  const [, , , , account, queueName] = record.eventSourceARN.split(':');
  if (!queueName) return;
  sqs ??= tracer.captureAWSv3Client(new SQSClient({}));
  let url = queueUrls.get(record.eventSourceARN);
  if (!url) {
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }))).QueueUrl;
    if (!url) return;
    queueUrls.set(record.eventSourceARN, url);
  }
  const seconds = deferSeconds(Number(record.attributes?.ApproximateReceiveCount ?? 1));
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
}

/** Builds an SQS handler for `definitions`, running `process` for each new event. */
export function paymentsConsumer(spec: {
  readonly operation: string;
  readonly definitions: readonly AnyEventDefinition[];
  readonly runtime: PaymentsRuntime;
  /** The use case; returns a short outcome for logs and the marker. */
  readonly process: (event: ConsumedEvent, runtime: PaymentsRuntime) => Promise<string>;
  /** Shorten the redelivery of deferred records (default true; tests without SQS turn it off). */
  readonly deferRetries?: boolean;
}) {
  const { runtime } = spec;
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    let event: ConsumedEvent;
    try {
      event = parseEventRecord(record, spec.definitions);
    } catch (error) {
      logger.error('invalid message', { operation: spec.operation, messageId: record.messageId, error: error instanceof Error ? error.message : 'invalid' });
      throw error;
    }
    const { orderId, meta } = event.detail;
    const log = { operation: spec.operation, event: event.name, orderId, eventId: meta.eventId, correlationId: meta.correlationId, messageId: record.messageId };
    const repo = runtime.repo();
    if (await repo.isProcessed(orderId, event.name, meta.eventId)) {
      await flushOutbox(runtime.engine(), orderId);
      logger.info('duplicate event skipped', log);
      metrics.addMetric('DuplicateEvents', MetricUnit.Count, 1);
      return;
    }
    try {
      const outcome = await spec.process(event, runtime);
      await repo.markProcessed(orderId, event.name, meta.eventId, outcome);
      logger.info('event processed', { ...log, outcome });
      metrics.addMetric('EventsProcessed', MetricUnit.Count, 1);
    } catch (error) {
      if (error instanceof RetryLaterError) {
        logger.info('event deferred', { ...log, why: error.message });
        if ((spec.deferRetries ?? runtime.deferRetries) !== false) await defer(record).catch((e: unknown) => logger.warn('could not shorten the redelivery delay', { ...log, error: e as Error }));
      } else logger.warn('event failed', { ...log, error: error as Error });
      metrics.addMetric(error instanceof RetryLaterError ? 'EventsDeferred' : 'EventsFailed', MetricUnit.Count, 1);
      throw error;
    }
  };

  const base = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context, processInParallel: false, throwOnFullBatchFailure: false });

  return middy(base)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}
