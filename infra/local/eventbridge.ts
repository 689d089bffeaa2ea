/**
 * EventBridge, locally: PutEvents over the AWS JSON protocol, the template's rules (event
 * patterns and schedules), archives, and delivery to SQS and Lambda targets with the target's
 * retry policy and dead-letter queue.
 *
 * Durability: PutEvents answers only after every matching target has accepted the event (an SQS
 * message, or a queued asynchronous Lambda invocation, both journaled), so an accepted event
 * survives a kill -9. A delivery that fails is retried in the background per the target's
 * RetryPolicy and then sent to its DeadLetterConfig queue.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AwsServiceError, LOCAL_ACCOUNT, LOCAL_REGION, type AwsJsonService } from './aws-protocol.ts';
import { matchesEventPattern, validateEventPattern } from './event-pattern.ts';
import { parseScheduleExpression } from './schedule-expression.ts';
import { UnsupportedTemplateError } from './template.ts';

export interface EventTarget {
  id: string;
  arn: string;
  kind: 'sqs' | 'lambda';
  input?: string;
  inputPath?: string;
  retry: { maximumRetryAttempts: number; maximumEventAgeSeconds: number };
  deadLetterArn?: string;
}

export interface EventRule {
  logicalId: string;
  name: string;
  arn: string;
  busName: string;
  enabled: boolean;
  pattern?: Record<string, unknown>;
  scheduleExpression?: string;
  targets: EventTarget[];
}

export interface EventArchive {
  name: string;
  busName: string;
  pattern?: Record<string, unknown>;
}

/** How events leave EventBridge: the local SQS and Lambda emulators. */
export interface TargetDelivery {
  sendToQueue(queueArn: string, body: string, attributes?: Record<string, string>): Promise<void>;
  invokeAsync(functionArn: string, payload: unknown): Promise<void>;
}

export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

export class EventsService implements AwsJsonService {
  readonly targetPrefix = 'AWSEvents';
  readonly jsonVersion = '1.1' as const;
  readonly errorNamespace = '';
  private readonly timers = new Map<EventRule, NodeJS.Timeout>();
  private readonly nextFires = new Map<EventRule, Date>();
  private closed = false;
  private readonly counts = { putEvents: 0, entries: 0, deliveries: 0, failedDeliveries: 0 };
  private readonly archiveFile?: string;

  constructor(
    private readonly options: {
      buses: string[];
      rules: EventRule[];
      archives: EventArchive[];
      delivery: TargetDelivery;
      dataDir?: string;
      retryBaseDelayMs?: number;
      now?: () => Date;
    },
  ) {
    for (const rule of options.rules) {
      if (rule.pattern) validateEventPattern(rule.pattern);
      if (rule.scheduleExpression) parseScheduleExpression(rule.scheduleExpression);
    }
    if (options.dataDir) {
      fs.mkdirSync(options.dataDir, { recursive: true });
      this.archiveFile = path.join(options.dataDir, 'event-archive.jsonl');
    }
  }

  private get now(): Date {
    return this.options.now?.() ?? new Date();
  }

  stats() {
    return { ...this.counts };
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'PutEvents':
        return this.putEvents(input);
      case 'TestEventPattern':
        return this.testEventPattern(input);
      case 'ListRules':
        return {
          Rules: this.options.rules
            .filter((r) => !input.EventBusName || r.busName === this.busName(input.EventBusName))
            .filter((r) => !input.NamePrefix || r.name.startsWith(String(input.NamePrefix)))
            .map((r) => ({
              Name: r.name,
              Arn: r.arn,
              EventBusName: r.busName,
              State: r.enabled ? 'ENABLED' : 'DISABLED',
              EventPattern: r.pattern ? JSON.stringify(r.pattern) : undefined,
              ScheduleExpression: r.scheduleExpression,
            })),
        };
      case 'ListTargetsByRule': {
        const rule = this.options.rules.find((r) => r.name === input.Rule);
        if (!rule) throw new AwsServiceError('ResourceNotFoundException', `Rule ${String(input.Rule)} does not exist.`);
        return {
          Targets: rule.targets.map((t) => ({
            Id: t.id,
            Arn: t.arn,
            Input: t.input,
            InputPath: t.inputPath,
            RetryPolicy: { MaximumRetryAttempts: t.retry.maximumRetryAttempts, MaximumEventAgeInSeconds: t.retry.maximumEventAgeSeconds },
            DeadLetterConfig: t.deadLetterArn ? { Arn: t.deadLetterArn } : undefined,
          })),
        };
      }
      default:
        throw new AwsServiceError('UnknownOperationException', `The local cloud does not emulate EventBridge ${operation}.`);
    }
  }

  private busName(nameOrArn: unknown): string {
    const s = typeof nameOrArn === 'string' && nameOrArn ? nameOrArn : 'default';
    return s.startsWith('arn:') ? (s.split('/').pop() as string) : s;
  }

  private async putEvents(input: Record<string, unknown>): Promise<unknown> {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
      );
    }
    if (Buffer.byteLength(JSON.stringify(entries)) > MAX_REQUEST_BYTES) {
      throw new AwsServiceError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }
    this.counts.putEvents++;
    const results = await Promise.all(
      entries.map((e: unknown) =>
        e && typeof e === 'object' && !Array.isArray(e)
          ? this.putEntry(e as Record<string, unknown>)
          : { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry is not a JSON object.' },
      ),
    );
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  private async putEntry(entry: Record<string, unknown>): Promise<{ EventId: string } | { ErrorCode: string; ErrorMessage: string }> {
    const bus = this.busName(entry.EventBusName);
    if (!this.options.buses.includes(bus)) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '')
        return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail as string);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const time = entry.Time !== undefined ? new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : String(entry.Time)) : this.now;
    const event: EventEnvelope = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: LOCAL_ACCOUNT,
      time: (Number.isNaN(time.getTime()) ? this.now : time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: Array.isArray(entry.Resources) ? (entry.Resources as string[]) : [],
      detail,
    };
    this.counts.entries++;
    this.archive(bus, event);
    const rules = this.options.rules.filter((r) => r.enabled && r.busName === bus && r.pattern && matchesEventPattern(r.pattern, event));
    const receivedAt = this.now.getTime();
    await Promise.all(rules.flatMap((rule) => rule.targets.map((target) => this.deliver(rule, target, event, receivedAt))));
    return { EventId: event.id };
  }

  private archive(bus: string, event: EventEnvelope): void {
    for (const archive of this.options.archives) {
      if (archive.busName !== bus || (archive.pattern && !matchesEventPattern(archive.pattern, event))) continue;
      if (this.archiveFile) fs.appendFileSync(this.archiveFile, JSON.stringify({ archive: archive.name, event }) + '\n');
    }
  }

  private testEventPattern(input: Record<string, unknown>): unknown {
    let pattern: unknown;
    let event: unknown;
    try {
      pattern = JSON.parse(String(input.EventPattern));
    } catch {
      throw new AwsServiceError('InvalidEventPatternException', 'Event pattern is not valid JSON.');
    }
    try {
      validateEventPattern(pattern);
    } catch (error) {
      throw new AwsServiceError('InvalidEventPatternException', (error as Error).message);
    }
    try {
      event = JSON.parse(String(input.Event));
    } catch {
      throw new AwsServiceError('InvalidEventPatternException', 'Event is not valid JSON.');
    }
    const e = event as Record<string, unknown>;
    for (const field of ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type']) {
      if (e[field] === undefined) throw new AwsServiceError('InvalidEventPatternException', `Event is missing required field ${field}.`);
    }
    return { Result: matchesEventPattern(pattern as Record<string, unknown>, e) };
  }

  /** Renders the payload a target receives (Input, InputPath, or the whole event). */
  private payloadFor(target: EventTarget, event: EventEnvelope): unknown {
    if (target.input !== undefined) return JSON.parse(target.input);
    if (target.inputPath) {
      let value: unknown = event;
      for (const key of target.inputPath
        .replace(/^\$\.?/, '')
        .split('.')
        .filter(Boolean))
        value = (value as Record<string, unknown> | undefined)?.[key];
      return value;
    }
    return event;
  }

  /**
   * Delivers to one target; on failure retries in the background (exponential back-off from
   * `retryBaseDelayMs`) while the target's RetryPolicy allows, then sends the event to its
   * DeadLetterConfig queue. The event's age counts from `receivedAt` (when EventBridge accepted it),
   * not from the caller-supplied `time` field.
   */
  private async deliver(rule: EventRule, target: EventTarget, event: EventEnvelope, receivedAt: number, attempt = 0): Promise<void> {
    const payload = this.payloadFor(target, event);
    try {
      this.counts.deliveries++;
      if (target.kind === 'sqs') await this.options.delivery.sendToQueue(target.arn, typeof payload === 'string' ? payload : JSON.stringify(payload));
      else await this.options.delivery.invokeAsync(target.arn, payload);
    } catch (error) {
      this.counts.failedDeliveries++;
      const age = (this.now.getTime() - receivedAt) / 1000;
      const attemptsLeft = attempt < target.retry.maximumRetryAttempts;
      if (attemptsLeft && age < target.retry.maximumEventAgeSeconds) {
        const delay = Math.min(60_000, (this.options.retryBaseDelayMs ?? 1000) * 2 ** attempt);
        const timer = setTimeout(() => void this.deliver(rule, target, event, receivedAt, attempt + 1), delay);
        timer.unref();
        return;
      }
      if (target.deadLetterArn) {
        await this.options.delivery
          .sendToQueue(target.deadLetterArn, JSON.stringify(event), {
            RULE_ARN: rule.arn,
            TARGET_ARN: target.arn,
            ERROR_CODE: (error as Error).name,
            ERROR_MESSAGE: (error as Error).message.slice(0, 256),
            EXHAUSTED_RETRY_CONDITION: attemptsLeft ? 'MaximumEventAgeInSeconds' : 'MaximumRetryAttempts',
            RETRY_ATTEMPTS: String(attempt),
          })
          .catch((dlqError: unknown) => console.error(`[local-cloud] event ${event.id} lost: DLQ ${target.deadLetterArn} failed`, dlqError));
      } else {
        console.error(`[local-cloud] event ${event.id} for rule ${rule.name} dropped after ${attempt + 1} attempts (no DeadLetterConfig):`, (error as Error).message);
      }
    }
  }

  /**
   * Starts the timers of scheduled rules. Rate schedules count from now (see
   * parseScheduleExpression); each fire time is computed strictly after the previous one, so a
   * timer that wakes a little early never fires the same time twice. Failed deliveries are retried
   * and dead-lettered like any other.
   */
  startSchedules(): void {
    for (const rule of this.options.rules) {
      if (!rule.scheduleExpression || !rule.enabled) continue;
      const schedule = parseScheduleExpression(rule.scheduleExpression, { start: this.now });
      const arm = (after: Date) => {
        if (this.closed) return;
        const next = schedule.next(after);
        if (!next) {
          this.nextFires.delete(rule);
          return;
        }
        const delay = Math.max(0, next.getTime() - this.now.getTime());
        // setTimeout caps at ~24.8 days; re-arm in steps for schedules further away
        const timer = setTimeout(
          () => {
            if (next.getTime() > this.now.getTime() + 1000) return arm(after);
            void this.fireSchedule(rule, next).finally(() => arm(next));
          },
          Math.min(delay, 2 ** 31 - 1),
        );
        timer.unref();
        this.timers.set(rule, timer);
        this.nextFires.set(rule, next);
      };
      arm(this.now);
    }
  }

  /** Delivers a rule's "Scheduled Event" to its targets now (used by the timers and by tests). */
  async fireSchedule(rule: EventRule, time: Date = this.now): Promise<void> {
    const event: EventEnvelope = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: [rule.arn],
      detail: {},
    };
    const receivedAt = this.now.getTime();
    await Promise.all(rule.targets.map((t) => this.deliver(rule, t, event, receivedAt)));
  }

  /** The scheduled rules whose timers are armed, with the time each fires next. */
  armedSchedules(): Array<{ rule: EventRule; next: Date }> {
    return [...this.nextFires].map(([rule, next]) => ({ rule, next }));
  }

  get rules(): readonly EventRule[] {
    return this.options.rules;
  }

  close(): void {
    this.closed = true;
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    this.nextFires.clear();
  }
}

/** Reads the targets of an `AWS::Events::Rule` (already resolved) into EventTargets. */
export function readTargets(ruleId: string, targets: unknown, kindOf: (arn: string) => 'sqs' | 'lambda' | undefined): EventTarget[] {
  return ((targets as Array<Record<string, unknown>>) ?? []).map((t) => {
    for (const key of Object.keys(t)) {
      if (!['Id', 'Arn', 'Input', 'InputPath', 'RetryPolicy', 'DeadLetterConfig', 'RoleArn'].includes(key)) {
        throw new UnsupportedTemplateError(`target property ${key} of rule ${ruleId} is not supported`);
      }
    }
    const arn = String(t.Arn);
    const kind = kindOf(arn);
    if (!kind) throw new UnsupportedTemplateError(`rule ${ruleId}: target ${arn} is not a queue or function of this stack`);
    const retry = (t.RetryPolicy as Record<string, number> | undefined) ?? {};
    return {
      id: String(t.Id),
      arn,
      kind,
      input: t.Input as string | undefined,
      inputPath: t.InputPath as string | undefined,
      retry: { maximumRetryAttempts: retry.MaximumRetryAttempts ?? 185, maximumEventAgeSeconds: retry.MaximumEventAgeInSeconds ?? 86_400 },
      deadLetterArn: (t.DeadLetterConfig as { Arn?: string } | undefined)?.Arn,
    };
  });
}
