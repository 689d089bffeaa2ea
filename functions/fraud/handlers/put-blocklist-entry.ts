/** `PUT /admin/risk/blocklist/{kind}/{value}` (risk-analyst) — blocklist a value (RISK-2). Audited. Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { addToBlocklist } from '../manage-blocklist.ts';
import { putBlocklistEntryRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makePutBlocklistEntryHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(putBlocklistEntryRoute, async ({ path, body, principal, correlationId }) => {
    const result = await addToBlocklist({ signals: p.signals(), audit: p.audit(), clock: p.clock }, { principal, reason: body.reason, correlationId }, path.kind, path.value);
    return { statusCode: result.created ? 201 : 200, body: result.entry };
  });
}

/** The Lambda handler. */
export const handler = makePutBlocklistEntryHandler();
