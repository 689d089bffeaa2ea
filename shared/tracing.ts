/**
 * X-Ray tracing for the functions, without the X-Ray SDK.
 *
 * Lambda's active tracing (every function has it) already records the invocation. What we add, as
 * Powertools Tracer did, is a `## handler` subsegment per invocation and one subsegment per AWS SDK
 * call beneath it (service, operation, region, request id, attempts, status). The Powertools Tracer
 * pulled in the whole X-Ray SDK (with `semver` and `cls-hooked`): ≈ 106 KB of every bundle and the
 * largest single share of a cold import after the SDK itself (issue 15). What it did for us fits in
 * this file:
 *  - the trace context of the current invocation is Lambda's `_X_AMZN_TRACE_ID` (set per invocation;
 *    a container runs one invocation at a time, so a module-level "current subsegment" is exact);
 *  - finished subsegments go to the X-Ray daemon Lambda runs beside the function, as UDP datagrams
 *    (`{"format":"json","version":1}` + newline + the document) to `AWS_XRAY_DAEMON_ADDRESS`;
 *  - an AWS SDK call carries `X-Amzn-Trace-Id` with its subsegment as parent, so SQS, EventBridge
 *    and Lambda continue the trace downstream.
 * Nothing is sent when the invocation is not sampled (`Sampled=0`), outside Lambda (no daemon
 * address), or with `POWERTOOLS_TRACE_ENABLED=false` (the variable keeps its Powertools meaning).
 *
 * Personal data never reaches a trace: no request or response bodies, no error messages (an error is
 * recorded by its name only, e.g. `ConditionalCheckFailedException`), no headers.
 */
import crypto from 'node:crypto';
import dgram from 'node:dgram';

/** The parts of `_X_AMZN_TRACE_ID` a subsegment needs. */
export interface TraceHeader {
  root: string;
  parent: string;
  sampled: boolean;
}

/** Parses `Root=1-…;Parent=…;Sampled=1` (any order, extra fields ignored); undefined when incomplete. */
export function parseTraceHeader(header: string | undefined): TraceHeader | undefined {
  if (!header) return undefined;
  const fields = new Map(
    header.split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const root = fields.get('Root');
  const parent = fields.get('Parent');
  if (!root || !parent || !/^1-[0-9a-f]{8}-[0-9a-f]{24}$/.test(root) || !/^[0-9a-f]{16}$/.test(parent)) return undefined;
  return { root, parent, sampled: fields.get('Sampled') === '1' };
}

/** The daemon's UDP address from `AWS_XRAY_DAEMON_ADDRESS` (`host:port`, or `tcp:h:p udp:h:p`). */
export function parseDaemonAddress(value: string | undefined): { host: string; port: number } | undefined {
  if (!value) return undefined;
  const udp =
    value
      .split(/\s+/)
      .find((part) => part.startsWith('udp:'))
      ?.slice(4) ?? (value.includes(' ') ? undefined : value);
  const match = udp ? /^(.+):(\d{1,5})$/.exec(udp) : null;
  if (!match) return undefined;
  const port = Number(match[2]);
  return port > 0 && port < 65_536 ? { host: match[1] as string, port } : undefined;
}

/** The trace header `header` with `Parent` replaced by `parent` (and the root and sampling of `trace`); every other field kept. */
export function withParent(header: string, trace: TraceHeader, parent: string): string {
  const others = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !/^(Root|Parent|Sampled)=/.test(part));
  return [`Root=${trace.root}`, `Parent=${parent}`, 'Sampled=1', ...others].join(';');
}

/** A subsegment document as X-Ray takes it (only the fields we set). */
export interface Subsegment {
  type: 'subsegment';
  id: string;
  trace_id: string;
  parent_id: string;
  name: string;
  start_time: number;
  end_time?: number;
  namespace?: 'aws';
  annotations?: Record<string, string | number | boolean>;
  aws?: { operation: string; region?: string; request_id?: string; retries?: number };
  http?: { response: { status: number } };
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  cause?: { exceptions: Array<{ id: string; type: string }> };
}

/** Where finished subsegments go (the daemon over UDP; tests pass their own). */
export type SegmentSink = (document: Subsegment) => void;

let socket: dgram.Socket | undefined;
const HEADER = '{"format":"json","version":1}\n';

function udpSink(address: { host: string; port: number }): SegmentSink {
  return (document) => {
    socket ??= dgram.createSocket('udp4').unref();
    // Fire and forget, as the X-Ray SDK does: a lost datagram loses a subsegment, never a request.
    socket.send(HEADER + JSON.stringify(document), address.port, address.host, () => undefined);
  };
}

const seconds = () => Date.now() / 1000;
const newId = () => crypto.randomBytes(8).toString('hex');

/** Error documents carry the error's name only (messages may quote input; SEC-2). */
function errorFields(error: unknown, status: number | undefined): Pick<Subsegment, 'error' | 'fault' | 'throttle' | 'cause'> {
  const type = error instanceof Error ? error.name : 'Error';
  const throttle = status === 429 || /Throttl|TooManyRequests|ProvisionedThroughputExceeded|RequestLimitExceeded/.test(type);
  const fault = !throttle && (status === undefined || status >= 500);
  return { ...(fault ? { fault: true } : { error: true }), ...(throttle ? { throttle: true } : {}), cause: { exceptions: [{ id: newId(), type }] } };
}

/** The structural parts of an AWS SDK v3 client the tracing middleware needs. */
interface TraceableClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { request: unknown }) => Promise<{ response: unknown; output: unknown }>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { request: unknown }) => Promise<{ response: unknown; output: unknown }>,
      options: { step: 'build'; name: string; override?: boolean },
    ): void;
  };
  config: { region?: unknown };
}

/**
 * The container's tracer: one handler subsegment per invocation, an SDK call's subsegment under it.
 * `captureAWSv3Client` keeps the Powertools name so adapters read the same.
 */
export class Tracer {
  private current: { header: TraceHeader; handler: Subsegment } | undefined;
  private coldStart = true;

  constructor(private readonly options: { serviceName: string; sink?: SegmentSink; env?: NodeJS.ProcessEnv } = { serviceName: 'commerce' }) {}

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  /** Where documents go now, or undefined when tracing is off. */
  private sink(): SegmentSink | undefined {
    if (this.env.POWERTOOLS_TRACE_ENABLED === 'false') return undefined;
    if (this.options.sink) return this.options.sink;
    const address = parseDaemonAddress(this.env.AWS_XRAY_DAEMON_ADDRESS);
    return address ? udpSink(address) : undefined;
  }

  /** Opens the invocation's `## <_HANDLER>` subsegment (a no-op when the invocation is not traced). */
  beginInvocation(): void {
    const handlerName = this.env._HANDLER ?? 'handler';
    const coldStart = this.coldStart;
    this.coldStart = false;
    this.current = undefined;
    const header = parseTraceHeader(this.env._X_AMZN_TRACE_ID);
    if (!header?.sampled || !this.sink()) return;
    this.current = {
      header,
      handler: {
        type: 'subsegment',
        id: newId(),
        trace_id: header.root,
        parent_id: header.parent,
        name: `## ${handlerName}`,
        start_time: seconds(),
        annotations: { ColdStart: coldStart, Service: this.options.serviceName },
      },
    };
  }

  /** Closes and sends the handler subsegment; an error is recorded by its name. */
  endInvocation(error?: unknown): void {
    const current = this.current;
    this.current = undefined;
    if (!current) return;
    this.sink()?.({ ...current.handler, end_time: seconds(), ...(error === undefined ? {} : errorFields(error, undefined)) });
  }

  /** Adds a subsegment per call (and the trace header downstream) to an AWS SDK v3 client; returns it. */
  captureAWSv3Client<T>(client: T): T {
    const traceable = client as unknown as TraceableClient;
    traceable.middlewareStack.add(
      (next, context) => async (args) => {
        const current = this.current;
        if (!current) return next(args);
        const sink = this.sink();
        const id = newId();
        const request = args.request as { headers?: Record<string, string> };
        // the invocation's own header with this call as parent: its other fields (Lineage: Lambda's loop detection) kept
        if (request?.headers) request.headers['X-Amzn-Trace-Id'] = withParent(this.env._X_AMZN_TRACE_ID ?? '', current.header, id);
        const started = seconds();
        const base = {
          type: 'subsegment' as const,
          id,
          trace_id: current.header.root,
          parent_id: current.handler.id,
          name: (context.clientName ?? 'AWS').replace(/Client$/, ''),
          namespace: 'aws' as const,
          start_time: started,
        };
        const region = await regionOf(traceable);
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        try {
          const result = await next(args);
          const status = (result.response as { statusCode?: number })?.statusCode;
          const metadata = (result.output as { $metadata?: { requestId?: string; attempts?: number } })?.$metadata;
          sink?.({
            ...base,
            end_time: seconds(),
            aws: { operation, region, request_id: metadata?.requestId, retries: Math.max(0, (metadata?.attempts ?? 1) - 1) },
            ...(status === undefined ? {} : { http: { response: { status } } }),
          });
          return result;
        } catch (error) {
          const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number } }).$metadata;
          const status = metadata?.httpStatusCode;
          sink?.({
            ...base,
            end_time: seconds(),
            aws: { operation, region, request_id: metadata?.requestId, retries: Math.max(0, (metadata?.attempts ?? 1) - 1) },
            ...(status === undefined ? {} : { http: { response: { status } } }),
            ...errorFields(error, status),
          });
          throw error;
        }
      },
      { step: 'build', name: 'houseXRayTracing', override: true },
    );
    return client;
  }
}

async function regionOf(client: TraceableClient): Promise<string | undefined> {
  const region = client.config.region;
  try {
    const value = typeof region === 'function' ? await (region as () => Promise<string> | string)() : region;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
