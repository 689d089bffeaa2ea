/**
 * SQS consumer (ORD-6, RISK-1): `OrderAddressCorrected` → the order re-assessed with its corrected
 * address and its decision published again (../reassess-order.ts). A correction that overtakes its
 * order's assessment fails the record, which SQS redelivers. Env: `RISK_TABLE_NAME`, `EVENT_BUS_NAME`.
 */
import { OrderAddressCorrected } from '../../../events/order-address-corrected.ts';
import { eventConsumer } from '../../../shared/event-consumer.ts';
import { logger, metrics, MetricUnit } from '../../../shared/observability.ts';
import type { Thresholds } from '../domain/scoring.ts';
import { resolvePorts, type FraudPorts } from '../fraud-ports.ts';
import { cachedThresholds } from '../manage-risk-settings.ts';
import { reassessOrder } from '../reassess-order.ts';
import { cachedRuleSource, type RuleSource } from '../rule-source.ts';
import { fraudSettings, riskThresholds } from '../settings.ts';

/** Builds the handler with the given ports. */
export function makeReassessOrderHandler(ports: FraudPorts = {}) {
  const p = resolvePorts(ports);
  let ruleSource: RuleSource | undefined;
  let thresholds: (() => Promise<Thresholds>) | undefined;
  return eventConsumer([OrderAddressCorrected], async ({ detail }, record) => {
    const settings = fraudSettings();
    ruleSource ??= cachedRuleSource(p.rules(), p.clock, settings.rulesCacheSeconds);
    thresholds ??= cachedThresholds({ settings: p.riskSettings(), defaults: riskThresholds() }, p.clock, settings.rulesCacheSeconds);
    const { meta, version: _version, ...corrected } = detail;
    const result = await reassessOrder(
      {
        rules: ruleSource,
        signals: p.signals(),
        assessments: p.assessments(),
        events: p.events(meta.correlationId),
        clock: p.clock,
        newId: p.newId,
        thresholds: await thresholds(),
      },
      corrected,
    );
    const a = result.assessment;
    logger.info('order re-assessed', {
      messageId: record.messageId,
      correlationId: meta.correlationId,
      orderId: a.orderId,
      correction: corrected.correction,
      outcome: result.outcome,
      decision: a.decision,
      score: a.score,
    });
    if (result.outcome === 'reassessed') metrics.addMetric(`RiskReassessment_${a.decision}`, MetricUnit.Count, 1);
  });
}

/** The Lambda handler. */
export const handler = makeReassessOrderHandler();
