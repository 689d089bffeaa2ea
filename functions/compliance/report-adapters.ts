/**
 * The yearly compliance report's ports bound to the real adapters (CMP-2), shared by the route that
 * serves a report and the job that generates last year's. Env: `COMPLIANCE_TABLE_NAME`,
 * `AUDIT_TABLE_NAME`, `COMPLIANCE_REPORT_BUCKET`, `PRIVACY_TABLE_NAME`.
 */
import { auditLogFromEnv, readAuditVerification } from '../../shared/audit.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { requireSetting } from '../../shared/config.ts';
import { privacyRequestsOfYear } from '../privacy/requests-contract.ts';
import { findingsRepositoryFromEnv } from './findings-repository.ts';
import { reportStoreFromEnv } from './report-store.ts';
import { ALL_SCANS } from './scans/index.ts';
import type { YearlyReportDeps } from './yearly-report.ts';

/** Ports of the report's handlers; each defaults to the real adapter. */
export type ComplianceReportPorts = Partial<Omit<YearlyReportDeps, 'clock' | 'scans'>> & { readonly clock?: Clock };

/** The report's dependencies: the ports given, the real adapters for the others. */
export function complianceReportDeps(ports: ComplianceReportPorts): YearlyReportDeps {
  return {
    findings: ports.findings ?? findingsRepositoryFromEnv(),
    trail: ports.trail ?? auditLogFromEnv(),
    verification: ports.verification ?? (() => readAuditVerification(requireSetting('complianceTableName'))),
    store: ports.store ?? reportStoreFromEnv(),
    privacyRequests: ports.privacyRequests ?? privacyRequestsOfYear,
    clock: ports.clock ?? systemClock,
    scans: ALL_SCANS,
  };
}
