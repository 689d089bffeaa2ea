/**
 * KMS and Secrets Manager over their JSON protocol (shared/aws-json.ts): each request is the one
 * the official SDK sends — same URL, target, content type and JSON body — and its Signature
 * Version 4 equals the SDK's (both captured from `@aws-sdk/client-kms` and
 * `@aws-sdk/client-secrets-manager`, development dependencies; nothing leaves the process). Errors
 * carry the exception's name; throttling, 5xx and connection failures are retried, others not.
 */
import { DecryptCommand, GenerateDataKeyCommand, GenerateMacCommand, KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { kmsChainMac } from '../../../shared/audit.ts';
import { AwsServiceError, kmsClient, kmsClientFromEnv, secretsManagerClient, secretsManagerClientFromEnv, type AwsJsonClient } from '../../../shared/aws-json.ts';
import { signV4 } from '../../../shared/aws-signature.ts';
import type { HttpAnswer, HttpSend } from '../../../shared/http-client.ts';
import { kmsKeyProvider } from '../../../shared/field-encryption.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-1' };
const REGION = 'eu-central-1';

interface Captured {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** The request the SDK signs and would send (nothing leaves the process). */
async function sdkRequest(client: KMSClient | SecretsManagerClient, command: unknown): Promise<Captured> {
  let captured: Captured | undefined;
  client.config.requestHandler = {
    handle: async (request: Omit<Captured, 'body'> & { body: string | Uint8Array }) => {
      captured = { ...request, body: typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8') };
      throw new Error('captured');
    },
  } as never;
  await (client.send as (c: unknown) => Promise<unknown>)(command).catch(() => undefined);
  client.destroy();
  if (!captured) throw new Error('no request');
  return captured;
}

/** The request ours sends for the same call (answered with `answer`). */
async function ourRequest(make: (send: HttpSend) => AwsJsonClient, run: (client: AwsJsonClient) => Promise<unknown>, answer: unknown) {
  const sent: Array<{ url: string; headers: Readonly<Record<string, string>>; body: string }> = [];
  const client = make(async (url, request) => {
    sent.push({ url: String(url), headers: request.headers, body: String(request.body) });
    return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(answer) };
  });
  const result = await run(client);
  expect(sent).toHaveLength(1);
  return { ...(sent[0] as (typeof sent)[number]), result };
}

const dateOf = (amzDate: string) =>
  new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);

const dataKey = new Uint8Array(32).fill(7);
const blob = new Uint8Array([1, 2, 3, 250, 251, 252]);
const message = Buffer.from('prev-hash|{"seq":1}');

const cases = [
  {
    name: 'KMS GenerateDataKey',
    sdk: () =>
      sdkRequest(
        new KMSClient({ region: REGION, credentials, maxAttempts: 1 }),
        new GenerateDataKeyCommand({ KeyId: 'alias/field', KeySpec: 'AES_256', EncryptionContext: { entity: 'order', customer: 'c-1' } }),
      ),
    ours: (client: AwsJsonClient) => kmsKeyProvider(client).generateDataKey('alias/field', { entity: 'order', customer: 'c-1' }),
    answer: { Plaintext: Buffer.from(dataKey).toString('base64'), CiphertextBlob: Buffer.from(blob).toString('base64'), KeyId: 'k' },
    expected: { plaintext: dataKey, ciphertextBlob: blob },
    make: kmsClient,
  },
  {
    name: 'KMS Decrypt',
    sdk: () =>
      sdkRequest(new KMSClient({ region: REGION, credentials, maxAttempts: 1 }), new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { purpose: 'field-encryption' } })),
    ours: (client: AwsJsonClient) => kmsKeyProvider(client).decrypt(blob, { purpose: 'field-encryption' }),
    answer: { Plaintext: Buffer.from(dataKey).toString('base64') },
    expected: dataKey,
    make: kmsClient,
  },
  {
    name: 'KMS GenerateMac',
    sdk: () =>
      sdkRequest(new KMSClient({ region: REGION, credentials, maxAttempts: 1 }), new GenerateMacCommand({ KeyId: 'alias/audit', Message: message, MacAlgorithm: 'HMAC_SHA_256' })),
    ours: (client: AwsJsonClient) => kmsChainMac('alias/audit', client).generate(message),
    answer: { Mac: Buffer.alloc(32, 0xab).toString('base64') },
    expected: 'ab'.repeat(32),
    make: kmsClient,
  },
  {
    name: 'KMS VerifyMac',
    sdk: () =>
      sdkRequest(
        new KMSClient({ region: REGION, credentials, maxAttempts: 1 }),
        new VerifyMacCommand({ KeyId: 'alias/audit', Message: message, Mac: Buffer.alloc(32, 0xab), MacAlgorithm: 'HMAC_SHA_256' }),
      ),
    ours: (client: AwsJsonClient) => kmsChainMac('alias/audit', client).verify(message, 'ab'.repeat(32)),
    answer: { MacValid: true, KeyId: 'k' },
    expected: true,
    make: kmsClient,
  },
  {
    name: 'Secrets Manager GetSecretValue',
    sdk: () => sdkRequest(new SecretsManagerClient({ region: REGION, credentials, maxAttempts: 1 }), new GetSecretValueCommand({ SecretId: 'commerce/prod/stripe' })),
    ours: (client: AwsJsonClient) => client.call('GetSecretValue', { SecretId: 'commerce/prod/stripe' }),
    answer: { SecretString: '{"apiKey":"x"}' },
    expected: { SecretString: '{"apiKey":"x"}' },
    make: secretsManagerClient,
  },
] as const;

describe('AWS JSON services over fetch', () => {
  for (const c of cases) {
    it(`${c.name}: the SDK's URL, target, content type and body; its signature`, async () => {
      const sdk = await c.sdk();
      const amzDate = sdk.headers['x-amz-date'] ?? '';
      const ours = await ourRequest(
        (send) => c.make({ region: REGION, endpoint: `${sdk.protocol}//${sdk.hostname}`, credentials, attempts: 1, send, now: () => dateOf(amzDate) }),
        c.ours as (client: AwsJsonClient) => Promise<unknown>,
        c.answer,
      );
      expect(ours.result).toEqual(c.expected);
      expect(ours.url).toBe(`${sdk.protocol}//${sdk.hostname}${sdk.path}`);
      expect(ours.headers['x-amz-target']).toBe(sdk.headers['x-amz-target']);
      expect(ours.headers['content-type']).toBe(sdk.headers['content-type']);
      expect(JSON.parse(ours.body)).toEqual(JSON.parse(sdk.body));
      expect(ours.headers['x-amz-security-token']).toBe(credentials.sessionToken);
      // The signature over what the SDK signed, computed here, is the SDK's.
      const authorization = sdk.headers.authorization ?? '';
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
      const resigned = signV4(
        {
          method: sdk.method,
          url: new URL(`${sdk.protocol}//${sdk.hostname}${sdk.path}`),
          headers: Object.fromEntries(signedHeaders.filter((h) => !['host', 'x-amz-date', 'x-amz-security-token'].includes(h)).map((h) => [h, sdk.headers[h] ?? ''])),
          payloadHash: (await import('node:crypto')).createHash('sha256').update(sdk.body).digest('hex'),
        },
        credentials,
        REGION,
        /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(authorization)?.[1] ?? '',
        dateOf(amzDate),
      );
      expect(resigned.authorization).toBe(authorization);
      // Ours signs host, date, token, content type and target (a subset the SDK signs too); content-length is sent, not signed.
      expect(/SignedHeaders=([^,]+)/.exec(ours.headers.authorization ?? '')?.[1]).toBe('content-type;host;x-amz-date;x-amz-security-token;x-amz-target');
      expect(ours.headers['content-length']).toBe(String(Buffer.byteLength(ours.body)));
    });
  }

  it("points at the SDK's regional endpoints, or AWS_ENDPOINT_URL_<SERVICE> (the local cloud)", () => {
    const env = { AWS_REGION: 'cn-north-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' };
    expect(kmsClientFromEnv(env).options.endpoint).toBe('https://kms.cn-north-1.amazonaws.com.cn');
    expect(secretsManagerClientFromEnv({ ...env, AWS_REGION: 'us-west-2' }).options.endpoint).toBe('https://secretsmanager.us-west-2.amazonaws.com');
    expect(kmsClientFromEnv({ ...env, AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:4566/' }).options.endpoint).toBe('http://127.0.0.1:4566');
    expect(secretsManagerClientFromEnv({ ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).options.endpoint).toBe('http://127.0.0.1:4566');
  });

  it('without credentials in the environment, a call fails before anything is sent', async () => {
    let sent = 0;
    const client = kmsClient({
      region: REGION,
      endpoint: 'https://kms.eu-central-1.amazonaws.com',
      credentials: kmsClientFromEnv({ AWS_REGION: REGION }).options.credentials,
      send: async () => {
        sent++;
        return { status: 200, headers: {}, body: '{}' };
      },
    } as never);
    await expect(client.call('Decrypt', {})).rejects.toThrow(/no AWS credentials/);
    expect(sent).toBe(0);
  });

  describe('errors and retries', () => {
    const answering = (answers: Array<HttpAnswer | Error>) => {
      let calls = 0;
      const client = kmsClient({
        region: REGION,
        endpoint: 'https://kms.eu-central-1.amazonaws.com',
        credentials,
        send: async () => {
          const next = answers[Math.min(calls++, answers.length - 1)] as HttpAnswer | Error;
          if (next instanceof Error) throw next;
          return next;
        },
        sleep: async () => undefined,
      });
      return { client, calls: () => calls };
    };
    const error = (status: number, type: string, message = 'no'): HttpAnswer => ({
      status,
      headers: { 'x-amzn-requestid': 'req-1' },
      body: JSON.stringify({ __type: type, message }),
    });

    it('an error answer is thrown named for its exception (namespace removed), with status and request id; not retried', async () => {
      const { client, calls } = answering([error(400, 'com.amazonaws.kms#AccessDeniedException', 'not allowed')]);
      const thrown = (await client.call('Decrypt', {}).catch((e: unknown) => e)) as AwsServiceError;
      expect(thrown).toBeInstanceOf(AwsServiceError);
      expect(thrown).toMatchObject({ name: 'AccessDeniedException', message: 'not allowed', $metadata: { httpStatusCode: 400, requestId: 'req-1', attempts: 1 } });
      expect(calls()).toBe(1);
    });

    it('throttling, a 5xx and a connection failure are retried; 3 attempts in all', async () => {
      const ok: HttpAnswer = { status: 200, headers: {}, body: JSON.stringify({ Plaintext: Buffer.from('k').toString('base64') }) };
      const retried = answering([error(400, 'ThrottlingException'), error(500, 'KMSInternalException'), ok]);
      await expect(retried.client.call('Decrypt', {})).resolves.toEqual({ Plaintext: 'aw==' });
      expect(retried.calls()).toBe(3);

      const down = answering([new TypeError('fetch failed')]);
      await expect(down.client.call('Decrypt', {})).rejects.toMatchObject({ name: 'NetworkingError', $metadata: { attempts: 3 } });
      expect(down.calls()).toBe(3);
    });

    it('an answer that is not a JSON object (a proxy, `null`) is named for its status, and a 5xx is still retried', async () => {
      const { client, calls } = answering([
        { status: 502, headers: {}, body: 'null' },
        { status: 503, headers: {}, body: '<html>Service Unavailable</html>' },
        { status: 400, headers: {}, body: '"bad"' },
      ]);
      await expect(client.call('Decrypt', {})).rejects.toMatchObject({ name: 'Http400', $metadata: { httpStatusCode: 400, attempts: 3 } });
      expect(calls()).toBe(3);
    });

    it("the audit chain's verify reads KMSInvalidMacException as a mismatch and throws other errors", async () => {
      expect(await kmsChainMac('alias/audit', answering([error(400, 'KMSInvalidMacException')]).client).verify(message, 'ab'.repeat(32))).toBe(false);
      await expect(kmsChainMac('alias/audit', answering([error(400, 'NotFoundException')]).client).verify(message, 'ab'.repeat(32))).rejects.toMatchObject({
        name: 'NotFoundException',
      });
    });
  });
});
