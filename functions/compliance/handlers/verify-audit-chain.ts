/**
 * Scheduled (CMP-1, SEC-4): verifies the whole audit chain with KMS VerifyMac, records a
 * high-severity finding on any break, and emits `AuditChainBreaks` (an alarm watches it) and
 * `AuditChainEntriesVerified`; anchors the head of an intact chain in S3 Object Lock. Env:
 * `AUDIT_TABLE_NAME`, `AUDIT_MAC_KEY_ID`, `COMPLIANCE_TABLE_NAME`, `AUDIT_ANCHOR_BUCKET`.
 */
import { auditLogFromEnv, kmsChainMacFromEnv, type ChainMac } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { logger, metrics, MetricUnit, observedHandler } from '../../../shared/observability.ts';
import { auditChainAnchorsFromEnv } from '../audit-chain-anchors.ts';
import { auditChainFindingsFromEnv } from '../audit-chain-findings.ts';
import {
  AUDIT_CHAIN_BREAKS_METRIC,
  verifyAuditChain,
  type AuditChainAnchors,
  type AuditChainFindings,
  type AuditChainSource,
  type AuditChainVerification,
} from '../verify-audit-chain.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface VerifyAuditChainHandlerPorts {
  readonly chain?: () => AuditChainSource;
  readonly mac?: () => ChainMac;
  readonly findings?: () => AuditChainFindings;
  readonly anchors?: () => AuditChainAnchors;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeVerifyAuditChainHandler(ports: VerifyAuditChainHandlerPorts = {}) {
  const base = async (): Promise<AuditChainVerification> => {
    const verification = await verifyAuditChain({
      chain: (ports.chain ?? auditLogFromEnv)(),
      mac: (ports.mac ?? kmsChainMacFromEnv)(),
      findings: (ports.findings ?? auditChainFindingsFromEnv)(),
      anchors: (ports.anchors ?? auditChainAnchorsFromEnv)(),
      clock: ports.clock ?? systemClock,
    });
    metrics.addMetric(AUDIT_CHAIN_BREAKS_METRIC, MetricUnit.Count, verification.breaks.length);
    metrics.addMetric('AuditChainEntriesVerified', MetricUnit.Count, verification.entries);
    if (verification.intact) logger.info('audit chain verified', { entries: verification.entries, head: verification.head?.seq });
    else logger.error('audit chain broken', { breaks: verification.breaks, head: verification.head?.seq });
    return verification;
  };
  return observedHandler(base);
}

/** The Lambda handler. */
export const handler = makeVerifyAuditChainHandler();
