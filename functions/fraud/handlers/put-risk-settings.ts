/**
 * `PUT /admin/settings/risk` (risk-analyst) — propose new thresholds; a second risk analyst
 * approves (RISK-4, RISK-7). Audited. Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`.
 */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { proposeRiskSettings } from '../manage-risk-settings.ts';
import { putRiskSettingsRoute } from '../routes.ts';
import { riskThresholds } from '../settings.ts';

/** Builds the handler with the given ports. */
export function makePutRiskSettingsHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(putRiskSettingsRoute, async ({ body, principal, correlationId }) => {
    const result = await proposeRiskSettings(
      { settings: p.riskSettings(), audit: p.audit(), clock: p.clock, newId: p.newId, defaults: riskThresholds() },
      { reviewThreshold: body.reviewThreshold, rejectThreshold: body.rejectThreshold, reason: body.reason, principal, correlationId },
    );
    return result.outcome === 'pending' ? { statusCode: 202, body: result.change } : { statusCode: 200, body: { current: result.current } };
  });
}

/** The Lambda handler. */
export const handler = makePutRiskSettingsHandler();
