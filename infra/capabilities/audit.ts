/**
 * The audit trail's read side (SEC-4, RISK-7, CMP-1): `GET /admin/audit` (admin) — entries of the
 * platform's AuditTable and the chain's last verification state, which the compliance verifier
 * stores in the ComplianceTable (read here by key only).
 */
import { Construct } from 'constructs';
import { listAuditEntriesRoute } from '../../functions/audit/routes.ts';
import { AUDIT_VERIFICATION_KEY } from '../../shared/audit.ts';
import type { CommerceTable } from '../constructs/commerce-table.ts';
import type { Platform } from '../platform.ts';

/** See the module documentation. */
export class AuditTrail extends Construct {
  constructor(scope: Construct, id: string, platform: Platform, deps: { readonly compliance: CommerceTable }) {
    super(scope, id);
    const list = platform.function(this, 'ListAuditEntriesFunction', {
      entry: 'functions/audit/handlers/list-audit-entries.ts',
      description: 'GET /admin/audit: the audit trail with its verification state (SEC-4)',
      environment: { COMPLIANCE_TABLE_NAME: deps.compliance.tableName },
    });
    platform.readAuditLog(list);
    list.allow(['dynamodb:GetItem'], [deps.compliance.table.tableArn], { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [AUDIT_VERIFICATION_KEY.pk] } });
    platform.api.addRoute(listAuditEntriesRoute, list);
  }
}
