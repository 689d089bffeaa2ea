/**
 * The AWS JSON protocol as the local cloud speaks it: one HTTP listener that dispatches
 * `X-Amz-Target: <Prefix>.<Operation>` requests to the emulated services (SQS, EventBridge, KMS)
 * and the Lambda Invoke REST route, and renders errors the way the AWS SDK v3 parses them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An error an emulated service returns to the client, shaped like the real service's. */
export class AwsServiceError extends Error {
  constructor(
    /** The error code the SDK exposes as `error.name`, e.g. `QueueDoesNotExist`. */
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    /** SQS's JSON protocol also reports the legacy query error code in a header. */
    readonly queryErrorCode?: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** A service spoken to over the AWS JSON protocol (`X-Amz-Target: <targetPrefix>.<Operation>`). */
export interface AwsJsonService {
  /** e.g. `AmazonSQS`, `AWSEvents`, `TrentService` (KMS). */
  readonly targetPrefix: string;
  /** JSON protocol version of the responses, `1.0` or `1.1`. */
  readonly jsonVersion: '1.0' | '1.1';
  /** Error type namespace used in `__type`, e.g. `com.amazonaws.sqs#`; empty for none. */
  readonly errorNamespace: string;
  handle(operation: string, input: Record<string, unknown>): Promise<unknown>;
}

/** A route outside the JSON protocol (Lambda's REST API), tried before JSON dispatch. */
export type RestRoute = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => Promise<boolean>;

export interface AwsEndpoint {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: http.ServerResponse, status: number, version: string, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, {
    'content-type': `application/x-amz-json-${version}`,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
    ...headers,
  });
  res.end(text);
}

export function sendServiceError(res: http.ServerResponse, service: Pick<AwsJsonService, 'jsonVersion' | 'errorNamespace'>, error: AwsServiceError): void {
  const headers: Record<string, string> = {};
  if (error.queryErrorCode) headers['x-amzn-query-error'] = `${error.queryErrorCode};${error.statusCode >= 500 ? 'Receiver' : 'Sender'}`;
  sendJson(res, error.statusCode, service.jsonVersion, { __type: `${service.errorNamespace}${error.code}`, message: error.message }, headers);
}

/**
 * Starts the listener. `port` 0 picks a free port. Unknown targets answer 400
 * `UnknownOperationException`, as AWS does.
 */
export async function startAwsEndpoint(options: { services: AwsJsonService[]; restRoutes?: RestRoute[]; port?: number; host?: string }): Promise<AwsEndpoint> {
  const byPrefix = new Map(options.services.map((s) => [s.targetPrefix, s]));
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      for (const route of options.restRoutes ?? []) {
        if (await route(req, body, res)) return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const dot = target.lastIndexOf('.');
      const service = byPrefix.get(target.slice(0, dot));
      if (!service || dot < 0) {
        sendJson(res, 400, '1.1', { __type: 'UnknownOperationException', message: `The local cloud does not serve target '${target}'.` });
        return;
      }
      let input: Record<string, unknown>;
      try {
        input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        sendServiceError(res, service, new AwsServiceError('SerializationException', 'The request body is not valid JSON.'));
        return;
      }
      try {
        const output = await service.handle(target.slice(dot + 1), input);
        sendJson(res, 200, service.jsonVersion, output ?? {});
      } catch (error) {
        if (error instanceof AwsServiceError) sendServiceError(res, service, error);
        else {
          console.error(`[local-cloud] ${target} failed:`, error);
          sendServiceError(res, service, new AwsServiceError('InternalFailure', 'The local cloud failed to handle the request.', 500));
        }
      }
    })().catch((error: unknown) => {
      console.error('[local-cloud] request failed:', error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Region and account the local cloud pretends to be in; ARNs and queue URLs use them. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** Credentials the SDK needs to sign requests; the local cloud does not check signatures. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Required-parameter check for emulated operations, raising the error AWS raises. */
export function requireString(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new AwsServiceError('ValidationException', `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}
