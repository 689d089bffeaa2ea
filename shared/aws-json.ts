/**
 * The AWS services the functions call besides DynamoDB, SQS and EventBridge — KMS (field
 * encryption, the audit chain's MAC) and Secrets Manager (signing secrets) — spoken to over their
 * JSON protocol over `node:https` (shared/http-client.ts) and Signature Version 4 (shared/aws-signature.ts), instead of
 * `@aws-sdk/client-kms` (≈ 51 KB in nearly every bundle) and `@aws-sdk/client-secrets-manager`
 * (≈ 13 KB in checkout and payments). Each is one POST: `X-Amz-Target: <prefix>.<Operation>`, a JSON
 * body whose binary fields are base64; the answer is JSON, or an error whose `__type` names the
 * exception.
 *
 * As the SDK does: credentials from Lambda's environment, the endpoint `AWS_ENDPOINT_URL_<SERVICE>`
 * (the local cloud) or the regional one, 3 attempts with exponential backoff and full jitter on a
 * connection failure, a timeout, a 5xx or a throttling answer; an error carries the exception's
 * name as `name` (so `error.name === 'KMSInvalidMacException'` reads as with the SDK) and the HTTP
 * status and request id in `$metadata`. Messages from the service are kept; they never contain the
 * plaintext or keys this module sends.
 */
import { nodeHttpSend, type HttpAnswer, type HttpSend } from './http-client.ts';
import { retry } from './retry.ts';
import { credentialsFromEnv, endpointFromEnv, sha256Hex, signV4, type AwsCredentials } from './aws-signature.ts';

/** An error answer of an AWS JSON service, named for its exception (`AccessDeniedException`, …). */
export class AwsServiceError extends Error {
  readonly $metadata: { readonly httpStatusCode?: number; readonly requestId?: string; attempts: number };
  constructor(name: string, message: string, status: number | undefined, requestId: string | undefined) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status, requestId, attempts: 1 };
  }
}

/** Exceptions a later attempt may not meet (the SDK's throttling and transient codes). */
const RETRYABLE_CODES = new Set([
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'LimitExceededException',
  'RequestLimitExceeded',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'NetworkingError',
]);

/** Whether `error` is worth another attempt. */
export function isRetryableAwsError(error: unknown): boolean {
  if (!(error instanceof AwsServiceError)) return false;
  const status = error.$metadata.httpStatusCode;
  return status === undefined || status >= 500 || status === 429 || RETRYABLE_CODES.has(error.name);
}

/** How to reach one service. */
export interface AwsJsonServiceOptions {
  /** The signing name, e.g. `kms`. */
  readonly signingName: string;
  /** The target prefix, e.g. `TrentService`. */
  readonly targetPrefix: string;
  /** `1.0` or `1.1`. */
  readonly jsonVersion: '1.0' | '1.1';
  readonly region: string;
  /** The service's base URL. */
  readonly endpoint: string;
  /** Credentials, or how to read them at each call. */
  readonly credentials: AwsCredentials | (() => AwsCredentials);
  /** Attempts in all (default 3). */
  readonly attempts?: number;
  /** How long one attempt may take (default 5 s). */
  readonly timeoutMs?: number;
  /** Injectable for tests (default {@link nodeHttpSend}). */
  readonly send?: HttpSend;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** One AWS service over its JSON protocol. */
export class AwsJsonClient {
  private readonly send: HttpSend;
  private readonly now: () => Date;

  constructor(readonly options: AwsJsonServiceOptions) {
    this.send = options.send ?? nodeHttpSend;
    this.now = options.now ?? (() => new Date());
  }

  private credentials(): AwsCredentials {
    const { credentials } = this.options;
    return typeof credentials === 'function' ? credentials() : credentials;
  }

  /** Calls `operation` with `input` (binary fields already base64) and returns the parsed answer. */
  async call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T> {
    const body = JSON.stringify(input);
    const url = new URL(`${this.options.endpoint}/`);
    const headers = { 'content-type': `application/x-amz-json-${this.options.jsonVersion}`, 'x-amz-target': `${this.options.targetPrefix}.${operation}` };
    let attempts = 0;
    try {
      return await retry(
        async () => {
          attempts++;
          const signed = signV4({ method: 'POST', url, headers, payloadHash: sha256Hex(body) }, this.credentials(), this.options.region, this.options.signingName, this.now());
          let response: HttpAnswer;
          try {
            response = await this.send(url, {
              method: 'POST',
              headers: { ...signed, 'content-length': String(Buffer.byteLength(body)) },
              body,
              timeoutMs: this.options.timeoutMs ?? 5_000,
            });
          } catch (error) {
            const name = (error as Error).name === 'TimeoutError' ? 'TimeoutError' : 'NetworkingError';
            throw Object.assign(new AwsServiceError(name, `${this.options.targetPrefix}.${operation}: ${(error as Error).message}`, undefined, undefined), { cause: error });
          }
          const requestId = response.headers['x-amzn-requestid'];
          if (response.status >= 200 && response.status < 300) return (response.body ? JSON.parse(response.body) : {}) as T;
          throw errorOf(response.status, response.body, response.headers['x-amzn-errortype'] ?? null, requestId);
        },
        {
          attempts: this.options.attempts ?? 3,
          retryable: isRetryableAwsError,
          backoff: { baseMs: 100, maxMs: 1_000 },
          ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
        },
      );
    } catch (error) {
      if (error instanceof AwsServiceError) error.$metadata.attempts = attempts;
      throw error;
    }
  }
}

/** The error an answer describes: `__type` (or the `x-amzn-errortype` header), namespace and suffix removed. */
function errorOf(status: number, text: string, typeHeader: string | null, requestId: string | undefined): AwsServiceError {
  let parsed: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === 'object') parsed = json as typeof parsed;
  } catch {
    // not JSON (a proxy's page): the status names it
  }
  const type = String(parsed.__type ?? typeHeader ?? `Http${status}`);
  const name = type.replace(/^.*#/, '').replace(/:.*$/, '') || `Http${status}`;
  const message = typeof parsed.message === 'string' ? parsed.message : typeof parsed.Message === 'string' ? parsed.Message : `HTTP ${status}`;
  return new AwsServiceError(name, message, status, requestId);
}

/** Where a client points and as whom it signs. */
export type AwsJsonTarget = Omit<AwsJsonServiceOptions, 'signingName' | 'targetPrefix' | 'jsonVersion'>;

/** KMS at `target`. */
export const kmsClient = (target: AwsJsonTarget): AwsJsonClient => new AwsJsonClient({ signingName: 'kms', targetPrefix: 'TrentService', jsonVersion: '1.1', ...target });

/** Secrets Manager at `target`. */
export const secretsManagerClient = (target: AwsJsonTarget): AwsJsonClient =>
  new AwsJsonClient({ signingName: 'secretsmanager', targetPrefix: 'secretsmanager', jsonVersion: '1.1', ...target });

/** This container's target for a service: Lambda's region and credentials, the endpoint from the environment. */
function targetFromEnv(endpointId: string, hostPrefix: string, env: NodeJS.ProcessEnv): AwsJsonTarget {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return { region, endpoint: endpointFromEnv(endpointId, hostPrefix, region, env), credentials: credentialsFromEnv(env, hostPrefix) };
}

/** KMS of this container (`AWS_ENDPOINT_URL_KMS` when set). */
export const kmsClientFromEnv = (env: NodeJS.ProcessEnv = process.env): AwsJsonClient => kmsClient(targetFromEnv('KMS', 'kms', env));

/** Secrets Manager of this container (`AWS_ENDPOINT_URL_SECRETS_MANAGER` when set). */
export const secretsManagerClientFromEnv = (env: NodeJS.ProcessEnv = process.env): AwsJsonClient => secretsManagerClient(targetFromEnv('SECRETS_MANAGER', 'secretsmanager', env));

/** Binary to the JSON protocol's base64. */
export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** The JSON protocol's base64 to bytes; throws when `value` is not a string. */
export function fromBase64(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string') throw new Error(`${what} missing from the answer`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}
