/**
 * Operations (OPS-1, OPS-2, RISK-3): what lets a small team run the platform at 99.99 %.
 *
 * - **Alarms for everything**, generated from the construct tree once every capability is built
 *   ({@link Operations.alarmEverything}): each function (errors, throttles, p99 duration near its
 *   timeout), each queue (a dead-letter queue with any visible message; the age of the oldest
 *   message of every other queue), each table (read and write throttling). A new function, queue
 *   or table gets its alarms without anyone remembering to add them. Alarms live in the stack of
 *   the resource they watch and notify their severity's topic ({@link SeverityTopics}).
 * - **API alarms and the checkout SLO**: the API's 5xx rate and p99 latency; 99.99 % of
 *   `POST /orders` requests succeed, watched by multi-window, multi-burn-rate alarms
 *   (docs/runbooks/checkout-slo.md has the arithmetic).
 * - **The operations alert target** of `ProblemOrderRaised` (ORD-6): a queue operations read,
 *   alarmed while it holds a message.
 * - **A dashboard** per stage: orders per minute, GMV, API traffic, latency and errors, function
 *   errors, throttles and concurrency, dead-letter queue depths.
 * - **Safe deploys**: every function's `live` alias (which API integrations, event source mappings
 *   and schedules invoke) is shifted by CodeDeploy — prod: a 10 % canary for 5 minutes; dev: all at
 *   once — and rolled back automatically when the function's errors or throttles alarm fires.
 * - **Backups** (prod): an AWS Backup plan, daily with 35 days' retention, of every table.
 */
import { Duration, Stack, type CfnElement } from 'aws-cdk-lib';
import { BackupPlan, BackupResource } from 'aws-cdk-lib/aws-backup';
import {
  AlarmRule,
  AlarmState,
  CompositeAlarm,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  type Alarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { CfnTable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { ProblemOrderRaised } from '../events/problem-order-raised.ts';
import { GMV_METRIC, ORDERS_PLACED_METRIC } from '../functions/checkout/metrics.ts';
import { placeOrderRoute } from '../functions/checkout/routes.ts';
import type { Severity } from '../shared/severity.ts';
import { alarmDescription, type SeverityTopics } from './constructs/alarms.ts';
import { EncryptedQueue, consumerEventPattern, stableLogicalId } from './constructs/messaging.ts';
import { acknowledge } from './constructs/nag.ts';
import { isDeployTimeOnly } from './console.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import type { Platform } from './platform.ts';

/** The availability objective of checkout (OPS-1): the share of `POST /orders` requests that must not fail (5xx). */
export const CHECKOUT_SLO = 0.9999;

/**
 * The burn-rate alarms (Google SRE workbook, "Alerting on SLOs", multiwindow multi-burn-rate):
 * each fires when the error ratio over BOTH its long and its short window exceeds `burnRate` ×
 * the error budget (1 − SLO). 14.4× over 1 h spends 2 % of a 30-day budget; 6× over 6 h, 5 %.
 */
export const BURN_RATE_WINDOWS: ReadonlyArray<{
  readonly name: string;
  readonly burnRate: number;
  readonly long: Duration;
  readonly short: Duration;
  readonly severity: Severity;
}> = [
  { name: 'fast', burnRate: 14.4, long: Duration.hours(1), short: Duration.minutes(5), severity: 'critical' },
  { name: 'slow', burnRate: 6, long: Duration.hours(6), short: Duration.minutes(30), severity: 'high' },
];

/** Capabilities where a failure puts money at risk or stops ordering: their function errors and dead letters are critical. */
const CRITICAL_CAPABILITIES = new Set(['checkout', 'payments']);

/** Whether `construct` belongs to a critical capability: it lives in that capability's nested stack (`CheckoutStack`, `PaymentsStack`). */
const inCriticalCapability = (construct: Construct) =>
  CRITICAL_CAPABILITIES.has(
    Stack.of(construct)
      .node.id.replace(/Stack$/, '')
      .toLowerCase(),
  );

/** p99 duration above this share of the timeout: the function is about to time out. */
const DURATION_WARNING_SHARE = 0.8;

/** A queue (not a dead-letter queue) whose oldest message waits longer than this is falling behind. */
const QUEUE_AGE_LIMIT = Duration.minutes(15);

/** The API's 5xx share over 5 minutes above which the API alarms (any route). */
const API_5XX_RATE_LIMIT = 0.01;

/** The API's p99 latency (ms) above which it alarms. */
const API_P99_LATENCY_LIMIT_MS = 2500;

/** What {@link Operations.alarmEverything} found and alarmed (for the dashboard and the tests' error messages). */
export interface Watched {
  readonly functions: LambdaFunction[];
  readonly deadLetterQueues: Queue[];
  readonly queues: Queue[];
  readonly tables: Table[];
}

/** See the module documentation. */
export class Operations extends Construct {
  private readonly platform: Platform;
  private readonly alarms: SeverityTopics;
  /** One `Alarms` construct per stack, holding the generated alarms of that stack's resources. */
  private readonly alarmScopes = new Map<Stack, Construct>();
  /** The CodeDeploy application and service role of each stack's functions. */
  private readonly deployments = new Map<Stack, { application: LambdaApplication; role: Role }>();
  /** The operations alert target of ProblemOrderRaised (ORD-6). */
  readonly problemOrders: EncryptedQueue;

  constructor(scope: Construct, id: string, platform: Platform) {
    super(scope, id);
    this.platform = platform;
    this.alarms = platform.alarms;
    const stage = platform.stage;

    // ORD-6: every ProblemOrderRaised lands in the operations queue (ids and a problem code only), alarmed while it holds one.
    this.problemOrders = new EncryptedQueue(this, 'ProblemOrders', { removalPolicy: stage.removalPolicy, visibilityTimeout: Duration.minutes(5) });
    const rule = new Rule(this, 'ProblemOrdersRule', {
      eventBus: platform.bus,
      description: 'ProblemOrderRaised → the operations alert target (ORD-6)',
      eventPattern: consumerEventPattern([ProblemOrderRaised]) as never,
      targets: [new SqsQueue(this.problemOrders.queue, { deadLetterQueue: platform.eventDeliveryFailures, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });
    stableLogicalId(rule, 'ProblemOrdersRule');
    this.alarms.alertQueue(this, 'ProblemOrdersWaitingAlarm', this.problemOrders.queue, {
      severity: 'high',
      runbook: 'problem-orders',
      name: 'problem-orders-waiting',
      summary: 'An order needs a human (ProblemOrderRaised: failed payment, lost or refused parcel, late delivery, refund refused…); it waits in the ProblemOrders queue.',
    });

    this.apiAlarms();
    this.checkoutSlo();
  }

  /** The `Alarms` construct of `stack` (created on first use). */
  private alarmScope(stack: Stack): Construct {
    let scope = this.alarmScopes.get(stack);
    if (!scope) {
      scope = new Construct(stack, 'Alarms');
      this.alarmScopes.set(stack, scope);
    }
    return scope;
  }

  /**
   * Alarms for every function, queue and table under `root` (see the module documentation); call
   * once, after every capability is built. Alert queues (risk warnings, escalations, problem
   * orders) get their "waiting" alarm where they are built (SeverityTopics.alertQueue) and the
   * backlog alarm here like any queue; every function also gets its deployment group.
   */
  alarmEverything(root: IConstruct): Watched {
    const all = root.node.findAll();
    // Custom resources' providers (the console's BucketDeployment) run only while CloudFormation deploys; a failure fails the deployment.
    const functions = all.filter((c): c is LambdaFunction => c instanceof LambdaFunction && !isDeployTimeOnly(c));
    const queues = all.filter((c): c is Queue => c instanceof Queue);
    const tables = all.filter((c): c is Table => c instanceof Table);
    // A dead-letter queue: named as another queue's DLQ, or a queue with no DLQ of its own (the
    // standalone failure queues — every other queue has one, tested).
    const dlqs = new Set<Queue>(queues.flatMap((q) => (q.deadLetterQueue ? [q.deadLetterQueue.queue as Queue] : [])));
    for (const q of queues) if (!q.deadLetterQueue) dlqs.add(q);
    const watched: Watched = { functions, deadLetterQueues: queues.filter((q) => dlqs.has(q)), queues: queues.filter((q) => !dlqs.has(q)), tables };
    for (const fn of functions) this.alarmFunction(fn);
    for (const q of watched.deadLetterQueues) this.alarmDeadLetterQueue(q);
    for (const q of watched.queues) this.alarmQueue(q);
    for (const t of tables) this.alarmTable(t);
    this.dashboard(watched);
    // SEC-3: a table kept out of point-in-time recovery (the customer keyring) is kept out of backups too —
    // a restored key would bring an erased customer's personal data back.
    if (this.platform.stage.name === 'prod') this.backups(tables.filter((t) => !excludedFromRecovery(t)));
    return watched;
  }

  private alarmFunction(fn: LambdaFunction): void {
    const id = fn.node.id;
    const critical = inCriticalCapability(fn);
    const scope = this.alarmScope(Stack.of(fn));
    const name = kebab(id.replace(/Function$/, ''));
    const errors = this.alarms.alarm(scope, `${id}ErrorsAlarm`, {
      severity: critical ? 'critical' : 'high',
      runbook: 'function-errors',
      name: `${name}-errors`,
      summary: `${id} failed (an unhandled error or a timeout).`,
      metric: fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
    });
    const throttles = this.alarms.alarm(scope, `${id}ThrottlesAlarm`, {
      severity: 'high',
      runbook: 'function-throttles',
      name: `${name}-throttles`,
      summary: `${id} was throttled (its reserved concurrency or the account's concurrency is exhausted).`,
      metric: fn.metricThrottles({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
    });
    const timeoutMs = (fn.timeout ?? Duration.seconds(3)).toMilliseconds();
    this.alarms.alarm(scope, `${id}DurationAlarm`, {
      severity: 'medium',
      runbook: 'function-duration',
      name: `${name}-duration`,
      summary: `${id}'s p99 duration is above ${DURATION_WARNING_SHARE * 100} % of its ${timeoutMs / 1000} s timeout for 15 minutes.`,
      metric: fn.metricDuration({ statistic: 'p99', period: Duration.minutes(5) }),
      threshold: Math.round(timeoutMs * DURATION_WARNING_SHARE),
      evaluationPeriods: 3,
    });
    if (fn instanceof ServiceFunction) this.safeDeploys(fn, [errors, throttles]);
  }

  /**
   * OPS-1: CodeDeploy shifts the function's `live` alias to each new version — prod: 10 % of
   * invocations for 5 minutes, then all; dev: all at once — and rolls back by itself when the
   * function's errors or throttles alarm fires during the deployment (or the deployment fails).
   * One CodeDeploy application and one service role per stack.
   */
  private safeDeploys(fn: ServiceFunction, rollbackAlarms: Alarm[]): void {
    const stack = Stack.of(fn);
    let shared = this.deployments.get(stack);
    if (!shared) {
      const scope = new Construct(stack, `${stack.node.id.replace(/[^A-Za-z0-9]/g, '')}Deployments`);
      const application = new LambdaApplication(scope, 'Application');
      const role = new Role(scope, 'Role', {
        assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
        description: "CodeDeploy: shifts the live aliases of this stack's functions and reads their alarms",
        managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited')],
      });
      acknowledge(
        role,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
        'CodeDeploy assumes this role with AWSCodeDeployRoleForLambdaLimited, the AWS-managed policy documented for Lambda deployments (alias updates, alarm reads, hook invocations of functions named CodeDeployHook_*).',
      );
      acknowledge(
        role,
        'AwsSolutions-IAM5[Resource::*]',
        'AWSCodeDeployRoleForLambdaLimited grants cloudwatch:DescribeAlarms and lambda:UpdateAlias on "*" (the alarm and alias names are not known to the managed policy).',
      );
      shared = { application, role };
      this.deployments.set(stack, shared);
    }
    const group = new LambdaDeploymentGroup(this.alarmScope(stack), `${fn.node.id}Deployment`, {
      application: shared.application,
      alias: fn.live,
      role: shared.role,
      deploymentConfig: this.platform.stage.name === 'prod' ? LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES : LambdaDeploymentConfig.ALL_AT_ONCE,
      alarms: rollbackAlarms,
      autoRollback: { failedDeployment: true, deploymentInAlarm: true, stoppedDeployment: true },
    });
    stableLogicalId(group, `${fn.node.id}Deployment`);
  }

  private alarmDeadLetterQueue(queue: Queue): void {
    const id = logicalIdOf(queue);
    const critical = inCriticalCapability(queue);
    this.alarms.alarm(this.alarmScope(Stack.of(queue)), `${id}MessagesAlarm`, {
      severity: critical ? 'critical' : 'high',
      runbook: 'dead-letter-queue',
      name: `${kebab(id)}-messages`,
      summary: `The dead-letter queue ${id} holds a message: something failed after its retries and waits for a redrive.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 1,
    });
  }

  private alarmQueue(queue: Queue): void {
    const id = logicalIdOf(queue);
    this.alarms.alarm(this.alarmScope(Stack.of(queue)), `${id}AgeAlarm`, {
      severity: 'medium',
      runbook: 'queue-backlog',
      name: `${kebab(id)}-age`,
      summary: `The oldest message in ${id} is older than ${QUEUE_AGE_LIMIT.toMinutes()} minutes: its consumer is failing or falling behind.`,
      metric: queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: QUEUE_AGE_LIMIT.toSeconds(),
    });
  }

  private alarmTable(table: Table): void {
    const id = logicalIdOf(table);
    const scope = this.alarmScope(Stack.of(table));
    for (const kind of ['Read', 'Write'] as const) {
      this.alarms.alarm(scope, `${id}${kind}ThrottlesAlarm`, {
        severity: 'high',
        runbook: 'table-throttles',
        name: `${kebab(id)}-${kind.toLowerCase()}-throttles`,
        summary: `DynamoDB throttled ${kind.toLowerCase()}s on ${id}.`,
        metric: new Metric({
          namespace: 'AWS/DynamoDB',
          metricName: `${kind}ThrottleEvents`,
          dimensionsMap: { TableName: table.tableName },
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
        threshold: 1,
      });
    }
  }

  /** API Gateway metrics of the stage (ApiName + Stage), or of one method (+ Resource + Method: detailed metrics are on). */
  private apiMetric(metricName: string, statistic: string, period: Duration, method?: { resource: string; method: string }): Metric {
    const stage = this.platform.stage.name;
    return new Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: this.platform.api.api.restApiName, Stage: stage, ...(method ? { Resource: method.resource, Method: method.method } : {}) },
      statistic,
      period,
    });
  }

  private apiAlarms(): void {
    this.alarms.alarm(this, 'ApiServerErrorsAlarm', {
      severity: 'high',
      runbook: 'api-errors',
      name: 'api-5xx-rate',
      summary: `More than ${API_5XX_RATE_LIMIT * 100} % of API requests answered 5xx for 10 minutes.`,
      // 5XXError's Average is the share of requests that answered 5xx.
      metric: this.apiMetric('5XXError', 'Average', Duration.minutes(5)),
      threshold: API_5XX_RATE_LIMIT,
      evaluationPeriods: 2,
    });
    this.alarms.alarm(this, 'ApiLatencyAlarm', {
      severity: 'medium',
      runbook: 'api-latency',
      name: 'api-p99-latency',
      summary: `The API's p99 latency is above ${API_P99_LATENCY_LIMIT_MS} ms for 15 minutes.`,
      metric: this.apiMetric('Latency', 'p99', Duration.minutes(5)),
      threshold: API_P99_LATENCY_LIMIT_MS,
      evaluationPeriods: 3,
    });
  }

  /** The checkout SLO's burn-rate alarms: per pair, a long- and a short-window alarm, and a composite (both in ALARM) that notifies. */
  private checkoutSlo(): void {
    const budget = 1 - CHECKOUT_SLO;
    const method = { resource: placeOrderRoute.pathTemplate, method: placeOrderRoute.method.toUpperCase() };
    for (const window of BURN_RATE_WINDOWS) {
      const threshold = Number((window.burnRate * budget).toPrecision(6));
      const windowAlarm = (which: 'long' | 'short', period: Duration) =>
        this.alarms.signal(this, `CheckoutSlo${capitalise(window.name)}${capitalise(which)}WindowAlarm`, {
          severity: window.severity,
          runbook: 'checkout-slo',
          name: `checkout-slo-${window.name}-burn-${which}-window`,
          summary: `Checkout (POST /orders) errors over the last ${describe(period)} burn the ${CHECKOUT_SLO * 100} % SLO's error budget at ≥ ${window.burnRate}× (error ratio ≥ ${threshold}); notifies through the composite alarm checkout-slo-${window.name}-burn.`,
          metric: this.apiMetric('5XXError', 'Average', period, method),
          threshold,
        });
      const long = windowAlarm('long', window.long);
      const short = windowAlarm('short', window.short);
      const composite = new CompositeAlarm(this, `CheckoutSlo${capitalise(window.name)}BurnAlarm`, {
        compositeAlarmName: `commerce-${this.platform.stage.name}-checkout-slo-${window.name}-burn`,
        alarmDescription: alarmDescription(
          window.severity,
          `Checkout (POST /orders) is spending its ${CHECKOUT_SLO * 100} % SLO's error budget ${window.burnRate}× too fast over both ${describe(window.long)} and ${describe(window.short)}.`,
          'checkout-slo',
        ),
        alarmRule: AlarmRule.allOf(AlarmRule.fromAlarm(long, AlarmState.ALARM), AlarmRule.fromAlarm(short, AlarmState.ALARM)),
      });
      stableLogicalId(composite, `CheckoutSlo${capitalise(window.name)}BurnAlarm`);
      composite.addAlarmAction(new SnsAction(this.alarms.topic(window.severity)));
    }
  }

  private dashboard(watched: Watched): void {
    // The HTTP stack adds an `operation` dimension to every metric a route emits (shared/http/middlewares.ts): query both.
    const stage = this.platform.stage.name;
    const placeOrder = (metricName: string, label: string, period: Duration) =>
      new Metric({ namespace: 'Commerce', metricName, dimensionsMap: { service: 'PlaceOrderFunction', operation: placeOrderRoute.operation }, statistic: 'Sum', period, label });
    const lambda = (metricName: string, statistic: string) =>
      new Metric({ namespace: 'AWS/Lambda', metricName, statistic, period: Duration.minutes(1), label: `all functions: ${metricName}` });
    const method = { resource: placeOrderRoute.pathTemplate, method: placeOrderRoute.method.toUpperCase() };
    const dlqDepths: IMetric[] = watched.deadLetterQueues.map((q) =>
      q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1), label: logicalIdOf(q) }),
    );
    const tableThrottles: IMetric[] = watched.tables.map(
      (t, i) =>
        new MathExpression({
          expression: `r${i} + w${i}`,
          usingMetrics: {
            [`r${i}`]: new Metric({
              namespace: 'AWS/DynamoDB',
              metricName: 'ReadThrottleEvents',
              dimensionsMap: { TableName: t.tableName },
              statistic: 'Sum',
              period: Duration.minutes(1),
            }),
            [`w${i}`]: new Metric({
              namespace: 'AWS/DynamoDB',
              metricName: 'WriteThrottleEvents',
              dimensionsMap: { TableName: t.tableName },
              statistic: 'Sum',
              period: Duration.minutes(1),
            }),
          },
          label: logicalIdOf(t),
          period: Duration.minutes(1),
        }),
    );
    const board = new Dashboard(this, 'Dashboard', { dashboardName: `commerce-${stage}`, defaultInterval: Duration.hours(3) });
    stableLogicalId(board, 'OperationsDashboard');
    board.addWidgets(
      new TextWidget({
        markdown: `# Commerce ${stage}\nAlarms notify one SNS topic per severity; what each means and what to do: \`docs/runbooks/\` (incident levels: \`docs/runbooks/incident-levels.md\`).`,
        width: 24,
        height: 2,
      }),
    );
    board.addWidgets(
      new GraphWidget({ title: 'Orders per minute', left: [placeOrder(ORDERS_PLACED_METRIC, 'orders placed', Duration.minutes(1))], width: 8 }),
      new GraphWidget({ title: 'GMV (fen per hour)', left: [placeOrder(GMV_METRIC, 'GMV, fen', Duration.hours(1))], width: 8 }),
      new SingleValueWidget({ title: 'GMV today (fen)', metrics: [placeOrder(GMV_METRIC, 'GMV, fen', Duration.days(1))], width: 8 }),
    );
    board.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [this.apiMetric('Count', 'Sum', Duration.minutes(1)), this.apiMetric('4XXError', 'Sum', Duration.minutes(1)), this.apiMetric('5XXError', 'Sum', Duration.minutes(1))],
        width: 8,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          this.apiMetric('Latency', 'p50', Duration.minutes(1)),
          this.apiMetric('Latency', 'p99', Duration.minutes(1)),
          this.apiMetric('Latency', 'p99', Duration.minutes(1), method),
        ],
        width: 8,
      }),
      new GraphWidget({ title: `Checkout error ratio (SLO ${CHECKOUT_SLO * 100} %)`, left: [this.apiMetric('5XXError', 'Average', Duration.minutes(5), method)], width: 8 }),
    );
    board.addWidgets(
      new GraphWidget({ title: 'Function errors', left: [lambda('Errors', 'Sum')], width: 8 }),
      new GraphWidget({ title: 'Concurrency', left: [lambda('ConcurrentExecutions', 'Maximum')], width: 8 }),
      new GraphWidget({ title: 'Throttles (functions, tables)', left: [lambda('Throttles', 'Sum')], right: tableThrottles, width: 8 }),
    );
    board.addWidgets(new GraphWidget({ title: 'Dead-letter queue depths', left: dlqDepths, width: 24, height: 8 }));
  }

  private backups(tables: readonly Table[]): void {
    // Daily at 05:00 UTC, deleted after 35 days (AWS Backup's own "daily 35-day retention" plan), in a vault of its own.
    const plan = BackupPlan.daily35DayRetention(this, 'Backups');
    stableLogicalId(plan, 'BackupPlan');
    const selection = plan.addSelection('Tables', { resources: tables.map((t) => BackupResource.fromArn(t.tableArn)), allowRestores: true });
    for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
      acknowledge(
        selection,
        `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        `AWS Backup assumes this role with the AWS-managed ${policy} policy, the documented policy for backing up and restoring DynamoDB tables with AWS Backup.`,
      );
    }
  }
}

/** `ReturnRefundRefused` → `return-refund-refused`. */
export function kebab(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

function capitalise(s: string): string {
  return `${s[0]!.toUpperCase()}${s.slice(1)}`;
}

function describe(d: Duration): string {
  const minutes = d.toMinutes();
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

/**
 * A readable name for a resource: its logical id where it was given a stable one (queues), else
 * its construct's id (a CommerceTable's `Table` is named by the CommerceTable, e.g. `OrdersTable`).
 */
function logicalIdOf(construct: Construct): string {
  if (construct instanceof Table && construct.node.id === 'Table' && construct.node.scope) return construct.node.scope.node.id;
  const logicalId = Stack.of(construct).resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
  return /^[A-Za-z0-9]+$/.test(logicalId) && !/[A-F0-9]{8}$/.test(logicalId) ? logicalId : construct.node.id;
}

/** Whether a table was built without point-in-time recovery on purpose (it must never be restorable). */
function excludedFromRecovery(table: Table): boolean {
  const cfn = table.node.defaultChild as CfnTable;
  const spec = cfn.pointInTimeRecoverySpecification as { pointInTimeRecoveryEnabled?: boolean } | undefined;
  return spec?.pointInTimeRecoveryEnabled === false;
}
