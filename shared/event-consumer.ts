/**
 * The SQS consumers' common shape. {@link eventConsumer} (EventBridge rule → SQS queue + DLQ →
 * Lambda): each message body is an EventBridge event; it is parsed against the event contracts
 * (events/) the consumer accepts — envelope, `source` + `detail-type`, and `detail` with the
 * event's schema — and then handed to the capability's handler. {@link sqsConsumer} is the same
 * batch plumbing for any other SQS message (e.g. sandbox workers' queues).
 *
 * Powertools' BatchProcessor reports failed records (`ReportBatchItemFailures`), so only they are
 * retried and, after `maxReceiveCount`, land in the queue's DLQ. A message that is no valid event
 * fails too ({@link InvalidMessageError}: to the DLQ, never dropped silently). Every failed event
 * record is logged once, here, with its message id and (once parsed) event name, event id and
 * correlation id; error messages name fields, never values; logs never carry payloads.
 *
 * A batch's records are handled concurrently, one after the other on request (`sequential`), or
 * concurrently across keys and in the batch's order within one (`inOrderOf`, e.g. one order's
 * notifications).
 *
 * Optionally, a record that must wait for another event (the consumer's "retry later" error type,
 * e.g. payments' RiskApproved before OrderPlaced) is made visible again sooner than the queue's
 * visibility timeout: {@link backoffRedelivery} changes its visibility to 5 s, 15 s, 45 s, 135 s,
 * 405 s … by receive count ({@link deferSeconds}), best effort.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from './zod.ts';
import { lazily } from './lazily.ts';
import type { AnyEventDefinition, EventDetail } from '../events/event-definition.ts';
import { logger, metrics, MetricUnit, observedHandler, tracer } from './observability.ts';

/** A message that is not a valid event of an accepted type. Names fields, never values. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/** A parsed message: which event and its detail (a union narrowed by `name` over `D`). */
export type ConsumedEvent<D extends AnyEventDefinition = AnyEventDefinition> = D extends AnyEventDefinition ? { readonly name: D['name']; readonly detail: EventDetail<D> } : never;

const paths = (issues: readonly z.core.$ZodIssue[]) => issues.map((i) => i.path.join('.') || '(root)').join(', ');

/**
 * An EventBridge event as a target receives it (the fields Powertools' parser checks). Ours, not
 * `@aws-lambda-powertools/parser/schemas/eventbridge`: that module imports zod's `z` namespace
 * whole, which puts every zod locale (~370 KB) in each consumer's bundle.
 */
const EventBridgeSchema = /* @__PURE__ */ lazily(() =>
  z.object({
    version: z.string(),
    id: z.string(),
    source: z.string(),
    account: z.string(),
    time: z.iso.datetime(),
    region: z.string(),
    resources: z.array(z.string()),
    'detail-type': z.string(),
    detail: z.unknown(),
    'replay-name': z.optional(z.string()),
  }),
);

/** Parses an SQS record's body as an EventBridge event of one of `definitions`. */
export function parseEventMessage<D extends AnyEventDefinition>(record: Pick<SQSRecord, 'body'>, definitions: readonly D[]): ConsumedEvent<D> {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new InvalidMessageError('body is not JSON');
  }
  const envelope = EventBridgeSchema().safeParse(json);
  if (!envelope.success) throw new InvalidMessageError(`not an EventBridge event: ${paths(envelope.error.issues)}`);
  const { 'detail-type': detailType, source } = envelope.data;
  const definition = definitions.find((d) => d.name === detailType && d.source === source);
  if (!definition) throw new InvalidMessageError(`unexpected event ${detailType.slice(0, 64)} from ${source.slice(0, 64)}`);
  const detail = (definition.detailSchema as z.ZodMiniType).safeParse(envelope.data.detail);
  if (!detail.success) throw new InvalidMessageError(`not a valid ${definition.name} v${definition.version} event: ${paths(detail.error.issues)}`);
  return { name: definition.name, detail: detail.data } as ConsumedEvent<D>;
}

/** The redelivery delay of a deferred record by its receive count: 5 × 3^(n−1) seconds, at most 12 hours. */
export function deferSeconds(receiveCount: number): number {
  return Math.min(43_200, 5 * 3 ** Math.max(0, receiveCount - 1));
}

/** Shortens the wait before a failed record is delivered again. */
export type Redelivery = (record: SQSRecord) => Promise<void>;

/**
 * A {@link Redelivery} that makes the record visible again after {@link deferSeconds} of its
 * receive count (ChangeMessageVisibility; the queue URL from its ARN, cached). Records without a
 * queue ARN or receipt handle are left to the queue's visibility timeout.
 */
export function backoffRedelivery(client?: Pick<SQSClient, 'send'>): Redelivery {
  let sqs = client;
  const queueUrls = new Map<string, string>();
  return async (record) => {
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
  };
}

/** Options of {@link sqsConsumer}. */
export interface SqsConsumerOptions {
  /** Process the batch's records one after the other (default: in parallel). */
  readonly sequential?: boolean;
  /** A Count metric of each batch's failed records, added when non-zero. */
  readonly failureMetric?: string;
}

/**
 * Builds an SQS Lambda handler (with the house observability middlewares) that runs
 * `recordHandler` on each record and reports the records it failed as partial batch failures
 * (Powertools' BatchProcessor; never a whole-batch failure). For any SQS message; EventBridge
 * events want {@link eventConsumer}.
 */
export function sqsConsumer(recordHandler: (record: SQSRecord, context: Context) => Promise<void>, options: SqsConsumerOptions = {}) {
  return observedHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const response = await processPartialResponse(event, (record: SQSRecord) => recordHandler(record, context), new BatchProcessor(EventType.SQS), {
      context,
      processInParallel: !options.sequential,
      throwOnFullBatchFailure: false,
    });
    if (options.failureMetric && response.batchItemFailures.length > 0) metrics.addMetric(options.failureMetric, MetricUnit.Count, response.batchItemFailures.length);
    return response;
  });
}

/** Options of {@link eventConsumer}. */
export interface EventConsumerOptions<D extends AnyEventDefinition = AnyEventDefinition> extends SqsConsumerOptions {
  /**
   * Records whose handler throws `error` wait for something else: they fail (logged at info as
   * deferred, not as an error) and `redeliver`, if given, shortens their wait (best effort).
   */
  readonly retryLater?: {
    readonly error: abstract new (...args: never[]) => Error;
    readonly redeliver?: Redelivery;
  };
  /** Extra log keys of a parsed event for the failure lines (ids only, never personal data). */
  readonly logKeys?: (event: ConsumedEvent<D>) => Record<string, unknown>;
  /**
   * Records whose events have the same key (e.g. their order) are handled one after the other, in
   * the batch's order, each once the one before it has succeeded or failed; records of different
   * keys, and records whose key is undefined, concurrently. Ignored when `sequential`.
   */
  readonly inOrderOf?: (event: ConsumedEvent<D>) => string | undefined;
}

/**
 * Runs each task once every task queued before it under the same key has settled (succeeded or
 * failed): one key's tasks in the order they were queued, other keys' concurrently. A key is
 * forgotten once its last task settles.
 */
export function keyedQueue(): <T>(key: string | undefined, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    if (key === undefined) return task();
    const previous = tails.get(key);
    const run = previous ? previous.then(task, task) : task();
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

/**
 * Builds the schemas a consumer of `definitions` parses its records with (the EventBridge envelope,
 * each event's detail): when the consumer is built, in the container's init phase, rather than on
 * its first message — the first message would build them anyway (≈ 7 ms for `OrderPlaced` in a
 * fresh process), and init is the phase that provisioned concurrency runs ahead of any request.
 * Schemas are otherwise built on first use (shared/lazily.ts), so a module that only declares
 * events builds nothing. zod still compiles a schema's parser on its first parse (≈ 1–2 ms), on
 * the first message of each type.
 */
function buildSchemas(definitions: readonly AnyEventDefinition[]): void {
  EventBridgeSchema();
  for (const definition of definitions) void definition.detailSchema;
}

/** Parses a record (see {@link parseEventMessage}); an invalid one is logged once, by message id, and the error rethrown. */
function parseLogged<D extends AnyEventDefinition>(record: SQSRecord, definitions: readonly D[]): ConsumedEvent<D> {
  try {
    return parseEventMessage(record, definitions);
  } catch (error) {
    logger.error('invalid message', { messageId: record.messageId, error: error instanceof InvalidMessageError ? error.message : (error as Error) });
    throw error;
  }
}

/** The log keys of a failed record: its message, event and correlation ids (never its payload). */
function failureKeys<D extends AnyEventDefinition>(record: SQSRecord, event: ConsumedEvent<D>, logKeys?: (event: ConsumedEvent<D>) => Record<string, unknown>) {
  const { meta } = event.detail as { meta: { eventId: string; correlationId: string } };
  return { messageId: record.messageId, event: event.name, eventId: meta.eventId, correlationId: meta.correlationId, ...logKeys?.(event) };
}

/**
 * Builds an SQS Lambda handler ({@link sqsConsumer}) that parses each record as one of
 * `definitions` and runs `handle` on it; a record that is no valid event, or whose handler throws,
 * fails alone and is logged once.
 */
export function eventConsumer<D extends AnyEventDefinition>(
  definitions: readonly D[],
  handle: (event: ConsumedEvent<D>, record: SQSRecord, context: Context) => Promise<void>,
  options: EventConsumerOptions<D> = {},
) {
  buildSchemas(definitions);
  const { retryLater, inOrderOf } = options;
  const queue = inOrderOf && !options.sequential ? keyedQueue() : undefined;
  return sqsConsumer(async (record, context) => {
    const event = parseLogged(record, definitions);
    try {
      await (queue ? queue(inOrderOf?.(event), () => handle(event, record, context)) : handle(event, record, context));
    } catch (error) {
      const keys = failureKeys(record, event, options.logKeys);
      if (retryLater && error instanceof retryLater.error) {
        logger.info('record deferred', { ...keys, why: error.message });
        if (retryLater.redeliver) await retryLater.redeliver(record).catch((e: unknown) => logger.warn('could not shorten the redelivery delay', { ...keys, error: e as Error }));
      } else {
        logger.error('record failed', { ...keys, error: error as Error });
      }
      throw error;
    }
  }, options);
}

/** A valid record of a batch and its event. */
export interface ConsumedRecord<D extends AnyEventDefinition = AnyEventDefinition> {
  readonly record: SQSRecord;
  readonly event: ConsumedEvent<D>;
}

/**
 * Builds an SQS Lambda handler that parses every record of the batch as one of `definitions` and
 * hands the valid ones to `handleBatch` together: for a consumer that does a batch's work in fewer
 * writes than one per event (analytics commits a batch in one transaction). `handleBatch` answers,
 * for each record it was given and in the same order, undefined (done) or the error that record
 * failed with. Failed records and records that are no valid event are reported as partial batch
 * failures — retried alone, then the DLQ — and logged once each, as {@link eventConsumer} logs
 * them; if `handleBatch` throws, or answers for another number of records, every record fails.
 */
export function eventBatchConsumer<D extends AnyEventDefinition>(
  definitions: readonly D[],
  handleBatch: (records: ReadonlyArray<ConsumedRecord<D>>, context: Context) => Promise<ReadonlyArray<Error | undefined>>,
  options: Pick<EventConsumerOptions<D>, 'failureMetric' | 'logKeys'> = {},
) {
  buildSchemas(definitions);
  return observedHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const failed: string[] = [];
    const valid: Array<ConsumedRecord<D>> = [];
    for (const record of event.Records) {
      try {
        valid.push({ record, event: parseLogged(record, definitions) });
      } catch {
        failed.push(record.messageId);
      }
    }
    if (valid.length > 0) {
      let results: ReadonlyArray<Error | undefined>;
      try {
        results = await handleBatch(valid, context);
        if (results.length !== valid.length) throw new Error(`the batch handler answered for ${results.length} of ${valid.length} records`);
      } catch (error) {
        results = valid.map(() => (error instanceof Error ? error : new Error(String(error))));
      }
      valid.forEach(({ record, event: consumed }, i) => {
        const error = results[i];
        if (!error) return;
        logger.error('record failed', { ...failureKeys(record, consumed, options.logKeys), error });
        failed.push(record.messageId);
      });
    }
    if (options.failureMetric && failed.length > 0) metrics.addMetric(options.failureMetric, MetricUnit.Count, failed.length);
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}
