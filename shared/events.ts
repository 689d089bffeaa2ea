/**
 * Publishing domain events to EventBridge. Use cases depend on the {@link EventPublisher} port;
 * handlers pass {@link eventBridgePublisher} (tests pass a fake).
 *
 * Every event is validated against its schema in `events/` (strictly: a payload with fields the
 * schema does not declare is refused, so personal data cannot slip into an event) and sent with
 * PutEvents: `source` and `detail-type` from the definition, detail =
 * `{ version, ...payload, meta: { correlationId, occurredAt, eventId } }`, at most 10 entries per
 * call. PutEvents can fail per entry with HTTP 200; failed entries are retried with backoff, and
 * what still fails is reported as an {@link EventPublishError}. A function puts events only under
 * the sources its IAM grant names (`EVENT_SOURCES`, set by the stack with the grant); any other is
 * an {@link EventSourceNotGrantedError} before anything is sent.
 */
import { retry, type Backoff } from './retry.ts';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type * as z from './zod.ts';
import type { AnyEventDefinition, DomainEvent, EventMeta } from '../events/event-definition.ts';
import { getConfig } from './config.ts';
import { systemClock, type Clock } from './clock.ts';
import { newId } from './ids.ts';
import { tracer } from './observability.ts';

/** The port use cases publish through. */
export interface EventPublisher {
  /** Publishes the events (all or an error). */
  publish(events: readonly DomainEvent[]): Promise<void>;
}

/** PutEvents accepts at most 10 entries per call. */
export const MAX_ENTRIES_PER_PUT = 10;

/** Some events could not be published. Carries event ids and error codes only. */
export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
  constructor(readonly failures: ReadonlyArray<{ eventId: string; name: string; errorCode: string }>) {
    super(`${failures.length} event(s) not published: ${failures.map((f) => `${f.name} ${f.eventId} (${f.errorCode})`).join(', ')}`);
  }
}

/** Entries of one PutEvents call that failed (retried with backoff; those of the last attempt end in an {@link EventPublishError}). */
class FailedEntries extends Error {
  constructor(readonly failures: ReadonlyArray<{ eventId: string; name: string; errorCode: string }>) {
    super(`${failures.length} entries failed`);
  }
}

/**
 * An event whose source this function may not put (its IAM grant's `events:source` condition, which
 * the stack also gives it as `EVENT_SOURCES`): a programming error — on AWS, PutEvents would be
 * refused (AccessDenied). Checked before anything is sent, so the local cloud, which does not
 * evaluate IAM, fails the same way AWS would.
 */
export class EventSourceNotGrantedError extends Error {
  override readonly name = 'EventSourceNotGrantedError';
}

/** An event payload that does not match its schema: a programming error. Paths only, no values. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/** The subset of the EventBridge client the publisher uses (lets tests pass a stub). */
export interface PutEventsClient {
  send(command: PutEventsCommand): Promise<{ FailedEntryCount?: number; Entries?: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }> }>;
}

/** Options of {@link publishEvents}. */
export interface PublishOptions {
  /** Correlation id of the request or message that caused the events. */
  readonly correlationId: string;
  /** Default: `EVENT_BUS_NAME` from config. */
  readonly eventBusName?: string;
  /**
   * The sources events may be put under. Default: `EVENT_SOURCES` from config when the bus comes
   * from config too (the stack sets both, from the same list as the IAM grant); otherwise any.
   */
  readonly allowedSources?: readonly string[];
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly client?: PutEventsClient;
  /** Attempts per entry, including the first. Default 4. */
  readonly maxAttempts?: number;
  /** Base backoff between attempts in ms (doubled each time, with jitter). Default 100. */
  readonly backoffMs?: number;
  /** The longest wait between attempts in ms, however many attempts. Default 1,000. */
  readonly maxBackoffMs?: number;
  /** Injectable for tests (the waits between attempts). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What was published: the meta the publisher added to each event. */
export interface PublishedEvent {
  readonly name: string;
  readonly meta: EventMeta;
}

let client: EventBridgeClient | undefined;

/** The container's EventBridge client (created on first use). */
function eventBridgeClient(): EventBridgeClient {
  client ??= tracer.captureAWSv3Client(new EventBridgeClient({}));
  return client;
}

/** Drops the cached client. Tests only. */
export function resetEventBridgeClientForTests(): void {
  client?.destroy();
  client = undefined;
}

/** Validates an event against its definition and returns its EventBridge `detail`. */
export function buildEventDetail(definition: AnyEventDefinition, payload: unknown, meta: EventMeta): Record<string, unknown> {
  const schema: z.ZodMiniObject = definition.strictSchema;
  const result = schema.safeParse(payload);
  if (!result.success) {
    const where = result.error.issues.map((issue: z.core.$ZodIssue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new InvalidEventError(`${definition.name} v${definition.version} payload is invalid: ${where}`);
  }
  return { version: definition.version, ...(result.data as Record<string, unknown>), meta };
}

/**
 * Validates and publishes events to EventBridge, ≤ 10 per PutEvents call, retrying failed entries.
 * All events are validated before any is sent.
 */
export async function publishEvents(events: readonly DomainEvent[], options: PublishOptions): Promise<PublishedEvent[]> {
  if (events.length === 0) return [];
  const clock = options.clock ?? systemClock;
  const makeId = options.newId ?? newId;
  const busName = options.eventBusName ?? getConfig().infra.eventBusName;
  const allowedSources = options.allowedSources ?? (options.eventBusName === undefined ? getConfig().infra.eventSources?.split(',') : undefined);
  if (allowedSources) {
    const refused = [...new Set(events.map(({ definition }) => definition.source))].filter((source) => !allowedSources.includes(source));
    if (refused.length > 0) throw new EventSourceNotGrantedError(`this function may not put events under ${refused.join(', ')} (granted: ${allowedSources.join(', ')})`);
  }
  const sender = options.client ?? eventBridgeClient();
  const maxAttempts = options.maxAttempts ?? 4;
  const backoff: Backoff = { baseMs: options.backoffMs ?? 100, maxMs: options.maxBackoffMs ?? 1_000 };

  const prepared = events.map(({ definition, payload }) => {
    const meta: EventMeta = { correlationId: options.correlationId, occurredAt: clock.now().toISOString(), eventId: makeId() };
    const entry: PutEventsRequestEntry = {
      Source: definition.source,
      DetailType: definition.name,
      Detail: JSON.stringify(buildEventDetail(definition, payload, meta)),
      ...(busName ? { EventBusName: busName } : {}),
    };
    return { name: definition.name, meta, entry };
  });

  const failures: Array<{ eventId: string; name: string; errorCode: string }> = [];
  for (let start = 0; start < prepared.length; start += MAX_ENTRIES_PER_PUT) {
    let pending = prepared.slice(start, start + MAX_ENTRIES_PER_PUT);
    await retry(
      async () => {
        const response = await sender.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
        if (!response.FailedEntryCount) return;
        // Entries in the response are in request order; an entry with an ErrorCode failed.
        const failed = pending
          .map((p, i) => ({ p, errorCode: response.Entries?.[i]?.ErrorCode }))
          .filter((x): x is { p: (typeof pending)[number]; errorCode: string } => Boolean(x.errorCode));
        // FailedEntryCount without per-entry codes should not happen; treat the whole call as failed.
        if (failed.length === 0) failed.push(...pending.map((p) => ({ p, errorCode: 'Unknown' })));
        pending = failed.map(({ p }) => p);
        throw new FailedEntries(failed.map(({ p, errorCode }) => ({ eventId: p.meta.eventId, name: p.name, errorCode })));
      },
      { attempts: maxAttempts, retryable: (error) => error instanceof FailedEntries, backoff, ...(options.sleep ? { sleep: options.sleep } : {}) },
    ).catch((error: unknown) => {
      if (!(error instanceof FailedEntries)) throw error;
      failures.push(...error.failures);
    });
  }
  if (failures.length > 0) throw new EventPublishError(failures);
  return prepared.map(({ name, meta }) => ({ name, meta }));
}

/** An {@link EventPublisher} sending to EventBridge with this request's correlation id. */
export function eventBridgePublisher(options: PublishOptions): EventPublisher {
  return {
    publish: async (events) => {
      await publishEvents(events, options);
    },
  };
}
