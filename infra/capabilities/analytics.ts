/**
 * Analytics (KPI-1, KPI-2). {@link Analytics}: the analytics table; the consumer of order, payment,
 * fulfilment, return, risk and ticket events that keeps the daily aggregates exact (EventBridge rule
 * → SQS queue with DLQ → Lambda, partial batch failures); `GET /admin/kpis`; the quote counter
 * checkout's `POST /quotes` uses ({@link Analytics.grantQuoteCounter}); the alarm on the fraud
 * false-positive rate. {@link AnalyticsSegments}, in a nested stack of its own because it asks
 * privacy's consent contract and privacy comes after checkout, which counts quotes into analytics:
 * the daily RFM job and the segment routes.
 */
import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { CUSTOMERS_INDEX } from '../../functions/analytics/analytics-store.ts';
import { ANALYTICS_EVENT_FILTERS, ANALYTICS_EVENTS, FRAUD_FALSE_POSITIVE_METRIC } from '../../functions/analytics/consumed-events.ts';
import { KPI_TARGETS } from '../../functions/analytics/domain/kpis.ts';
import { kpiRoutes, segmentRoutes } from '../../functions/analytics/routes.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { EventConsumer, OFF_PATH_BATCHING_WINDOW, ScheduledJob, stableLogicalId } from '../constructs/messaging.ts';

/** Events per invocation of the analytics consumer: several of its batched commits (functions/analytics/apply-event.ts). */
export const ANALYTICS_BATCH_SIZE = 100;
import type { ServiceFunction } from '../constructs/service-function.ts';
import type { Platform } from '../platform.ts';
import type { Privacy } from './privacy.ts';

/** When the segments job runs (daily, 02:30 UTC: after the day's events have settled). */
export const SEGMENTS_SCHEDULE = 'cron(30 2 * * ? *)';

/** See the module documentation. */
export class Analytics extends Construct {
  readonly table: CommerceTable;

  constructor(scope: Construct, id: string, platform: Platform) {
    super(scope, id);
    this.table = new CommerceTable(this, 'AnalyticsTable', {
      stage: platform.stage,
      indexes: [{ name: CUSTOMERS_INDEX, partitionKey: 'segmentPk', sortKey: 'customerId' }],
      timeToLiveAttribute: 'expiresAt',
    });
    stableLogicalId(this.table.table, 'AnalyticsTable');

    // KPI-1: every event once (applied marker), records and aggregates in one transaction.
    const consumer = platform.function(this, 'ConsumeAnalyticsEventsFunction', {
      entry: 'functions/analytics/handlers/consume-analytics-events.ts',
      description: 'Order, payment, delivery, return, risk and ticket events → exact daily KPI aggregates (KPI-1)',
      timeout: Duration.seconds(30),
    });
    this.table.grantActions(consumer, ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem']);
    new EventConsumer(this, 'AnalyticsEvents', {
      bus: platform.bus,
      events: ANALYTICS_EVENTS,
      only: ANALYTICS_EVENT_FILTERS,
      handler: consumer,
      deliveryDlq: platform.eventDeliveryFailures,
      removalPolicy: platform.stage.removalPolicy,
      maxReceiveCount: 8,
      maxBatchingWindow: OFF_PATH_BATCHING_WINDOW,
      // A batch is applied in one transaction per 20 events (apply-event.ts): at a sale's rate of orders a
      // day's aggregates then take one write per 20 orders rather than one per 10 — the most their item takes
      // is ≈ 500 transactional writes a second (1,000 write units).
      batchSize: ANALYTICS_BATCH_SIZE,
    });

    // KPI-1: the report reads the range's months (Query), nothing else.
    const kpis = platform.function(this, 'GetKpisFunction', {
      entry: 'functions/analytics/handlers/get-kpis.ts',
      description: 'GET /admin/kpis: KPIs per day, category and payment method, with targets (KPI-1)',
    });
    this.table.grantActions(kpis, ['dynamodb:Query']);
    for (const route of kpiRoutes) platform.api.addRoute(route, kpis);

    // Issue 14: the fraud false-positive rate of a day above its band (the KPI target): the rules are
    // sending too many good orders to review or rejection. A low rate is good, so only the upper side alarms.
    const band = KPI_TARGETS.fraudFalsePositiveRate?.target ?? 0.3;
    platform.alarms.alarm(this, 'FraudFalsePositiveRateAlarm', {
      severity: 'medium',
      runbook: 'fraud-decision-rate',
      name: 'fraud-false-positive-rate',
      summary: `The day's fraud false-positive rate (flagged orders an analyst approved, KPI-1) rose above its ${band * 100} % band: the rules flag too many good customers.`,
      metric: new Metric({
        namespace: 'Commerce',
        metricName: FRAUD_FALSE_POSITIVE_METRIC,
        dimensionsMap: { service: 'ConsumeAnalyticsEventsFunction' },
        statistic: 'Maximum',
        period: Duration.hours(1),
      }),
      threshold: band * 100,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Lets checkout's quote function count quotes (analytics' quote counter contract, KPI-1): UpdateItem
   * on the day aggregates' partitions (`DAY#…`) only, and the table's name.
   */
  grantQuoteCounter(fn: ServiceFunction): void {
    fn.addEnvironment(this.table.environmentVariable, this.table.tableName);
    fn.allow(['dynamodb:UpdateItem'], [this.table.table.tableArn], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DAY#*'] } });
  }
}

/** See the module documentation. */
export class AnalyticsSegments extends Construct {
  constructor(scope: Construct, id: string, platform: Platform, dependencies: { analytics: Analytics; privacy: Privacy }) {
    super(scope, id);
    const table = dependencies.analytics.table;
    const job = platform.function(this, 'ScoreCustomerSegmentsFunction', {
      entry: 'functions/analytics/handlers/score-customer-segments.ts',
      description: 'Daily RFM segments and lifecycle stages of consenting customers (KPI-2)',
      timeout: Duration.minutes(10),
    });
    // Reads the customer records (index Query), writes the run's members and counts.
    table.grantActions(job, ['dynamodb:PutItem', 'dynamodb:BatchWriteItem']);
    job.allow(['dynamodb:Query'], [`${table.table.tableArn}/index/${CUSTOMERS_INDEX}`]);
    dependencies.privacy.grantConsentCheck(job);
    // SEC-3: erased customers (keyring tombstones) are left out; only customerId and erasedAt are projected.
    platform.customerKeyTable.grantActions(job, ['dynamodb:BatchGetItem']);
    new ScheduledJob(this, 'ScoreCustomerSegments', {
      schedule: SEGMENTS_SCHEDULE,
      handler: job,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Customer segments daily (KPI-2)',
    });

    const routes = platform.function(this, 'ServeCustomerSegmentsFunction', {
      entry: 'functions/analytics/handlers/serve-customer-segments.ts',
      description: 'GET /admin/customers/segments, GET /admin/customers/segments/{segment}/customers (KPI-2)',
    });
    table.grantActions(routes, ['dynamodb:GetItem', 'dynamodb:Query']);
    dependencies.privacy.grantConsentCheck(routes);
    for (const route of segmentRoutes) platform.api.addRoute(route, routes);
  }
}
