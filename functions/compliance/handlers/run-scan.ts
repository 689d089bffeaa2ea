/**
 * Scheduled (CMP-1): runs the compliance scan named by `COMPLIANCE_SCAN` (one function per scan,
 * each with only the read grants its scan needs), stores its findings (deduplicated, fixed ones
 * resolved on a complete run) and emits `ComplianceFindingsOpened` and `SevereComplianceFindingsOpened`
 * (new `high`/`critical` findings: an alarm watches it). Stops paging when time runs out.
 * Env: `COMPLIANCE_SCAN`, `COMPLIANCE_TABLE_NAME`, and the tables the scan reads.
 */
import type { Context } from 'aws-lambda';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { requireSetting } from '../../../shared/config.ts';
import { logger, metrics, MetricUnit, observedHandler, timeRunsOut } from '../../../shared/observability.ts';
import { findingsRepositoryFromEnv, type DynamoDbFindingsRepository, type FindingsRepository } from '../findings-repository.ts';
import { runScan, type ScanRunSummary } from '../run-scan.ts';
import type { ComplianceScan } from '../scans/compliance-scan.ts';
import { SCANS } from '../scans/index.ts';
import { SEVERE_FINDINGS_METRIC } from '../severe-findings.ts';

/** Stop starting new pages when less than this much invocation time is left. */
const TIME_RESERVE_MS = 20_000;

/** Ports of the handler; each defaults to the real adapter. */
export interface RunScanHandlerPorts {
  readonly scan?: () => ComplianceScan;
  readonly findings?: () => FindingsRepository | DynamoDbFindingsRepository;
  readonly clock?: Clock;
}

/** The registered scan named by `COMPLIANCE_SCAN`. */
export function scanFromEnv(): ComplianceScan {
  const id = requireSetting('complianceScan');
  const registration = SCANS.find((scan) => scan.id === id);
  if (!registration) throw new Error(`Unknown compliance scan ${id}`);
  return registration.create();
}

/** Builds the handler with the given ports. */
export function makeRunScanHandler(ports: RunScanHandlerPorts = {}) {
  const base = async (_event: unknown, context: Context): Promise<ScanRunSummary> => {
    const scan = (ports.scan ?? scanFromEnv)();
    const findings = (ports.findings ?? findingsRepositoryFromEnv)();
    // Banned-term findings stored before the generic store move into it once.
    if (scan.id === 'banned-terms' && 'migrateLegacyBannedTermFindings' in findings) await findings.migrateLegacyBannedTermFindings();
    const summary = await runScan({ findings, clock: ports.clock ?? systemClock, shouldStop: timeRunsOut(context, TIME_RESERVE_MS) }, scan);
    metrics.addMetric('ComplianceItemsExamined', MetricUnit.Count, summary.examined);
    metrics.addMetric('ComplianceFindingsOpened', MetricUnit.Count, summary.opened + summary.reopened);
    metrics.addMetric(SEVERE_FINDINGS_METRIC, MetricUnit.Count, summary.newSevere);
    logger.info('compliance scan finished', { ...summary });
    return summary;
  };
  return observedHandler(base);
}

/** The Lambda handler. */
export const handler = makeRunScanHandler();
