/**
 * The S3 adapter of {@link ReportStore} (CMP-2): `COMPLIANCE_REPORT_BUCKET`; locally the local
 * cloud's S3 (path-style, under `.data/s3`).
 */
import { requireSetting } from '../../shared/config.ts';
import { s3ObjectsFromEnv, type S3Objects } from './s3-objects.ts';
import type { ReportStore } from './yearly-report.ts';

export class S3ReportStore implements ReportStore {
  constructor(
    private readonly bucket: string,
    private readonly s3: S3Objects,
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.s3.get(this.bucket, key);
  }

  put(key: string, body: string | Buffer, contentType: string): Promise<void> {
    return this.s3.put(this.bucket, key, body, contentType);
  }
}

/** The report store of this container. */
export function reportStoreFromEnv(): S3ReportStore {
  return new S3ReportStore(requireSetting('complianceReportBucket'), s3ObjectsFromEnv());
}
