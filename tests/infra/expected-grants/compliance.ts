import { auditVerify, consume, read, readWrite } from './helpers.ts';

export const complianceGrants: Record<string, string[]> = {
  ScanListingsFunction: [...read('CatalogTable', ['byType']), ...readWrite('ComplianceTable')],
  // SEC-4 / CMP-1: the verifier alone reads the whole chain, and may only VerifyMac (never GenerateMac).
  VerifyAuditChainFunction: [...auditVerify, ...readWrite('ComplianceTable')],
  ReviewListingFunction: [...read('CatalogTable', ['byType']), ...readWrite('ComplianceTable'), ...consume('ReviewListingQueue')],
};
