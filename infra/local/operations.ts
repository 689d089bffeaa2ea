/**
 * Operations of the local cloud (OPS-1, OPS-2): collects the local metrics (function EMF lines,
 * Lambda, API Gateway and SQS metrics), evaluates the template's alarms every few seconds, and
 * serves them — with queue depths and the drill fault switches — on the local AWS endpoint:
 *
 *   GET    /_local/alarms        alarm states, severities, transitions; alarms not evaluated locally
 *   GET    /_local/queues        every queue of the template: visible, in flight, delayed, oldest age, its DLQ
 *   GET    /_local/metrics       the metrics held (name, dimensions, datapoints, latest)
 *   POST   /_local/faults        {"function": "<name or logical id>", "match": "<marker>"} → the fault
 *   GET    /_local/faults/{id}   a fault and the outcomes of matching invocations
 *   DELETE /_local/faults/{id}   clears it ("the fix is deployed")
 *
 * `npm run ops` reads these. They exist only locally; on AWS the same questions are answered by
 * CloudWatch (alarms, metrics) and SQS (queue attributes) — see docs/operations.md.
 */
import type { RestRoute } from './aws-protocol.ts';
import { AlarmMonitor, alarmWindowMs, readAlarms, type AlarmReport } from './alarms.ts';
import { FaultSwitches } from './faults.ts';
import { MetricStore, parseEmf } from './metrics.ts';
import type { FunctionDefinition, InvokeResult, LambdaRuntimeOptions } from './lambda-runtime.ts';
import type { QueueDefinition, SqsService } from './sqs.ts';
import type { ResourceNames } from './template.ts';

export interface QueueReport {
  logicalId: string;
  name: string;
  arn: string;
  visible: number;
  inFlight: number;
  delayed: number;
  oldestAgeSeconds: number;
  /** The name of this queue's dead-letter queue, if it has one. */
  deadLetterQueue?: string;
  /** Whether some queue of the template dead-letters into this one, or a function sends its failed asynchronous invocations here. */
  isDeadLetterQueue: boolean;
}

export interface OperationsOptions {
  names: ResourceNames;
  /** How often alarms are evaluated (and queue depths sampled); default 5 s. */
  intervalMs?: number;
  /** Tests only: scales every alarm period (0.1 → a 60 s period lasts 6 s). */
  periodScale?: number;
  now?: () => number;
}

export class LocalOperations {
  readonly metrics: MetricStore;
  readonly alarms: AlarmMonitor;
  readonly faults = new FaultSwitches();
  private timer?: NodeJS.Timeout;
  private sqs?: SqsService;
  private queues: QueueDefinition[] = [];
  private deadLetterArns = new Set<string>();

  constructor(private readonly options: OperationsOptions) {
    const { alarms, unevaluated } = readAlarms(options.names.ofType('AWS::CloudWatch::Alarm'));
    // datapoints are kept as long as the longest alarm looks back (the SLO's 6 h burn-rate window)
    this.metrics = new MetricStore({ now: options.now, windowMs: Math.max(3_600_000 * (options.periodScale ?? 1), ...alarms.map((a) => alarmWindowMs(a, options.periodScale))) });
    this.alarms = new AlarmMonitor(alarms, unevaluated, this.metrics, { periodScale: options.periodScale, now: options.now });
  }

  /** The hooks the Lambda runtime calls: EMF lines, fault switches, AWS/Lambda metrics. */
  lambdaHooks(): Pick<LambdaRuntimeOptions, 'onLogLine' | 'intercept' | 'observe'> {
    const namesOf = (fn: FunctionDefinition) => [fn.name, fn.logicalId];
    return {
      onLogLine: (_fn, line) => {
        for (const m of parseEmf(line)) for (const v of m.values) this.metrics.put(m, v, m.timestamp);
      },
      intercept: (fn, event) => this.faults.intercept(namesOf(fn), event),
      observe: (fn, event, outcome, durationMs) => {
        const dimensions = { FunctionName: fn.name };
        const put = (metricName: string, value: number) => this.metrics.put({ namespace: 'AWS/Lambda', metricName, dimensions }, value);
        if (outcome === 'throttled') {
          put('Throttles', 1);
          return;
        }
        put('Invocations', 1);
        put('Errors', outcome.status === 'error' ? 1 : 0);
        put('Duration', durationMs);
        this.faults.observe(namesOf(fn), event, outcome as InvokeResult);
      },
    };
  }

  /** The hook the local API Gateway calls for every answered request. */
  apiHook(apiName: string, stage: string): (status: number, latencyMs: number) => void {
    const dimensions = { ApiName: apiName, Stage: stage };
    return (status, latencyMs) => {
      const put = (metricName: string, value: number) => this.metrics.put({ namespace: 'AWS/ApiGateway', metricName, dimensions }, value);
      put('Count', 1);
      put('5XXError', status >= 500 ? 1 : 0);
      put('4XXError', status >= 400 && status < 500 ? 1 : 0);
      put('Latency', latencyMs);
    };
  }

  /** Starts sampling the queues and evaluating the alarms. */
  start(sqs: SqsService, queues: QueueDefinition[]): void {
    this.sqs = sqs;
    this.queues = queues;
    this.deadLetterArns = new Set(queues.flatMap((q) => (q.redrivePolicy ? [q.redrivePolicy.deadLetterTargetArn] : [])));
    const names = this.options.names;
    for (const { properties } of names.ofType('AWS::Lambda::EventInvokeConfig')) {
      const onFailure = (properties.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure?.Destination;
      if (onFailure) this.deadLetterArns.add(String(onFailure));
    }
    for (const { properties } of names.ofType('AWS::Lambda::Function')) {
      const dlq = (properties.DeadLetterConfig as { TargetArn?: string } | undefined)?.TargetArn;
      if (dlq) this.deadLetterArns.add(String(dlq));
    }
    for (const { properties } of names.ofType('AWS::Events::Rule')) {
      for (const t of (properties.Targets as Array<{ DeadLetterConfig?: { Arn?: string } }> | undefined) ?? [])
        if (t.DeadLetterConfig?.Arn) this.deadLetterArns.add(String(t.DeadLetterConfig.Arn));
    }
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? 5_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sample of every queue's depth and age, then one evaluation of every alarm. */
  tick(): void {
    for (const q of this.queueReport()) {
      const dimensions = { QueueName: q.name };
      this.metrics.put({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions }, q.visible);
      this.metrics.put({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesNotVisible', dimensions }, q.inFlight);
      this.metrics.put({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesDelayed', dimensions }, q.delayed);
      this.metrics.put({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensions }, q.oldestAgeSeconds);
    }
    this.alarms.evaluate();
  }

  queueReport(): QueueReport[] {
    const sqs = this.sqs;
    if (!sqs) return [];
    const byArn = new Map(this.queues.map((q) => [q.arn, q]));
    return this.queues.map((q) => ({
      logicalId: q.logicalId,
      name: q.name,
      arn: q.arn,
      ...sqs.stats(q.arn),
      oldestAgeSeconds: sqs.oldestMessageAgeSeconds(q.arn),
      ...(q.redrivePolicy ? { deadLetterQueue: byArn.get(q.redrivePolicy.deadLetterTargetArn)?.name ?? q.redrivePolicy.deadLetterTargetArn } : {}),
      isDeadLetterQueue: this.deadLetterArns.has(q.arn),
    }));
  }

  alarmReport(): AlarmReport {
    return this.alarms.report();
  }

  /** The `/_local/*` routes on the local AWS endpoint. */
  route(): RestRoute {
    return async (req, body, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith('/_local/')) return false;
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const path = url.pathname.slice('/_local'.length);
      const faultId = /^\/faults\/([\w-]+)$/.exec(path)?.[1];
      if (req.method === 'GET' && path === '/alarms') reply(200, this.alarmReport());
      else if (req.method === 'GET' && path === '/queues') reply(200, { queues: this.queueReport() });
      else if (req.method === 'GET' && path === '/metrics') reply(200, { metrics: this.metrics.list() });
      else if (req.method === 'GET' && path === '/faults') reply(200, { faults: this.faults.list() });
      else if (req.method === 'POST' && path === '/faults') {
        let input: { function?: unknown; match?: unknown };
        try {
          input = JSON.parse(body.toString('utf8') || '{}') as typeof input;
        } catch {
          reply(400, { message: 'body is not JSON' });
          return true;
        }
        if (typeof input.function !== 'string' || typeof input.match !== 'string') reply(400, { message: 'function and match (strings) are required' });
        else {
          try {
            reply(201, this.faults.set(input.function, input.match));
          } catch (error) {
            reply(400, { message: (error as Error).message });
          }
        }
      } else if (faultId && (req.method === 'GET' || req.method === 'DELETE')) {
        const fault = req.method === 'DELETE' ? this.faults.clear(faultId) : this.faults.get(faultId);
        if (fault) reply(200, fault);
        else reply(404, { message: `no fault ${faultId}` });
      } else reply(404, { message: `no local operations route ${req.method} ${url.pathname}` });
      return true;
    };
  }
}
