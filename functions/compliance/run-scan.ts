/**
 * Use case (CMP-1): run one scan and store what it found — the same for every scan. Each draft
 * opens, re-opens or updates the finding of `(scan, subject)`; on a complete run, every unresolved
 * finding the scan no longer reports is resolved as `fixed` (by `system:<scan>`). A run that
 * stopped early (time ran out) resolves nothing: what it did not look at may still be wrong.
 */
import type { Clock } from '../../shared/clock.ts';
import { atLeast } from '../../shared/severity.ts';
import type { Finding, FindingsRepository, RecordOutcome } from './findings-repository.ts';
import type { ComplianceScan } from './scans/compliance-scan.ts';

/** What a run did. */
export interface ScanRunSummary {
  readonly scan: string;
  readonly examined: number;
  readonly complete: boolean;
  readonly reported: number;
  readonly opened: number;
  readonly reopened: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly resolved: number;
  /** Findings opened or re-opened by this run at `high` or `critical` (they alarm). */
  readonly newSevere: number;
}

/** Ports of a run. */
export interface RunScanDeps {
  readonly findings: FindingsRepository;
  readonly clock: Clock;
  /** Asked by the scan between pages. */
  readonly shouldStop?: () => boolean;
}

/** Runs `scan` and records its findings. */
export async function runScan(deps: RunScanDeps, scan: ComplianceScan): Promise<ScanRunSummary> {
  const result = await scan.run({ now: deps.clock.now(), shouldStop: deps.shouldStop ?? (() => false) });
  const counts: Record<RecordOutcome, number> = { opened: 0, reopened: 0, updated: 0, unchanged: 0 };
  let newSevere = 0;
  const reported = new Set<string>();
  for (const draft of result.findings) {
    if (reported.has(draft.subject)) continue;
    reported.add(draft.subject);
    const { outcome } = await deps.findings.record(scan.id, draft, deps.clock.now());
    counts[outcome]++;
    if ((outcome === 'opened' || outcome === 'reopened') && atLeast(draft.severity, 'high')) newSevere++;
  }
  let resolved = 0;
  if (result.complete) {
    const stale: Finding[] = (await deps.findings.unresolved(scan.id)).filter((finding) => !reported.has(finding.subject));
    for (const finding of stale) {
      const done = await deps.findings.transition(finding.findingId, ['open', 'confirmed'], 'resolved', {
        outcome: 'fixed',
        by: `system:${scan.id}`,
        at: deps.clock.now().toISOString(),
      });
      if (done) resolved++;
    }
  }
  return { scan: scan.id, examined: result.examined, complete: result.complete, reported: reported.size, ...counts, resolved, newSevere };
}
