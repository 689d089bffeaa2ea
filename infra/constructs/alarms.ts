/**
 * Alarms by severity (OPS-1, RISK-3): one encrypted SNS topic per incident severity
 * (shared/severity.ts) and a helper that makes every alarm the same way — a plain CloudWatch alarm
 * whose description starts with its severity in brackets (`[critical] …`), says what broke, and
 * names its runbook (`docs/runbooks/<kind>.md`), and whose only action is that severity's topic.
 * Operations subscribe paging to `critical`, a chat channel to `high`, and so on
 * (docs/runbooks/incident-levels.md).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SEVERITIES, type Severity } from '../../shared/severity.ts';
import type { StageSettings } from '../stage.ts';
import { stableLogicalId } from './messaging.ts';

/** The runbooks (docs/runbooks/<kind>.md): one per kind of alarm. */
export const RUNBOOKS = [
  'function-errors',
  'function-throttles',
  'function-duration',
  'dead-letter-queue',
  'queue-backlog',
  'api-errors',
  'api-latency',
  'checkout-slo',
  'table-throttles',
  'reconciliation-mismatch',
  'audit-chain',
  'return-refund-refused',
  'compliance-findings',
  'late-deliveries',
  'fraud-decision-rate',
  'ticket-escalations',
  'problem-orders',
] as const;

/** A runbook's name (its file in docs/runbooks/ without `.md`). */
export type Runbook = (typeof RUNBOOKS)[number];

/** Where a runbook lives, relative to the repository root (the alarm description names it). */
export function runbookPath(runbook: Runbook): string {
  return `docs/runbooks/${runbook}.md`;
}

/** What an alarm watches and how bad it is when it fires. */
export interface SeverityAlarmProps {
  readonly severity: Severity;
  readonly runbook: Runbook;
  /** One sentence: what the alarm means. */
  readonly summary: string;
  /** The alarm's name after `commerce-<stage>-` (lower-case words joined by dashes). */
  readonly name: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** Default ≥ threshold. */
  readonly comparisonOperator?: ComparisonOperator;
  /** Default 1. */
  readonly evaluationPeriods?: number;
  /** Default = evaluationPeriods. */
  readonly datapointsToAlarm?: number;
  /** Default NOT_BREACHING: no data means nothing happened. */
  readonly treatMissingData?: TreatMissingData;
}

/** The description of an alarm: `[severity] summary Runbook: docs/runbooks/<kind>.md` (a template reader parses the severity from it). */
export function alarmDescription(severity: Severity, summary: string, runbook: Runbook): string {
  return `[${severity}] ${summary} Runbook: ${runbookPath(runbook)}`;
}

/** See the module documentation. */
export class SeverityTopics extends Construct {
  /** The key the topics are encrypted with; CloudWatch may use it to publish (and nothing else may). */
  readonly key: Key;
  private readonly topics: Record<Severity, Topic>;
  private readonly stage: StageSettings;

  constructor(scope: Construct, id: string, stage: StageSettings) {
    super(scope, id);
    this.stage = stage;
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the alarm topics (one per incident severity); CloudWatch alarms publish with it',
      enableKeyRotation: true,
      alias: `alias/commerce-${stage.name}-alarms`,
      removalPolicy: stage.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    stableLogicalId(this.key, 'AlarmTopicKey');
    // CloudWatch publishes to an encrypted topic only if the key lets it (SNS "Encryption at rest": key policy for cloudwatch.amazonaws.com).
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    const topics = {} as Record<Severity, Topic>;
    for (const severity of SEVERITIES) {
      const topic = new Topic(this, severity, {
        topicName: `commerce-${stage.name}-alarms-${severity}`,
        displayName: `Commerce ${stage.name} ${severity} alarms`,
        masterKey: this.key,
        enforceSSL: true,
      });
      stableLogicalId(topic, `${severity[0]!.toUpperCase()}${severity.slice(1)}AlarmTopic`);
      topics[severity] = topic;
    }
    this.topics = topics;
  }

  /** The topic alarms of `severity` notify. */
  topic(severity: Severity): Topic {
    return this.topics[severity];
  }

  /**
   * A CloudWatch alarm in `scope` with the house conventions (see the module documentation):
   * severity in the description, its runbook named, exactly one action — its severity's topic.
   */
  alarm(scope: Construct, id: string, props: SeverityAlarmProps): Alarm {
    const alarm = this.signal(scope, id, props);
    alarm.addAlarmAction(new SnsAction(this.topics[props.severity]));
    return alarm;
  }

  /**
   * An alert target: a queue operations read (ProblemOrderRaised, a risk-warning tier, escalated
   * tickets), alarmed at `severity` while it holds a visible message — a message nobody reads is
   * never silently left there.
   */
  alertQueue(scope: Construct, id: string, queue: IQueue, props: Omit<SeverityAlarmProps, 'metric' | 'threshold'>): Alarm {
    return this.alarm(scope, id, {
      ...props,
      metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 1,
    });
  }

  /**
   * An alarm like {@link alarm} but without an action: one input of a composite alarm (which
   * notifies its severity's topic), e.g. one window of a multi-window burn-rate alarm.
   */
  signal(scope: Construct, id: string, props: SeverityAlarmProps): Alarm {
    const evaluationPeriods = props.evaluationPeriods ?? 1;
    const alarm = new Alarm(scope, id, {
      alarmName: `commerce-${this.stage.name}-${props.name}`,
      alarmDescription: alarmDescription(props.severity, props.summary, props.runbook),
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: props.datapointsToAlarm ?? evaluationPeriods,
      treatMissingData: props.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    // Readable, stable logical ids (unique: each names the resource it watches) for the local cloud and runbooks.
    stableLogicalId(alarm, id);
    return alarm;
  }
}
