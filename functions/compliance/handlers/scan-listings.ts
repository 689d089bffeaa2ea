/**
 * Scheduled daily (CMP-1): scans every product listing for banned advertising terms, records and
 * resolves findings, and returns a summary. Env: `CATALOG_TABLE_NAME`, `COMPLIANCE_TABLE_NAME`.
 */
import type { Context } from 'aws-lambda';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { getConfig } from '../../../shared/config.ts';
import { logger, metrics, MetricUnit, observedHandler, timeRunsOut } from '../../../shared/observability.ts';
import { findingsRepositoryFromEnv, type FindingsRepository } from '../findings-repository.ts';
import { listingSourceFromEnv, type ListingSource } from '../listing-source.ts';
import { scanListings, type ScanSummary } from '../scan-listings.ts';

/** Stop starting new pages when less than this much invocation time is left. */
const TIME_RESERVE_MS = 15_000;

/** Ports of the handler; each defaults to the real adapter. */
export interface ScanListingsHandlerPorts {
  readonly listings?: () => ListingSource;
  readonly findings?: () => FindingsRepository;
  readonly clock?: Clock;
  readonly pageSize?: number;
}

/** Builds the handler with the given ports. */
export function makeScanListingsHandler(ports: ScanListingsHandlerPorts = {}) {
  const base = async (_event: unknown, context: Context): Promise<ScanSummary> => {
    const summary = await scanListings(
      {
        listings: (ports.listings ?? listingSourceFromEnv)(),
        findings: (ports.findings ?? findingsRepositoryFromEnv)(),
        clock: ports.clock ?? systemClock,
        bannedTerms: getConfig().compliance.bannedAdvertisingTerms,
        allowedPhrases: getConfig().compliance.allowedAdvertisingPhrases,
      },
      {
        pageSize: ports.pageSize,
        shouldStop: timeRunsOut(context, TIME_RESERVE_MS),
      },
    );
    metrics.addMetric('ListingsScanned', MetricUnit.Count, summary.scanned);
    metrics.addMetric('ListingsWithBannedTerms', MetricUnit.Count, summary.withBannedTerms);
    metrics.addMetric('BannedTermFindingsOpened', MetricUnit.Count, summary.opened);
    logger.info('banned-term scan finished', { ...summary });
    return summary;
  };
  return observedHandler(base);
}

/** The Lambda handler. */
export const handler = makeScanListingsHandler();
