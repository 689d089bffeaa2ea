/**
 * SQS consumer (RISK-1…RISK-3): `OrderPlaced` events (EventBridge rule → queue) → a risk
 * assessment and its decision event (see ../assess-order.ts). Env: `RISK_TABLE_NAME`,
 * `EVENT_BUS_NAME`; settings in ../settings.ts; thresholds as approved through `PUT
 * /admin/settings/risk` (the configured 40 / 75 until then), re-read every `RISK_RULES_CACHE_SECONDS`.
 */
import { OrderPlaced } from '../../../events/order-placed.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import { assessOrder } from '../assess-order.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import type { Thresholds } from '../domain/scoring.ts';
import { cachedThresholds } from '../manage-risk-settings.ts';
import { cachedRuleSource, type RuleSource } from '../rule-source.ts';
import { fraudSettings, riskThresholds } from '../settings.ts';

/** Builds the handler with the given ports. */
export function makeAssessOrderHandler(ports: FraudPorts & { readonly random?: () => number } = {}) {
  const p = resolvePorts(ports);
  let ruleSource: RuleSource | undefined;
  let thresholds: (() => Promise<Thresholds>) | undefined;
  return eventConsumer([OrderPlaced], async ({ detail }, record) => {
    const settings = fraudSettings();
    ruleSource ??= cachedRuleSource(p.rules(), p.clock, settings.rulesCacheSeconds);
    thresholds ??= cachedThresholds({ settings: p.riskSettings(), defaults: riskThresholds() }, p.clock, settings.rulesCacheSeconds);
    const { meta, version: _version, ...order } = detail;
    const result = await assessOrder(
      {
        rules: ruleSource,
        signals: p.signals(),
        assessments: p.assessments(),
        events: p.events(meta.correlationId),
        clock: p.clock,
        newId: p.newId,
        thresholds: await thresholds(),
        settings,
        ...(ports.random ? { random: ports.random } : {}),
      },
      order,
    );
    const a = result.assessment;
    logger.info('order assessed', {
      messageId: record.messageId,
      correlationId: meta.correlationId,
      eventId: meta.eventId,
      orderId: a.orderId,
      outcome: result.outcome,
      decision: a.decision,
      riskLevel: a.level,
      score: a.score,
      rulesFired: a.fired.map((f) => f.ruleId),
      ...(result.warning ? { warningTier: result.warning.tier, warningSent: result.warning.sent } : {}),
    });
    if (result.outcome === 'assessed') {
      metrics.addMetric(`RiskDecision_${a.decision}`, MetricUnit.Count, 1);
      if (a.ruleErrors?.length) logger.warn('rules could not be evaluated', { orderId: a.orderId, ruleIds: a.ruleErrors });
    }
  });
}

/** The Lambda handler. */
export const handler = makeAssessOrderHandler();
