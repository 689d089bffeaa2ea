/**
 * The S3 adapter of {@link ReportStore} (CMP-2): `COMPLIANCE_REPORT_BUCKET`; locally the local
 * cloud's S3 (path-style, under `.data/s3`).
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getConfig, requireSetting } from '../../shared/config.ts';
import type { ReportStore } from './yearly-report.ts';

export class S3ReportStore implements ReportStore {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client,
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return (await object.Body?.transformToString('utf8')) ?? undefined;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async put(key: string, body: string | Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ChecksumAlgorithm: 'SHA256' }));
  }
}

/** The report store of this container. */
export function reportStoreFromEnv(): S3ReportStore {
  return new S3ReportStore(requireSetting('complianceReportBucket'), new S3Client({ ...(getConfig().localCloud ? { forcePathStyle: true } : {}) }));
}
