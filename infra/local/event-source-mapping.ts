/**
 * SQS event source mappings, the way Lambda's SQS pollers run them:
 *
 * - Pollers long-poll the queue. Without a batching window a batch is what one receive returns
 *   (at most 10 messages); with MaximumBatchingWindowInSeconds the poller keeps receiving after
 *   the first message until the batch holds BatchSize messages, the window has passed, or the
 *   event approaches Lambda's 6 MB invocation payload limit.
 * - Up to MaximumConcurrency batches (default 2 here) are processed at the same time.
 * - The function gets an `SQSEvent` shaped exactly as Lambda builds it. When it succeeds the whole
 *   batch is deleted. When it fails (error, timeout, throttle) nothing is deleted: every message
 *   becomes visible again after the queue's visibility timeout.
 * - With ReportBatchItemFailures the response `{ batchItemFailures: [{ itemIdentifier }] }` keeps
 *   only the listed messages; a null/empty list or a null/empty response is complete success, and
 *   an invalid response (not an object, a malformed list, an empty, missing or unknown
 *   itemIdentifier) is complete failure, as Lambda documents.
 * - maxReceiveCount and the move to the dead-letter queue are the queue's job (SqsService).
 */
import { setMaxListeners } from 'node:events';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { ReceivedMessage, SqsService } from './sqs.ts';

/** What `invoke` reports: the function's response, or its error (a timeout or throttle counts as one). */
export type MappingInvokeResult = { status: 'ok'; payload: unknown } | { status: 'error'; errorType: string; errorMessage: string };

/** An AWS::Lambda::EventSourceMapping on an SQS queue, with the properties Lambda honours. */
export interface SqsEventSourceMappingOptions {
  sqs: SqsService;
  queueArn: string;
  functionName: string;
  /** 1–10 without a batching window, up to 10 000 with one. */
  batchSize: number;
  /** 0–300. */
  maximumBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** Concurrent batches, 2–1000; default 2. */
  maximumConcurrency?: number;
  enabled: boolean;
  invoke: (functionName: string, event: unknown) => Promise<MappingInvokeResult>;
}

/** Lambda's limit on a synchronous invocation payload. */
const MAX_EVENT_BYTES = 6 * 1024 * 1024;
/** Most messages one ReceiveMessage returns. */
const RECEIVE_MAX = 10;
/** Upper bound of a record's size beyond its message (ids, receipt handle, attributes, ARN). */
const RECORD_OVERHEAD_BYTES = 2048;
/** How long an idle poller long-polls before polling again. */
const LONG_POLL_SECONDS = 20;
/** Pause after a failed receive (e.g. the queue service is shutting down). */
const RETRY_DELAY_MS = 1000;
const DEFAULT_CONCURRENCY = 2;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

function validate(options: SqsEventSourceMappingOptions): number {
  const { batchSize, maximumBatchingWindowSeconds: window, maximumConcurrency = DEFAULT_CONCURRENCY } = options;
  if (!Number.isInteger(window) || window < 0 || window > 300)
    throw new RangeError(`event source mapping for ${options.functionName}: MaximumBatchingWindowInSeconds must be 0–300, got ${window}`);
  const maxBatch = window > 0 ? 10_000 : RECEIVE_MAX;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maxBatch) {
    throw new RangeError(`event source mapping for ${options.functionName}: BatchSize must be 1–${maxBatch}${window > 0 ? '' : ' without a batching window'}, got ${batchSize}`);
  }
  if (!Number.isInteger(maximumConcurrency) || maximumConcurrency < 2 || maximumConcurrency > 1000) {
    throw new RangeError(`event source mapping for ${options.functionName}: MaximumConcurrency must be 2–1000, got ${maximumConcurrency}`);
  }
  return maximumConcurrency;
}

/** The SQS record Lambda builds for a message. */
function toSqsRecord(message: ReceivedMessage, queueArn: string): SQSRecord {
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.messageAttributes)) {
    messageAttributes[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: value.BinaryValue } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType,
    };
  }
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      ...(message.awsTraceHeader ? { AWSTraceHeader: message.awsTraceHeader } : {}),
      SentTimestamp: String(message.sentTimestamp),
      SenderId: message.senderId,
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
      ...(message.deadLetterQueueSourceArn ? { DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn } : {}),
    },
    messageAttributes,
    md5OfBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] as string,
  };
}

/**
 * The message ids a ReportBatchItemFailures response marks as failed, or undefined when the
 * response is invalid (the whole batch then counts as failed).
 */
function failedItemIds(payload: unknown, batchIds: ReadonlySet<string>): Set<string> | undefined {
  if (payload === null || payload === undefined) return new Set();
  if (typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return undefined;
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return undefined;
    ids.add(id);
  }
  return ids;
}

/**
 * Starts polling `queueArn` for `functionName`. `stop()` stops polling, hands back messages a
 * poller was still gathering (visible again at once) and waits for the batches being processed.
 */
export function startSqsEventSourceMapping(options: SqsEventSourceMappingOptions): { stop(): Promise<void> } {
  const concurrency = validate(options);
  const { sqs, queueArn, functionName, batchSize, maximumBatchingWindowSeconds: window } = options;
  const queue = sqs.queueFor(queueArn);
  if (!queue) throw new Error(`event source mapping for ${functionName}: queue ${queueArn} not found`);
  if (!options.enabled) return { stop: async () => {} };
  const stopping = new AbortController();
  const { signal } = stopping;
  setMaxListeners(0, signal); // each of up to MaximumConcurrency pollers listens to it
  /** How many more messages fit in the event if each is as large as the queue allows. */
  const room = (bytes: number) => Math.floor((MAX_EVENT_BYTES - bytes) / (queue.maximumMessageSize + RECORD_OVERHEAD_BYTES));

  async function gather(): Promise<ReceivedMessage[]> {
    const batch: ReceivedMessage[] = [];
    let bytes = 0;
    let deadline = Infinity;
    while (!signal.aborted) {
      const maxMessages = Math.min(RECEIVE_MAX, batchSize - batch.length, room(bytes));
      const waitTimeSeconds = batch.length === 0 ? LONG_POLL_SECONDS : (deadline - Date.now()) / 1000;
      if (maxMessages <= 0 || waitTimeSeconds <= 0) break;
      const received = await sqs.receive(queueArn, { maxMessages, waitTimeSeconds, signal });
      if (received.length === 0 && batch.length === 0) continue;
      if (batch.length === 0) deadline = Date.now() + window * 1000;
      batch.push(...received);
      bytes += received.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(toSqsRecord(m, queueArn))), 0);
      if (window === 0) break;
    }
    if (signal.aborted && batch.length > 0) {
      await Promise.allSettled(batch.map((m) => sqs.changeVisibility(queueArn, m.receiptHandle, 0)));
      return [];
    }
    return batch;
  }

  async function process(batch: ReceivedMessage[]): Promise<void> {
    const event: SQSEvent = { Records: batch.map((m) => toSqsRecord(m, queueArn)) };
    const result = await options.invoke(functionName, event).catch((error: unknown): MappingInvokeResult => ({ status: 'error', errorType: 'Error', errorMessage: String(error) }));
    if (result.status === 'error') return;
    const failed = options.reportBatchItemFailures ? failedItemIds(result.payload, new Set(batch.map((m) => m.messageId))) : new Set<string>();
    if (!failed) return;
    // One DeleteMessageBatch per ten processed messages, as Lambda's pollers (a queue that vanished: nothing to delete).
    await sqs
      .deleteMessages(
        queueArn,
        batch.filter((m) => !failed.has(m.messageId)).map((m) => m.receiptHandle),
      )
      .catch(() => undefined);
  }

  async function poll(): Promise<void> {
    while (!signal.aborted) {
      let batch: ReceivedMessage[];
      try {
        batch = await gather();
      } catch {
        await sleep(RETRY_DELAY_MS, signal);
        continue;
      }
      if (batch.length > 0) await process(batch);
    }
  }

  const pollers = Array.from({ length: concurrency }, () => poll());
  return {
    async stop() {
      stopping.abort();
      await Promise.all(pollers);
    },
  };
}
