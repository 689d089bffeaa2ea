/**
 * Scheduled on 1 January (CMP-2): generates and stores the compliance report of the year just ended.
 * Env: `COMPLIANCE_TABLE_NAME`, `AUDIT_TABLE_NAME`, `COMPLIANCE_REPORT_BUCKET`, `PRIVACY_TABLE_NAME`.
 */
import { logger, observedHandler } from '../../../shared/observability.ts';
import { complianceReportDeps, type ComplianceReportPorts } from '../report-adapters.ts';
import { generateYearlyReport, type StoredReport } from '../yearly-report.ts';

/** The scheduled handler: the report of the year just ended. */
export function makeGenerateYearlyReportHandler(ports: ComplianceReportPorts = {}) {
  return observedHandler(async (): Promise<StoredReport> => {
    const resolved = complianceReportDeps(ports);
    const report = await generateYearlyReport(resolved, resolved.clock.now().getUTCFullYear() - 1);
    logger.info('yearly compliance report generated', { year: report.figures.year, findings: report.figures.findings.total });
    return report;
  });
}

/** The Lambda handler. */
export const handler = makeGenerateYearlyReportHandler();
