/**
 * The shape of every scheduled compliance scan (CMP-1). A scan is a small module that looks at
 * what it audits (read-only) and returns what is wrong as finding drafts; the scan runner stores
 * them, deduplicated by `(scan, subject)`: a draft for an open finding updates it, a new subject
 * opens one, and an open finding whose subject the scan no longer reports (on a complete run) is
 * resolved as fixed. Drafts never carry personal data: subjects are ids (order id, SKU, supplier id,
 * table and key), summaries are written for staff.
 */
import type { Severity } from '../../../shared/severity.ts';

/** A scan id, kebab-case, at most 40 characters (`banned-terms`): the one definition, for the routes and the finding ids. */
export const SCAN_ID = '[a-z][a-z0-9-]{0,39}';

/** The pattern of a whole scan id. */
export const SCAN_ID_PATTERN = new RegExp(`^${SCAN_ID}$`);

/** What a scan reports about one subject. */
export interface FindingDraft {
  /** What is wrong, identified within the scan: an order id, a SKU, `table#key`, a supplier id. */
  readonly subject: string;
  readonly severity: Severity;
  /** One line for staff, no personal data. */
  readonly summary: string;
  /** Figures behind the finding (counts, amounts in minor units, dates); no personal data. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** The outcome of one run of a scan. */
export interface ScanResult {
  readonly findings: readonly FindingDraft[];
  /** How many things were looked at (orders, listings, items…). */
  readonly examined: number;
  /** False when the scan stopped early (time ran out): open findings it did not report stay open. */
  readonly complete: boolean;
}

/** What every scan is given. Scans take their other ports in their own factory. */
export interface ScanContext {
  readonly now: Date;
  /** True when the invocation is about to run out of time; a scan checks it between pages. */
  readonly shouldStop: () => boolean;
}

/** A scheduled compliance scan. */
export interface ComplianceScan {
  /** Stable id, kebab-case: `banned-terms`, `plaintext-personal-data`, `supplier-licences`… */
  readonly id: string;
  /** One line: what it checks (shown with its findings and in the yearly report). */
  readonly description: string;
  run(context: ScanContext): Promise<ScanResult>;
}
