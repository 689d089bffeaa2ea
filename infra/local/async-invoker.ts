/**
 * Asynchronous Lambda invocations (InvocationType Event, EventBridge → Lambda, schedules) the way
 * Lambda runs them: accepted into a durable internal queue (so a kill -9 loses nothing), invoked,
 * retried after an error with the function's EventInvokeConfig (MaximumRetryAttempts, default 2;
 * MaximumEventAgeInSeconds, default 6 h), then handed to the on-failure destination (an invocation
 * record, as Lambda sends it) or the function's dead-letter queue (the original event).
 */
import crypto from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { SqsService, QueueDefinition } from './sqs.ts';
import type { LambdaRuntime, FunctionDefinition, InvokeResult } from './lambda-runtime.ts';
import { LambdaError } from './lambda-runtime.ts';
import { UnsupportedTemplateError, referencedLogicalIds, type ResourceNames } from './template.ts';
import { LOCAL_ACCOUNT } from './aws-protocol.ts';

interface InvokeConfig {
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  onFailure?: string;
  onSuccess?: string;
  deadLetterArn?: string;
}

interface QueuedInvocation {
  requestId: string;
  enqueuedAt: number;
  payload: unknown;
}

/** Lambda's default delays between asynchronous attempts: about 1 minute, then about 2 minutes. */
const DEFAULT_RETRY_DELAYS_MS = [60_000, 120_000];

export class AsyncInvoker {
  private readonly configs = new Map<string, InvokeConfig>();
  private running = false;
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      sqs: SqsService;
      lambda: LambdaRuntime;
      names: ResourceNames;
      asyncQueueUrlBase: string;
      retryDelaysMs?: number[];
      log?: (line: string) => void;
    },
  ) {
    const { names, lambda } = options;
    for (const fn of lambda.functions) {
      const dlq = (names.stack.Resources[fn.logicalId]?.Properties?.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn;
      this.configs.set(fn.name, { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, deadLetterArn: dlq ? String(names.resolve(dlq)) : undefined });
    }
    for (const { logicalId, properties } of names.rawOfType('AWS::Lambda::EventInvokeConfig')) {
      const fnId = [...referencedLogicalIds(properties.FunctionName)][0];
      const fn = fnId ? lambda.find(fnId) : lambda.find(String(properties.FunctionName));
      if (!fn) throw new UnsupportedTemplateError(`EventInvokeConfig ${logicalId}: function not found`);
      const p = names.resolve(properties) as Record<string, unknown>;
      const destinations = (p.DestinationConfig ?? {}) as { OnFailure?: { Destination?: string }; OnSuccess?: { Destination?: string } };
      for (const d of [destinations.OnFailure?.Destination, destinations.OnSuccess?.Destination]) {
        if (d && !d.startsWith('arn:aws:sqs:'))
          throw new UnsupportedTemplateError(`EventInvokeConfig ${logicalId}: destination ${d} is not an SQS queue (only SQS destinations are emulated)`);
      }
      const config = this.configs.get(fn.name) as InvokeConfig;
      config.maximumRetryAttempts = Number(p.MaximumRetryAttempts ?? 2);
      config.maximumEventAgeSeconds = Number(p.MaximumEventAgeInSeconds ?? 21_600);
      config.onFailure = destinations.OnFailure?.Destination;
      config.onSuccess = destinations.OnSuccess?.Destination;
    }
  }

  /** The internal queue holding a function's accepted asynchronous invocations. */
  static queueFor(fn: FunctionDefinition, awsUrl: string): QueueDefinition {
    const hash = crypto.createHash('sha256').update(fn.name).digest('hex').slice(0, 12);
    const name = `lambda-async-${fn.name}`.length <= 80 ? `lambda-async-${fn.name}` : `lambda-async-${fn.name.slice(0, 54)}-${hash}`;
    return {
      logicalId: `${fn.logicalId}AsyncInvocations`,
      name,
      arn: `arn:aws:sqs:us-east-1:${LOCAL_ACCOUNT}:${name}`,
      url: `${awsUrl}/${LOCAL_ACCOUNT}/${name}`,
      visibilityTimeoutSeconds: fn.timeoutSeconds + 30,
      delaySeconds: 0,
      messageRetentionSeconds: 21_600,
      receiveMessageWaitTimeSeconds: 0,
      maximumMessageSize: 262_144,
      internal: true,
    };
  }

  private queueArnFor(functionName: string): string {
    const fn = this.options.lambda.find(functionName);
    if (!fn) throw new LambdaError('ResourceNotFoundException', `Function not found: ${functionName}`);
    return AsyncInvoker.queueFor(fn, this.options.asyncQueueUrlBase).arn;
  }

  /** Accepts an asynchronous invocation; resolves once it is durably queued. */
  async enqueue(functionNameOrArn: string, payload: unknown): Promise<string> {
    const requestId = crypto.randomUUID();
    const body: QueuedInvocation = { requestId, enqueuedAt: Date.now(), payload };
    await this.options.sqs.send(this.queueArnFor(functionNameOrArn), JSON.stringify(body));
    return requestId;
  }

  start(): void {
    this.running = true;
    setMaxListeners(0, this.stopping.signal); // one long poll per function listens to it
    for (const fn of this.options.lambda.functions) this.loops.push(this.consume(fn));
  }

  private async consume(fn: FunctionDefinition): Promise<void> {
    const queueArn = AsyncInvoker.queueFor(fn, this.options.asyncQueueUrlBase).arn;
    const concurrency = Math.max(1, Math.min(fn.reservedConcurrency ?? 4, 4));
    while (this.running) {
      let messages;
      try {
        messages = await this.options.sqs.receive(queueArn, {
          maxMessages: concurrency,
          waitTimeSeconds: 20,
          visibilityTimeoutSeconds: fn.timeoutSeconds + 30,
          signal: this.stopping.signal,
        });
      } catch (error) {
        if (!this.running) return;
        this.options.log?.(`async invoker for ${fn.name}: receive failed: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      await Promise.all(
        messages.map((m) => {
          const work = this.process(fn, queueArn, m).catch((error: unknown) => this.options.log?.(`async invocation of ${fn.name} failed to process: ${(error as Error).message}`));
          this.inFlight.add(work);
          return work.finally(() => this.inFlight.delete(work));
        }),
      );
    }
  }

  private async process(fn: FunctionDefinition, queueArn: string, message: { receiptHandle: string; body: string; receiveCount: number }): Promise<void> {
    const config = this.configs.get(fn.name) as InvokeConfig;
    const invocation = JSON.parse(message.body) as QueuedInvocation;
    const attempt = message.receiveCount;
    const ageSeconds = (Date.now() - invocation.enqueuedAt) / 1000;
    if (ageSeconds > config.maximumEventAgeSeconds) {
      await this.fail(fn, config, invocation, attempt - 1, 'EventAgeExceeded', undefined);
      await this.options.sqs.deleteMessage(queueArn, message.receiptHandle);
      return;
    }
    let result: InvokeResult;
    try {
      result = await this.options.lambda.invoke(fn.name, invocation.payload);
    } catch (error) {
      // throttled: Lambda keeps throttled events and retries them for up to the event age
      await this.options.sqs.changeVisibility(queueArn, message.receiptHandle, 1);
      this.options.log?.(`async invocation of ${fn.name} throttled: ${(error as Error).message}`);
      return;
    }
    if (result.status === 'ok') {
      if (config.onSuccess) await this.options.sqs.send(config.onSuccess, JSON.stringify(this.record(fn, invocation, attempt, 'Success', result)));
      await this.options.sqs.deleteMessage(queueArn, message.receiptHandle);
      return;
    }
    this.options.log?.(`async invocation ${invocation.requestId} of ${fn.name} failed (attempt ${attempt}): ${result.errorType}`);
    if (attempt <= config.maximumRetryAttempts) {
      const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
      const delayMs = delays[Math.min(attempt - 1, delays.length - 1)] ?? 60_000;
      await this.options.sqs.changeVisibility(queueArn, message.receiptHandle, Math.max(0, Math.ceil(delayMs / 1000)));
      return;
    }
    await this.fail(fn, config, invocation, attempt, 'RetriesExhausted', result);
    await this.options.sqs.deleteMessage(queueArn, message.receiptHandle);
  }

  private record(fn: FunctionDefinition, invocation: QueuedInvocation, attempts: number, condition: string, result?: InvokeResult) {
    return {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId: invocation.requestId, functionArn: `${fn.arn}:$LATEST`, condition, approximateInvokeCount: attempts },
      requestPayload: invocation.payload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(result?.status === 'error' ? { functionError: 'Unhandled' } : {}) },
      responsePayload: result?.status === 'error' ? { errorType: result.errorType, errorMessage: result.errorMessage } : result?.payload,
    };
  }

  private async fail(fn: FunctionDefinition, config: InvokeConfig, invocation: QueuedInvocation, attempts: number, condition: string, result?: InvokeResult): Promise<void> {
    if (config.onFailure) {
      await this.options.sqs.send(config.onFailure, JSON.stringify(this.record(fn, invocation, attempts, condition, result)));
    } else if (config.deadLetterArn) {
      const error = result?.status === 'error' ? result : undefined;
      await this.options.sqs.send(config.deadLetterArn, JSON.stringify(invocation.payload), {
        messageAttributes: {
          RequestID: { DataType: 'String', StringValue: invocation.requestId },
          ErrorCode: { DataType: 'Number', StringValue: '200' },
          ErrorMessage: { DataType: 'String', StringValue: (error?.errorMessage ?? condition).slice(0, 256) },
        },
      });
    } else {
      this.options.log?.(`async invocation ${invocation.requestId} of ${fn.name} dropped after ${attempts} attempts: no destination or DLQ`);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await Promise.allSettled([...this.loops, ...this.inFlight]);
  }
}
