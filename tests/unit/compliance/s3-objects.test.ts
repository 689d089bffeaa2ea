/**
 * compliance's S3 client (functions/compliance/s3-objects.ts): its Signature Version 4 equals the
 * official SDK's on the requests the SDK itself sends (captured from `@aws-sdk/client-s3`, a
 * development dependency), and its answers map as the adapters need.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3Error, S3Objects } from '../../../functions/compliance/s3-objects.ts';
import { signV4 } from '../../../shared/aws-signature.ts';
import type { HttpAnswer } from '../../../shared/http-client.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-1' };

/** The request the SDK signs and would send for `command` (nothing leaves the process). */
async function sdkRequest(command: GetObjectCommand | PutObjectCommand, endpoint?: string) {
  let captured: { method: string; protocol: string; hostname: string; port?: number; path: string; query?: Record<string, string>; headers: Record<string, string> } | undefined;
  const client = new S3Client({
    region: 'cn-north-1',
    credentials,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    requestHandler: {
      handle: async (request: typeof captured) => {
        captured = request;
        throw new Error('captured');
      },
    } as never,
    maxAttempts: 1,
  });
  await client.send(command as never).catch(() => undefined);
  client.destroy();
  if (!captured) throw new Error('no request');
  return captured;
}

describe('S3 objects over HTTP', () => {
  for (const [name, command, endpoint] of [
    ['GetObject, virtual-hosted', new GetObjectCommand({ Bucket: 'reports-bucket', Key: 'compliance/2026/年报 report (v1).pdf' }), undefined],
    [
      'PutObject with a SHA-256 checksum',
      new PutObjectCommand({ Bucket: 'anchors', Key: 'audit-chain/head.json', Body: '{"seq":1}', ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }),
      undefined,
    ],
    ['PutObject, path-style on a custom endpoint', new PutObjectCommand({ Bucket: 'anchors', Key: 'a b/c+d.json', Body: 'x', ContentType: 'text/plain' }), 'http://127.0.0.1:4566'],
  ] as const) {
    it(`signs as the SDK does: ${name}`, async () => {
      const sent = await sdkRequest(command, endpoint);
      const authorization = sent.headers.authorization ?? '';
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
      const amzDate = sent.headers['x-amz-date'] ?? '';
      const now = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const url = new URL(`${sent.protocol}//${sent.hostname}${sent.port ? `:${sent.port}` : ''}${sent.path}`);
      for (const [k, v] of Object.entries(sent.query ?? {})) url.searchParams.set(k, v);
      const ours = signV4(
        {
          method: sent.method,
          url,
          headers: Object.fromEntries(
            signedHeaders.filter((h) => !['host', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'].includes(h)).map((h) => [h, sent.headers[h] ?? '']),
          ),
          payloadHash: sent.headers['x-amz-content-sha256'] ?? '',
        },
        credentials,
        'cn-north-1',
        's3',
        now,
        { contentSha256Header: true },
      );
      expect(ours.authorization).toBe(authorization);
    });
  }

  it('builds the URLs the SDK uses: virtual-hosted on AWS, path-style on an endpoint, keys encoded per segment', async () => {
    const aws = new S3Objects({ region: 'cn-north-1', credentials: () => credentials });
    const sdk = await sdkRequest(new GetObjectCommand({ Bucket: 'reports-bucket', Key: 'compliance/2026/年报 report (v1).pdf' }));
    expect(aws.url('reports-bucket', 'compliance/2026/年报 report (v1).pdf').toString()).toBe(`https://${sdk.hostname}${sdk.path}`);
    const local = new S3Objects({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4566/', credentials: () => credentials });
    expect(local.url('anchors', 'audit-chain/head.json').toString()).toBe('http://127.0.0.1:4566/anchors/audit-chain/head.json');
  });

  it("a missing key is undefined; other errors name S3's code; 5xx is retried, then thrown", async () => {
    const answers: HttpAnswer[] = [];
    let calls = 0;
    const s3 = new S3Objects({
      region: 'us-east-1',
      credentials: () => credentials,
      send: async () => {
        calls++;
        return answers.shift() ?? { status: 500, headers: {}, body: '' };
      },
    });
    const xml = (code: string, status: number): HttpAnswer => ({ status, headers: {}, body: `<?xml version="1.0"?><Error><Code>${code}</Code><Message>m</Message></Error>` });
    answers.push(xml('NoSuchKey', 404));
    expect(await s3.get('b', 'k')).toBeUndefined();
    answers.push(xml('NoSuchBucket', 404));
    await expect(s3.get('b', 'k')).rejects.toMatchObject({ name: 'S3Error', code: 'NoSuchBucket', status: 404 });
    answers.push(xml('AccessDenied', 403));
    await expect(s3.put('b', 'k', 'x', 'text/plain')).rejects.toBeInstanceOf(S3Error);
    calls = 0;
    answers.push(xml('SlowDown', 503), { status: 200, headers: {}, body: 'hello' });
    expect(await s3.get('b', 'k')).toBe('hello');
    expect(calls).toBe(2);
    calls = 0;
    await expect(s3.get('b', 'k')).rejects.toMatchObject({ name: 'S3Unavailable' });
    expect(calls).toBe(3);
  });
});
