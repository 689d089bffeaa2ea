/**
 * SEC-4: the admin audit API reads the trail (Query, no writes, no KMS) and only the verification
 * state item of the ComplianceTable.
 */
export const auditGrants: Record<string, string[]> = {
  ListAuditEntriesFunction: [
    'dynamodb:GetItem → ComplianceTable if ForAllValues:StringEquals dynamodb:LeadingKeys=VERIFICATION#audit-chain',
    'dynamodb:Query → AuditTable',
    'dynamodb:Query → AuditTable/index/byResource',
  ],
};
