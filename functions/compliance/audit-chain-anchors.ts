/**
 * The audit chain's anchors (SEC-4) in an S3 bucket with Object Lock: every anchor is a new version
 * of `audit-chain/head.json` (`{ seq, hash, anchoredAt }`), kept in compliance mode for the bucket's
 * default retention — no one, the account's root included, can overwrite or delete a version before
 * it expires, and the bucket policy denies deleting objects at all (so no delete marker can hide the
 * latest). Locally the bucket is the local cloud's S3 emulation (path-style addressing).
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { requireSetting } from '../../shared/config.ts';
import { s3ObjectsFromEnv, type S3Objects } from './s3-objects.ts';
import { AUDIT_ANCHOR_KEY, type AuditChainAnchor, type AuditChainAnchors } from './verify-audit-chain.ts';

const AnchorSchema = /* @__PURE__ */ lazily(() =>
  z.object({ seq: z.number().check(z.int(), z.gte(1)), hash: z.string().check(z.minLength(16), z.maxLength(512)), anchoredAt: z.iso.datetime() }),
);

/** The S3 adapter of {@link AuditChainAnchors}. */
export class S3AuditChainAnchors implements AuditChainAnchors {
  constructor(
    private readonly bucket: string,
    private readonly s3: S3Objects,
  ) {}

  async latest(): Promise<AuditChainAnchor | undefined> {
    const text = await this.s3.get(this.bucket, AUDIT_ANCHOR_KEY);
    if (text === undefined) return undefined;
    // An unreadable anchor is not "no anchor": verification fails loudly rather than start over.
    return AnchorSchema().parse(JSON.parse(text));
  }

  async anchor(anchor: AuditChainAnchor): Promise<void> {
    await this.s3.put(this.bucket, AUDIT_ANCHOR_KEY, JSON.stringify(AnchorSchema().parse(anchor)), 'application/json');
  }
}

/** The anchors in `AUDIT_ANCHOR_BUCKET` (required: a deployed verifier always anchors). */
export function auditChainAnchorsFromEnv(): S3AuditChainAnchors {
  // Locally the local cloud serves S3 on one endpoint (AWS_ENDPOINT_URL_S3), path-style.
  return new S3AuditChainAnchors(requireSetting('auditAnchorBucket'), s3ObjectsFromEnv());
}
