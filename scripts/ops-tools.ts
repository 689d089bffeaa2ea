/**
 * What `npm run ops` does, as functions (the e2e drill runs the same code):
 * - {@link readStatus} / {@link formatStatus}: alarm states by severity (ALARM first), queue and
 *   DLQ depths with the oldest message's age, from a running local cloud's `/_local/*` endpoint;
 * - {@link redrive}: moves a dead-letter queue's messages back to work, the way it is done on AWS
 *   with the SDK (so it runs against a deployed stage too):
 *   - a DLQ of a queue (its redrive policy): SQS StartMessageMoveTask back to the source queue(s);
 *   - the on-failure destination of asynchronous invocations (Lambda invocation records): each
 *     record's `requestPayload` is invoked again, asynchronously, on the function that failed, and
 *     the record deleted once Lambda accepted it;
 *   - the bus's delivery DLQ (`EventDeliveryFailures`: events EventBridge could not deliver, each
 *     with the `TARGET_ARN` it missed): each event is sent again to that target queue, and deleted
 *     once SQS accepted it. It is nobody's redrive DLQ, so a move task would have nowhere to go.
 */
import { LIVE_ALIAS } from '../infra/constructs/service-function.ts';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { AlarmReport, AlarmStatus } from '../infra/local/alarms.ts';
import type { QueueReport } from '../infra/local/operations.ts';
import { SEVERITIES } from '../shared/severity.ts';

export interface LocalStatus {
  alarms: AlarmReport;
  queues: QueueReport[];
}

/** Reads alarms and queues from a local cloud's AWS endpoint (e.g. `http://127.0.0.1:4566`). */
export async function readStatus(awsEndpoint: string): Promise<LocalStatus> {
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${awsEndpoint}/_local/${path}`);
    if (!res.ok) throw new Error(`GET /_local/${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const [alarms, { queues }] = await Promise.all([get<AlarmReport>('alarms'), get<{ queues: QueueReport[] }>('queues')]);
  return { alarms, queues };
}

const STATE_ORDER = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 } as const;
const severityRank = (a: Pick<AlarmStatus, 'severity'>) => (a.severity ? SEVERITIES.indexOf(a.severity) : SEVERITIES.length);

/** Alarms sorted as on-call reads them: ALARM first, then by severity (critical first), then name. */
export function sortAlarms<T extends Pick<AlarmStatus, 'state' | 'severity' | 'name'>>(alarms: T[]): T[] {
  return [...alarms].sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || severityRank(a) - severityRank(b) || a.name.localeCompare(b.name));
}

const age = (seconds: number) => (seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : seconds >= 60 ? `${Math.floor(seconds / 60)} min` : `${seconds} s`);

/** The status as text: alarms (ALARM first, by severity), then queues with messages and every DLQ. */
export function formatStatus(status: LocalStatus, options: { all?: boolean } = {}): string {
  const lines: string[] = [];
  const alarms = sortAlarms(status.alarms.alarms);
  const firing = alarms.filter((a) => a.state === 'ALARM').length;
  lines.push(`Alarms (${alarms.length} evaluated at ${status.alarms.evaluatedAt}; ${firing} in ALARM)`);
  for (const a of alarms) {
    lines.push(`  ${a.state.padEnd(17)} ${`[${a.severity ?? 'unclassified'}]`.padEnd(15)} ${a.name}  since ${a.since}`);
    if (a.state === 'ALARM') lines.push(`      ${a.reason}`);
  }
  for (const u of status.alarms.notEvaluated) lines.push(`  ${'NOT EVALUATED'.padEnd(17)} ${`[${u.severity ?? 'unclassified'}]`.padEnd(15)} ${u.name}: ${u.reason}`);
  const queues = status.queues.filter((q) => options.all || q.isDeadLetterQueue || q.visible + q.inFlight + q.delayed > 0);
  lines.push('', `Queues (${options.all ? 'all' : 'dead-letter queues, and queues holding messages'}; --all lists every queue)`);
  lines.push(`  ${'queue'.padEnd(40)} ${'visible'.padStart(8)} ${'in flight'.padStart(10)} ${'delayed'.padStart(8)}  oldest`);
  for (const q of [...queues].sort(
    (a, b) => Number(b.isDeadLetterQueue && b.visible > 0) - Number(a.isDeadLetterQueue && a.visible > 0) || a.logicalId.localeCompare(b.logicalId),
  )) {
    const label = `${q.logicalId}${q.isDeadLetterQueue ? ' (DLQ)' : ''}`;
    const empty = q.visible + q.inFlight + q.delayed === 0;
    lines.push(
      `  ${label.padEnd(40)} ${String(q.visible).padStart(8)} ${String(q.inFlight).padStart(10)} ${String(q.delayed).padStart(8)}  ${empty ? '-' : age(q.oldestAgeSeconds)}`,
    );
  }
  const waiting = status.queues.filter((q) => q.isDeadLetterQueue && q.visible > 0);
  if (waiting.length) lines.push('', `Redrive after fixing the cause: ${waiting.map((q) => `npm run ops -- redrive ${q.logicalId}`).join('  ·  ')}`);
  return lines.join('\n');
}

export interface RedriveClients {
  sqs: SQSClient;
  lambda: LambdaClient;
}

export interface RedriveResult {
  queue: string;
  mode: 'move-task' | 'reinvoke' | 'retarget' | 'empty';
  /** Messages moved (move task: as reported when it finished), invocations re-submitted or events re-sent to their target. */
  redriven: number;
  /** Messages left for a person to look at: not invocation records (reinvoke), no SQS `TARGET_ARN` (retarget). */
  skipped: number;
}

interface InvocationRecord {
  requestContext?: { functionArn?: string };
  requestPayload?: unknown;
}

function asInvocationRecord(body: string | undefined): { functionArn: string; payload: unknown } | undefined {
  try {
    const record = JSON.parse(body ?? '') as InvocationRecord;
    const arn = record.requestContext?.functionArn;
    if (typeof arn !== 'string' || !('requestPayload' in record)) return undefined;
    // the record names the version that ran; invoke what callers invoke — the live alias (after a
    // rolled-back deploy, $LATEST may still hold the bad code)
    return { functionArn: `${arn.replace(new RegExp(`:(\\$LATEST|\\d+|${LIVE_ALIAS})$`), '')}:${LIVE_ALIAS}`, payload: record.requestPayload };
  } catch {
    return undefined;
  }
}

/** The SQS queue an EventBridge delivery DLQ message was meant for (its `TARGET_ARN` attribute), if any. */
function deliveryTarget(message: Message): { queueName: string; account: string } | undefined {
  const arn = message.MessageAttributes?.TARGET_ARN?.StringValue;
  const match = arn ? /^arn:[\w-]+:sqs:[\w-]+:(\d{12}):([\w.-]+)$/.exec(arn) : null;
  return match ? { account: match[1] as string, queueName: match[2] as string } : undefined;
}

/**
 * Works through a DLQ's messages, ten at a time, from `first`: `handle` sends one on (true: delete
 * it) or leaves it (false); what is left is made visible again for a person to look at.
 */
async function drain(sqs: SQSClient, QueueUrl: string, first: Message, handle: (m: Message) => Promise<boolean>): Promise<{ redriven: number; skipped: number }> {
  let redriven = 0;
  const skippedHandles: string[] = [];
  let batch = [first];
  while (batch.length > 0) {
    for (const m of batch) {
      if (await handle(m)) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
        redriven++;
      } else if (m.ReceiptHandle) skippedHandles.push(m.ReceiptHandle);
    }
    batch =
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }))).Messages ?? [];
  }
  for (const ReceiptHandle of skippedHandles) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout: 0 }));
  return { redriven, skipped: skippedHandles.length };
}

/**
 * Redrives one dead-letter queue (name or URL). Peeks at its first message to tell the bus's
 * delivery DLQ (events with a `TARGET_ARN` → re-sent to that queue) and an on-failure destination
 * (Lambda invocation records → re-invoke) from a queue's DLQ (→ StartMessageMoveTask).
 */
export async function redrive(clients: RedriveClients, queue: string, options: { waitMs?: number } = {}): Promise<RedriveResult> {
  const { sqs, lambda } = clients;
  const QueueUrl = queue.includes('://') ? queue : (await sqs.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl;
  if (!QueueUrl) throw new Error(`no queue ${queue}`);
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${queue} has no ARN`);

  const first = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 30, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] })))
    .Messages?.[0];
  if (!first) return { queue, mode: 'empty', redriven: 0, skipped: 0 };

  if (deliveryTarget(first)) {
    // events EventBridge could not deliver: each goes again to the queue it missed (its consumers are idempotent)
    const urls = new Map<string, string>();
    const counts = await drain(sqs, QueueUrl, first, async (m) => {
      const target = deliveryTarget(m);
      if (!target || m.Body === undefined) return false;
      const key = `${target.account}:${target.queueName}`;
      let url = urls.get(key);
      if (!url) {
        url = (await sqs.send(new GetQueueUrlCommand({ QueueName: target.queueName, QueueOwnerAWSAccountId: target.account }))).QueueUrl as string;
        urls.set(key, url);
      }
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: m.Body }));
      return true;
    });
    return { queue, mode: 'retarget', ...counts };
  }

  if (!asInvocationRecord(first.Body)) {
    // a queue's DLQ: put the message back and let SQS move everything to where it came from
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 }));
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn }));
    const deadline = Date.now() + (options.waitMs ?? 60_000);
    for (;;) {
      const task =
        (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn, MaxResults: 10 }))).Results?.find((t) => t.TaskHandle === TaskHandle) ??
        (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn, MaxResults: 1 }))).Results?.[0];
      if (!task || task.Status === 'COMPLETED' || task.Status === 'FAILED' || task.Status === 'CANCELLED' || Date.now() > deadline) {
        if (task?.Status === 'FAILED') throw new Error(`move task failed: ${task.FailureReason ?? 'unknown reason'}`);
        return { queue, mode: 'move-task', redriven: Number(task?.ApproximateNumberOfMessagesMoved ?? 0), skipped: 0 };
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  // the on-failure destination of asynchronous invocations: invoke each record's payload again
  const counts = await drain(sqs, QueueUrl, first, async (m) => {
    const record = asInvocationRecord(m.Body);
    if (!record) return false;
    const out = await lambda.send(new InvokeCommand({ FunctionName: record.functionArn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(record.payload)) }));
    if (out.StatusCode !== 202) throw new Error(`Lambda did not accept the invocation of ${record.functionArn} (status ${out.StatusCode})`);
    return true;
  });
  return { queue, mode: 'reinvoke', ...counts };
}
