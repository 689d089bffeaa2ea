/**
 * The yearly data-security compliance report (CMP-2), pure: its figures from the stored findings,
 * the audit chain's verification, the audit trail's staff access to personal data and the year's
 * privacy requests (received, served, time to serve), and its
 * renderings — HTML (bilingual headings) and PDF lines (English). Findings count for a year when
 * they were seen during it (first seen before its end, last seen after its start).
 */
import { SEVERITIES, type Severity } from '../../../shared/severity.ts';

/** A finding as the report needs it. */
export interface ReportFinding {
  readonly findingId: string;
  readonly scan: string;
  readonly severity: Severity;
  readonly status: 'open' | 'confirmed' | 'resolved';
  readonly summary: string;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly resolution?: { readonly outcome: string; readonly at: string };
}

/** What the report is built from. */
export interface ReportInput {
  readonly year: number;
  readonly generatedAt: string;
  /** Every scan, with its one-line description. */
  readonly scans: ReadonlyArray<{ readonly id: string; readonly description: string }>;
  readonly findings: readonly ReportFinding[];
  readonly auditChain?: { readonly verifiedAt: string; readonly intact: boolean; readonly entries: number; readonly breaks: number };
  /** Staff reads of personal data in the year (audit entries), by action. */
  readonly staffAccess: Readonly<Record<string, number>>;
  /** The privacy requests (exports, erasures) received in the year, as privacy records them. */
  readonly privacyRequests: readonly ReportPrivacyRequest[];
}

/** A data-subject request as the report needs it (privacy's requests contract). */
export interface ReportPrivacyRequest {
  readonly kind: 'ERASURE' | 'EXPORT';
  readonly requestedAt: string;
  readonly completedAt?: string;
  /** From request to completion, in milliseconds (set once served). */
  readonly durationMs?: number;
}

/** The privacy-request figures: received in the year, served (of those), and the time to serve them. */
export interface PrivacyRequestFigures {
  readonly received: number;
  readonly served: number;
  readonly byKind: { readonly export: { readonly received: number; readonly served: number }; readonly erasure: { readonly received: number; readonly served: number } };
  /** Median and maximum time from request to completion of the served ones, in milliseconds (null when none was served). */
  readonly medianMsToServe: number | null;
  readonly maxMsToServe: number | null;
}

type Counts<K extends string> = Record<K, number>;
const OUTCOMES = ['fixed', 'confirmed', 'dismissed', 'unresolved'] as const;

/** The report's figures (what `GET /admin/compliance/reports/{year}` returns). */
export interface ReportFigures {
  readonly year: number;
  readonly generatedAt: string;
  readonly findings: {
    readonly total: number;
    readonly bySeverity: Counts<Severity>;
    readonly byStatus: Counts<'open' | 'confirmed' | 'resolved'>;
    readonly byOutcome: Counts<(typeof OUTCOMES)[number]>;
  };
  readonly scans: ReadonlyArray<{ readonly scan: string; readonly description: string; readonly findings: number; readonly bySeverity: Counts<Severity> }>;
  readonly incidents: ReadonlyArray<{
    readonly findingId: string;
    readonly scan: string;
    readonly severity: Severity;
    readonly status: string;
    readonly firstSeenAt: string;
    readonly summary: string;
  }>;
  readonly privacyRequests: PrivacyRequestFigures;
  readonly staffAccess: { readonly personalDataReads: number; readonly byAction: Readonly<Record<string, number>> };
  readonly auditChain: { readonly verifiedAt: string | null; readonly intact: boolean | null; readonly entries: number; readonly breaks: number };
}

const zero = <K extends string>(keys: readonly K[]): Counts<K> => Object.fromEntries(keys.map((k) => [k, 0])) as Counts<K>;

/** Whether `finding` was seen during `year` (UTC). */
export function seenIn(finding: ReportFinding, year: number): boolean {
  return finding.firstSeenAt < `${year + 1}-01-01T00:00:00.000Z` && finding.lastSeenAt >= `${year}-01-01T00:00:00.000Z`;
}

/** The median of `values` (the mean of the two middle ones, rounded, for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** The privacy-request figures of `year`: requests received in it (UTC), those of them served, and their times to serve. */
export function privacyRequestFigures(requests: readonly ReportPrivacyRequest[], year: number): PrivacyRequestFigures {
  const received = requests.filter((r) => r.requestedAt >= `${year}-01-01T00:00:00.000Z` && r.requestedAt < `${year + 1}-01-01T00:00:00.000Z`);
  const served = received.filter((r) => r.completedAt !== undefined && r.durationMs !== undefined);
  const times = served.map((r) => r.durationMs!);
  const ofKind = (kind: ReportPrivacyRequest['kind']) => ({ received: received.filter((r) => r.kind === kind).length, served: served.filter((r) => r.kind === kind).length });
  return {
    received: received.length,
    served: served.length,
    byKind: { export: ofKind('EXPORT'), erasure: ofKind('ERASURE') },
    medianMsToServe: median(times),
    maxMsToServe: times.length === 0 ? null : Math.max(...times),
  };
}

/** The figures of the report. */
export function reportFigures(input: ReportInput): ReportFigures {
  const findings = input.findings.filter((f) => seenIn(f, input.year));
  const bySeverity = zero(SEVERITIES);
  const byStatus = zero(['open', 'confirmed', 'resolved'] as const);
  const byOutcome = zero(OUTCOMES);
  for (const f of findings) {
    bySeverity[f.severity]++;
    byStatus[f.status]++;
    const outcome = f.status === 'resolved' ? f.resolution?.outcome : f.status === 'confirmed' ? 'confirmed' : undefined;
    byOutcome[outcome === 'fixed' || outcome === 'dismissed' || outcome === 'confirmed' ? outcome : 'unresolved']++;
  }
  const scanIds = [...new Set([...input.scans.map((s) => s.id), ...findings.map((f) => f.scan)])];
  const scans = scanIds.map((id) => {
    const own = findings.filter((f) => f.scan === id);
    const severities = zero(SEVERITIES);
    for (const f of own) severities[f.severity]++;
    return { scan: id, description: input.scans.find((s) => s.id === id)?.description ?? '', findings: own.length, bySeverity: severities };
  });
  const incidents = findings
    .filter((f) => f.severity === 'critical' || f.severity === 'high')
    .sort((a, b) => a.firstSeenAt.localeCompare(b.firstSeenAt))
    .map((f) => ({ findingId: f.findingId, scan: f.scan, severity: f.severity, status: f.status, firstSeenAt: f.firstSeenAt, summary: f.summary }));
  return {
    year: input.year,
    generatedAt: input.generatedAt,
    findings: { total: findings.length, bySeverity, byStatus, byOutcome },
    scans,
    incidents,
    privacyRequests: privacyRequestFigures(input.privacyRequests, input.year),
    staffAccess: { personalDataReads: Object.values(input.staffAccess).reduce((a, b) => a + b, 0), byAction: input.staffAccess },
    auditChain: input.auditChain
      ? { verifiedAt: input.auditChain.verifiedAt, intact: input.auditChain.intact, entries: input.auditChain.entries, breaks: input.auditChain.breaks }
      : { verifiedAt: null, intact: null, entries: 0, breaks: 0 },
  };
}

/** A time to serve for people: `-`, `850 ms`, `12.5 s`, `3.2 h`, `4.1 d` (the figures keep the exact milliseconds). */
export function duration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 3_600_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The report as an HTML page (headings in Chinese and English). */
export function renderReportHtml(figures: ReportFigures): string {
  const row = (cells: ReadonlyArray<string | number>) => `<tr>${cells.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`;
  const head = (cells: readonly string[]) => `<tr>${cells.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const f = figures.findings;
  const p = figures.privacyRequests;
  return [
    '<!doctype html>',
    `<html lang="zh-CN"><head><meta charset="utf-8"><title>${figures.year} 数据安全合规年度报告 / Data-security compliance report ${figures.year}</title></head><body>`,
    `<h1>${figures.year} 数据安全合规年度报告 / Data-security compliance report ${figures.year}</h1>`,
    `<p>生成时间 / Generated: ${escapeHtml(figures.generatedAt)}</p>`,
    '<h2>发现汇总 / Findings</h2><table>',
    head(['', ...SEVERITIES]),
    row(['按严重程度 / by severity', ...SEVERITIES.map((s) => f.bySeverity[s])]),
    '</table><table>',
    head(['total', 'open', 'confirmed', 'resolved', 'fixed', 'dismissed', 'unresolved']),
    row([f.total, f.byStatus.open, f.byStatus.confirmed, f.byStatus.resolved, f.byOutcome.fixed, f.byOutcome.dismissed, f.byOutcome.unresolved]),
    '</table>',
    '<h2>扫描 / Scans run</h2><table>',
    head(['scan', 'description', 'findings', ...SEVERITIES]),
    ...figures.scans.map((s) => row([s.scan, s.description, s.findings, ...SEVERITIES.map((sev) => s.bySeverity[sev])])),
    '</table>',
    '<h2>事件（严重/高） / Incidents (critical and high)</h2><table>',
    head(['first seen', 'scan', 'severity', 'status', 'summary']),
    ...figures.incidents.map((i) => row([i.firstSeenAt, i.scan, i.severity, i.status, i.summary])),
    '</table>',
    '<h2>个人信息权利请求 / Privacy requests</h2><table>',
    head(['', 'received', 'served', 'median time to serve', 'longest time to serve']),
    row(['导出 / export', p.byKind.export.received, p.byKind.export.served, '', '']),
    row(['删除 / erasure', p.byKind.erasure.received, p.byKind.erasure.served, '', '']),
    row(['total', p.received, p.served, duration(p.medianMsToServe), duration(p.maxMsToServe)]),
    '</table>',
    '<h2>员工访问个人信息 / Staff access to personal data</h2><table>',
    head(['action', 'count']),
    ...Object.entries(figures.staffAccess.byAction).map(([action, n]) => row([action, n])),
    row(['total', figures.staffAccess.personalDataReads]),
    '</table>',
    '<h2>审计链校验 / Audit-chain verification</h2><table>',
    head(['last verified', 'intact', 'entries', 'breaks']),
    row([
      figures.auditChain.verifiedAt ?? 'never',
      figures.auditChain.intact === null ? '-' : figures.auditChain.intact ? 'yes' : 'NO',
      figures.auditChain.entries,
      figures.auditChain.breaks,
    ]),
    '</table></body></html>',
  ].join('\n');
}

/** The report as PDF lines (English). */
export function reportPdfLines(figures: ReportFigures): Array<{ text: string; heading?: boolean }> {
  const f = figures.findings;
  const sev = (counts: Counts<Severity>) => SEVERITIES.map((s) => `${s} ${counts[s]}`).join(', ');
  return [
    { text: `Data-security compliance report ${figures.year}`, heading: true },
    { text: `Generated ${figures.generatedAt}` },
    { text: '' },
    { text: 'Findings', heading: true },
    { text: `Total ${f.total}: ${sev(f.bySeverity)}` },
    { text: `Status: open ${f.byStatus.open}, confirmed ${f.byStatus.confirmed}, resolved ${f.byStatus.resolved}` },
    { text: `Outcome: fixed ${f.byOutcome.fixed}, confirmed ${f.byOutcome.confirmed}, dismissed ${f.byOutcome.dismissed}, unresolved ${f.byOutcome.unresolved}` },
    { text: '' },
    { text: 'Scans run', heading: true },
    ...figures.scans.map((s) => ({ text: `${s.scan}: ${s.findings} finding(s) (${sev(s.bySeverity)})` })),
    { text: '' },
    { text: 'Incidents (critical and high)', heading: true },
    ...(figures.incidents.length === 0 ? [{ text: 'None.' }] : figures.incidents.map((i) => ({ text: `${i.firstSeenAt} ${i.severity} ${i.scan} ${i.status}: ${i.findingId}` }))),
    { text: '' },
    { text: 'Privacy requests', heading: true },
    {
      text: `Received ${figures.privacyRequests.received}, served ${figures.privacyRequests.served} (export ${figures.privacyRequests.byKind.export.received}/${figures.privacyRequests.byKind.export.served}, erasure ${figures.privacyRequests.byKind.erasure.received}/${figures.privacyRequests.byKind.erasure.served} received/served)`,
    },
    { text: `Time to serve: median ${duration(figures.privacyRequests.medianMsToServe)}, longest ${duration(figures.privacyRequests.maxMsToServe)}` },
    { text: '' },
    { text: 'Staff access to personal data', heading: true },
    ...Object.entries(figures.staffAccess.byAction).map(([action, n]) => ({ text: `${action}: ${n}` })),
    { text: `Total ${figures.staffAccess.personalDataReads}` },
    { text: '' },
    { text: 'Audit-chain verification', heading: true },
    {
      text: `Last verified ${figures.auditChain.verifiedAt ?? 'never'}; intact ${figures.auditChain.intact === null ? '-' : figures.auditChain.intact ? 'yes' : 'NO'}; ${figures.auditChain.entries} entries; ${figures.auditChain.breaks} break(s)`,
    },
  ];
}
