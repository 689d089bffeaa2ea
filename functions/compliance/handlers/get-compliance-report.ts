/**
 * `GET /admin/compliance/reports/{year}` (admin; CMP-2): a year's compliance report.
 * Env: `COMPLIANCE_TABLE_NAME`, `AUDIT_TABLE_NAME`, `COMPLIANCE_REPORT_BUCKET`, `PRIVACY_TABLE_NAME`.
 */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { complianceReportDeps, type ComplianceReportPorts } from '../report-adapters.ts';
import { getComplianceReportRoute } from '../routes.ts';
import { yearlyReport } from '../yearly-report.ts';

/** The HTTP handler. */
export function makeGetComplianceReportHandler(ports: ComplianceReportPorts = {}): HttpLambdaHandler {
  return httpHandler(getComplianceReportRoute, async ({ path }) => ({ statusCode: 200, body: await yearlyReport(complianceReportDeps(ports), path.year) }));
}

/** The Lambda handler of the route. */
export const handler = makeGetComplianceReportHandler();
