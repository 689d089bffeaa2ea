/**
 * `POST /admin/risk/backtest` (risk-analyst) — backtest a proposed rule set over past orders
 * (RISK-4). Read-only; audited. Env: `RISK_TABLE_NAME`, `AUDIT_TABLE_NAME`.
 */
import { httpHandler } from '../../../shared/http/handler.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { backtestRoute } from '../routes.ts';
import { backtestRules } from '../run-backtest.ts';
import { thresholdsOf } from '../domain/risk-settings.ts';
import { thresholdsInForce } from '../manage-risk-settings.ts';
import { fraudSettings, riskThresholds } from '../settings.ts';

/** Builds the handler with the given ports. */
export function makeBacktestRiskRulesHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  return httpHandler(backtestRoute, async ({ body, principal, correlationId }) => {
    const settings = fraudSettings();
    const report = await backtestRules(
      // Decided, unless the request varies them, with the thresholds in force.
      {
        assessments: p.assessments(),
        audit: p.audit(),
        thresholds: thresholdsOf(await thresholdsInForce({ settings: p.riskSettings(), defaults: riskThresholds() })),
        maxDays: settings.backtestMaxDays,
        maxOrders: settings.backtestMaxOrders,
      },
      {
        from: body.from,
        to: body.to,
        rules: body.rules,
        principal,
        correlationId,
        ...(body.maxChanged !== undefined ? { maxChanged: body.maxChanged } : {}),
        ...(body.thresholds ? { thresholds: body.thresholds } : {}),
      },
    );
    return { statusCode: 200, body: report };
  });
}

/** The Lambda handler. */
export const handler = makeBacktestRiskRulesHandler();
