/**
 * Compliance scans (CMP-1): findings stored in their own table; a daily scan of every product
 * listing for banned advertising terms and an immediate review of each changed listing.
 * Compliance is the one capability that reads other capabilities' tables, read-only: auditing them
 * is its job.
 */
import { Duration } from 'aws-cdk-lib';
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
    const verifyAudit = platform.function(this, 'VerifyAuditChainFunction', {
      entry: 'functions/compliance/handlers/verify-audit-chain.ts',
      description: 'Hourly verification of the audit chain MACs and links (CMP-1, SEC-4)',
      timeout: Duration.minutes(5),
      environment: { COMPLIANCE_TABLE_NAME: this.table.tableName },
    });
    platform.verifyAuditLog(verifyAudit);
    this.table.grant(verifyAudit, 'readWrite');
    new ScheduledJob(this, 'VerifyAuditChain', { schedule: 'rate(1 hour)', handler: verifyAudit, deliveryDlq: platform.eventDeliveryFailures, description: 'Hourly audit-chain verification' });

    new EventConsumer(this, 'ReviewListing', { bus: platform.bus, events: [ProductChanged], handler: review, deliveryDlq: platform.eventDeliveryFailures, removalPolicy: platform.stage.removalPolicy });
  }
}
