/**
 * `GET /admin/compliance/reports/{year}` (admin; CMP-2) and, scheduled on 1 January, the report of
 * the year just ended. Env: `COMPLIANCE_TABLE_NAME`, `AUDIT_TABLE_NAME`, `COMPLIANCE_REPORT_BUCKET`, `PRIVACY_TABLE_NAME`.
 */
import { auditLogFromEnv, readAuditVerification } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { requireSetting } from '../../../shared/config.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { logger, observedHandler } from '../../../shared/observability.ts';
import { privacyRequestsOfYear } from '../../privacy/requests-contract.ts';
import { findingsRepositoryFromEnv } from '../findings-repository.ts';
import { reportStoreFromEnv } from '../report-store.ts';
import { getComplianceReportRoute } from '../routes.ts';
import { ALL_SCANS } from '../scans/index.ts';
import { generateYearlyReport, yearlyReport, type StoredReport, type YearlyReportDeps } from '../yearly-report.ts';

/** Ports of the handlers; each defaults to the real adapter. */
export type ComplianceReportPorts = Partial<Omit<YearlyReportDeps, 'clock' | 'scans'>> & { readonly clock?: Clock };

function deps(ports: ComplianceReportPorts): YearlyReportDeps {
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

/** The HTTP handler. */
export function makeGetComplianceReportHandler(ports: ComplianceReportPorts = {}): HttpLambdaHandler {
  return httpHandler(getComplianceReportRoute, async ({ path }) => ({ statusCode: 200, body: await yearlyReport(deps(ports), path.year) }));
}

/** The scheduled handler (1 January): the report of the year just ended. */
export function makeGenerateYearlyReportHandler(ports: ComplianceReportPorts = {}) {
  return observedHandler(async (): Promise<StoredReport> => {
    const resolved = deps(ports);
    const report = await generateYearlyReport(resolved, resolved.clock.now().getUTCFullYear() - 1);
    logger.info('yearly compliance report generated', { year: report.figures.year, findings: report.figures.findings.total });
    return report;
  });
}

/** The Lambda handler of the route. */
export const handler = makeGetComplianceReportHandler();
