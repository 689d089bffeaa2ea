/**
 * Asynchronous paths with the house defaults (OPS-2: every asynchronous path has a dead-letter
 * queue and a redrive): encrypted, TLS-only queues with DLQs; event consumers (EventBridge rule →
 * SQS queue → Lambda with partial batch responses); scheduled jobs (EventBridge schedule → Lambda,
 * with retries and a DLQ).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Rule, Schedule, type EventPattern, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AnyEventDefinition } from '../../events/event-definition.ts';
import { acknowledge } from './nag.ts';
import type { ServiceFunction } from './service-function.ts';

/** Gives a resource a stable, readable logical id (its construct id), for the local cloud and runbooks. */
export function stableLogicalId(construct: Construct, logicalId: string): void {
  const child = construct.node.defaultChild as { overrideLogicalId?: (id: string) => void } | undefined;
  if (!child?.overrideLogicalId) throw new Error(`${construct.node.path} has no CloudFormation resource to name`);
  child.overrideLogicalId(logicalId);
}

/** Stable logical id for a function (its construct id). */
export function nameFunction(fn: ServiceFunction): void {
  (fn.node.defaultChild as CfnFunction).overrideLogicalId(fn.node.id);
}

export interface EncryptedQueueProps {
  readonly visibilityTimeout?: Duration;
  /** Receives before a message moves to the DLQ (default 5). */
  readonly maxReceiveCount?: number;
  readonly removalPolicy: RemovalPolicy;
}

/** A queue with SSE, TLS-only access and its own dead-letter queue (14-day retention). */
export class EncryptedQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EncryptedQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(60),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
      removalPolicy: props.removalPolicy,
    });
    acknowledge(
      this.deadLetterQueue,
      'Serverless-SQSRedrivePolicy',
      `This is the dead-letter queue of ${id}; messages wait here 14 days for a redrive (StartMessageMoveTask, README runbook), a DLQ of a DLQ would only move them.`,
    );
    stableLogicalId(this.queue, `${id}Queue`);
    stableLogicalId(this.deadLetterQueue, `${id}Dlq`);
  }
}

/** A standalone dead-letter queue (encrypted, TLS-only, 14 days) for `what` (e.g. failed asynchronous invocations). */
export function deadLetterQueue(scope: Construct, id: string, removalPolicy: RemovalPolicy, what: string): Queue {
  const queue = new Queue(scope, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14), removalPolicy });
  stableLogicalId(queue, id);
  const reason = `This queue is itself a dead-letter queue (${what}); messages wait 14 days for inspection and redrive (README runbook).`;
  acknowledge(queue, 'AwsSolutions-SQS3', reason);
  acknowledge(queue, 'Serverless-SQSRedrivePolicy', reason);
  return queue;
}

/**
 * The EventBridge pattern of a consumer of `events`: each event type matched on its `source` (the
 * producing capability) AND its `detail-type`, so an event put under another source — which the
 * producer's IAM `events:source` condition (Platform.publishEvents) reserves to the capability that
 * owns the type — never reaches the consumer. Events of one source: `{ source, detail-type }`;
 * of several: one `$or` branch per source, never the cross product of all sources and all types.
 * `detail` (optional) further filters the detail, whatever the source. `only` (optional) filters the
 * detail of some event types, by name: each such type gets a branch of its own, so the consumer is
 * not invoked for events it would ignore (a delivery is an SQS send, receive and delete and an
 * invocation; docs/performance.md).
 */
export function consumerEventPattern(
  events: readonly AnyEventDefinition[],
  detail?: Record<string, unknown>,
  only: Readonly<Record<string, Record<string, unknown>>> = {},
): Record<string, unknown> {
  if (events.length === 0) throw new Error('an event consumer needs at least one event type');
  const unknown = Object.keys(only).filter((name) => !events.some((event) => event.name === name));
  if (unknown.length > 0) throw new Error(`a detail filter for an event type the consumer does not consume: ${unknown.join(', ')}`);
  if (detail && Object.keys(only).length > 0) throw new Error('a consumer filters the detail of all its events or of some, not both');
  const namesBySource = new Map<string, Set<string>>();
  const filtered: Array<Record<string, unknown>> = [];
  for (const event of events) {
    const filter = only[event.name];
    if (filter) {
      filtered.push({ source: [event.source], 'detail-type': [event.name], detail: filter });
      continue;
    }
    const names = namesBySource.get(event.source) ?? new Set<string>();
    names.add(event.name);
    namesBySource.set(event.source, names);
  }
  const branches = [...[...namesBySource].map(([source, names]) => ({ source: [source], 'detail-type': [...names] }) as Record<string, unknown>), ...filtered].sort((a, b) =>
    sortKey(a).localeCompare(sortKey(b)),
  );
  const match = branches.length === 1 ? (branches[0] as Record<string, unknown>) : { $or: branches };
  return { ...match, ...(detail ? { detail } : {}) };
}

/** A branch's place in the pattern: by source, then detail type (the template stays stable). */
const sortKey = (branch: Record<string, unknown>) => `${String((branch.source as string[])[0])}\u0000${String((branch['detail-type'] as string[])[0])}`;

/**
 * The batching window of consumers off an order's path to allocation (analytics, stock levels,
 * notifications): their poller gathers for up to a second, so under a steady load one invocation
 * and one DeleteMessageBatch serve several messages instead of one each (issue 15). Consumers on the
 * path (fraud, payments, checkout, allocation) take a message as soon as it arrives.
 */
export const OFF_PATH_BATCHING_WINDOW = Duration.seconds(1);

export interface EventConsumerProps {
  readonly bus: IEventBus;
  /** The event types this consumer handles; the rule matches each on its source and detail type. */
  readonly events: readonly AnyEventDefinition[];
  /** Extra detail filter (an EventBridge pattern for `detail`). */
  readonly detail?: Record<string, unknown>;
  /** Detail filters of some event types, by name (see {@link consumerEventPattern}). */
  readonly only?: Readonly<Record<string, Record<string, unknown>>>;
  readonly handler: ServiceFunction;
  /** Where events the bus cannot deliver to the queue go (after EventBridge's retries). */
  readonly deliveryDlq: IQueue;
  readonly removalPolicy: RemovalPolicy;
  /** Default 10. */
  readonly batchSize?: number;
  /** Default 0 s (deliver as soon as a message arrives). */
  readonly maxBatchingWindow?: Duration;
  /** Default 5. */
  readonly maxReceiveCount?: number;
  /** Concurrent batches (ESM maximum concurrency, ≥ 2). */
  readonly maxConcurrency?: number;
}

/** An EventBridge rule → SQS queue (with DLQ) → Lambda consumer with partial batch responses. */
export class EventConsumer extends Construct {
  readonly queue: EncryptedQueue;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: EventConsumerProps) {
    super(scope, id);
    // Visibility ≥ 6 × function timeout, as AWS recommends for SQS event sources.
    const timeout = props.handler.timeout ?? Duration.seconds(10);
    this.queue = new EncryptedQueue(this, id, {
      visibilityTimeout: Duration.seconds(Math.max(30, timeout.toSeconds() * 6)),
      maxReceiveCount: props.maxReceiveCount ?? 5,
      removalPolicy: props.removalPolicy,
    });
    this.rule = new Rule(this, 'Rule', {
      eventBus: props.bus,
      description: `${props.events.map((e) => e.name).join(', ')} → ${props.handler.node.id}`,
      // CDK renders only `detailType` (camelCase) into `detail-type`; the pattern is written as EventBridge reads it.
      eventPattern: consumerEventPattern(props.events, props.detail, props.only) as EventPattern,
      targets: [new SqsQueue(this.queue.queue, { deadLetterQueue: props.deliveryDlq, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });
    stableLogicalId(this.rule, `${id}Rule`);
    const source = new SqsEventSource(this.queue.queue, {
      batchSize: props.batchSize ?? 10,
      maxBatchingWindow: props.maxBatchingWindow,
      reportBatchItemFailures: true,
      maxConcurrency: props.maxConcurrency,
    });
    props.handler.live.addEventSource(source);
    acknowledge(
      props.handler,
      'Serverless-LambdaEventSourceMappingDestination',
      "SQS event sources do not support on-failure destinations; failed messages go to the queue's own DLQ after maxReceiveCount (redrive policy).",
    );
  }
}

export interface ScheduledJobProps {
  /** An EventBridge schedule expression: `cron(…)` or `rate(…)`. */
  readonly schedule: string;
  readonly handler: ServiceFunction;
  readonly deliveryDlq: IQueue;
  readonly description: string;
}

/** An EventBridge schedule → Lambda (asynchronous, retried; failures to the function's destination). */
export class ScheduledJob extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    props.handler.invokedAsynchronously();
    this.rule = new Rule(this, 'Rule', {
      description: props.description,
      schedule: Schedule.expression(props.schedule),
      targets: [new LambdaFunction(props.handler.live, { deadLetterQueue: props.deliveryDlq, retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
    stableLogicalId(this.rule, `${id}Schedule`);
  }
}
