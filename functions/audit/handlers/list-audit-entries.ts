/**
 * `GET /admin/audit` (admin; SEC-4, RISK-7, CMP-1) — a page of audit entries, newest first,
 * filtered by resource (`type:id`), actor and time, with the chain's last verification state (from
 * the scheduled verifier). Env: `AUDIT_TABLE_NAME`, `COMPLIANCE_TABLE_NAME`.
 */
import { auditLogFromEnv, readAuditVerification, type AuditEntry, type AuditEntryQuery, type AuditVerificationState } from '../../../shared/audit.ts';
import { requireSetting } from '../../../shared/config.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { listAuditEntriesRoute } from '../routes.ts';

/** What the handler reads. */
export interface AuditTrailReader {
  page(query: AuditEntryQuery): Promise<{ items: AuditEntry[]; nextCursor?: string }>;
}

/** Ports of the handler; each defaults to the real adapter. */
export interface ListAuditEntriesHandlerPorts {
  readonly trail?: () => AuditTrailReader;
  readonly verification?: () => Promise<AuditVerificationState | undefined>;
}

/** Builds the handler with the given ports. */
export function makeListAuditEntriesHandler(ports: ListAuditEntriesHandlerPorts = {}): HttpLambdaHandler {
  return httpHandler(listAuditEntriesRoute, async ({ query }) => {
    const separator = query.resource?.indexOf(':') ?? -1;
    const resource = query.resource && separator > 0 ? { type: query.resource.slice(0, separator), id: query.resource.slice(separator + 1) } : undefined;
    const [page, verification] = await Promise.all([
      (ports.trail ?? auditLogFromEnv)().page({
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
        ...(resource ? { resource } : {}),
        ...(query.actor ? { actor: query.actor } : {}),
        ...(query.from ? { from: new Date(query.from).toISOString() } : {}),
        ...(query.to ? { to: new Date(query.to).toISOString() } : {}),
      }),
      (ports.verification ?? (() => readAuditVerification(requireSetting('complianceTableName'))))(),
    ]);
    return { statusCode: 200, body: { ...page, verification: verification ?? null } };
  });
}

/** The Lambda handler. */
export const handler = makeListAuditEntriesHandler();
