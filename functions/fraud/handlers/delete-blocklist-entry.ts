/** `DELETE /admin/risk/blocklist/{kind}/{value}?reason=` (risk-analyst) — remove a value from a blocklist: the first analyst's request waits (202), a second analyst's removes it (204). Audited. Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { removeFromBlocklist } from '../manage-blocklist.ts';
import { deleteBlocklistEntryRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeDeleteBlocklistEntryHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(deleteBlocklistEntryRoute, async ({ path, query, principal, correlationId }) => {
    const result = await removeFromBlocklist({ signals: p.signals(), audit: p.audit(), clock: p.clock }, { principal, reason: query.reason, correlationId }, path.kind, path.value);
    return result.outcome === 'removed' ? { statusCode: 204 } : { statusCode: 202, body: result.entry };
  });
}

/** The Lambda handler. */
export const handler = makeDeleteBlocklistEntryHandler();
