/**
 * Compliance scans (CMP-1): findings stored in their own table; a daily scan of every product
 * listing for banned advertising terms and an immediate review of each changed listing.
 * Compliance is the one capability that reads other capabilities' tables, read-only: auditing them
 * is its job.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { AUDIT_ANCHOR_KEY, AUDIT_CHAIN_BREAKS_METRIC } from '../../functions/compliance/verify-audit-chain.ts';
import { acknowledge } from '../constructs/nag.ts';
import { Construct } from 'constructs';
import { ProductChanged } from '../../events/product-changed.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { EventConsumer, ScheduledJob, stableLogicalId } from '../constructs/messaging.ts';
import type { Platform } from '../platform.ts';

/** Tables compliance audits (read-only). */
export interface AuditedTables {
  readonly catalog: CommerceTable;
}

/** See the module documentation. */
export class Compliance extends Construct {
  readonly table: CommerceTable;
  /** Write-once anchors of the audit chain's head (SEC-4). */
  readonly auditAnchors: Bucket;

  constructor(scope: Construct, id: string, platform: Platform, audited: AuditedTables) {
    super(scope, id);
    this.table = new CommerceTable(this, 'ComplianceTable', { stage: platform.stage });
    stableLogicalId(this.table.table, 'ComplianceTable');
    const env = { CATALOG_TABLE_NAME: audited.catalog.tableName, COMPLIANCE_TABLE_NAME: this.table.tableName };

    const scan = platform.function(this, 'ScanListingsFunction', {
      entry: 'functions/compliance/handlers/scan-listings.ts',
      description: 'Daily scan of every product listing for banned advertising terms (CMP-1)',
      timeout: Duration.minutes(5),
      environment: env,
    });
    audited.catalog.grant(scan, 'read');
    this.table.grant(scan, 'readWrite');
    new ScheduledJob(this, 'ScanListings', { schedule: 'cron(0 2 * * ? *)', handler: scan, deliveryDlq: platform.eventDeliveryFailures, description: 'Daily banned-terms scan, 02:00 UTC' });

    const review = platform.function(this, 'ReviewListingFunction', {
      entry: 'functions/compliance/handlers/review-listing.ts',
      description: 'Reviews each changed listing for banned advertising terms (CMP-1)',
      environment: env,
    });
    audited.catalog.grant(review, 'read');
    this.table.grant(review, 'readWrite');
    // CMP-1 / SEC-4: the whole audit chain verified with KMS VerifyMac every hour; breaks become a
    // high-severity finding and the AuditChainBreaks metric. The only function that reads the chain.
    // The head of an intact chain is anchored in a bucket with Object Lock (compliance mode): write-once,
    // so a rebuilt chain cannot match what was anchored. Deleting objects is denied to everyone.
    this.auditAnchors = new Bucket(this, 'AuditAnchorBucket', {
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(platform.stage.auditAnchorRetentionDays)),
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Object Lock keeps the versions whatever the stack does; the bucket itself is kept too.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableLogicalId(this.auditAnchors, 'AuditAnchorBucket');
    this.auditAnchors.addToResourcePolicy(
      new PolicyStatement({ sid: 'AnchorsAreNeverDeleted', effect: Effect.DENY, principals: [new AnyPrincipal()], actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutBucketVersioning', 's3:PutBucketObjectLockConfiguration'], resources: [this.auditAnchors.bucketArn, this.auditAnchors.arnForObjects('*')] }),
    );
    acknowledge(this.auditAnchors, 'AwsSolutions-S1', 'The anchor bucket is written by one function (its CloudTrail data events and the function logs record every write); S3 access logs would need a second bucket for a few writes an hour.');
    const verifyAudit = platform.function(this, 'VerifyAuditChainFunction', {
      entry: 'functions/compliance/handlers/verify-audit-chain.ts',
      description: 'Hourly verification of the audit chain MACs and links (CMP-1, SEC-4)',
      timeout: Duration.minutes(5),
      environment: { COMPLIANCE_TABLE_NAME: this.table.tableName, AUDIT_ANCHOR_BUCKET: this.auditAnchors.bucketName },
    });
    platform.verifyAuditLog(verifyAudit);
    this.table.grant(verifyAudit, 'readWrite');
    verifyAudit.allow(['s3:GetObject', 's3:PutObject'], [this.auditAnchors.arnForObjects(AUDIT_ANCHOR_KEY)]);
    // ListBucket (for this key only) makes a missing anchor a 404 NoSuchKey instead of a 403.
    verifyAudit.allow(['s3:ListBucket'], [this.auditAnchors.bucketArn], { StringEquals: { 's3:prefix': AUDIT_ANCHOR_KEY } });
    new ScheduledJob(this, 'VerifyAuditChain', { schedule: 'rate(1 hour)', handler: verifyAudit, deliveryDlq: platform.eventDeliveryFailures, description: 'Hourly audit-chain verification' });
    // Any break — or an hour without a verification (the verifier failing or not scheduled) — alarms.
    platform.alarms.alarm(this, 'AuditChainBreakAlarm', {
      severity: 'critical',
      runbook: 'audit-chain',
      name: 'audit-chain-break',
      summary: 'The audit chain failed verification (an entry edited, removed or reordered, or the chain no longer matches its S3 anchor), or was not verified for an hour. See the open audit-chain finding (GET /admin/audit).',
      metric: new Metric({ namespace: 'Commerce', metricName: AUDIT_CHAIN_BREAKS_METRIC, dimensionsMap: { service: 'VerifyAuditChainFunction' }, statistic: 'Maximum', period: Duration.hours(1) }),
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.BREACHING,
    });
    // CMP-1: banned advertising terms found (a high compliance finding) by the daily scan or the per-change review.
    for (const fn of ['ScanListingsFunction', 'ReviewListingFunction']) {
      platform.alarms.alarm(this, `${fn.replace(/Function$/, '')}FindingsAlarm`, {
        severity: 'high',
        runbook: 'compliance-findings',
        name: `${fn === 'ScanListingsFunction' ? 'scan-listings' : 'review-listing'}-findings`,
        summary: `${fn} opened a banned-terms finding (CMP-1): a listing advertises with a term the law forbids. The finding is recorded in the compliance table (docs/runbooks/compliance-findings.md says how to read it).`,
        metric: new Metric({ namespace: 'Commerce', metricName: 'BannedTermFindingsOpened', dimensionsMap: { service: fn }, statistic: 'Sum', period: Duration.hours(1) }),
        threshold: 1,
      });
    }

    new EventConsumer(this, 'ReviewListing', { bus: platform.bus, events: [ProductChanged], handler: review, deliveryDlq: platform.eventDeliveryFailures, removalPolicy: platform.stage.removalPolicy });
  }
}
