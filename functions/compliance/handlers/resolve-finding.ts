/**
 * `POST /admin/compliance/findings/{findingId}/resolve` (admin, content-reviewer; CMP-1, SEC-4
 * audited; a confirmed banned-terms finding takes the listing down). Env: `COMPLIANCE_TABLE_NAME`,
 * `CATALOG_TABLE_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { auditLogFromEnv, type AuditLog } from '../../../shared/audit.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { requireSetting } from '../../../shared/config.ts';
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { takeDownListing } from '../../catalog/listing-contract.ts';
import { findingsRepositoryFromEnv, type FindingsRepository } from '../findings-repository.ts';
import { resolveFinding, type ResolveFindingDeps } from '../resolve-finding.ts';
import { resolveFindingRoute } from '../routes.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface ResolveFindingHandlerPorts {
  readonly findings?: () => FindingsRepository;
  readonly audit?: () => AuditLog;
  readonly clock?: Clock;
  readonly takeDownListing?: ResolveFindingDeps['takeDownListing'];
}

/** Builds the handler with the given ports. */
export function makeResolveFindingHandler(ports: ResolveFindingHandlerPorts = {}): HttpLambdaHandler {
  let findings: FindingsRepository | undefined;
  let audit: AuditLog | undefined;
  return idempotentHttpHandler(resolveFindingRoute, async ({ path, body, principal, correlationId }) => {
    findings ??= (ports.findings ?? findingsRepositoryFromEnv)();
    audit ??= (ports.audit ?? auditLogFromEnv)();
    const finding = await resolveFinding(
      {
        findings,
        audit,
        clock: ports.clock ?? systemClock,
        takeDownListing: ports.takeDownListing ?? ((takeDown) => takeDownListing(requireSetting('catalogTableName'), takeDown)),
      },
      { findingId: path.findingId, principal, resolution: body.resolution, ...(body.note ? { note: body.note } : {}), correlationId },
    );
    return { statusCode: 200, body: finding };
  });
}

/** The Lambda handler. */
export const handler = makeResolveFindingHandler();
