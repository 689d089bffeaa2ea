/**
 * Fraud / risk control (RISK-1…RISK-7): see functions/fraud/. The RiskTable; the `OrderPlaced`
 * assessment consumer; the outcome consumer (failed payments, fraud refunds, deliveries); the
 * analyst API (review queue, rules with maker-checker, backtest, metrics, risk events, profiles,
 * blocklists); and one alert target per warning tier.
 *
 * Warning targets (RISK-3): an EventBridge rule per tier (`RiskWarningRaised` with `detail.tier`)
 * delivers to that tier's encrypted SQS queue, which operators subscribe to (a pager for `major`,
 * a chat channel for `elevated`, a daily digest for `general`). On AWS an SNS topic per tier is the
 * usual alternative (fan-out to e-mail/SMS/chat); queues are used because the local cloud runs the
 * same template and has no SNS. The rate limit is applied before publishing (functions/fraud).
 */
import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OrderAddressCorrected } from '../../events/order-address-corrected.ts';
import { OrderPlaced } from '../../events/order-placed.ts';
import { OrderStatusChanged } from '../../events/order-status-changed.ts';
import { PaymentFailed, PaymentRefunded } from '../../events/payment-events.ts';
import { RiskApproved, RiskRejected, RiskReviewRequired } from '../../events/risk-assessed.ts';
import { RiskWarningRaised } from '../../events/risk-warning-raised.ts';
import type { AnyEventDefinition } from '../../events/event-definition.ts';
import type { Severity } from '../../shared/severity.ts';
import {
  approveRuleChangeRoute,
  backtestRoute,
  createRuleRoute,
  decideReviewRoute,
  deleteBlocklistEntryRoute,
  disableRuleRoute,
  getAssessmentRoute,
  getRiskProfileRoute,
  listReviewsRoute,
  listRuleChangesRoute,
  listRulesRoute,
  putBlocklistEntryRoute,
  rejectRuleChangeRoute,
  riskEventsRoute,
  riskMetricsRoute,
  updateRuleRoute,
  getRiskSettingsRoute,
  putRiskSettingsRoute,
  approveRiskSettingsChangeRoute,
  rejectRiskSettingsChangeRoute,
} from '../../functions/fraud/routes.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { EventConsumer, stableLogicalId } from '../constructs/messaging.ts';
import { acknowledge } from '../constructs/nag.ts';
import type { Platform } from '../platform.ts';

/** Tables of other capabilities this one uses through their documented contracts. */
export interface FraudDependencies {
  readonly catalog: CommerceTable;
}

/** Each warning tier's alarm severity (shared/severity.ts): a major warning is a critical incident. */
const WARNING_TIER_SEVERITY: Record<'general' | 'elevated' | 'major', Severity> = { general: 'medium', elevated: 'high', major: 'critical' };

/** The highest share of assessed orders rejected in an hour that is still normal (RISK-2). */
const REJECTION_RATE_BAND = 0.05;
/** Fewer orders than this in an hour say nothing about the rejection rate. */
const REJECTION_RATE_MIN_ORDERS = 20;

/** The warning tiers and their alert targets' construct ids. */
const WARNING_TIERS = [
  ['general', 'RiskGeneralWarnings'],
  ['elevated', 'RiskElevatedWarnings'],
  ['major', 'RiskMajorWarnings'],
] as const;

/** The event types fraud publishes: its PutEvents grants name their source only. */
export const FRAUD_PUBLISHES: readonly AnyEventDefinition[] = [RiskApproved, RiskReviewRequired, RiskRejected, RiskWarningRaised];

/** See the module documentation. */
export class Fraud extends Construct {
  readonly table: CommerceTable;
  /** The alert target of each warning tier. */
  readonly warningQueues: Readonly<Record<'general' | 'elevated' | 'major', Queue>>;

  constructor(scope: Construct, id: string, platform: Platform, dependencies: FraudDependencies) {
    super(scope, id);
    void dependencies;
    this.table = new CommerceTable(this, 'RiskTable', {
      stage: platform.stage,
      indexes: [
        { name: 'byDay', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
        { name: 'byQueue', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
      ],
      timeToLiveAttribute: 'expiresAt',
    });
    stableLogicalId(this.table.table, 'RiskTable');
    const env = { RISK_TABLE_NAME: this.table.tableName };
    const removalPolicy = platform.stage.removalPolicy;

    // OrderPlaced → assessment → RiskApproved | RiskReviewRequired | RiskRejected (+ RiskWarningRaised).
    // The dev stage (local runs, demos, the e2e suite) places bursts of test orders from a handful
    // of customers; it raises the per-tier warning rate limits so one test's burst cannot swallow
    // another's warning. Other stages keep the defaults (fraud settings), which the unit and
    // integration tests exercise.
    const devWarningLimits: Record<string, string> = platform.stage.name === 'dev' ? { RISK_WARNING_LIMITS: JSON.stringify({ general: 1000, elevated: 1000, major: 1000 }) } : {};
    const assess = platform.function(this, 'AssessOrderFunction', {
      entry: 'functions/fraud/handlers/assess-order.ts',
      description: 'Assesses every placed order: features, rules, score, decision (RISK-1, RISK-2)',
      environment: { ...env, ...devWarningLimits },
      memorySize: 1024,
      timeout: Duration.seconds(30),
    });
    this.table.grant(assess, 'readWrite');
    platform.publishEvents(assess, FRAUD_PUBLISHES);
    new EventConsumer(this, 'AssessOrder', {
      bus: platform.bus,
      events: [OrderPlaced],
      handler: assess,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy,
      maxConcurrency: 20,
    });

    // ORD-6: a corrected shipping address → the order re-assessed, its decision published again.
    const reassess = platform.function(this, 'ReassessOrderFunction', {
      entry: 'functions/fraud/handlers/reassess-order.ts',
      description: 'Re-assesses an order whose shipping address was corrected (ORD-6, RISK-1)',
      environment: env,
      timeout: Duration.seconds(30),
    });
    this.table.grant(reassess, 'readWrite');
    platform.publishEvents(reassess, FRAUD_PUBLISHES);
    new EventConsumer(this, 'ReassessOrder', { bus: platform.bus, events: [OrderAddressCorrected], handler: reassess, deliveryDlq: platform.eventDeliveryFailures, removalPolicy });

    // Outcomes → customer risk profiles (RISK-6) and the failed-payment counter (RISK-2).
    const outcomes = platform.function(this, 'RecordRiskOutcomeFunction', {
      entry: 'functions/fraud/handlers/record-risk-outcome.ts',
      description: 'Learns from payment failures, fraud refunds and deliveries (RISK-2, RISK-6)',
      environment: env,
    });
    this.table.grant(outcomes, 'readWrite');
    new EventConsumer(this, 'RiskPaymentOutcomes', {
      bus: platform.bus,
      events: [PaymentFailed, PaymentRefunded],
      handler: outcomes,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy,
    });
    new EventConsumer(this, 'RiskDeliveries', {
      bus: platform.bus,
      events: [OrderStatusChanged],
      detail: { to: ['DELIVERED'] },
      handler: outcomes,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy,
    });

    // RISK-3: one alert target per warning tier (sharing one dead-letter queue).
    const warningsDlq = new Queue(this, 'RiskWarningsDlq', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14), removalPolicy });
    stableLogicalId(warningsDlq, 'RiskWarningsDlq');
    acknowledge(
      warningsDlq,
      'Serverless-SQSRedrivePolicy',
      'This is the dead-letter queue of the three risk-warning queues; messages wait here 14 days for a redrive (StartMessageMoveTask, README runbook).',
    );
    const queues: Partial<Record<'general' | 'elevated' | 'major', Queue>> = {};
    for (const [tier, queueId] of WARNING_TIERS) {
      const queue = new Queue(this, queueId, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.minutes(5),
        retentionPeriod: Duration.days(14),
        deadLetterQueue: { queue: warningsDlq, maxReceiveCount: 5 },
        removalPolicy,
      });
      stableLogicalId(queue, queueId);
      const rule = new Rule(this, `${queueId}Rule`, {
        eventBus: platform.bus,
        description: `RiskWarningRaised (${tier}) → ${queueId}`,
        eventPattern: { source: [RiskWarningRaised.source], detailType: [RiskWarningRaised.name], detail: { tier: [tier] } },
        targets: [new SqsQueue(queue, { deadLetterQueue: platform.eventDeliveryFailures, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
      });
      stableLogicalId(rule, `${queueId}Rule`);
      // RISK-3: each tier's warnings are read by a person; one waiting alarms at the tier's severity.
      platform.alarms.alertQueue(this, `${queueId}WaitingAlarm`, queue, {
        severity: WARNING_TIER_SEVERITY[tier],
        runbook: 'fraud-decision-rate',
        name: `risk-${tier}-warnings-waiting`,
        summary: `A ${tier} risk warning (RiskWarningRaised) waits in ${queueId} for a risk analyst (RISK-3).`,
      });
      queues[tier] = queue;
    }
    this.warningQueues = queues as Record<'general' | 'elevated' | 'major', Queue>;
    // RISK-2: the share of orders rejected over an hour (with enough orders to mean something) above
    // its band — the rules or thresholds are turning away good customers (false positives).
    const decision = (d: string) =>
      new Metric({ namespace: 'Commerce', metricName: `RiskDecision_${d}`, dimensionsMap: { service: 'AssessOrderFunction' }, statistic: 'Sum', period: Duration.hours(1) });
    platform.alarms.alarm(this, 'RiskRejectionRateAlarm', {
      severity: 'high',
      runbook: 'fraud-decision-rate',
      name: 'risk-rejection-rate',
      summary: `More than ${REJECTION_RATE_BAND * 100} % of at least ${REJECTION_RATE_MIN_ORDERS} orders assessed in an hour were rejected: a rule or threshold change is likely turning away good customers (RISK-2).`,
      metric: new MathExpression({
        expression: `IF(approve + review + reject >= ${REJECTION_RATE_MIN_ORDERS}, reject / (approve + review + reject), 0)`,
        usingMetrics: { approve: decision('approve'), review: decision('review'), reject: decision('reject') },
        period: Duration.hours(1),
        label: 'rejected share',
      }),
      threshold: REJECTION_RATE_BAND,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    // The analyst API (risk-analyst), in two functions (shared/http/route-dispatcher.ts):
    // read-only queries, and commands (writes, audit trail, idempotency keys, decision events).
    const queries = platform.function(this, 'RiskQueriesFunction', {
      entry: 'functions/fraud/handlers/serve-risk-queries.ts',
      description: 'Risk analyst API, read-only: review queue, rules, changes, metrics, events, assessments, profiles, thresholds',
      environment: env,
    });
    this.table.grant(queries, 'read');
    for (const route of [listReviewsRoute, listRulesRoute, listRuleChangesRoute, riskMetricsRoute, riskEventsRoute, getAssessmentRoute, getRiskProfileRoute, getRiskSettingsRoute])
      platform.api.addRoute(route, queries);

    const commands = platform.function(this, 'RiskCommandsFunction', {
      entry: 'functions/fraud/handlers/serve-risk-commands.ts',
      description: 'Risk analyst API, changes: review decisions, rules and thresholds with maker-checker, backtests, blocklists (audited)',
      environment: env,
      timeout: Duration.seconds(29),
    });
    this.table.grant(commands, 'readWrite');
    platform.useAuditLog(commands);
    platform.useIdempotency(commands);
    platform.publishEvents(commands, FRAUD_PUBLISHES);
    for (const route of [
      decideReviewRoute,
      createRuleRoute,
      updateRuleRoute,
      disableRuleRoute,
      approveRuleChangeRoute,
      rejectRuleChangeRoute,
      backtestRoute,
      putBlocklistEntryRoute,
      deleteBlocklistEntryRoute,
      putRiskSettingsRoute,
      approveRiskSettingsChangeRoute,
      rejectRiskSettingsChangeRoute,
    ])
      platform.api.addRoute(route, commands);

    if (platform.stage.name === 'dev') {
      const seed = platform.function(this, 'SeedDemoRiskFunction', {
        entry: 'functions/fraud/handlers/seed-demo-risk.ts',
        description: 'Seeds the demo rules, blocklist entries and a week of assessments once (dev stage only)',
        timeout: Duration.minutes(1),
        environment: env,
      });
      this.table.grant(seed, 'readWrite');
    }
  }
}
