/**
 * The local alarm evaluator (OPS-1, OPS-2): CloudWatch's comparison operators, the four
 * TreatMissingData treatments, M-of-N datapoints to alarm, statistics per period, simple metric
 * math (and what it refuses to pretend about), severities from the description prefix, and the
 * OK → ALARM → OK transitions with their times. Also the EMF reader that feeds the store.
 */
import { describe, expect, it } from 'vitest';
import { AlarmMonitor, breaches, decide, parseExpression, evaluateExpression, periodValues, readAlarms, severityOf, type AlarmDefinition } from '../../../infra/local/alarms.ts';
import { MetricStore, parseEmf, statistic } from '../../../infra/local/metrics.ts';
import { LocalOperations } from '../../../infra/local/operations.ts';
import type { ResourceNames } from '../../../infra/local/template.ts';

const T0 = Date.parse('2026-11-11T00:00:00Z');

function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const dlqAlarm = (overrides: Record<string, unknown> = {}) => ({
  logicalId: 'DlqAlarm',
  properties: {
    AlarmName: 'dlq-not-empty',
    AlarmDescription: '[high] Messages in the DLQ',
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: 'orders-dlq' }],
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    ...overrides,
  },
});

const rule = (over: Partial<Pick<AlarmDefinition, 'comparison' | 'threshold' | 'datapointsToAlarm' | 'treatMissingData'>> = {}) => ({
  comparison: 'GreaterThanOrEqualToThreshold' as const,
  threshold: 5,
  datapointsToAlarm: 1,
  treatMissingData: 'missing' as const,
  ...over,
});

describe('comparison operators (OPS-2)', () => {
  it('each operator breaches exactly where CloudWatch says, at and around the threshold', () => {
    expect([4, 5, 6].map((v) => breaches('GreaterThanOrEqualToThreshold', v, 5))).toEqual([false, true, true]);
    expect([4, 5, 6].map((v) => breaches('GreaterThanThreshold', v, 5))).toEqual([false, false, true]);
    expect([4, 5, 6].map((v) => breaches('LessThanThreshold', v, 5))).toEqual([true, false, false]);
    expect([4, 5, 6].map((v) => breaches('LessThanOrEqualToThreshold', v, 5))).toEqual([true, true, false]);
  });
});

describe('M of N datapoints to alarm (OPS-2)', () => {
  it('2 of 3 breaching periods alarm; 1 of 3 does not', () => {
    expect(decide(rule({ datapointsToAlarm: 2 }), [9, 1, 9], 'OK').state).toBe('ALARM');
    expect(decide(rule({ datapointsToAlarm: 2 }), [9, 1, 1], 'ALARM').state).toBe('OK');
  });
  it('N of N needs every period to breach', () => {
    expect(decide(rule({ datapointsToAlarm: 3 }), [9, 9, 4], 'OK').state).toBe('OK');
    expect(decide(rule({ datapointsToAlarm: 3 }), [9, 9, 5], 'OK').state).toBe('ALARM');
  });
});

describe('TreatMissingData (OPS-2)', () => {
  const gaps = [undefined, 9, undefined];
  it('breaching: missing periods count as breaching', () => {
    expect(decide(rule({ datapointsToAlarm: 3, treatMissingData: 'breaching' }), gaps, 'OK')).toMatchObject({ state: 'ALARM', breaching: 3 });
    expect(decide(rule({ treatMissingData: 'breaching' }), [undefined], 'OK').state).toBe('ALARM');
  });
  it('notBreaching: missing periods count as fine, also when every period is missing', () => {
    expect(decide(rule({ datapointsToAlarm: 2, treatMissingData: 'notBreaching' }), gaps, 'ALARM')).toMatchObject({ state: 'OK', breaching: 1 });
    expect(decide(rule({ treatMissingData: 'notBreaching' }), [undefined, undefined], 'ALARM').state).toBe('OK');
  });
  it('missing: left out; no data at all is INSUFFICIENT_DATA', () => {
    expect(decide(rule({ treatMissingData: 'missing' }), gaps, 'OK').state).toBe('ALARM');
    expect(decide(rule({ treatMissingData: 'missing' }), [undefined, undefined], 'ALARM').state).toBe('INSUFFICIENT_DATA');
  });
  it('ignore: left out; no data at all keeps the current state', () => {
    expect(decide(rule({ treatMissingData: 'ignore' }), [undefined, undefined], 'ALARM').state).toBe('ALARM');
    expect(decide(rule({ treatMissingData: 'ignore' }), [undefined, undefined], 'OK').state).toBe('OK');
    expect(decide(rule({ treatMissingData: 'ignore' }), [undefined, 1], 'ALARM').state).toBe('OK');
  });
});

describe('statistics per period', () => {
  it('Sum, Average, Minimum, Maximum, SampleCount and percentiles; no data is missing', () => {
    const v = [4, 1, 3, 2, 10];
    expect(['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount', 'p50', 'p99', 'p0'].map((s) => statistic(v, s))).toEqual([20, 4, 1, 10, 5, 3, 10, 1]);
    expect(statistic([], 'Sum')).toBeUndefined();
    expect(statistic(v, 'TrimmedMean')).toBeUndefined();
  });
});

describe("reading the template's alarms", () => {
  it('an alarm of the template today (Commerce namespace, Sum, notBreaching) is read as written', () => {
    const { alarms, unevaluated } = readAlarms([
      {
        logicalId: 'ReturnRefundRefusedAlarm',
        properties: {
          AlarmName: 'commerce-dev-return-refund-refused',
          AlarmDescription: "A return's refund was not made",
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Dimensions: [{ Name: 'service', Value: 'RefundReturnFunction' }],
          EvaluationPeriods: 1,
          MetricName: 'ReturnRefundsRefused',
          Namespace: 'Commerce',
          Period: 300,
          Statistic: 'Sum',
          Threshold: 1,
          TreatMissingData: 'notBreaching',
        },
      },
    ]);
    expect(unevaluated).toEqual([]);
    expect(alarms[0]).toMatchObject({
      name: 'commerce-dev-return-refund-refused',
      severity: undefined,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      metric: {
        kind: 'metric',
        stat: { stat: 'Sum', periodSeconds: 300, metric: { namespace: 'Commerce', metricName: 'ReturnRefundsRefused', dimensions: { service: 'RefundReturnFunction' } } },
      },
    });
  });

  it("OPS-1: the severity is the description's prefix, one of the four", () => {
    expect(['[critical] x', '[high] x', ' [MEDIUM] x', '[low] x', '[urgent] x', 'x [high]'].map(severityOf)).toEqual(['critical', 'high', 'medium', 'low', undefined, undefined]);
    expect(readAlarms([dlqAlarm()]).alarms[0]?.severity).toBe('high');
  });

  it('missing data defaults to "missing" and DatapointsToAlarm to EvaluationPeriods', () => {
    const { alarms } = readAlarms([dlqAlarm({ TreatMissingData: undefined, EvaluationPeriods: 3 })]);
    expect(alarms[0]).toMatchObject({ treatMissingData: 'missing', evaluationPeriods: 3, datapointsToAlarm: 3 });
  });

  it('anomaly detection, unknown functions and unknown statistics are listed as not evaluated locally, with the reason', () => {
    const { alarms, unevaluated } = readAlarms([
      dlqAlarm({ ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' }),
      {
        logicalId: 'Search',
        properties: {
          AlarmName: 'search',
          AlarmDescription: '[low] x',
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          Threshold: 1,
          Metrics: [{ Id: 'e1', Expression: "MAX(SEARCH('{AWS/SQS} Dlq', 'Maximum', 60))", ReturnData: true }],
        },
      },
      dlqAlarm({ Statistic: undefined, ExtendedStatistic: 'TM(10%:90%)' }),
    ]);
    expect(alarms).toEqual([]);
    expect(unevaluated.map((u) => u.reason)).toEqual([
      expect.stringContaining('anomaly detection'),
      expect.stringContaining('MAX() is not evaluated locally'),
      expect.stringContaining('TM(10%:90%)'),
    ]);
    expect(unevaluated[1]?.severity).toBe('low');
  });
});

describe('metric math: sums and ratios', () => {
  it('parses arithmetic with precedence, FILL and negation', () => {
    const e = parseExpression('FILL(errors, 0) / (requests + 0) * 100 - -1');
    expect(evaluateExpression(e, (id) => ({ errors: 5, requests: 50 })[id])).toBe(11);
    expect(evaluateExpression(e, (id) => ({ requests: 50 })[id])).toBe(1);
    expect(evaluateExpression(parseExpression('a / b'), (id) => ({ a: 1, b: 0 })[id])).toBeUndefined();
    expect(evaluateExpression(parseExpression('a + b'), (id) => ({ a: 1 })[id])).toBeUndefined();
  });

  it('an SLO burn rate (5xx / count over 1 − SLO) is evaluated per period from the store', () => {
    const store = new MetricStore({ now: () => T0 });
    const api = { ApiName: 'commerce-api', Stage: 'dev' };
    for (let i = 0; i < 100; i++) store.put({ namespace: 'AWS/ApiGateway', metricName: 'Count', dimensions: api }, 1, T0 - 30_000);
    for (let i = 0; i < 2; i++) store.put({ namespace: 'AWS/ApiGateway', metricName: '5XXError', dimensions: api }, 1, T0 - 20_000);
    const { alarms } = readAlarms([
      {
        logicalId: 'BurnRate',
        properties: {
          AlarmName: 'burn',
          AlarmDescription: '[critical] fast burn',
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          Threshold: 14.4,
          TreatMissingData: 'notBreaching',
          Metrics: [
            {
              Id: 'errors',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/ApiGateway',
                  MetricName: '5XXError',
                  Dimensions: [
                    { Name: 'ApiName', Value: 'commerce-api' },
                    { Name: 'Stage', Value: 'dev' },
                  ],
                },
                Period: 300,
                Stat: 'Sum',
              },
              ReturnData: false,
            },
            {
              Id: 'requests',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/ApiGateway',
                  MetricName: 'Count',
                  Dimensions: [
                    { Name: 'ApiName', Value: 'commerce-api' },
                    { Name: 'Stage', Value: 'dev' },
                  ],
                },
                Period: 300,
                Stat: 'SampleCount',
              },
              ReturnData: false,
            },
            { Id: 'burn', Expression: '(FILL(errors, 0) / requests) / (1 - 0.9999)', ReturnData: true },
          ],
        },
      },
    ]);
    const [burn] = alarms as [AlarmDefinition];
    const [value] = periodValues(burn, store, T0);
    expect(value).toBeCloseTo(200, 6);
    expect(decide(burn, [value], 'OK').state).toBe('ALARM');
  });
});

describe('AlarmMonitor: state over time (OPS-2)', () => {
  it('a DLQ alarm goes OK → ALARM when a message arrives and back to OK after the period without it, with timestamps', () => {
    const c = clock();
    const store = new MetricStore({ now: c.now });
    const { alarms, unevaluated } = readAlarms([dlqAlarm()]);
    const monitor = new AlarmMonitor(alarms, unevaluated, store, { now: c.now });
    const depth = (n: number) => store.put({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'orders-dlq' } }, n);
    const state = () => monitor.report().alarms[0];

    depth(0);
    monitor.evaluate();
    expect(state()).toMatchObject({ state: 'OK', severity: 'high', since: new Date(T0).toISOString() });

    c.advance(5_000);
    depth(1);
    monitor.evaluate();
    expect(state()).toMatchObject({ state: 'ALARM', since: new Date(T0 + 5_000).toISOString(), values: [1] });

    c.advance(5_000);
    depth(0); // redriven: the queue is empty, but the period still holds the 1
    monitor.evaluate();
    expect(state()?.state).toBe('ALARM');

    c.advance(60_000);
    depth(0);
    monitor.evaluate();
    expect(state()).toMatchObject({ state: 'OK', since: new Date(T0 + 70_000).toISOString() });
    expect(state()?.transitions.map((t) => `${t.from}→${t.to}`)).toEqual(['INSUFFICIENT_DATA→OK', 'OK→ALARM', 'ALARM→OK']);
    expect(state()?.transitions[1]?.reason).toContain('1 of the last 1 period(s) [1] breach GreaterThanOrEqualToThreshold 1');
  });

  it('periodScale shrinks the periods (tests run a 60 s alarm in 6 s)', () => {
    const c = clock();
    const store = new MetricStore({ now: c.now });
    const { alarms } = readAlarms([dlqAlarm()]);
    const monitor = new AlarmMonitor(alarms, [], store, { now: c.now, periodScale: 0.1 });
    store.put({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'orders-dlq' } }, 3);
    monitor.evaluate();
    expect(monitor.report().alarms[0]?.state).toBe('ALARM');
    c.advance(7_000);
    monitor.evaluate();
    expect(monitor.report().alarms[0]?.state).toBe('OK');
  });
});

describe('how long the local cloud keeps datapoints', () => {
  it('OPS-1: as long as its longest alarm looks back (the SLO burn rate over 6 h), not a fixed 3 h', () => {
    const c = clock();
    const slow = dlqAlarm({ AlarmName: 'slow-burn', Period: 3600, EvaluationPeriods: 6, Statistic: 'Sum' });
    const names = { ofType: (type: string) => (type === 'AWS::CloudWatch::Alarm' ? [slow] : []) } as unknown as ResourceNames;
    const ops = new LocalOperations({ names, now: c.now });
    const metric = { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'orders-dlq' } };
    ops.metrics.put(metric, 1, T0);
    c.advance(5.5 * 3_600_000);
    ops.metrics.put(metric, 1);
    expect(ops.metrics.points(metric, T0 - 1, c.now() + 1)).toHaveLength(2);
    expect(periodValues(ops.alarms.alarms[0] as AlarmDefinition, ops.metrics, c.now() + 1)).toEqual([1, undefined, undefined, undefined, undefined, 1]);
  });
});

describe('MetricStore and EMF', () => {
  it('reads Powertools EMF lines: namespace, dimensions, values, timestamp; ignores other lines', () => {
    const line = JSON.stringify({
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [
          {
            Namespace: 'Commerce',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'OrdersPlaced', Unit: 'Count' },
              { Name: 'Latency', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      service: 'checkout',
      OrdersPlaced: 2,
      Latency: [10, 20],
    });
    expect(parseEmf(line)).toEqual([
      { namespace: 'Commerce', metricName: 'OrdersPlaced', dimensions: { service: 'checkout' }, values: [2], timestamp: T0 },
      { namespace: 'Commerce', metricName: 'Latency', dimensions: { service: 'checkout' }, values: [10, 20], timestamp: T0 },
    ]);
    expect(parseEmf('{"level":"INFO","message":"hello"}')).toEqual([]);
    expect(parseEmf('{"_aws": broken')).toEqual([]);
    expect(parseEmf('plain text')).toEqual([]);
  });

  it('keeps a bounded window: old datapoints and the oldest beyond the cap are dropped', () => {
    const c = clock();
    const store = new MetricStore({ now: c.now, windowMs: 60_000, maxPointsPerMetric: 3 });
    const id = { namespace: 'N', metricName: 'M', dimensions: {} };
    store.put(id, 1);
    c.advance(61_000);
    for (const v of [2, 3, 4, 5]) store.put(id, v);
    expect(store.points(id, 0, Infinity).map((p) => p.value)).toEqual([3, 4, 5]);
  });
});
