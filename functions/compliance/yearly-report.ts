/**
 * Use case (CMP-2): the yearly data-security compliance report. Reads every stored finding, the
 * audit chain's last verification and the year's audit entries (staff reads of personal data: the
 * actions named `*.read-personal-data`) and the year's privacy requests (privacy's requests contract), builds the figures, renders HTML and PDF and stores all
 * three (`compliance-reports/<year>/report.json|html|pdf`). A finished year's stored report is
 * returned as is; the current year's is generated afresh on each request.
 */
import type { AuditEntry, AuditEntryQuery } from '../../shared/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import { renderPdf } from './domain/pdf.ts';
import { renderReportHtml, reportFigures, reportPdfLines, type ReportFigures, type ReportPrivacyRequest } from './domain/yearly-report.ts';
import type { Finding, FindingsRepository } from './findings-repository.ts';

/** Where reports are stored (S3 in AWS and in the local cloud). */
export interface ReportStore {
  get(key: string): Promise<string | undefined>;
  put(key: string, body: string | Buffer, contentType: string): Promise<void>;
}

/** Ports of the report. */
export interface YearlyReportDeps {
  readonly findings: Pick<FindingsRepository, 'list'>;
  readonly trail: { page(query: AuditEntryQuery): Promise<{ items: AuditEntry[]; nextCursor?: string }> };
  readonly verification: () => Promise<{ verifiedAt: string; intact: boolean; entries: number; breaks: readonly unknown[] } | undefined>;
  readonly store: ReportStore;
  readonly clock: Clock;
  readonly scans: ReadonlyArray<{ readonly id: string; readonly description: string }>;
  /** The privacy requests received in a year (privacy's requests contract). */
  readonly privacyRequests: (year: number) => Promise<readonly ReportPrivacyRequest[]>;
}

/** A stored report: figures and the keys of its renderings. */
export interface StoredReport {
  readonly figures: ReportFigures;
  readonly keys: { readonly json: string; readonly html: string; readonly pdf: string };
}

export const reportKeys = (year: number) => ({
  json: `compliance-reports/${year}/report.json`,
  html: `compliance-reports/${year}/report.html`,
  pdf: `compliance-reports/${year}/report.pdf`,
});

async function allFindings(findings: Pick<FindingsRepository, 'list'>): Promise<Finding[]> {
  const out: Finding[] = [];
  let cursor: string | undefined;
  do {
    const page = await findings.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

async function staffAccess(trail: YearlyReportDeps['trail'], year: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let cursor: string | undefined;
  do {
    const page = await trail.page({ from: `${year}-01-01T00:00:00.000Z`, to: `${year}-12-31T23:59:59.999Z`, limit: 100, ...(cursor ? { cursor } : {}) });
    for (const entry of page.items) if (entry.action.endsWith('.read-personal-data')) counts[entry.action] = (counts[entry.action] ?? 0) + 1;
    cursor = page.nextCursor;
  } while (cursor);
  return counts;
}

/** Generates, stores and returns the report of `year`. */
export async function generateYearlyReport(deps: YearlyReportDeps, year: number): Promise<StoredReport> {
  const [findings, access, verification, privacyRequests] = await Promise.all([
    allFindings(deps.findings),
    staffAccess(deps.trail, year),
    deps.verification(),
    deps.privacyRequests(year),
  ]);
  const figures = reportFigures({
    year,
    generatedAt: deps.clock.now().toISOString(),
    scans: deps.scans,
    findings,
    staffAccess: access,
    privacyRequests,
    ...(verification
      ? { auditChain: { verifiedAt: verification.verifiedAt, intact: verification.intact, entries: verification.entries, breaks: verification.breaks.length } }
      : {}),
  });
  const keys = reportKeys(year);
  await deps.store.put(keys.html, renderReportHtml(figures), 'text/html; charset=utf-8');
  await deps.store.put(keys.pdf, renderPdf(`Data-security compliance report ${year}`, reportPdfLines(figures)), 'application/pdf');
  // The figures last: their presence means the renderings are there too.
  await deps.store.put(keys.json, JSON.stringify(figures), 'application/json');
  return { figures, keys };
}

/** The report of `year`: a finished year's stored one, else generated now. */
export async function yearlyReport(deps: YearlyReportDeps, year: number): Promise<StoredReport> {
  const finished = year < deps.clock.now().getUTCFullYear();
  if (finished) {
    const stored = await deps.store.get(reportKeys(year).json);
    if (stored) return { figures: JSON.parse(stored) as ReportFigures, keys: reportKeys(year) };
  }
  return generateYearlyReport(deps, year);
}
