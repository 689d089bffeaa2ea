import { audit, auditVerify, consume, idempotency, read, readWrite } from './helpers.ts';

const findings = readWrite('ComplianceTable', ['byKind']);

const reportGrants = [
  ...read('ComplianceTable', ['byKind']),
  'dynamodb:Query → AuditTable',
  'dynamodb:Query → AuditTable/index/byResource',
  's3:GetObject → ComplianceReportBucket/compliance-reports/*',
  's3:PutObject → ComplianceReportBucket/compliance-reports/*',
  's3:ListBucket → ComplianceReportBucket if StringLike s3:prefix=compliance-reports/*',
  // CMP-2: privacy's requests contract: Query of the requests partition only.
  'dynamodb:Query → PrivacyTable if ForAllValues:StringEquals dynamodb:LeadingKeys=REQUESTS',
];

export const complianceGrants: Record<string, string[]> = {
  // CMP-1: one function per scan, each reading only what its scan audits.
  BannedTermsScanFunction: [...read('CatalogTable', ['byType']), ...findings],
  // The order scans page through the orders table (Scan only: no item reads, no writes).
  // CMP-1, SEC-2: the plaintext scan pages through every table that holds personal data (Scan only).
  PlaintextPersonalDataScanFunction: [
    'dynamodb:Scan → OrdersTable',
    'dynamodb:Scan → TicketsTable',
    'dynamodb:Scan → ReturnsTable',
    'dynamodb:Scan → IdempotencyTable',
    ...findings,
  ],
  RetentionOverdueScanFunction: ['dynamodb:Scan → OrdersTable', ...findings],
  UnpaidOrdersScanFunction: ['dynamodb:Scan → OrdersTable', ...findings],
  // SUP-1: the supplier scans read the suppliers' partition through the supplier contract (Query only).
  SupplierLicencesScanFunction: ['dynamodb:Query → SuppliersTable', ...findings],
  SingleSourceSkusScanFunction: ['dynamodb:Query → SuppliersTable', ...findings],
  // PAY-3: the ledger scan pages through the payments table (Scan only).
  LedgerImbalanceScanFunction: ['dynamodb:Scan → PaymentsTable', ...findings],
  // ORD-4: the reservation scan pages through the catalog table (Scan only).
  ReservationDriftScanFunction: ['dynamodb:Scan → CatalogTable', ...findings],
  // AFT-2: the SLA scan queries tickets' due index only (ids, status, times; no item reads).
  TicketSlaBreachesScanFunction: ['dynamodb:Query → TicketsTable/index/byNextDue', ...findings],
  // SEC-4 / CMP-1: the verifier alone reads the whole chain, and may only VerifyMac (never GenerateMac).
  // It alone writes the chain's anchors, one object of the Object Lock bucket (no delete: the bucket policy denies it to all).
  VerifyAuditChainFunction: [
    ...auditVerify,
    ...findings,
    's3:GetObject → AuditAnchorBucket/audit-chain/head.json',
    's3:PutObject → AuditAnchorBucket/audit-chain/head.json',
    's3:ListBucket → AuditAnchorBucket if StringEquals s3:prefix=audit-chain/head.json',
  ],
  ListComplianceFindingsFunction: read('ComplianceTable', ['byKind']),
  // SEC-4: audited; catalog's listing contract takes a confirmed banned-terms listing down (UpdateItem only).
  ResolveComplianceFindingFunction: [...findings, 'dynamodb:UpdateItem → CatalogTable', ...audit, ...idempotency],
  // CMP-2: the yearly report reads findings, the verification and the audit trail; writes only its own prefix of the report bucket.
  GetComplianceReportFunction: reportGrants,
  GenerateYearlyReportFunction: reportGrants,
  ReviewListingFunction: [...read('CatalogTable', ['byType']), ...findings, ...consume('ReviewListingQueue')],
};
