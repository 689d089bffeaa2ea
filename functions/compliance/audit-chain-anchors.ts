/**
 * The audit chain's anchors (SEC-4) in an S3 bucket with Object Lock: every anchor is a new version
 * of `audit-chain/head.json` (`{ seq, hash, anchoredAt }`), kept in compliance mode for the bucket's
 * default retention — no one, the account's root included, can overwrite or delete a version before
 * it expires, and the bucket policy denies deleting objects at all (so no delete marker can hide the
 * latest). Locally the bucket is the local cloud's S3 emulation (path-style addressing).
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { getConfig, requireSetting } from '../../shared/config.ts';
import { AUDIT_ANCHOR_KEY, type AuditChainAnchor, type AuditChainAnchors } from './verify-audit-chain.ts';

const AnchorSchema = z.object({ seq: z.number().int().min(1), hash: z.string().min(16).max(512), anchoredAt: z.iso.datetime() });

/** The S3 adapter of {@link AuditChainAnchors}. */
export class S3AuditChainAnchors implements AuditChainAnchors {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client,
  ) {}

  async latest(): Promise<AuditChainAnchor | undefined> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: AUDIT_ANCHOR_KEY }));
      const text = (await object.Body?.transformToString('utf8')) ?? '';
      // An unreadable anchor is not "no anchor": verification fails loudly rather than start over.
      return AnchorSchema.parse(JSON.parse(text));
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async anchor(anchor: AuditChainAnchor): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: AUDIT_ANCHOR_KEY,
        Body: JSON.stringify(AnchorSchema.parse(anchor)),
        ContentType: 'application/json',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }
}

/** The anchors in `AUDIT_ANCHOR_BUCKET` (required: a deployed verifier always anchors). */
export function auditChainAnchorsFromEnv(): S3AuditChainAnchors {
  const bucket = requireSetting('auditAnchorBucket');
  // The local cloud serves S3 on one endpoint, path-style (bucket in the path, not the host name).
  return new S3AuditChainAnchors(bucket, new S3Client({ ...(getConfig().localCloud ? { forcePathStyle: true } : {}) }));
}
