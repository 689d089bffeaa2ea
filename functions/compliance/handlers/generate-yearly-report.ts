/**
 * Scheduled on 1 January (CMP-2): generates and stores the compliance report of the year just ended.
 * Env: `COMPLIANCE_TABLE_NAME`, `AUDIT_TABLE_NAME`, `COMPLIANCE_REPORT_BUCKET`, `PRIVACY_TABLE_NAME`.
 */
import { makeGenerateYearlyReportHandler } from './get-compliance-report.ts';

/** The Lambda handler. */
export const handler = makeGenerateYearlyReportHandler();
