/**
 * Lambda, locally: each function runs in worker threads ("execution environments") with the
 * template's environment variables, handler, timeout and memory size. An environment is reused
 * across invocations (warm starts) and thrown away after a timeout or crash, as on Lambda.
 *
 * Concurrency: a function with ReservedConcurrentExecutions is throttled above it
 * (TooManyRequestsException), as on AWS. Without it, at most `defaultConcurrency` environments run
 * and further invocations wait their turn — one machine cannot run an account's 1,000 sandboxes.
 */
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { lineSplitter } from './metrics.ts';

export type InvokeResult = { status: 'ok'; payload: unknown } | { status: 'error'; errorType: string; errorMessage: string; stackTrace?: string[] };

export interface FunctionDefinition {
  logicalId: string;
  name: string;
  arn: string;
  /** Directory holding the bundled code (the asset directory of the cloud assembly). */
  codeDir: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  reservedConcurrency?: number;
  /** The access key its environment signs with: its execution role's (infra/local/iam.ts); the cloud's shared key when unset. */
  accessKeyId?: string;
  /** Makes `codeDir` ready before an environment starts (bundles built on demand; idempotent and cached by its owner). */
  prepareCode?: () => Promise<void>;
}

export class LambdaError extends Error {
  constructor(
    readonly code: 'ResourceNotFoundException' | 'TooManyRequestsException',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const WORKER_FILE = fileURLToPath(new URL('./lambda-worker.mjs', import.meta.url));

/** The runtime's module directory, and the project whose `node_modules/@aws-sdk` it links to. */
interface RuntimeModules {
  readonly modulesDir: string;
  readonly projectDir: string;
}

/**
 * The runtime's module directory (Lambda's /var/runtime/node_modules): a `node_modules` holding
 * only the AWS SDK for JavaScript v3 (a link to the project's `@aws-sdk`), which the nodejs18.x+
 * runtimes provide to code that does not bundle it. Undefined when the SDK is not installed.
 */
function runtimeModules(): RuntimeModules | undefined {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const sdk = path.join(dir, 'node_modules', '@aws-sdk');
    if (fs.existsSync(sdk)) {
      const runtimeDir = path.join(dir, 'node_modules', '.cache', 'local-cloud-lambda-runtime', 'node_modules');
      const link = path.join(runtimeDir, '@aws-sdk');
      try {
        if (!fs.existsSync(link)) {
          fs.mkdirSync(runtimeDir, { recursive: true });
          fs.rmSync(link, { force: true }); // a dangling link left by a moved checkout
          fs.symlinkSync(sdk, link, 'junction');
        }
        return { modulesDir: runtimeDir, projectDir: dir };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { modulesDir: runtimeDir, projectDir: dir };
        return undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * `LAMBDA_CPU_PROFILE=<regex>`: the environments of functions whose name matches write a V8 CPU
 * profile each when they end (`<tmpdir>/lambda-cpu-profiles`, open it in Chrome's DevTools) — for
 * finding where a function's time goes under load (docs/performance.md). Read when a runtime is
 * created; a pattern that is not a regular expression fails then, naming the variable.
 */
function cpuProfilePattern(): RegExp | undefined {
  const source = process.env.LAMBDA_CPU_PROFILE;
  if (!source) return undefined;
  try {
    return new RegExp(source);
  } catch (error) {
    throw new Error(`LAMBDA_CPU_PROFILE is not a regular expression: ${(error as Error).message}`, { cause: error });
  }
}

/** An environment's event-loop active time so far, in ms: its worker's (which reads 0 once the worker has exited), or the last reading taken while it ran. */
function activeMs(env: Environment): number {
  env.lastActiveMs = Math.max(env.lastActiveMs ?? 0, env.worker.performance.eventLoopUtilization().active);
  return env.lastActiveMs;
}

interface Environment {
  worker: Worker;
  busy: boolean;
  /** Settles when the init phase (importing the handler) has ended, however it ended, or the worker died. */
  initialised: Promise<void>;
  /** Why the environment died, once it has. */
  died?: { errorType: string; errorMessage: string };
  pending?: { requestId: string; resolve: (r: InvokeResult) => void; timer: NodeJS.Timeout };
  /** The last reading of its event loop's active time (see {@link activeMs}). */
  lastActiveMs?: number;
}

/** Lambda's limit of an init phase before it is retried within the invocation. */
const INIT_LIMIT_MS = 10_000;

class FunctionPool {
  private readonly environments: Environment[] = [];
  private readonly waiting: Array<() => void> = [];
  invocations = 0;
  coldStarts = 0;
  /** Sum of invocation durations, each rounded up to the millisecond as Lambda bills them. */
  billedMs = 0;
  /** Bytes the function wrote to stdout/stderr (what CloudWatch Logs would ingest, less the platform's lines). */
  logBytes = 0;
  /** Event-loop active time of environments already gone (see {@link busyMs}). */
  private goneBusyMs = 0;

  constructor(
    readonly definition: FunctionDefinition,
    private readonly options: {
      defaultConcurrency: number;
      baseEnv: Record<string, string>;
      logFile?: string;
      runtimeModules?: RuntimeModules;
      onLogLine?: (fn: FunctionDefinition, line: string) => void;
      initLimitMs?: number;
      /** Its environments write CPU profiles (see {@link cpuProfilePattern}). */
      cpuProfile?: boolean;
    },
  ) {}

  private get limit(): number {
    return this.definition.reservedConcurrency ?? this.options.defaultConcurrency;
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    // a bundle built on demand is built before the first environment starts (not part of init or the invocation)
    try {
      await this.definition.prepareCode?.();
    } catch (error) {
      return { status: 'error', errorType: 'Runtime.ImportModuleError', errorMessage: `the function's bundle could not be built: ${(error as Error).message}` };
    }
    const env = await this.acquire();
    this.invocations++;
    const requestId = crypto.randomUUID();
    const initStarted = performance.now();
    // Lambda times the init phase apart from the invocation: the timeout starts once the handler is
    // loaded. Init may take 10 s; past that Lambda goes on initialising within the invocation, under
    // the function's timeout — so a module that never finishes loading fails by then, never hangs.
    const initLimitMs = this.options.initLimitMs ?? INIT_LIMIT_MS;
    const timeoutMs = this.definition.timeoutSeconds * 1000;
    let initTimer: NodeJS.Timeout | undefined;
    const initialised = await Promise.race([
      env.initialised.then(() => true),
      new Promise<false>((resolve) => {
        initTimer = setTimeout(resolve, initLimitMs + timeoutMs, false);
        initTimer.unref();
      }),
    ]);
    clearTimeout(initTimer);
    this.billedMs += Math.ceil(performance.now() - initStarted);
    if (!initialised) {
      this.discard(env);
      this.release(env);
      return {
        status: 'error',
        errorType: 'Sandbox.Timedout',
        errorMessage: `${requestId} Task timed out after ${this.definition.timeoutSeconds.toFixed(2)} seconds (the init phase did not end within ${initLimitMs / 1000} s, nor the invocation's re-init within the timeout)`,
      };
    }
    if (env.died) {
      // the environment died while loading (out of memory, exit): that is the invocation's outcome
      this.release(env);
      return { status: 'error', ...env.died };
    }
    const deadline = Date.now() + timeoutMs;
    const started = performance.now();
    try {
      return await new Promise<InvokeResult>((resolve) => {
        const timer = setTimeout(() => {
          this.discard(env);
          resolve({ status: 'error', errorType: 'Sandbox.Timedout', errorMessage: `${requestId} Task timed out after ${this.definition.timeoutSeconds.toFixed(2)} seconds` });
        }, timeoutMs);
        env.pending = { requestId, resolve, timer };
        env.worker.postMessage({ requestId, event, deadline });
      });
    } finally {
      this.billedMs += Math.ceil(performance.now() - started);
      activeMs(env); // kept: a worker that dies reads 0 afterwards
      env.pending = undefined;
      this.release(env);
    }
  }

  private async acquire(): Promise<Environment> {
    for (;;) {
      const idle = this.environments.find((e) => !e.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.environments.length < this.limit) {
        const env = this.spawn();
        env.busy = true;
        return env;
      }
      if (this.definition.reservedConcurrency !== undefined) {
        throw new LambdaError('TooManyRequestsException', `Rate Exceeded: ${this.definition.name} is at its reserved concurrency (${this.limit}).`);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(env: Environment): void {
    env.busy = false;
    this.waiting.shift()?.();
  }

  private spawn(): Environment {
    const d = this.definition;
    const runtime = this.options.runtimeModules;
    this.coldStarts++;
    const worker = new Worker(WORKER_FILE, {
      workerData: {
        codeDir: d.codeDir,
        handler: d.handler,
        functionName: d.name,
        functionArn: d.arn,
        memorySize: d.memorySize,
        logGroupName: `/aws/lambda/${d.name}`,
        // ES modules get the runtime's SDK through resolution hooks (a loader thread, ≈ 0.3 s of a
        // cold start), so only code outside the project has them: code under it (cdk.out) resolves
        // `@aws-sdk/…` from the project's node_modules, the very modules the runtime's directory links to.
        sdkHooksDir: runtime && !path.resolve(d.codeDir).startsWith(runtime.projectDir + path.sep) ? runtime.modulesDir : undefined,
      },
      env: {
        ...this.options.baseEnv,
        // CommonJS finds the runtime's SDK through NODE_PATH
        ...(runtime ? { NODE_PATH: runtime.modulesDir } : {}),
        ...d.environment,
        // its role's credentials, as Lambda gives them: the local cloud's IAM check knows the role by the key (infra/local/iam.ts)
        ...(d.accessKeyId ? { AWS_ACCESS_KEY_ID: d.accessKeyId } : {}),
        AWS_LAMBDA_FUNCTION_NAME: d.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(d.memorySize),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${d.name}`,
      },
      resourceLimits: { maxOldGenerationSizeMb: d.memorySize, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, d.memorySize / 16)) },
      stdout: true,
      stderr: true,
      execArgv: ['--enable-source-maps', ...(this.options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(os.tmpdir(), 'lambda-cpu-profiles')}`] : [])],
    });
    let initialised!: () => void;
    const env: Environment = { worker, busy: false, initialised: new Promise<void>((resolve) => (initialised = resolve)) };
    const log = this.options.logFile ? fs.createWriteStream(this.options.logFile, { flags: 'a' }) : undefined;
    const onLogLine = this.options.onLogLine;
    const lines = onLogLine ? lineSplitter((line) => onLogLine(d, line)) : undefined;
    worker.stdout.on('data', (chunk: Buffer) => {
      this.logBytes += chunk.length;
      log?.write(chunk);
      lines?.(chunk);
    });
    worker.stderr.on('data', (chunk: Buffer) => {
      this.logBytes += chunk.length;
      log?.write(chunk);
    });
    worker.on(
      'message',
      (message: { initialised?: boolean; requestId: string; ok: boolean; payload?: unknown; error?: { errorType: string; errorMessage: string; stackTrace?: string[] } }) => {
        if (message.initialised !== undefined) return initialised();
        const pending = env.pending;
        if (!pending || pending.requestId !== message.requestId) return;
        clearTimeout(pending.timer);
        pending.resolve(
          message.ok
            ? { status: 'ok', payload: message.payload }
            : {
                status: 'error',
                errorType: message.error?.errorType ?? 'Error',
                errorMessage: message.error?.errorMessage ?? 'Unknown error',
                stackTrace: message.error?.stackTrace,
              },
        );
      },
    );
    const onDeath = (errorType: string, errorMessage: string) => {
      env.died ??= { errorType, errorMessage };
      initialised();
      const pending = env.pending;
      this.remove(env);
      if (pending) {
        clearTimeout(pending.timer);
        pending.resolve({ status: 'error', errorType, errorMessage });
      }
      log?.end();
    };
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') onDeath('Runtime.OutOfMemory', `Runtime exited: memory limit of ${d.memorySize} MB exceeded`);
      else onDeath('Runtime.ExitError', `Runtime exited with error: ${error.message}`);
    });
    worker.on('exit', (code) => onDeath('Runtime.ExitError', `Runtime exited with exit code ${code}`));
    this.environments.push(env);
    return env;
  }

  /** Takes `env` out of the pool (once), keeping its busy time in {@link busyMs}. */
  private remove(env: Environment): void {
    const i = this.environments.indexOf(env);
    if (i < 0) return;
    this.goneBusyMs += activeMs(env);
    this.environments.splice(i, 1);
  }

  /**
   * Milliseconds the function's environments have spent running code (their threads' event loops
   * active, init included), as opposed to idling while they wait on I/O. Time spent waiting for a
   * core counts too, so it is an upper bound of their CPU: where the local cloud's time goes.
   */
  busyMs(): number {
    return this.environments.reduce((sum, e) => sum + activeMs(e), this.goneBusyMs);
  }

  private discard(env: Environment): void {
    this.remove(env);
    void env.worker.terminate();
    // a waiting invocation may now start a fresh environment
    this.waiting.shift()?.();
  }

  async close(): Promise<void> {
    const all = this.environments.splice(0);
    await Promise.all(all.map((e) => e.worker.terminate()));
  }
}

export interface LambdaRuntimeOptions {
  functions: FunctionDefinition[];
  /** Environment every function gets before its own variables: region, credentials, endpoints. */
  baseEnv: Record<string, string>;
  defaultConcurrency?: number;
  /** Where each function's stdout/stderr goes (`<logDir>/<function>.log`); discarded if unset. */
  logDir?: string;
  /** Each line a function prints to stdout (where Powertools writes its EMF metrics). */
  onLogLine?: (fn: FunctionDefinition, line: string) => void;
  /** How long an init phase may take before it counts against the invocation's timeout (Lambda: 10 s; tests shorten it). */
  initLimitMs?: number;
  /** Before each invocation: a result to return instead of running the function (fault drills). */
  intercept?: (fn: FunctionDefinition, event: unknown) => InvokeResult | undefined;
  /** After each invocation (also throttled ones): its outcome and duration, for the local metrics. */
  observe?: (fn: FunctionDefinition, event: unknown, outcome: InvokeResult | 'throttled', durationMs: number) => void;
}

/** Runs the functions of a cloud assembly; `invoke` is a synchronous (RequestResponse) invocation. */
export class LambdaRuntime {
  private readonly pools = new Map<string, FunctionPool>();

  constructor(private readonly options: LambdaRuntimeOptions) {
    if (options.logDir) fs.mkdirSync(options.logDir, { recursive: true });
    const modules = options.functions.length > 0 ? runtimeModules() : undefined;
    const profiled = cpuProfilePattern();
    for (const definition of options.functions) {
      const pool = new FunctionPool(definition, {
        defaultConcurrency: options.defaultConcurrency ?? 8,
        baseEnv: options.baseEnv,
        logFile: options.logDir ? path.join(options.logDir, `${definition.name}.log`) : undefined,
        runtimeModules: modules,
        onLogLine: options.onLogLine,
        initLimitMs: options.initLimitMs,
        cpuProfile: profiled?.test(definition.name) ?? false,
      });
      this.pools.set(definition.name, pool);
      this.pools.set(definition.arn, pool);
      this.pools.set(definition.logicalId, pool);
    }
  }

  /** Finds a function by name, ARN or logical id. */
  find(nameOrArn: string): FunctionDefinition | undefined {
    return this.pool(nameOrArn)?.definition;
  }

  /** The pool of a function by name, ARN or logical id — qualified or not: one version runs locally, so `name:live`, `arn…:live` and `arn…:$LATEST` are the function. */
  private pool(nameOrArn: string): FunctionPool | undefined {
    return this.pools.get(nameOrArn) ?? this.pools.get(unqualified(nameOrArn));
  }

  get functions(): FunctionDefinition[] {
    return [...new Set(this.pools.values())].map((p) => p.definition);
  }

  async invoke(nameOrArn: string, event: unknown): Promise<InvokeResult> {
    const pool = this.pool(nameOrArn);
    if (!pool) throw new LambdaError('ResourceNotFoundException', `Function not found: ${nameOrArn}`);
    const { intercept, observe } = this.options;
    const started = performance.now();
    const injected = intercept?.(pool.definition, event);
    if (injected) {
      observe?.(pool.definition, event, injected, performance.now() - started);
      return injected;
    }
    let result: InvokeResult;
    try {
      result = await pool.invoke(event);
    } catch (error) {
      if (error instanceof LambdaError && error.code === 'TooManyRequestsException') observe?.(pool.definition, event, 'throttled', 0);
      throw error;
    }
    observe?.(pool.definition, event, result, performance.now() - started);
    return result;
  }

  /** Per function: invocations, cold starts, billed milliseconds (wall clock on this machine), memory size and log bytes. */
  stats(): Record<string, { invocations: number; coldStarts: number; billedMs: number; busyMs: number; memorySize: number; logBytes: number }> {
    return Object.fromEntries(
      [...new Set(this.pools.values())].map((p) => [
        p.definition.name,
        { invocations: p.invocations, coldStarts: p.coldStarts, billedMs: p.billedMs, busyMs: p.busyMs(), memorySize: p.definition.memorySize, logBytes: p.logBytes },
      ]),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...new Set(this.pools.values())].map((p) => p.close()));
  }
}

/** `name:qualifier` → `name`; `arn:aws:lambda:…:function:name:qualifier` → the unqualified ARN; anything else unchanged. */
export function unqualified(nameOrArn: string): string {
  const arn = /^(arn:aws:lambda:[^:]+:[^:]+:function:[^:]+):[^:]+$/.exec(nameOrArn);
  if (arn) return arn[1] as string;
  const name = /^([^:]+):[^:]+$/.exec(nameOrArn);
  return name && !nameOrArn.startsWith('arn:') ? (name[1] as string) : nameOrArn;
}
