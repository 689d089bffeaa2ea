/**
 * AWS Signature Version 4 (single chunk, signed payload) and Lambda's credentials, for the few AWS
 * calls the functions make without an SDK client: KMS and Secrets Manager
 * (shared/aws-json.ts) and compliance's S3 objects (functions/compliance/s3-objects.ts). The
 * signatures are tested equal to the official SDK's on the requests the SDK itself sends
 * (tests/unit/shared/aws-json.test.ts, tests/unit/compliance/s3-objects.test.ts).
 */
import crypto from 'node:crypto';

/** AWS credentials (Lambda's environment). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A request to sign: method, URL, headers (names in any case) and the hex SHA-256 of the body. */
export interface RequestToSign {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly payloadHash: string;
}

/** Hex SHA-256 of a body. */
export const sha256Hex = (data: string | Uint8Array): string => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => crypto.createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding of one path segment or query part, as SigV4 expects it. */
export const encodeSegment = (segment: string): string => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Signature Version 4 of `request` for `service` in `region` at `now`: the headers to send,
 * `authorization`, `x-amz-date` and the session token included — and `x-amz-content-sha256` when
 * `contentSha256Header` (S3 wants it; JSON services do not send it). Every header given is signed.
 */
export function signV4(
  request: RequestToSign,
  credentials: AwsCredentials,
  region: string,
  service: string,
  now: Date,
  options: { readonly contentSha256Header?: boolean } = {},
): Record<string, string> {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')])),
    host: request.url.host,
    'x-amz-date': amzDate,
    ...(options.contentSha256Header ? { 'x-amz-content-sha256': request.payloadHash } : {}),
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const query = [...request.url.searchParams.entries()]
    .map(([k, v]) => [encodeSegment(k), encodeSegment(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [request.method, request.url.pathname, query, ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), request.payloadHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), 'aws4_request');
  const signature = crypto.createHmac('sha256', key).update(toSign).digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

/** Lambda's credentials, read at each call (the environment is the one source a function has); throws when missing. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env, service = 'AWS'): () => AwsCredentials {
  return () => {
    if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) throw new Error(`${service}: no AWS credentials in the environment`);
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  };
}

/** A service's endpoint: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else the regional AWS one. */
export function endpointFromEnv(serviceId: string, hostPrefix: string, region: string, env: NodeJS.ProcessEnv = process.env): string {
  const custom = env[`AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] ?? env.AWS_ENDPOINT_URL;
  if (custom) return custom.replace(/\/+$/, '');
  // China's regions have their own domain.
  return `https://${hostPrefix}.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}
