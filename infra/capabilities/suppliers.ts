/**
 * Suppliers (SUP-1): the SuppliersTable (suppliers with licences, SKUs, review and scorecard
 * counts; their deliveries); the ops API in one function (put and record a delivery are audited);
 * the daily job that suspends suppliers whose licence expired (audited as a system action). The
 * compliance scans `supplier-licences` and `single-source-skus` read the table through
 * `functions/suppliers/supplier-contract.ts`: give their function {@link Suppliers.grantDirectoryRead}.
 * No personal data is stored (no contact persons): no field key.
 */
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { suppliersRoutes } from '../../functions/suppliers/routes.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { ScheduledJob, stableLogicalId } from '../constructs/messaging.ts';
import type { ServiceFunction } from '../constructs/service-function.ts';
import type { Platform } from '../platform.ts';

/** 00:05 China time (UTC+8): the first minutes of the day a licence is expired. */
export const LICENCE_SWEEP_SCHEDULE = 'cron(5 16 * * ? *)';

/** See the module documentation. */
export class Suppliers extends Construct {
  readonly table: CommerceTable;

  constructor(scope: Construct, id: string, platform: Platform) {
    super(scope, id);
    this.table = new CommerceTable(this, 'SuppliersTable', { stage: platform.stage });
    stableLogicalId(this.table.table, 'SuppliersTable');

    const api = platform.function(this, 'ServeSuppliersFunction', {
      entry: 'functions/suppliers/handlers/serve-suppliers.ts',
      description: 'Suppliers ops API: put, list, read, record a delivery (SUP-1; audited)',
    });
    this.table.grant(api, 'readWrite');
    platform.useIdempotency(api);
    platform.useAuditLog(api);
    for (const route of suppliersRoutes) platform.api.addRoute(route, api);

    const sweep = platform.function(this, 'SuspendExpiredLicencesFunction', {
      entry: 'functions/suppliers/handlers/suspend-expired-licences.ts',
      description: 'Suppliers with an expired licence → suspended, audited as a system action (SUP-1, CMP-1)',
      timeout: Duration.minutes(2),
    });
    this.table.grant(sweep, 'readWrite');
    platform.useAuditLog(sweep);
    new ScheduledJob(this, 'SuspendExpiredLicences', {
      schedule: LICENCE_SWEEP_SCHEDULE,
      handler: sweep,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Daily supplier licence sweep, 00:05 China time',
    });
  }

  /** The supplier contract's read (Query on the suppliers' partition) and `SUPPLIERS_TABLE_NAME`, for a compliance scan. */
  grantDirectoryRead(grantee: ServiceFunction): void {
    this.table.grantActions(grantee, ['dynamodb:Query']);
  }
}
