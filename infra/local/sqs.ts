/**
 * Amazon SQS, locally: the standard queues of the template, spoken to over the AWS JSON protocol
 * (what `@aws-sdk/client-sqs` v3 uses) and programmatically by the rest of the local cloud
 * (EventBridge targets, event source mappings, asynchronous invocations).
 *
 * Semantics follow the SQS API reference:
 * - A received message is invisible for the visibility timeout (queue default, ReceiveMessage
 *   override or ChangeMessageVisibility) and then visible again with its receive count increased
 *   on the next receive. DelaySeconds (queue default or per message) keeps a new message hidden.
 *   Messages older than the retention period are dropped; retention counts from the original
 *   SentTimestamp, also after a move to a dead-letter queue (as AWS documents for standard queues).
 * - Long polling (WaitTimeSeconds) answers as soon as one message is available.
 * - redrivePolicy: a visible message that has already been received maxReceiveCount times is moved
 *   to the dead-letter queue by the next receive attempt instead of being returned. It keeps its
 *   MessageId, SentTimestamp and receive count, and gains the DeadLetterQueueSourceArn attribute.
 * - StartMessageMoveTask moves the visible messages of a dead-letter queue to DestinationArn, or
 *   back to the queue each message came from, as new messages (new MessageId, receive count 0),
 *   asynchronously, at MaxNumberOfMessagesPerSecond when given. A message whose source is unknown
 *   stays and the task ends FAILED with the reason CouldNotDetermineMessageSource.
 * - Receipt handles change on every receive. DeleteMessage with a handle of this queue that is no
 *   longer the latest (the message was received again) or whose message is already gone succeeds
 *   without deleting anything — SQS documents exactly that for stale handles. A handle that is
 *   malformed or belongs to another queue is ReceiptHandleIsInvalid. ChangeMessageVisibility with a
 *   stale handle is InvalidParameterValue ("The receipt handle has expired"), and on a message whose
 *   visibility timeout has already run out it is MessageNotInflight.
 * - Errors carry `__type: com.amazonaws.sqs#<Shape>` and the `x-amzn-query-error` header with the
 *   legacy code, as SQS sends them, so the SDK raises its modelled exception classes.
 *
 * Durability: with a data directory every accepted change (send, receive, visibility change,
 * delete, purge, move) is appended to the queue's journal (`<queue>.jsonl`, JSON lines) and
 * fdatasync'ed before the caller is answered; concurrent changes share one write and one sync.
 * On start the journals are replayed (in-flight messages stay invisible until their visibility
 * timeout, deleted ones stay deleted, a torn last line is ignored) and rewritten compactly; they
 * are compacted again when they grow large and on close. A move between queues is written to the
 * destination first, so a crash in between duplicates a message rather than losing it.
 * Without a data directory everything stays in memory.
 *
 * Not emulated: FIFO queues (the template reader rejects them), queue management (CreateQueue,
 * SetQueueAttributes, …), permissions, tags, CancelMessageMoveTask.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AwsServiceError, LOCAL_ACCOUNT, type AwsJsonService } from './aws-protocol.ts';

/** A queue of the template (or an internal one), as the local cloud runs it. */
export interface QueueDefinition {
  logicalId: string;
  name: string;
  arn: string;
  url: string;
  visibilityTimeoutSeconds: number;
  delaySeconds: number;
  messageRetentionSeconds: number;
  receiveMessageWaitTimeSeconds: number;
  maximumMessageSize: number;
  redrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
  /** The local cloud's own queue (asynchronous Lambda invocations): not an SQS request on AWS, so not metered. */
  internal?: boolean;
}

/** A message attribute in the SDK's shape; BinaryValue is base64. */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** Message attributes by name (at most 10), as SendMessage takes and ReceiveMessage returns them. */
export type MessageAttributes = Record<string, MessageAttributeValue>;

/** A message handed to a consumer by `receive()`. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  receiveCount: number;
  sentTimestamp: number;
  firstReceiveTimestamp: number;
  messageAttributes: MessageAttributes;
  md5OfBody: string;
  /** Present when the message has message attributes. */
  md5OfMessageAttributes?: string;
  senderId: string;
  awsTraceHeader?: string;
  /** Set on messages a redrive policy moved to a dead-letter queue. */
  deadLetterQueueSourceArn?: string;
}

/** Message counts of a queue, as ApproximateNumberOfMessages{,NotVisible,Delayed} report them. */
export interface QueueStats {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** Options of the programmatic `receive()`, mirroring ReceiveMessage. */
export interface ReceiveOptions {
  maxMessages: number;
  /** Long polling: how long to wait for a first message; fractions allowed. */
  waitTimeSeconds: number;
  /** Defaults to the queue's visibility timeout. */
  visibilityTimeoutSeconds?: number;
  /** Ends a long poll early with no messages. */
  signal?: AbortSignal;
}

/** The state of one message, in memory and in the journal. */
interface StoredMessage {
  id: string;
  body: string;
  md5OfBody: string;
  attributes: MessageAttributes;
  md5OfAttributes?: string;
  traceHeader?: string;
  md5OfSystemAttributes?: string;
  senderId: string;
  sentAt: number;
  /** Not receivable before this time (delay or visibility timeout). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receivedAt?: number;
  /** The latest receipt handle; set while the message has been received from this queue. */
  receiptHandle?: string;
  deadLetterSourceArn?: string;
}

type JournalRecord =
  | { t: 'put'; m: StoredMessage }
  | { t: 'recv'; id: string; h: string; v: number; c: number; f: number; r: number }
  | { t: 'vis'; id: string; v: number }
  | { t: 'del'; id: string }
  | { t: 'purge' };

interface MoveTask {
  handle: string;
  sourceArn: string;
  destinationArn?: string;
  rate?: number;
  startedAt: number;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  moved: number;
  toMove: number;
  failureReason?: string;
  done: Promise<void>;
}

type Input = Record<string, unknown>;

const MAX_BATCH_ENTRIES = 10;
const MAX_VISIBILITY_SECONDS = 43_200;
const MAX_DELAY_SECONDS = 900;
const MAX_WAIT_SECONDS = 20;
const MAX_MESSAGE_ATTRIBUTES = 10;
const PURGE_INTERVAL_MS = 60_000;
/** A journal is rewritten once it holds this many records and four times the live messages. */
const COMPACT_MIN_RECORDS = 10_000;
const MOVE_CHUNK = 100;

// ---------------------------------------------------------------------------------------------
// Errors, as SQS reports them (shape name in __type, legacy code in x-amzn-query-error)
// ---------------------------------------------------------------------------------------------

const errors = {
  queueDoesNotExist: () => new AwsServiceError('QueueDoesNotExist', 'The specified queue does not exist.', 400, 'AWS.SimpleQueueService.NonExistentQueue'),
  invalidParameter: (message: string) => new AwsServiceError('InvalidParameterValue', message, 400, 'InvalidParameterValue'),
  outOfRange: (name: string, value: unknown, min: number, max: number) =>
    errors.invalidParameter(`Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}, if provided.`),
  missingParameter: (name: string) => new AwsServiceError('MissingParameter', `The request must contain the parameter ${name}.`, 400, 'MissingParameter'),
  invalidAttributeName: (name: string) => new AwsServiceError('InvalidAttributeName', `Unknown Attribute ${name}.`, 400, 'InvalidAttributeName'),
  invalidMessageContents: (char: number) =>
    new AwsServiceError(
      'InvalidMessageContents',
      `Invalid binary character '#x${char.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
      400,
      'InvalidMessageContents',
    ),
  receiptHandleInvalid: (handle: string) =>
    new AwsServiceError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 404, 'ReceiptHandleIsInvalid'),
  receiptHandleExpired: (handle: string) => errors.invalidParameter(`Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`),
  messageNotInflight: () => new AwsServiceError('MessageNotInflight', 'The message referred to is not in flight.', 400, 'AWS.SimpleQueueService.MessageNotInflight'),
  resourceNotFound: (parameter: string) =>
    new AwsServiceError('ResourceNotFoundException', `The resource that you specified for the ${parameter} parameter doesn't exist.`, 404, 'ResourceNotFoundException'),
};

// ---------------------------------------------------------------------------------------------
// Input parsing
// ---------------------------------------------------------------------------------------------

function requiredString(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw errors.missingParameter(name);
  return value;
}

function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw errors.invalidParameter(`Value for parameter ${name} is invalid. Reason: Must be a string.`);
  return value;
}

function optionalInteger(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw errors.outOfRange(name, value, min, max);
  return value;
}

function stringList(input: Input, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw errors.invalidParameter(`Value for parameter ${name} is invalid. Reason: Must be a list of strings.`);
  return value as string[];
}

function isObject(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The batch entries of a *Batch request, with the request-level checks SQS makes. */
function batchEntries(input: Input, entryType: string): Input[] {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new AwsServiceError('EmptyBatchRequest', `There should be at least one ${entryType} in the request.`, 400, 'AWS.SimpleQueueService.EmptyBatchRequest');
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new AwsServiceError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
      400,
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    );
  }
  const ids = new Set<string>();
  for (const entry of entries) {
    const id = isObject(entry) ? entry.Id : undefined;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new AwsServiceError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        400,
        'AWS.SimpleQueueService.InvalidBatchEntryId',
      );
    }
    if (ids.has(id)) throw new AwsServiceError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`, 400, 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct');
    ids.add(id);
  }
  return entries as Input[];
}

/** Runs each entry of a batch; an AwsServiceError becomes that entry's failure, as SQS reports it. */
async function perEntry(entries: Input[], run: (entry: Input) => Promise<Input>): Promise<{ Successful: Input[]; Failed: Input[] }> {
  const outcomes = await Promise.all(
    entries.map(async (entry) => {
      try {
        return { ok: true as const, value: { Id: entry.Id, ...(await run(entry)) } };
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        return { ok: false as const, value: { Id: entry.Id, SenderFault: error.statusCode < 500, Code: error.queryErrorCode ?? error.code, Message: error.message } };
      }
    }),
  );
  return { Successful: outcomes.filter((o) => o.ok).map((o) => o.value), Failed: outcomes.filter((o) => !o.ok).map((o) => o.value) };
}

// ---------------------------------------------------------------------------------------------
// Message validation and digests
// ---------------------------------------------------------------------------------------------

const md5 = (data: string): string => crypto.createHash('md5').update(data, 'utf8').digest('hex');

/**
 * MD5OfMessageAttributes as SQS computes it: for each attribute in name order, the UTF-8 name,
 * the data type (each preceded by its 4-byte big-endian length), a transport byte (1 string,
 * 2 binary) and the length-prefixed value bytes.
 */
function md5OfMessageAttributes(attributes: MessageAttributes): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = crypto.createHash('md5');
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of names) {
    const value = attributes[name] as MessageAttributeValue;
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(value.DataType, 'utf8'));
    if (value.BinaryValue !== undefined) {
      hash.update(Uint8Array.of(2));
      field(Buffer.from(value.BinaryValue, 'base64'));
    } else {
      hash.update(Uint8Array.of(1));
      field(Buffer.from(value.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

/** First character outside the set SQS accepts in bodies and string attribute values. */
function invalidCharacter(text: string): number | undefined {
  const match = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(text);
  return match ? (match[0].codePointAt(0) as number) : undefined;
}

function attributeSize(attributes: unknown): number {
  if (!isObject(attributes)) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(attributes)) {
    const v = isObject(value) ? value : {};
    size += Buffer.byteLength(name) + Buffer.byteLength(String(v.DataType ?? ''));
    if (typeof v.StringValue === 'string') size += Buffer.byteLength(v.StringValue);
    if (typeof v.BinaryValue === 'string') size += Buffer.from(v.BinaryValue, 'base64').length;
  }
  return size;
}

function validateAttributes(input: unknown, kind: 'message' | 'system'): MessageAttributes {
  if (input === undefined || input === null) return {};
  if (!isObject(input)) throw errors.invalidParameter(`The ${kind} attributes must be a map of names to values.`);
  const names = Object.keys(input);
  if (names.length > MAX_MESSAGE_ATTRIBUTES)
    throw errors.invalidParameter(`Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`);
  const attributes: MessageAttributes = {};
  for (const name of names) {
    if (kind === 'system' && name !== 'AWSTraceHeader') throw errors.invalidParameter(`Message system attribute name '${name}' is invalid.`);
    if (kind === 'message' && (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || /^(aws\.|amazon\.)/i.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..'))) {
      throw errors.invalidParameter(`Message (user) attribute name '${name}' is invalid.`);
    }
    const value = input[name];
    const dataType = isObject(value) ? value.DataType : undefined;
    if (typeof dataType !== 'string' || !/^(String|Number|Binary)(\..{1,250})?$/.test(dataType) || (kind === 'system' && dataType !== 'String')) {
      throw errors.invalidParameter(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    const v = value as Input;
    if (dataType.startsWith('Binary')) {
      if (typeof v.BinaryValue !== 'string' || v.BinaryValue === '') throw errors.invalidParameter(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      attributes[name] = { DataType: dataType, BinaryValue: v.BinaryValue };
      continue;
    }
    if (typeof v.StringValue !== 'string' || v.StringValue === '')
      throw errors.invalidParameter(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`);
    if (dataType.startsWith('Number') && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v.StringValue)) {
      throw errors.invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
    }
    const bad = invalidCharacter(v.StringValue);
    if (bad !== undefined) throw errors.invalidParameter(`Invalid binary character '#x${bad.toString(16).toUpperCase()}' was found in the value of message attribute '${name}'.`);
    attributes[name] = { DataType: dataType, StringValue: v.StringValue };
  }
  return attributes;
}

interface NewMessage {
  body: string;
  attributes: MessageAttributes;
  traceHeader?: string;
  delaySeconds?: number;
}

/** The checks SendMessage makes on one message, for a queue. */
function validateMessage(queue: QueueDefinition, input: Input): NewMessage {
  const body = requiredString(input, 'MessageBody');
  const bad = invalidCharacter(body);
  if (bad !== undefined) throw errors.invalidMessageContents(bad);
  const delaySeconds = optionalInteger(input, 'DelaySeconds', 0, MAX_DELAY_SECONDS);
  if (input.MessageDeduplicationId !== undefined) throw errors.invalidParameter('The request include parameter that is not valid for this queue type');
  const attributes = validateAttributes(input.MessageAttributes, 'message');
  const system = validateAttributes(input.MessageSystemAttributes, 'system');
  const size = Buffer.byteLength(body) + attributeSize(attributes);
  if (size > queue.maximumMessageSize) throw errors.invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${queue.maximumMessageSize} bytes.`);
  return { body, attributes, traceHeader: system.AWSTraceHeader?.StringValue, delaySeconds };
}

// ---------------------------------------------------------------------------------------------
// Journal: append-only JSON lines, group-committed with fdatasync, rewritten to compact
// ---------------------------------------------------------------------------------------------

class Journal {
  private fd: number;
  private pending: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private scheduled?: NodeJS.Immediate;
  private closed = false;
  /** Records in the file since it was last rewritten. */
  records = 0;

  constructor(
    private readonly file: string,
    private readonly afterFlush: () => void,
  ) {
    this.fd = fs.openSync(file, 'a');
  }

  /** The records of a journal file; a torn last line (a write cut short by a crash) is ignored. */
  static read(file: string): JournalRecord[] {
    if (!fs.existsSync(file)) return [];
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const records: JournalRecord[] = [];
    for (const [index, line] of lines.entries()) {
      if (line === '') continue;
      try {
        records.push(JSON.parse(line) as JournalRecord);
      } catch (error) {
        if (index === lines.length - 1) break;
        throw new Error(`SQS journal ${file} is corrupt at line ${index + 1}: ${(error as Error).message}`);
      }
    }
    return records;
  }

  /** Resolves once the record is on disk. */
  append(record: JournalRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`SQS journal ${this.file} is closed`));
    this.pending.push(JSON.stringify(record));
    this.scheduled ??= setImmediate(() => {
      this.flush();
      this.afterFlush();
    });
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Writes and syncs everything appended so far. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    try {
      writeFully(this.fd, `${lines.join('\n')}\n`);
      fs.fdatasyncSync(this.fd);
      this.records += lines.length;
    } catch (error) {
      for (const w of waiters) w.reject(error as Error);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  /** Replaces the file with `records` (atomically: temporary file, fsync, rename). */
  rewrite(records: JournalRecord[]): void {
    this.flush();
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      for (let i = 0; i < records.length; i += 1000) {
        writeFully(
          fd,
          records
            .slice(i, i + 1000)
            .map((r) => `${JSON.stringify(r)}\n`)
            .join(''),
        );
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    syncDirectory(path.dirname(this.file));
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'a');
    this.records = records.length;
  }

  close(): void {
    this.flush();
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

function writeFully(fd: number, text: string): void {
  const buffer = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < buffer.length;) offset += fs.writeSync(fd, buffer, offset);
}

/** Makes a rename durable; directories cannot be opened for syncing on Windows. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Queues
// ---------------------------------------------------------------------------------------------

class Queue {
  /** Insertion order approximates SQS's best-effort ordering; received messages move to the back. */
  readonly messages = new Map<string, StoredMessage>();
  private readonly waiters = new Set<() => void>();
  lastPurgeAt = -Infinity;
  journal?: Journal;

  constructor(readonly def: QueueDefinition) {}

  expired(message: StoredMessage, now: number): boolean {
    return now >= message.sentAt + this.def.messageRetentionSeconds * 1000;
  }

  /** Live messages as journal records (for compaction). */
  snapshot(now: number): JournalRecord[] {
    return [...this.messages.values()].filter((m) => !this.expired(m, now)).map((m) => ({ t: 'put', m }));
  }

  apply(record: JournalRecord): void {
    switch (record.t) {
      case 'put':
        this.messages.set(record.m.id, record.m);
        break;
      case 'recv': {
        const m = this.messages.get(record.id);
        if (m) Object.assign(m, { receiptHandle: record.h, visibleAt: record.v, receiveCount: record.c, firstReceivedAt: record.f, receivedAt: record.r });
        break;
      }
      case 'vis': {
        const m = this.messages.get(record.id);
        if (m) m.visibleAt = record.v;
        break;
      }
      case 'del':
        this.messages.delete(record.id);
        break;
      case 'purge':
        this.messages.clear();
        break;
    }
  }

  stats(now: number): QueueStats {
    const stats: QueueStats = { visible: 0, inFlight: 0, delayed: 0 };
    for (const m of this.messages.values()) {
      if (this.expired(m, now)) this.messages.delete(m.id);
      else if (m.visibleAt <= now) stats.visible++;
      else if (m.receiptHandle) stats.inFlight++;
      else stats.delayed++;
    }
    return stats;
  }

  /** When the next hidden message becomes visible (Infinity if none is hidden). */
  nextVisibleAt(now: number): number {
    let next = Infinity;
    for (const m of this.messages.values()) if (m.visibleAt > now && m.visibleAt < next) next = m.visibleAt;
    return next;
  }

  /** Resolves after `ms`, when the queue changes (send, visibility change, close) or on abort. */
  waitForChange(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.waiters.add(done);
      signal?.addEventListener('abort', done);
    });
  }

  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

function newReceiptHandle(queue: QueueDefinition, messageId: string): string {
  return Buffer.from(`${queue.name}/${messageId}/${crypto.randomBytes(12).toString('hex')}`, 'utf8').toString('base64');
}

/** The message id a receipt handle of this queue refers to. */
function messageIdOf(queue: QueueDefinition, handle: string): string {
  const parts = Buffer.from(handle, 'base64').toString('utf8').split('/');
  if (parts.length !== 3 || parts[0] !== queue.name || !parts[1]) throw errors.receiptHandleInvalid(handle);
  return parts[1];
}

function toReceived(m: StoredMessage): ReceivedMessage {
  return {
    messageId: m.id,
    receiptHandle: m.receiptHandle as string,
    body: m.body,
    receiveCount: m.receiveCount,
    sentTimestamp: m.sentAt,
    firstReceiveTimestamp: m.firstReceivedAt as number,
    messageAttributes: m.attributes,
    md5OfBody: m.md5OfBody,
    ...(m.md5OfAttributes ? { md5OfMessageAttributes: m.md5OfAttributes } : {}),
    senderId: m.senderId,
    ...(m.traceHeader ? { awsTraceHeader: m.traceHeader } : {}),
    ...(m.deadLetterSourceArn ? { deadLetterQueueSourceArn: m.deadLetterSourceArn } : {}),
  };
}

const MESSAGE_SYSTEM_ATTRIBUTES = new Set([
  'All',
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
]);

const QUEUE_ATTRIBUTES = new Set([
  'All',
  'Policy',
  'VisibilityTimeout',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
  'ApproximateNumberOfMessagesDelayed',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'RedriveAllowPolicy',
  'SqsManagedSseEnabled',
]);

/** The ReceiveMessage rendering of a message, with the requested system and message attributes. */
function renderMessage(m: ReceivedMessage, systemNames: string[], attributeNames: string[]): Input {
  const all = systemNames.includes('All');
  const system: Record<string, string | undefined> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentTimestamp),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp),
    AWSTraceHeader: m.awsTraceHeader,
    DeadLetterQueueSourceArn: m.deadLetterQueueSourceArn,
  };
  const attributes = Object.fromEntries(Object.entries(system).filter(([name, value]) => value !== undefined && (all || systemNames.includes(name))));
  const wanted = (name: string) => attributeNames.some((n) => n === 'All' || n === '.*' || n === name || (n.endsWith('.*') && name.startsWith(n.slice(0, -1))));
  const messageAttributes: MessageAttributes = Object.fromEntries(Object.entries(m.messageAttributes).filter(([name]) => wanted(name)));
  const md5OfAttributes = md5OfMessageAttributes(messageAttributes);
  return {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: m.md5OfBody,
    Body: m.body,
    ...(Object.keys(attributes).length ? { Attributes: attributes } : {}),
    ...(md5OfAttributes ? { MD5OfMessageAttributes: md5OfAttributes, MessageAttributes: messageAttributes } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

/**
 * The local SQS: `handle()` serves the AWS JSON protocol; `send`, `receive`, `deleteMessage`,
 * `changeVisibility`, `stats` and `queueFor` serve the rest of the local cloud, with the same
 * semantics and the same validation. Queues are identified by ARN, URL or name.
 */
export class SqsService implements AwsJsonService {
  readonly targetPrefix = 'AmazonSQS';
  readonly jsonVersion = '1.0' as const;
  readonly errorNamespace = 'com.amazonaws.sqs#';
  private readonly queues: Queue[];
  private readonly lookup = new Map<string, Queue>();
  private readonly moveTasks: MoveTask[] = [];
  private readonly closing = new AbortController();
  private readonly createdAt: number;
  /** Moves between queues whose source-side deletes are not yet journaled; compaction waits. */
  private movesInProgress = 0;
  private readonly now: () => number;
  private readonly requestCounts = new Map<string, number>();
  /** The same requests per queue name ('' for those naming no queue, such as ListQueues, or one that does not exist). */
  private readonly requestCountsByQueue = new Map<string, number>();

  constructor(options: { queues: QueueDefinition[]; dataDir?: string; now?: () => number }) {
    this.now = options.now ?? Date.now;
    this.createdAt = this.now();
    this.queues = options.queues.map((def) => new Queue(def));
    for (const queue of this.queues) {
      for (const key of [queue.def.arn, queue.def.url, queue.def.name]) this.lookup.set(key, queue);
    }
    if (options.dataDir) {
      fs.mkdirSync(options.dataDir, { recursive: true });
      for (const queue of this.queues) this.openJournal(queue, path.join(options.dataDir, `${queue.def.name}.jsonl`));
    }
  }

  private openJournal(queue: Queue, file: string): void {
    for (const record of Journal.read(file)) queue.apply(record);
    const journal = new Journal(file, () => {
      if (this.movesInProgress === 0 && journal.records >= Math.max(COMPACT_MIN_RECORDS, 4 * queue.messages.size)) journal.rewrite(queue.snapshot(this.now()));
    });
    journal.rewrite(queue.snapshot(this.now()));
    queue.journal = journal;
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** The queue with this ARN, URL or name (a URL from another host resolves by its last segment). */
  queueFor(arnOrUrlOrName: string): QueueDefinition | undefined {
    return this.find(arnOrUrlOrName)?.def;
  }

  private find(id: string): Queue | undefined {
    const exact = this.lookup.get(id);
    if (exact || !id.includes('/')) return exact;
    const name = id.split('/').pop() as string;
    return name ? this.lookup.get(name) : undefined;
  }

  private queue(id: string): Queue {
    const queue = this.find(id);
    if (!queue) throw errors.queueDoesNotExist();
    return queue;
  }

  private persist(queue: Queue, record: JournalRecord): Promise<void> {
    return queue.journal ? queue.journal.append(record) : Promise.resolve();
  }

  /** Counts a billable request (the cost model of `npm run bench:checkout`). */
  private meter(operation: string, queue?: Queue): void {
    if (queue?.def.internal) return;
    this.requestCounts.set(operation, (this.requestCounts.get(operation) ?? 0) + 1);
    const name = queue?.def.name ?? '';
    this.requestCountsByQueue.set(name, (this.requestCountsByQueue.get(name) ?? 0) + 1);
  }

  /**
   * Billable SQS requests per operation: API calls, EventBridge deliveries (SendMessage), and the
   * event source mappings' receives that returned messages and their deletes (one DeleteMessageBatch
   * per ten messages of a processed batch, as Lambda's pollers delete them). Empty long polls
   * (a fixed cost per poller, not per message) and the internal queues of asynchronous
   * invocations are not counted.
   */
  requests(): Record<string, number> {
    return Object.fromEntries(this.requestCounts);
  }

  /** The billable requests of {@link requests}, per queue name ('' for requests that name no existing queue). */
  requestsByQueue(): Record<string, number> {
    return Object.fromEntries(this.requestCountsByQueue);
  }

  // ----- programmatic API ----------------------------------------------------------------------

  /** Sends a message (validated as SendMessage does); resolves with its id once it is durable. */
  async send(queue: string, body: string, options: { delaySeconds?: number; messageAttributes?: MessageAttributes } = {}): Promise<string> {
    const q = this.queue(queue);
    this.meter('SendMessage', q);
    const message = validateMessage(q.def, { MessageBody: body, DelaySeconds: options.delaySeconds, MessageAttributes: options.messageAttributes });
    return (await this.accept(q, message)).id;
  }

  /** Receives up to `maxMessages`, long-polling up to `waitTimeSeconds` for the first one. */
  receive(queue: string, options: ReceiveOptions): Promise<ReceivedMessage[]> {
    const q = this.queue(queue);
    return this.receiveFrom(q, options.maxMessages, options.visibilityTimeoutSeconds ?? q.def.visibilityTimeoutSeconds, options.waitTimeSeconds, options.signal).then(
      (messages) => {
        if (messages.length > 0) this.meter('ReceiveMessage', q);
        return messages;
      },
    );
  }

  /** DeleteMessage: a stale handle or an already deleted message is a no-op, as on SQS. */
  deleteMessage(queue: string, receiptHandle: string): Promise<void> {
    const q = this.queue(queue);
    this.meter('DeleteMessage', q);
    return this.deleteByHandle(q, receiptHandle);
  }

  /**
   * DeleteMessageBatch, as Lambda's pollers delete what a batch processed: one request per ten
   * handles. A handle that cannot be deleted leaves its message to be delivered again, as on Lambda.
   */
  async deleteMessages(queue: string, receiptHandles: readonly string[]): Promise<void> {
    const q = this.queue(queue);
    for (let i = 0; i < receiptHandles.length; i += 10) {
      this.meter('DeleteMessageBatch', q);
      await Promise.allSettled(receiptHandles.slice(i, i + 10).map((handle) => this.deleteByHandle(q, handle)));
    }
  }

  /** ChangeMessageVisibility: the message becomes visible `seconds` from now. */
  changeVisibility(queue: string, receiptHandle: string, seconds: number): Promise<void> {
    const q = this.queue(queue);
    this.meter('ChangeMessageVisibility', q);
    return this.changeVisibilityByHandle(q, receiptHandle, seconds);
  }

  stats(queue: string): QueueStats {
    return this.queue(queue).stats(this.now());
  }

  /** Age in seconds of the oldest live message of a queue (0 when empty): ApproximateAgeOfOldestMessage. */
  oldestMessageAgeSeconds(queue: string): number {
    const q = this.queue(queue);
    const now = this.now();
    let oldest = now;
    for (const m of q.messages.values()) if (!q.expired(m, now) && m.sentAt < oldest) oldest = m.sentAt;
    return Math.max(0, Math.floor((now - oldest) / 1000));
  }

  /** Stops move tasks, wakes long polls (they answer empty), writes and compacts the journals. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing.abort();
    for (const queue of this.queues) queue.notify();
    await Promise.allSettled(this.moveTasks.map((t) => t.done));
    for (const queue of this.queues) queue.journal?.flush();
    for (const queue of this.queues) {
      queue.journal?.rewrite(queue.snapshot(this.now()));
      queue.journal?.close();
    }
  }

  // ----- core operations -----------------------------------------------------------------------

  private async accept(queue: Queue, message: NewMessage): Promise<StoredMessage> {
    if (this.closed) throw new Error('The local SQS service is closed.');
    const now = this.now();
    const system: MessageAttributes = message.traceHeader ? { AWSTraceHeader: { DataType: 'String', StringValue: message.traceHeader } } : {};
    const stored: StoredMessage = {
      id: crypto.randomUUID(),
      body: message.body,
      md5OfBody: md5(message.body),
      attributes: message.attributes,
      md5OfAttributes: md5OfMessageAttributes(message.attributes),
      traceHeader: message.traceHeader,
      md5OfSystemAttributes: md5OfMessageAttributes(system),
      senderId: LOCAL_ACCOUNT,
      sentAt: now,
      visibleAt: now + (message.delaySeconds ?? queue.def.delaySeconds) * 1000,
      receiveCount: 0,
    };
    queue.messages.set(stored.id, stored);
    queue.notify();
    await this.persist(queue, { t: 'put', m: stored });
    return stored;
  }

  private async receiveFrom(queue: Queue, max: number, visibilitySeconds: number, waitSeconds: number, signal?: AbortSignal): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      if (this.closed || signal?.aborted) return [];
      const { messages, durable } = this.take(queue, max, visibilitySeconds * 1000);
      await durable;
      if (messages.length > 0) return messages;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      await queue.waitForChange(Math.min(remaining, queue.nextVisibleAt(this.now()) - this.now()), signal);
    }
  }

  /** Takes up to `max` visible messages; moves those past maxReceiveCount to the DLQ instead. */
  private take(queue: Queue, max: number, visibilityMs: number): { messages: ReceivedMessage[]; durable: Promise<unknown> } {
    const now = this.now();
    const redrive = queue.def.redrivePolicy;
    const dlq = redrive ? this.find(redrive.deadLetterTargetArn) : undefined;
    const taken: StoredMessage[] = [];
    const dead: StoredMessage[] = [];
    for (const m of queue.messages.values()) {
      if (taken.length >= max) break;
      if (queue.expired(m, now)) queue.messages.delete(m.id);
      else if (m.visibleAt > now) continue;
      else if (dlq && redrive && m.receiveCount >= redrive.maxReceiveCount) dead.push(m);
      else taken.push(m);
    }
    const writes: Promise<void>[] = [];
    for (const m of taken) {
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.receivedAt = now;
      m.visibleAt = now + visibilityMs;
      m.receiptHandle = newReceiptHandle(queue.def, m.id);
      queue.messages.delete(m.id);
      queue.messages.set(m.id, m);
      writes.push(this.persist(queue, { t: 'recv', id: m.id, h: m.receiptHandle, v: m.visibleAt, c: m.receiveCount, f: m.firstReceivedAt, r: now }));
    }
    if (dlq && dead.length > 0) {
      writes.push(
        this.relocate(
          queue,
          dead.map((m) => ({ to: dlq, old: m, moved: { ...m, receiptHandle: undefined, visibleAt: now, deadLetterSourceArn: queue.def.arn } })),
        ),
      );
    }
    return { messages: taken.map(toReceived), durable: Promise.all(writes) };
  }

  /** Moves messages between queues: in memory at once; on disk destination first, then source. */
  private async relocate(from: Queue, moves: Array<{ to: Queue; old: StoredMessage; moved: StoredMessage }>): Promise<void> {
    this.movesInProgress++;
    try {
      for (const { to, old, moved } of moves) {
        from.messages.delete(old.id);
        to.messages.set(moved.id, moved);
        to.notify();
      }
      await Promise.all(moves.map(({ to, moved }) => this.persist(to, { t: 'put', m: moved })));
      await Promise.all(moves.map(({ old }) => this.persist(from, { t: 'del', id: old.id })));
    } finally {
      this.movesInProgress--;
    }
  }

  private deleteByHandle(queue: Queue, handle: string): Promise<void> {
    const id = messageIdOf(queue.def, handle);
    if (queue.messages.get(id)?.receiptHandle !== handle) return Promise.resolve();
    queue.messages.delete(id);
    return this.persist(queue, { t: 'del', id });
  }

  private changeVisibilityByHandle(queue: Queue, handle: string, seconds: number): Promise<void> {
    const id = messageIdOf(queue.def, handle);
    const m = queue.messages.get(id);
    const now = this.now();
    if (!m || m.receiptHandle !== handle) throw errors.receiptHandleExpired(handle);
    if (m.visibleAt <= now) throw errors.messageNotInflight();
    if (now + seconds * 1000 - (m.receivedAt ?? now) > MAX_VISIBILITY_SECONDS * 1000) {
      throw errors.invalidParameter(
        `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_SECONDS} seconds]`,
      );
    }
    m.visibleAt = now + seconds * 1000;
    queue.notify();
    return this.persist(queue, { t: 'vis', id, v: m.visibleAt });
  }

  // ----- AWS JSON protocol ---------------------------------------------------------------------

  async handle(operation: string, input: Input): Promise<unknown> {
    this.meter(operation, this.namedQueue(input));
    switch (operation) {
      case 'GetQueueUrl':
        return this.getQueueUrl(input);
      case 'ListQueues':
        return this.listQueues(input);
      case 'GetQueueAttributes':
        return this.getQueueAttributes(input);
      case 'SendMessage':
        return this.sendMessage(input);
      case 'SendMessageBatch':
        return this.sendMessageBatch(input);
      case 'ReceiveMessage':
        return this.receiveMessage(input);
      case 'DeleteMessage':
        await this.deleteByHandle(this.queueOf(input), requiredString(input, 'ReceiptHandle'));
        return {};
      case 'DeleteMessageBatch': {
        const queue = this.queueOf(input);
        return perEntry(batchEntries(input, 'DeleteMessageBatchRequestEntry'), async (entry) => {
          await this.deleteByHandle(queue, requiredString(entry, 'ReceiptHandle'));
          return {};
        });
      }
      case 'ChangeMessageVisibility':
        await this.changeVisibilityByHandle(this.queueOf(input), requiredString(input, 'ReceiptHandle'), this.visibilityTimeout(input));
        return {};
      case 'ChangeMessageVisibilityBatch': {
        const queue = this.queueOf(input);
        return perEntry(batchEntries(input, 'ChangeMessageVisibilityBatchRequestEntry'), async (entry) => {
          await this.changeVisibilityByHandle(queue, requiredString(entry, 'ReceiptHandle'), this.visibilityTimeout(entry));
          return {};
        });
      }
      case 'PurgeQueue':
        return this.purgeQueue(input);
      case 'StartMessageMoveTask':
        return this.startMessageMoveTask(input);
      case 'ListMessageMoveTasks':
        return this.listMessageMoveTasks(input);
      default:
        throw new AwsServiceError(
          'UnsupportedOperation',
          `The local cloud does not emulate SQS ${operation}; queues come from the template.`,
          400,
          'AWS.SimpleQueueService.UnsupportedOperation',
        );
    }
  }

  /** The queue a request names (its QueueUrl, QueueName or a message move task's SourceArn), if any and if it exists: for the per-queue request counts. */
  private namedQueue(input: Input): Queue | undefined {
    const id = [input.QueueUrl, input.QueueName, input.SourceArn].find((v): v is string => typeof v === 'string');
    return id === undefined ? undefined : this.find(id);
  }

  private queueOf(input: Input): Queue {
    return this.queue(requiredString(input, 'QueueUrl'));
  }

  private visibilityTimeout(input: Input): number {
    const seconds = optionalInteger(input, 'VisibilityTimeout', 0, MAX_VISIBILITY_SECONDS);
    if (seconds === undefined) throw errors.missingParameter('VisibilityTimeout');
    return seconds;
  }

  private getQueueUrl(input: Input): Input {
    const name = requiredString(input, 'QueueName');
    const owner = optionalString(input, 'QueueOwnerAWSAccountId');
    const queue = this.lookup.get(name);
    if (!queue || queue.def.name !== name || (owner !== undefined && owner !== LOCAL_ACCOUNT)) throw errors.queueDoesNotExist();
    return { QueueUrl: queue.def.url };
  }

  private listQueues(input: Input): Input {
    const prefix = optionalString(input, 'QueueNamePrefix') ?? '';
    const max = optionalInteger(input, 'MaxResults', 1, 1000);
    const token = optionalString(input, 'NextToken');
    const after = token === undefined ? undefined : Buffer.from(token, 'base64').toString('utf8');
    const matching = this.queues
      .map((q) => q.def)
      .filter((d) => d.name.startsWith(prefix) && (after === undefined || d.name > after))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = max === undefined ? matching : matching.slice(0, max);
    const last = page[page.length - 1];
    return {
      ...(page.length ? { QueueUrls: page.map((d) => d.url) } : {}),
      ...(last && page.length < matching.length ? { NextToken: Buffer.from(last.name, 'utf8').toString('base64') } : {}),
    };
  }

  private getQueueAttributes(input: Input): Input {
    const queue = this.queueOf(input);
    const names = stringList(input, 'AttributeNames');
    for (const name of names) if (!QUEUE_ATTRIBUTES.has(name)) throw errors.invalidAttributeName(name);
    const { def } = queue;
    const stats = queue.stats(this.now());
    const created = String(Math.floor(this.createdAt / 1000));
    const values: Record<string, string | undefined> = {
      QueueArn: def.arn,
      ApproximateNumberOfMessages: String(stats.visible),
      ApproximateNumberOfMessagesNotVisible: String(stats.inFlight),
      ApproximateNumberOfMessagesDelayed: String(stats.delayed),
      CreatedTimestamp: created,
      LastModifiedTimestamp: created,
      VisibilityTimeout: String(def.visibilityTimeoutSeconds),
      MaximumMessageSize: String(def.maximumMessageSize),
      MessageRetentionPeriod: String(def.messageRetentionSeconds),
      DelaySeconds: String(def.delaySeconds),
      ReceiveMessageWaitTimeSeconds: String(def.receiveMessageWaitTimeSeconds),
      RedrivePolicy: def.redrivePolicy ? JSON.stringify(def.redrivePolicy) : undefined,
    };
    const all = names.includes('All');
    const attributes = Object.fromEntries(Object.entries(values).filter(([name, value]) => value !== undefined && (all || names.includes(name))));
    return Object.keys(attributes).length ? { Attributes: attributes } : {};
  }

  private async sendMessage(input: Input): Promise<Input> {
    const queue = this.queueOf(input);
    return this.sendResult(await this.accept(queue, validateMessage(queue.def, input)));
  }

  private sendResult(m: StoredMessage): Input {
    return {
      MessageId: m.id,
      MD5OfMessageBody: m.md5OfBody,
      ...(m.md5OfAttributes ? { MD5OfMessageAttributes: m.md5OfAttributes } : {}),
      ...(m.traceHeader ? { MD5OfMessageSystemAttributes: m.md5OfSystemAttributes } : {}),
    };
  }

  private async sendMessageBatch(input: Input): Promise<Input> {
    const queue = this.queueOf(input);
    const entries = batchEntries(input, 'SendMessageBatchRequestEntry');
    const total = entries.reduce((sum, e) => sum + Buffer.byteLength(typeof e.MessageBody === 'string' ? e.MessageBody : '') + attributeSize(e.MessageAttributes), 0);
    if (total > queue.def.maximumMessageSize) {
      throw new AwsServiceError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${queue.def.maximumMessageSize} bytes. You have sent ${total} bytes.`,
        400,
        'AWS.SimpleQueueService.BatchRequestTooLong',
      );
    }
    return perEntry(entries, async (entry) => this.sendResult(await this.accept(queue, validateMessage(queue.def, entry))));
  }

  private async receiveMessage(input: Input): Promise<Input> {
    const queue = this.queueOf(input);
    const max = optionalInteger(input, 'MaxNumberOfMessages', 1, MAX_BATCH_ENTRIES) ?? 1;
    const visibility = optionalInteger(input, 'VisibilityTimeout', 0, MAX_VISIBILITY_SECONDS) ?? queue.def.visibilityTimeoutSeconds;
    const wait = optionalInteger(input, 'WaitTimeSeconds', 0, MAX_WAIT_SECONDS) ?? queue.def.receiveMessageWaitTimeSeconds;
    const systemNames = [...stringList(input, 'AttributeNames'), ...stringList(input, 'MessageSystemAttributeNames')];
    for (const name of systemNames) if (!MESSAGE_SYSTEM_ATTRIBUTES.has(name)) throw errors.invalidAttributeName(name);
    const attributeNames = stringList(input, 'MessageAttributeNames');
    const messages = await this.receiveFrom(queue, max, visibility, wait);
    return messages.length ? { Messages: messages.map((m) => renderMessage(m, systemNames, attributeNames)) } : {};
  }

  private async purgeQueue(input: Input): Promise<Input> {
    const queue = this.queueOf(input);
    const now = this.now();
    if (now - queue.lastPurgeAt < PURGE_INTERVAL_MS) {
      throw new AwsServiceError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${queue.def.name} is allowed every 60 seconds.`,
        403,
        'AWS.SimpleQueueService.PurgeQueueInProgress',
      );
    }
    queue.lastPurgeAt = now;
    queue.messages.clear();
    await this.persist(queue, { t: 'purge' });
    return {};
  }

  // ----- dead-letter queue redrive -------------------------------------------------------------

  private startMessageMoveTask(input: Input): Input {
    const sourceArn = requiredString(input, 'SourceArn');
    const source = this.lookup.get(sourceArn);
    if (!source || source.def.arn !== sourceArn) throw errors.resourceNotFound('SourceArn');
    const rate = optionalInteger(input, 'MaxNumberOfMessagesPerSecond', 1, 500);
    if (!this.queues.some((q) => q.def.redrivePolicy?.deadLetterTargetArn === sourceArn)) throw errors.invalidParameter('Source queue must be configured as a Dead Letter Queue.');
    const destinationArn = optionalString(input, 'DestinationArn');
    const destination = destinationArn === undefined ? undefined : this.lookup.get(destinationArn);
    if (destinationArn !== undefined && (!destination || destination.def.arn !== destinationArn)) throw errors.resourceNotFound('DestinationArn');
    if (destinationArn === sourceArn) throw errors.invalidParameter('Source queue arn and destination queue arn cannot be the same.');
    if (this.moveTasks.some((t) => t.sourceArn === sourceArn && t.status === 'RUNNING')) {
      throw errors.invalidParameter('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    const now = this.now();
    const ids = [...source.messages.values()].filter((m) => m.visibleAt <= now && !source.expired(m, now)).map((m) => m.id);
    const task: MoveTask = {
      handle: Buffer.from(JSON.stringify({ taskId: crypto.randomUUID(), sourceArn }), 'utf8').toString('base64'),
      sourceArn,
      destinationArn,
      rate,
      startedAt: now,
      status: 'RUNNING',
      moved: 0,
      toMove: ids.length,
      done: Promise.resolve(),
    };
    task.done = this.runMoveTask(task, source, destination, ids);
    this.moveTasks.push(task);
    return { TaskHandle: task.handle };
  }

  /** Moves the messages in chunks (of the rate per second, when one is given). */
  private async runMoveTask(task: MoveTask, source: Queue, destination: Queue | undefined, ids: string[]): Promise<void> {
    const chunk = task.rate ?? MOVE_CHUNK;
    try {
      for (let i = 0; i < ids.length && !this.closed; i += chunk) {
        if (task.rate && i > 0) await this.sleep(1000);
        const now = this.now();
        const moves: Array<{ to: Queue; old: StoredMessage; moved: StoredMessage }> = [];
        for (const id of ids.slice(i, i + chunk)) {
          const m = source.messages.get(id);
          if (!m || m.visibleAt > now) continue;
          const to = destination ?? (m.deadLetterSourceArn ? this.lookup.get(m.deadLetterSourceArn) : undefined);
          if (!to) {
            task.failureReason = 'CouldNotDetermineMessageSource';
            continue;
          }
          const moved: StoredMessage = {
            ...m,
            id: crypto.randomUUID(),
            sentAt: now,
            visibleAt: now + to.def.delaySeconds * 1000,
            receiveCount: 0,
            firstReceivedAt: undefined,
            receivedAt: undefined,
            receiptHandle: undefined,
            deadLetterSourceArn: undefined,
          };
          moves.push({ to, old: m, moved });
        }
        await this.relocate(source, moves);
        task.moved += moves.length;
      }
      task.status = task.failureReason ? 'FAILED' : 'COMPLETED';
    } catch (error) {
      task.status = 'FAILED';
      task.failureReason = (error as Error).message;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.closing.signal.addEventListener('abort', done);
    });
  }

  private listMessageMoveTasks(input: Input): Input {
    const sourceArn = requiredString(input, 'SourceArn');
    if (this.lookup.get(sourceArn)?.def.arn !== sourceArn) throw errors.resourceNotFound('SourceArn');
    const max = optionalInteger(input, 'MaxResults', 1, 10) ?? 1;
    const results = this.moveTasks
      .filter((t) => t.sourceArn === sourceArn)
      .reverse()
      .slice(0, max)
      .map((t) => ({
        ...(t.status === 'RUNNING' ? { TaskHandle: t.handle } : {}),
        Status: t.status,
        SourceArn: t.sourceArn,
        ...(t.destinationArn ? { DestinationArn: t.destinationArn } : {}),
        ...(t.rate ? { MaxNumberOfMessagesPerSecond: t.rate } : {}),
        ApproximateNumberOfMessagesMoved: t.moved,
        ApproximateNumberOfMessagesToMove: t.toMove,
        ...(t.failureReason ? { FailureReason: t.failureReason } : {}),
        StartedTimestamp: t.startedAt,
      }));
    return { Results: results };
  }
}
