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
import type { ServiceFunction } from '../constructs/service-function.ts';
import { getComplianceReportRoute, listFindingsRoute, resolveFindingRoute } from '../../functions/compliance/routes.ts';
import { SEVERE_FINDINGS_METRIC } from '../../functions/compliance/severe-findings.ts';
import type { Platform } from '../platform.ts';
import type { Privacy } from './privacy.ts';
import type { Suppliers } from './suppliers.ts';

/** Tables compliance audits (read-only). */
export interface AuditedTables {
  readonly catalog: CommerceTable;
  readonly orders: CommerceTable;
  readonly payments: CommerceTable;
  readonly tickets: CommerceTable;
  readonly returns: CommerceTable;
  /** Suppliers' directory (SUP-1), read through the supplier contract. */
  readonly suppliers: Suppliers;
  /** Privacy's data-subject requests (CMP-2), read through the requests contract. */
  readonly privacy: Privacy;
}

/** What the scans may read: the audited tables and the platform's idempotency table (stored responses, SEC-2). */
export type ScannedTables = AuditedTables & { readonly idempotency: CommerceTable };

/**
 * One scheduled scan function per registered scan (functions/compliance/scans/index.ts; keep the
 * two lists in step): its schedule and the read grants its scan needs, nothing more.
 */
export interface ScanFunctionSpec {
  /** The scan id (`COMPLIANCE_SCAN`). */
  readonly id: string;
  readonly description: string;
  /** EventBridge schedule expression (UTC). */
  readonly schedule: string;
  /** The read grants of the scan. */
  readonly grants: (fn: ServiceFunction, tables: ScannedTables) => void;
}

/** Every scheduled scan run by the generic runner (functions/compliance/handlers/run-scan.ts). */
export const SCAN_FUNCTIONS: readonly ScanFunctionSpec[] = [
  { id: 'banned-terms', description: 'Product listings with banned advertising terms', schedule: 'cron(0 2 * * ? *)', grants: (fn, t) => t.catalog.grant(fn, 'read') },
  {
    id: 'plaintext-personal-data',
    description: 'Personal data stored unencrypted (orders, tickets, returns, stored idempotent responses)',
    schedule: 'cron(30 2 * * ? *)',
    // Scan only (no item reads, no writes) of every table that holds personal data.
    grants: (fn, t) => {
      for (const table of [t.orders, t.tickets, t.returns, t.idempotency]) table.grantActions(fn, ['dynamodb:Scan']);
    },
  },
  {
    id: 'retention-overdue',
    description: 'Orders past the retention period still holding personal data',
    schedule: 'cron(0 3 * * ? *)',
    grants: (fn, t) => t.orders.grantActions(fn, ['dynamodb:Scan']),
  },
  { id: 'unpaid-orders', description: 'Orders unpaid past their payment window', schedule: 'rate(1 hour)', grants: (fn, t) => t.orders.grantActions(fn, ['dynamodb:Scan']) },
  {
    id: 'supplier-licences',
    description: 'Supplier licences expiring or expired, annual reviews overdue',
    schedule: 'cron(15 16 * * ? *)',
    grants: (fn, t) => t.suppliers.grantDirectoryRead(fn),
  },
  {
    id: 'single-source-skus',
    description: 'Core SKUs with fewer than two active suppliers',
    schedule: 'cron(30 16 * * ? *)',
    grants: (fn, t) => t.suppliers.grantDirectoryRead(fn),
  },
  {
    id: 'ledger-imbalance',
    description: 'Unbalanced ledger movements and days whose reconciliation shows mismatches',
    schedule: 'cron(0 4 * * ? *)',
    grants: (fn, t) => t.payments.grantActions(fn, ['dynamodb:Scan']),
  },
  {
    id: 'reservation-drift',
    description: 'Reserved stock counters that differ from the live reservation records',
    schedule: 'cron(30 4 * * ? *)',
    grants: (fn, t) => t.catalog.grantActions(fn, ['dynamodb:Scan']),
  },
  {
    id: 'ticket-sla-breaches',
    description: 'Tickets past an SLA due time and not escalated',
    schedule: 'rate(1 hour)',
    // Only tickets' due index (ids, status and times; never the ticket's text).
    grants: (fn, t) => {
      fn.allow(['dynamodb:Query'], [`${t.tickets.table.tableArn}/index/byNextDue`]);
      fn.addEnvironment(t.tickets.environmentVariable, t.tickets.tableName);
    },
  },
];

const pascal = (id: string) => id.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase());

/** See the module documentation. */
export class Compliance extends Construct {
  readonly table: CommerceTable;
  /** Write-once anchors of the audit chain's head (SEC-4). */
  readonly auditAnchors: Bucket;
  /** The yearly compliance reports (CMP-2). */
  readonly reports: Bucket;

  constructor(scope: Construct, id: string, platform: Platform, audited: AuditedTables) {
    super(scope, id);
    this.table = new CommerceTable(this, 'ComplianceTable', { stage: platform.stage, indexes: [{ name: 'byKind', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }] });
    stableLogicalId(this.table.table, 'ComplianceTable');
    const env = { CATALOG_TABLE_NAME: audited.catalog.tableName, COMPLIANCE_TABLE_NAME: this.table.tableName };

    // CMP-1: each scan in its own function with only its own read grants; new high/critical findings alarm.
    for (const spec of SCAN_FUNCTIONS) {
      const name = `${pascal(spec.id)}Scan`;
      const fn = platform.function(this, `${name}Function`, {
        entry: 'functions/compliance/handlers/run-scan.ts',
        description: `Compliance scan ${spec.id}: ${spec.description} (CMP-1)`,
        timeout: Duration.minutes(5),
        environment: { COMPLIANCE_SCAN: spec.id },
      });
      spec.grants(fn, { ...audited, idempotency: platform.idempotencyTable });
      this.table.grant(fn, 'readWrite');
      new ScheduledJob(this, name, { schedule: spec.schedule, handler: fn, deliveryDlq: platform.eventDeliveryFailures, description: `Compliance scan ${spec.id}` });
      platform.alarms.alarm(this, `${name}SevereFindingsAlarm`, {
        severity: 'high',
        runbook: 'compliance-findings',
        name: `compliance-${spec.id}-severe-findings`,
        summary: `The ${spec.id} compliance scan opened a high or critical finding (CMP-1). See GET /admin/compliance/findings?scan=${spec.id}&status=open.`,
        metric: new Metric({
          namespace: 'Commerce',
          metricName: SEVERE_FINDINGS_METRIC,
          dimensionsMap: { service: `${name}Function` },
          statistic: 'Maximum',
          period: Duration.hours(1),
        }),
        threshold: 1,
      });
    }

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
      new PolicyStatement({
        sid: 'AnchorsAreNeverDeleted',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutBucketVersioning', 's3:PutBucketObjectLockConfiguration'],
        resources: [this.auditAnchors.bucketArn, this.auditAnchors.arnForObjects('*')],
      }),
    );
    acknowledge(
      this.auditAnchors,
      'AwsSolutions-S1',
      'The anchor bucket is written by one function (its CloudTrail data events and the function logs record every write); S3 access logs would need a second bucket for a few writes an hour.',
    );
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
    new ScheduledJob(this, 'VerifyAuditChain', {
      schedule: 'rate(1 hour)',
      handler: verifyAudit,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Hourly audit-chain verification',
    });
    // Any break — or an hour without a verification (the verifier failing or not scheduled) — alarms.
    platform.alarms.alarm(this, 'AuditChainBreakAlarm', {
      severity: 'critical',
      runbook: 'audit-chain',
      name: 'audit-chain-break',
      summary:
        'The audit chain failed verification (an entry edited, removed or reordered, or the chain no longer matches its S3 anchor), or was not verified for an hour. See the open audit-chain finding (GET /admin/audit).',
      metric: new Metric({
        namespace: 'Commerce',
        metricName: AUDIT_CHAIN_BREAKS_METRIC,
        dimensionsMap: { service: 'VerifyAuditChainFunction' },
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.BREACHING,
    });
    // CMP-1: banned advertising terms found (a high compliance finding) by the per-change review (the daily scan alarms above).
    platform.alarms.alarm(this, 'ReviewListingFindingsAlarm', {
      severity: 'high',
      runbook: 'compliance-findings',
      name: 'review-listing-findings',
      summary:
        'ReviewListingFunction opened a banned-terms finding (CMP-1): a listing advertises with a term the law forbids. See GET /admin/compliance/findings?scan=banned-terms&status=open.',
      metric: new Metric({
        namespace: 'Commerce',
        metricName: 'BannedTermFindingsOpened',
        dimensionsMap: { service: 'ReviewListingFunction' },
        statistic: 'Sum',
        period: Duration.hours(1),
      }),
      threshold: 1,
    });

    // CMP-1: findings through the API (admin, content-reviewer); resolving is audited, and a confirmed
    // banned-terms finding takes the listing down (catalog's listing contract: UpdateItem only).
    const listFindings = platform.function(this, 'ListComplianceFindingsFunction', {
      entry: 'functions/compliance/handlers/list-findings.ts',
      description: 'GET /admin/compliance/findings (CMP-1)',
    });
    this.table.grant(listFindings, 'read');
    platform.api.addRoute(listFindingsRoute, listFindings);
    const resolveFinding = platform.function(this, 'ResolveComplianceFindingFunction', {
      entry: 'functions/compliance/handlers/resolve-finding.ts',
      description: 'POST /admin/compliance/findings/{findingId}/resolve (CMP-1), audited; confirming a banned-terms finding takes the listing down',
    });
    this.table.grant(resolveFinding, 'readWrite');
    audited.catalog.grantActions(resolveFinding, ['dynamodb:UpdateItem']);
    platform.useAuditLog(resolveFinding);
    platform.useIdempotency(resolveFinding);
    platform.api.addRoute(resolveFindingRoute, resolveFinding);

    // CMP-2: the yearly report, stored as JSON, HTML and PDF; generated on 1 January and on demand (admin).
    this.reports = new Bucket(this, 'ComplianceReportBucket', {
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableLogicalId(this.reports, 'ComplianceReportBucket');
    acknowledge(
      this.reports,
      'AwsSolutions-S1',
      'The report bucket receives one report a year and on-demand regenerations by admins, each written by one function whose logs record it; access logs would need a second bucket.',
    );
    const reportAccess = (fn: ServiceFunction) => {
      fn.addEnvironment('COMPLIANCE_REPORT_BUCKET', this.reports.bucketName);
      this.table.grant(fn, 'read');
      platform.readAuditLog(fn);
      audited.privacy.grantRequestsRead(fn);
      fn.allow(['s3:GetObject', 's3:PutObject'], [this.reports.arnForObjects('compliance-reports/*')]);
      fn.allow(['s3:ListBucket'], [this.reports.bucketArn], { StringLike: { 's3:prefix': 'compliance-reports/*' } });
      acknowledge(
        fn.role!,
        'AwsSolutions-IAM5[Resource::<ComplianceReportBucket.Arn>/compliance-reports/*]',
        'Get and put of the report objects only, under the reports prefix of the report bucket: one object per year and format (compliance-reports/<year>/report.json|html|pdf), so the year is a wildcard.',
      );
    };
    const getReport = platform.function(this, 'GetComplianceReportFunction', {
      entry: 'functions/compliance/handlers/get-compliance-report.ts',
      description: 'GET /admin/compliance/reports/{year} (CMP-2)',
      timeout: Duration.seconds(29),
      memorySize: 512,
    });
    reportAccess(getReport);
    platform.api.addRoute(getComplianceReportRoute, getReport);
    const yearly = platform.function(this, 'GenerateYearlyReportFunction', {
      entry: 'functions/compliance/handlers/generate-yearly-report.ts',
      description: 'The yearly compliance report of the year just ended, 1 January (CMP-2)',
      timeout: Duration.minutes(5),
      memorySize: 512,
    });
    reportAccess(yearly);
    new ScheduledJob(this, 'GenerateYearlyReport', {
      schedule: 'cron(0 1 1 1 ? *)',
      handler: yearly,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Yearly compliance report, 1 January 01:00 UTC',
    });

    new EventConsumer(this, 'ReviewListing', {
      bus: platform.bus,
      events: [ProductChanged],
      handler: review,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy: platform.stage.removalPolicy,
    });
  }
}
