/**
 * The local S3 (infra/local/s3.ts) driven through the real `@aws-sdk/client-s3` client, path-style:
 * versions, the SDK's modelled errors, Object Lock (a delete marker hides the latest, a locked
 * version cannot be deleted), listing, persistence — what the audit chain's anchors rely on (SEC-4).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startAwsEndpoint, type AwsEndpoint } from '../../../infra/local/aws-protocol.ts';
import { S3Service, type BucketDefinition } from '../../../infra/local/s3.ts';
import { S3Objects } from '../../../functions/compliance/s3-objects.ts';

const BUCKETS: BucketDefinition[] = [
  { name: 'anchors', versioned: true, defaultRetention: { mode: 'COMPLIANCE', days: 1 } },
  { name: 'plain', versioned: false },
];

let dataDir: string;
let endpoint: AwsEndpoint;
let s3: S3Client;

async function start(): Promise<void> {
  const service = new S3Service({ buckets: BUCKETS, dataDir });
  endpoint = await startAwsEndpoint({ services: [], restRoutes: [service.route()] });
  s3 = new S3Client({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: endpoint.url, forcePathStyle: true, maxAttempts: 1 });
}

async function stop(): Promise<void> {
  s3.destroy();
  await endpoint.close();
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-s3-'));
  await start();
});

afterAll(async () => {
  await stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const text = async (key: string, versionId?: string) =>
  await (await s3.send(new GetObjectCommand({ Bucket: 'anchors', Key: key, ...(versionId ? { VersionId: versionId } : {}) }))).Body?.transformToString('utf8');

describe('local S3', () => {
  it('stores a new version on every put; GET returns the latest, or any version by id; bodies, types and lock headers round-trip', async () => {
    const first = await s3.send(
      new PutObjectCommand({ Bucket: 'anchors', Key: 'audit-chain/head.json', Body: '{"seq":1}', ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }),
    );
    const second = await s3.send(new PutObjectCommand({ Bucket: 'anchors', Key: 'audit-chain/head.json', Body: '{"seq":2}', ContentType: 'application/json' }));
    expect(first.VersionId).toBeTruthy();
    expect(second.VersionId).not.toBe(first.VersionId);
    expect(await text('audit-chain/head.json')).toBe('{"seq":2}');
    expect(await text('audit-chain/head.json', first.VersionId)).toBe('{"seq":1}');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'anchors', Key: 'audit-chain/head.json' }));
    expect(head.ContentType).toBe('application/json');
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it('a missing key is NoSuchKey; an unknown bucket is NoSuchBucket (the SDK’s modelled errors)', async () => {
    await expect(s3.send(new GetObjectCommand({ Bucket: 'anchors', Key: 'nothing-here' }))).rejects.toBeInstanceOf(NoSuchKey);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'x' }))).rejects.toBeInstanceOf(NoSuchBucket);
  });

  it('Object Lock: a delete marker hides the latest version, but a locked version can neither be deleted nor stop being readable by id', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'anchors', Key: 'locked.json', Body: 'kept' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'anchors', Key: 'locked.json' }));
    await expect(s3.send(new GetObjectCommand({ Bucket: 'anchors', Key: 'locked.json' }))).rejects.toBeInstanceOf(NoSuchKey);
    const denied = await s3.send(new DeleteObjectCommand({ Bucket: 'anchors', Key: 'locked.json', VersionId: put.VersionId })).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(S3ServiceException);
    expect((denied as S3ServiceException).name).toBe('AccessDenied');
    expect(await text('locked.json', put.VersionId)).toBe('kept');
  });

  it('lists by prefix; an unversioned bucket keeps one version; objects survive a restart', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'plain', Key: 'a/1', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'plain', Key: 'a/1', Body: 'uno' }));
    await s3.send(new PutObjectCommand({ Bucket: 'plain', Key: 'b/2', Body: 'two' }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'plain', Prefix: 'a/' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['a/1']);
    await stop();
    await start();
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'plain', Key: 'a/1' }))).Body?.transformToString()).toBe('uno');
    expect(await text('audit-chain/head.json')).toBe('{"seq":2}');
  });

  it("compliance's own S3 client (SigV4 over node:https) writes and reads the same objects: new versions, a missing key is undefined", async () => {
    const objects = new S3Objects({ region: LOCAL_REGION, endpoint: endpoint.url, credentials: () => LOCAL_CREDENTIALS });
    await objects.put('anchors', 'fetch/head.json', '{"seq":7}', 'application/json');
    await objects.put('anchors', 'fetch/head.json', '{"seq":8}', 'application/json');
    expect(await objects.get('anchors', 'fetch/head.json')).toBe('{"seq":8}');
    expect(await text('fetch/head.json')).toBe('{"seq":8}');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'anchors', Key: 'fetch/head.json' }));
    expect(head.ContentType).toBe('application/json');
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    await objects.put('plain', '报告/2026 年.pdf', Buffer.from([0x25, 0x50, 0x44, 0x46]), 'application/pdf');
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'plain', Key: '报告/2026 年.pdf' }))).Body?.transformToString('latin1')).toBe('%PDF');
    expect(await objects.get('anchors', 'fetch/nothing.json')).toBeUndefined();
    await expect(objects.get('no-such-bucket', 'x')).rejects.toMatchObject({ code: 'NoSuchBucket' });
  });
});
