/**
 * Amazon S3 locally, as much of it as the stack uses: the template's buckets (versioned, with
 * Object Lock), served path-style (`/<bucket>/<key>`) on the local cloud's AWS endpoint.
 *
 * Emulated: PutObject (a new version each time; Object Lock mode and retain-until from the request
 * headers or the bucket's default retention), GetObject and HeadObject (the latest version, or
 * `?versionId=`), ListObjectsV2 (`?list-type=2&prefix=`), DeleteObject (without a version id: a
 * delete marker, as S3 does; with the id of a version under retention: 403 AccessDenied, as Object
 * Lock does), errors as S3's XML (`NoSuchKey`, `NoSuchBucket`, `AccessDenied`), which the AWS SDK
 * maps to its error classes. With a data directory, objects survive restarts (one JSON file per
 * bucket under `<dataDir>/`).
 *
 * Not emulated: bucket policies and IAM (the local cloud evaluates IAM for DynamoDB only), multipart uploads,
 * ranges, conditional requests, ACLs, virtual-hosted addressing. Checksums the SDK sends are
 * accepted unverified; `aws-chunked` bodies are decoded.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { RestRoute } from './aws-protocol.ts';

/** A bucket of the template. */
export interface BucketDefinition {
  readonly name: string;
  readonly versioned: boolean;
  /** The bucket's default Object Lock retention, if any. */
  readonly defaultRetention?: { readonly mode: 'COMPLIANCE' | 'GOVERNANCE'; readonly days: number };
}

interface ObjectVersion {
  readonly versionId: string;
  readonly lastModified: string;
  readonly deleteMarker?: boolean;
  readonly body?: string; // base64
  readonly contentType?: string;
  readonly etag?: string;
  readonly lock?: { readonly mode: string; readonly retainUntil: string };
}

function xml(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text), 'x-amz-request-id': crypto.randomUUID(), ...headers });
  res.end(text);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function s3Error(res: http.ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  xml(res, status, `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${fields}</Error>`);
}

/** Decodes an `aws-chunked` body: `<hex size>[;extensions]\r\n<data>\r\n` … `0\r\n` [trailers]. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0] as string, 16);
    if (!Number.isFinite(size) || size <= 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** See the module documentation. */
export class S3Service {
  private readonly buckets = new Map<string, { definition: BucketDefinition; objects: Map<string, ObjectVersion[]> }>();
  private readonly dataDir: string | undefined;

  constructor(options: { buckets: readonly BucketDefinition[]; dataDir?: string }) {
    this.dataDir = options.dataDir;
    if (this.dataDir) fs.mkdirSync(this.dataDir, { recursive: true });
    for (const definition of options.buckets) {
      const objects = new Map<string, ObjectVersion[]>();
      const file = this.fileOf(definition.name);
      if (file && fs.existsSync(file)) {
        let stored: Record<string, ObjectVersion[]>;
        try {
          stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, ObjectVersion[]>;
        } catch {
          throw new Error(`S3 objects of bucket ${definition.name} (${file}) are not valid JSON; refusing to replace them (locked versions would be lost).`);
        }
        for (const [key, versions] of Object.entries(stored)) objects.set(key, versions);
      }
      this.buckets.set(definition.name, { definition, objects });
    }
  }

  private fileOf(bucket: string): string | undefined {
    return this.dataDir ? path.join(this.dataDir, `${bucket}.json`) : undefined;
  }

  private persist(bucket: string): void {
    const file = this.fileOf(bucket);
    const entry = this.buckets.get(bucket);
    if (!file || !entry) return;
    // Written aside and renamed, so a kill -9 mid-write never leaves a truncated bucket behind.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(entry.objects)), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }

  /** The versions of an object, oldest first (for tests and inspection). */
  versions(bucket: string, key: string): readonly ObjectVersion[] {
    return this.buckets.get(bucket)?.objects.get(key) ?? [];
  }

  /** The REST route serving the buckets; requests for anything else fall through. */
  route(): RestRoute {
    return async (req, body, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const [, bucketName, ...keyParts] = url.pathname.split('/');
      const bucket = bucketName ? this.buckets.get(decodeURIComponent(bucketName)) : undefined;
      if (!bucket) {
        // Only S3-shaped requests for unknown buckets are answered here; others (Lambda's API) pass.
        if (bucketName && req.headers['x-amz-content-sha256'] !== undefined && !url.pathname.startsWith('/2015-03-31/')) {
          s3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: decodeURIComponent(bucketName) });
          return true;
        }
        return false;
      }
      const key = keyParts.map(decodeURIComponent).join('/');
      const method = req.method ?? 'GET';
      if (!key) {
        if (method === 'GET') this.list(res, bucket.definition.name, bucket.objects, url.searchParams.get('prefix') ?? '');
        else s3Error(res, 405, 'MethodNotAllowed', `The local cloud does not serve ${method} on a bucket.`);
        return true;
      }
      if (method === 'PUT') this.put(req, res, bucket, key, body);
      else if (method === 'GET' || method === 'HEAD') this.get(res, bucket.objects, key, url.searchParams.get('versionId'), method === 'HEAD');
      else if (method === 'DELETE') this.delete(res, bucket, key, url.searchParams.get('versionId'));
      else s3Error(res, 405, 'MethodNotAllowed', `The local cloud does not serve ${method} on an object.`);
      return true;
    };
  }

  private put(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    bucket: { definition: BucketDefinition; objects: Map<string, ObjectVersion[]> },
    key: string,
    raw: Buffer,
  ): void {
    const encoding = String(req.headers['content-encoding'] ?? '');
    const body = encoding.includes('aws-chunked') || req.headers['x-amz-decoded-content-length'] !== undefined ? decodeAwsChunked(raw) : raw;
    const now = new Date();
    const modeHeader = req.headers['x-amz-object-lock-mode'];
    const untilHeader = req.headers['x-amz-object-lock-retain-until-date'];
    const retention = bucket.definition.defaultRetention;
    const lock =
      typeof modeHeader === 'string' && typeof untilHeader === 'string'
        ? { mode: modeHeader, retainUntil: new Date(untilHeader).toISOString() }
        : retention
          ? { mode: retention.mode, retainUntil: new Date(now.getTime() + retention.days * 86_400_000).toISOString() }
          : undefined;
    const etag = `"${crypto.createHash('md5').update(body).digest('hex')}"`;
    const version: ObjectVersion = {
      versionId: bucket.definition.versioned ? crypto.randomUUID().replace(/-/g, '') : 'null',
      lastModified: now.toUTCString(),
      body: body.toString('base64'),
      contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
      etag,
      ...(lock ? { lock } : {}),
    };
    const versions = bucket.objects.get(key) ?? [];
    if (!bucket.definition.versioned) versions.length = 0;
    versions.push(version);
    bucket.objects.set(key, versions);
    this.persist(bucket.definition.name);
    res.writeHead(200, { etag, 'x-amz-version-id': version.versionId, 'content-length': 0 });
    res.end();
  }

  private get(res: http.ServerResponse, objects: Map<string, ObjectVersion[]>, key: string, versionId: string | null, head: boolean): void {
    const versions = objects.get(key) ?? [];
    const version = versionId ? versions.find((v) => v.versionId === versionId) : versions.at(-1);
    if (!version || version.deleteMarker) {
      if (head) {
        res.writeHead(404, { 'x-amz-request-id': crypto.randomUUID(), ...(version?.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}) });
        res.end();
      } else s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
      return;
    }
    const body = Buffer.from(version.body ?? '', 'base64');
    res.writeHead(200, {
      'content-type': version.contentType ?? 'binary/octet-stream',
      'content-length': body.length,
      etag: version.etag ?? '""',
      'last-modified': version.lastModified,
      'x-amz-version-id': version.versionId,
      ...(version.lock ? { 'x-amz-object-lock-mode': version.lock.mode, 'x-amz-object-lock-retain-until-date': version.lock.retainUntil } : {}),
    });
    res.end(head ? undefined : body);
  }

  private delete(res: http.ServerResponse, bucket: { definition: BucketDefinition; objects: Map<string, ObjectVersion[]> }, key: string, versionId: string | null): void {
    const versions = bucket.objects.get(key) ?? [];
    if (versionId) {
      const index = versions.findIndex((v) => v.versionId === versionId);
      const version = versions[index];
      if (version?.lock && Date.parse(version.lock.retainUntil) > Date.now()) {
        s3Error(res, 403, 'AccessDenied', 'Access Denied because object protected by object lock.');
        return;
      }
      if (index >= 0) versions.splice(index, 1);
      this.persist(bucket.definition.name);
      res.writeHead(204, { 'x-amz-version-id': versionId });
      res.end();
      return;
    }
    const marker: ObjectVersion = { versionId: crypto.randomUUID().replace(/-/g, ''), lastModified: new Date().toUTCString(), deleteMarker: true };
    if (bucket.definition.versioned) versions.push(marker);
    else versions.length = 0;
    bucket.objects.set(key, versions);
    this.persist(bucket.definition.name);
    res.writeHead(204, bucket.definition.versioned ? { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId } : {});
    res.end();
  }

  private list(res: http.ServerResponse, bucketName: string, objects: Map<string, ObjectVersion[]>, prefix: string): void {
    const contents = [...objects.entries()]
      .filter(([key, versions]) => key.startsWith(prefix) && versions.length > 0 && !versions.at(-1)?.deleteMarker)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, versions]) => {
        const latest = versions.at(-1) as ObjectVersion;
        const size = Buffer.from(latest.body ?? '', 'base64').length;
        return `<Contents><Key>${escapeXml(key)}</Key><LastModified>${new Date(latest.lastModified).toISOString()}</LastModified><ETag>${escapeXml(latest.etag ?? '')}</ETag><Size>${size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      });
    xml(
      res,
      200,
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucketName)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${contents.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents.join('')}</ListBucketResult>`,
    );
  }
}
