/**
 * The two S3 calls compliance makes (GetObject, PutObject), over `node:https` (shared/http-client.ts)
 * with Signature Version 4 (shared/aws-signature.ts) — instead of `@aws-sdk/client-s3`, which with its XML protocol, checksum and S3
 * middlewares weighed ≈ 160 KB in each function using it (the report and audit-anchor functions).
 * Every put carries its SHA-256 checksum (`x-amz-checksum-sha256`), which a bucket with Object Lock
 * requires. Credentials come from Lambda's environment; the endpoint is the regional virtual-hosted
 * one, or `AWS_ENDPOINT_URL_S3` (path-style: the local cloud). A connection failure, a 5xx or a
 * throttling answer is retried (3 attempts in all), as the SDK does.
 */
import crypto from 'node:crypto';
import { credentialsFromEnv, encodeSegment, signV4, type AwsCredentials } from '../../shared/aws-signature.ts';
import { nodeHttpSend, type HttpAnswer, type HttpSend } from '../../shared/http-client.ts';
import { retry } from '../../shared/retry.ts';

const ok = (response: HttpAnswer) => response.status >= 200 && response.status < 300;

/** How long one attempt may take. */
const REQUEST_TIMEOUT_MS = 10_000;

/** An S3 error answer: its code (`NoSuchKey`, `AccessDenied`, …) and status. */
export class S3Error extends Error {
  override readonly name = 'S3Error';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Could not reach S3, or it answered 5xx / SlowDown: worth another attempt. */
class S3Unavailable extends Error {
  override readonly name = 'S3Unavailable';
}

const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data);

/** GetObject and PutObject on S3. */
export class S3Objects {
  private readonly sender: HttpSend;
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      readonly region: string;
      readonly credentials: () => AwsCredentials;
      /** A custom endpoint, addressed path-style (`<endpoint>/<bucket>/<key>`). */
      readonly endpoint?: string;
      /** Injectable for tests (default `node:https`, shared/http-client.ts). */
      readonly send?: HttpSend;
      readonly now?: () => Date;
    },
  ) {
    this.sender = options.send ?? nodeHttpSend;
    this.now = options.now ?? (() => new Date());
  }

  /** The object's URL: virtual-hosted on AWS, path-style on a custom endpoint. */
  url(bucket: string, key: string): URL {
    const path = key.split('/').map(encodeSegment).join('/');
    if (this.options.endpoint) return new URL(`${this.options.endpoint.replace(/\/+$/, '')}/${encodeSegment(bucket)}/${path}`);
    // China's regions have their own domain.
    const domain = this.options.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return new URL(`https://${bucket}.s3.${this.options.region}.${domain}/${path}`);
  }

  /** The object's body as text, or undefined when there is no such key. */
  async get(bucket: string, key: string): Promise<string | undefined> {
    const response = await this.send('GET', this.url(bucket, key), {}, Buffer.alloc(0));
    if (response.status === 404) {
      const error = errorOf(response);
      if (error.code === 'NoSuchKey') return undefined;
      throw error;
    }
    if (!ok(response)) throw errorOf(response);
    return response.body;
  }

  /** Writes the object (a new version in a versioned bucket), with its SHA-256 checksum. */
  async put(bucket: string, key: string, body: string | Buffer, contentType: string): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const response = await this.send('PUT', this.url(bucket, key), { 'content-type': contentType, 'x-amz-checksum-sha256': sha256(bytes).digest('base64') }, bytes);
    if (!ok(response)) throw errorOf(response);
  }

  private send(method: string, url: URL, headers: Record<string, string>, body: Buffer): Promise<HttpAnswer> {
    return retry(
      async () => {
        const signed = signV4({ method, url, headers, payloadHash: sha256(body).digest('hex') }, this.options.credentials(), this.options.region, 's3', this.now(), {
          contentSha256Header: true,
        });
        let response: HttpAnswer;
        try {
          // No redirects followed: a signature is for one host. A stuck connection is given up after 10 s (and retried).
          response = await this.sender(url, {
            method,
            headers: method === 'GET' ? signed : { ...signed, 'content-length': String(body.byteLength) },
            timeoutMs: REQUEST_TIMEOUT_MS,
            ...(method === 'GET' ? {} : { body }),
          });
        } catch (error) {
          throw new S3Unavailable(`S3 ${method} ${url.pathname}: ${(error as Error).message}`, { cause: error });
        }
        if (response.status >= 500 || response.status === 429) {
          const error = errorOf(response);
          throw new S3Unavailable(`S3 ${method} ${url.pathname}: ${error.status} ${error.code}`, { cause: error });
        }
        return response;
      },
      { attempts: 3, retryable: (error) => error instanceof S3Unavailable, backoff: { baseMs: 100, maxMs: 1_000 } },
    );
  }
}

/** The error an S3 answer describes (its XML `<Code>`, else the status). */
function errorOf(response: HttpAnswer): S3Error {
  const text = response.body;
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? (response.status === 404 ? 'NotFound' : `Http${response.status}`);
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? `HTTP ${response.status}`;
  return new S3Error(code, response.status, `${code}: ${message}`);
}

/** S3 for this container: Lambda's region and credentials, `AWS_ENDPOINT_URL_S3` when set (the local cloud). */
export function s3ObjectsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Objects {
  return new S3Objects({
    region: env.AWS_REGION ?? 'us-east-1',
    ...(env.AWS_ENDPOINT_URL_S3 ? { endpoint: env.AWS_ENDPOINT_URL_S3 } : {}),
    credentials: credentialsFromEnv(env, 'S3'),
  });
}
