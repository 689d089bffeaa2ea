/**
 * CloudWatch alarms, locally (OPS-1, OPS-2): every `AWS::CloudWatch::Alarm` of the template is
 * evaluated against the local metrics ({@link MetricStore}) every few seconds, with CloudWatch's
 * rules — statistic per period, the last `EvaluationPeriods` periods, `DatapointsToAlarm` of them
 * breaching (M of N), the comparison against `Threshold`, and `TreatMissingData` — and its state
 * changes (OK → ALARM → OK) are kept with their times.
 *
 * Deliberate differences from CloudWatch, so a reader knows what a local state means:
 * - periods are a window sliding with the clock (the last N periods end *now*), not aligned to
 *   the minute, so a breach shows at the next evaluation rather than after the period closes;
 * - `periodScale` (tests only) shrinks every period, e.g. 0.1 turns a 60 s alarm into a 6 s one;
 * - metric math: only arithmetic on metric ids and numbers (`+ - * /`, parentheses) and
 *   `FILL(m, number)`; an alarm using anything else (other functions, SEARCH, anomaly
 *   detection, cross-account metrics) is listed as *not evaluated locally* with the reason, never
 *   given a made-up state.
 *
 * The severity of an alarm is the prefix of its description (`[critical]`, `[high]`, `[medium]`,
 * `[low]`, shared/severity.ts); an alarm without one is reported as unclassified.
 */
import { SEVERITIES, type Severity } from '../../shared/severity.ts';
import { isSupportedStatistic, statistic, type Dimensions, type MetricId, type MetricStore } from './metrics.ts';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type Comparison = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

const COMPARISONS: readonly Comparison[] = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'];
const TREATMENTS: readonly TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

/** One metric with a statistic and period (an alarm's own metric, or a MetricStat of metric math). */
export interface MetricStat {
  metric: MetricId;
  stat: string;
  periodSeconds: number;
}

/** An expression of metric math, parsed. */
export type Expression =
  | { kind: 'number'; value: number }
  | { kind: 'ref'; id: string }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expression; right: Expression }
  | { kind: 'neg'; operand: Expression }
  | { kind: 'fill'; operand: Expression; value: number };

/** What an alarm compares: one metric, or metric math over several. */
export type AlarmMetric =
  { kind: 'metric'; stat: MetricStat } | { kind: 'math'; periodSeconds: number; stats: Record<string, MetricStat>; expressions: Record<string, Expression>; returnId: string };

export interface AlarmDefinition {
  logicalId: string;
  name: string;
  description: string;
  severity?: Severity;
  comparison: Comparison;
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  metric: AlarmMetric;
}

/** An alarm of the template the local cloud cannot evaluate, and why. */
export interface UnevaluatedAlarm {
  logicalId: string;
  name: string;
  severity?: Severity;
  reason: string;
}

/** The severity an alarm's description starts with (`[high] …`), if any. */
export function severityOf(description: string): Severity | undefined {
  const match = /^\s*\[(\w+)\]/.exec(description);
  const word = match?.[1]?.toLowerCase();
  return SEVERITIES.find((s) => s === word);
}

/** Whether `value` breaches `threshold` under `comparison`. */
export function breaches(comparison: Comparison, value: number, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

/**
 * The state CloudWatch gives an alarm whose last N period values (oldest first; `undefined` =
 * no data in that period) are `values`:
 * - `breaching` / `notBreaching`: a missing period counts as breaching / not breaching;
 * - `missing`: missing periods are left out; with no data at all the alarm is INSUFFICIENT_DATA;
 * - `ignore`: missing periods are left out; with no data at all the alarm keeps its state.
 * ALARM when at least `datapointsToAlarm` periods breach; otherwise OK.
 */
export function decide(
  alarm: Pick<AlarmDefinition, 'comparison' | 'threshold' | 'datapointsToAlarm' | 'treatMissingData'>,
  values: Array<number | undefined>,
  current: AlarmState,
): { state: AlarmState; breaching: number; present: number } {
  let breaching = 0;
  let present = 0;
  for (const value of values) {
    if (value === undefined) {
      if (alarm.treatMissingData === 'breaching') breaching++;
      continue;
    }
    present++;
    if (breaches(alarm.comparison, value, alarm.threshold)) breaching++;
  }
  if (breaching >= alarm.datapointsToAlarm) return { state: 'ALARM', breaching, present };
  if (present === 0 && alarm.treatMissingData === 'missing') return { state: 'INSUFFICIENT_DATA', breaching, present };
  if (present === 0 && alarm.treatMissingData === 'ignore') return { state: current, breaching, present };
  return { state: 'OK', breaching, present };
}

// ----- metric math -------------------------------------------------------------------------------

class Unsupported extends Error {}

/** Parses the metric math this evaluator supports; throws with the reason otherwise. */
export function parseExpression(text: string): Expression {
  const tokens = text.match(/\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/(),]|\S)/g)?.map((t) => t.trim()) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t: string) => {
    if (next() !== t) throw new Unsupported(`expected '${t}' in "${text}"`);
  };
  const primary = (): Expression => {
    const t = next();
    if (t === undefined) throw new Unsupported(`"${text}" ends early`);
    if (t === '(') {
      const e = sum();
      expect(')');
      return e;
    }
    if (t === '-') return { kind: 'neg', operand: primary() };
    if (/^\d/.test(t)) return { kind: 'number', value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === '(') {
        if (t !== 'FILL') throw new Unsupported(`function ${t}() is not evaluated locally`);
        next();
        const operand = sum();
        expect(',');
        const fill = primary();
        expect(')');
        if (fill.kind !== 'number') throw new Unsupported(`FILL with ${JSON.stringify(fill)} is not evaluated locally (only a number)`);
        return { kind: 'fill', operand, value: fill.value };
      }
      if (!/^[a-z]/.test(t)) throw new Unsupported(`"${t}" is not a metric id`);
      return { kind: 'ref', id: t };
    }
    throw new Unsupported(`unexpected '${t}' in "${text}"`);
  };
  const product = (): Expression => {
    let e = primary();
    while (peek() === '*' || peek() === '/') e = { kind: 'binary', op: next() as '*' | '/', left: e, right: primary() };
    return e;
  };
  const sum = (): Expression => {
    let e = product();
    while (peek() === '+' || peek() === '-') e = { kind: 'binary', op: next() as '+' | '-', left: e, right: product() };
    return e;
  };
  const result = sum();
  if (i !== tokens.length) throw new Unsupported(`unexpected '${tokens[i]}' in "${text}"`);
  return result;
}

/** Evaluates an expression for one period; `undefined` is missing data (it propagates, except through FILL). */
export function evaluateExpression(e: Expression, lookup: (id: string) => number | undefined): number | undefined {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'ref':
      return lookup(e.id);
    case 'neg': {
      const v = evaluateExpression(e.operand, lookup);
      return v === undefined ? undefined : -v;
    }
    case 'fill':
      return evaluateExpression(e.operand, lookup) ?? e.value;
    case 'binary': {
      const l = evaluateExpression(e.left, lookup);
      const r = evaluateExpression(e.right, lookup);
      if (l === undefined || r === undefined) return undefined;
      if (e.op === '+') return l + r;
      if (e.op === '-') return l - r;
      if (e.op === '*') return l * r;
      // CloudWatch drops a datapoint divided by zero
      return r === 0 ? undefined : l / r;
    }
  }
}

// ----- reading the template -------------------------------------------------------------------------

function dimensionsOf(raw: unknown): Dimensions {
  const out: Dimensions = {};
  for (const d of (Array.isArray(raw) ? raw : []) as Array<{ Name?: unknown; Value?: unknown }>) if (d?.Name !== undefined) out[String(d.Name)] = String(d.Value);
  return out;
}

function positiveInt(value: unknown, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Unsupported(`${what} ${String(value)} is not a positive integer`);
  return n;
}

/**
 * Reads one alarm's (resolved) properties. Throws {@link Unsupported} — reported as "not evaluated
 * locally" — for what this evaluator does not do.
 */
function readAlarm(logicalId: string, p: Record<string, unknown>): AlarmDefinition {
  const comparison = String(p.ComparisonOperator) as Comparison;
  if (!COMPARISONS.includes(comparison)) throw new Unsupported(`comparison ${String(p.ComparisonOperator)} (anomaly detection bands) is not evaluated locally`);
  if (p.ThresholdMetricId !== undefined) throw new Unsupported('a threshold metric (anomaly detection) is not evaluated locally');
  const treat = String(p.TreatMissingData ?? 'missing') as TreatMissingData;
  if (!TREATMENTS.includes(treat)) throw new Unsupported(`TreatMissingData ${treat} is unknown`);
  const evaluationPeriods = positiveInt(p.EvaluationPeriods, 'EvaluationPeriods');
  const datapointsToAlarm = p.DatapointsToAlarm === undefined ? evaluationPeriods : positiveInt(p.DatapointsToAlarm, 'DatapointsToAlarm');
  const threshold = Number(p.Threshold);
  if (!Number.isFinite(threshold)) throw new Unsupported(`threshold ${String(p.Threshold)} is not a number`);
  let metric: AlarmMetric;
  if (Array.isArray(p.Metrics)) {
    const stats: Record<string, MetricStat> = {};
    const expressions: Record<string, Expression> = {};
    let returnId: string | undefined;
    let periodSeconds: number | undefined;
    for (const q of p.Metrics as Array<Record<string, unknown>>) {
      const id = String(q.Id);
      if (q.AccountId !== undefined) throw new Unsupported('cross-account metrics are not evaluated locally');
      if (q.MetricStat) {
        const ms = q.MetricStat as { Metric?: { Namespace?: unknown; MetricName?: unknown; Dimensions?: unknown }; Period?: unknown; Stat?: unknown };
        const stat = String(ms.Stat);
        if (!isSupportedStatistic(stat)) throw new Unsupported(`statistic ${stat} is not evaluated locally`);
        stats[id] = {
          metric: { namespace: String(ms.Metric?.Namespace), metricName: String(ms.Metric?.MetricName), dimensions: dimensionsOf(ms.Metric?.Dimensions) },
          stat,
          periodSeconds: positiveInt(ms.Period, `period of ${id}`),
        };
        periodSeconds ??= stats[id].periodSeconds;
      } else if (typeof q.Expression === 'string') {
        expressions[id] = parseExpression(q.Expression);
        if (q.Period !== undefined) periodSeconds ??= positiveInt(q.Period, `period of ${id}`);
      } else throw new Unsupported(`metric query ${id} has neither MetricStat nor Expression`);
      if (q.ReturnData !== false && (q.ReturnData === true || q.Expression !== undefined)) returnId = id;
    }
    returnId ??= Object.keys(expressions).at(-1) ?? Object.keys(stats)[0];
    if (!returnId || periodSeconds === undefined) throw new Unsupported('metric math without a metric to return');
    metric = { kind: 'math', periodSeconds, stats, expressions, returnId };
  } else {
    const stat = String(p.Statistic ?? p.ExtendedStatistic);
    if (!isSupportedStatistic(stat)) throw new Unsupported(`statistic ${stat} is not evaluated locally`);
    metric = {
      kind: 'metric',
      stat: {
        metric: { namespace: String(p.Namespace), metricName: String(p.MetricName), dimensions: dimensionsOf(p.Dimensions) },
        stat,
        periodSeconds: positiveInt(p.Period, 'Period'),
      },
    };
  }
  const description = String(p.AlarmDescription ?? '');
  return {
    logicalId,
    name: String(p.AlarmName ?? logicalId),
    description,
    severity: severityOf(description),
    comparison,
    threshold,
    evaluationPeriods,
    datapointsToAlarm,
    treatMissingData: treat,
    metric,
  };
}

/** The alarms of a template (properties already resolved to local names), split into evaluated and not. */
export function readAlarms(resources: Array<{ logicalId: string; properties: Record<string, unknown> }>): { alarms: AlarmDefinition[]; unevaluated: UnevaluatedAlarm[] } {
  const alarms: AlarmDefinition[] = [];
  const unevaluated: UnevaluatedAlarm[] = [];
  for (const { logicalId, properties } of resources) {
    try {
      alarms.push(readAlarm(logicalId, properties));
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      const description = String(properties.AlarmDescription ?? '');
      unevaluated.push({ logicalId, name: String(properties.AlarmName ?? logicalId), severity: severityOf(description), reason: error.message });
    }
  }
  return { alarms, unevaluated };
}

// ----- evaluating against the store -----------------------------------------------------------------

/** How far back an alarm looks: its evaluation periods times its (longest) period, in ms. */
export function alarmWindowMs(alarm: Pick<AlarmDefinition, 'evaluationPeriods' | 'metric'>, periodScale = 1): number {
  const periods =
    alarm.metric.kind === 'metric' ? [alarm.metric.stat.periodSeconds] : [alarm.metric.periodSeconds, ...Object.values(alarm.metric.stats).map((s) => s.periodSeconds)];
  return alarm.evaluationPeriods * Math.max(...periods) * 1000 * periodScale;
}

/**
 * The value of each of the alarm's last `evaluationPeriods` periods, oldest first (undefined: no
 * data). Period k covers (now − (N−k)·P, now − (N−k−1)·P].
 */
export function periodValues(alarm: AlarmDefinition, store: Pick<MetricStore, 'points'>, now: number, periodScale = 1): Array<number | undefined> {
  const n = alarm.evaluationPeriods;
  const statValues = (s: MetricStat): Array<number | undefined> => {
    const period = s.periodSeconds * 1000 * periodScale;
    const out: Array<number | undefined> = [];
    for (let k = 0; k < n; k++) {
      const from = now - (n - k) * period;
      out.push(
        statistic(
          store.points(s.metric, from, from + period).map((p) => p.value),
          s.stat,
        ),
      );
    }
    return out;
  };
  if (alarm.metric.kind === 'metric') return statValues(alarm.metric.stat);
  const { stats, expressions, returnId } = alarm.metric;
  const series = new Map(Object.entries(stats).map(([id, s]) => [id, statValues(s)]));
  return Array.from({ length: n }, (_, k) => {
    const resolving = new Set<string>();
    const lookup = (id: string): number | undefined => {
      const s = series.get(id);
      if (s) return s[k];
      const e = expressions[id];
      if (!e || resolving.has(id)) return undefined;
      resolving.add(id);
      const v = evaluateExpression(e, lookup);
      resolving.delete(id);
      return v;
    };
    return lookup(returnId);
  });
}

export interface AlarmTransition {
  from: AlarmState;
  to: AlarmState;
  at: string;
  reason: string;
}

export interface AlarmStatus {
  logicalId: string;
  name: string;
  severity?: Severity;
  description: string;
  state: AlarmState;
  since: string;
  reason: string;
  /** The latest period values (oldest first; null = missing). */
  values: Array<number | null>;
  transitions: AlarmTransition[];
}

export interface AlarmReport {
  evaluatedAt: string;
  alarms: AlarmStatus[];
  notEvaluated: UnevaluatedAlarm[];
}

const MAX_TRANSITIONS = 50;

/** Keeps each alarm's state and its transitions; `evaluate()` is called by the local cloud's timer. */
export class AlarmMonitor {
  private readonly status = new Map<string, AlarmStatus>();
  private evaluatedAt: number;

  constructor(
    readonly alarms: AlarmDefinition[],
    readonly unevaluated: UnevaluatedAlarm[],
    private readonly store: Pick<MetricStore, 'points'>,
    private readonly options: { periodScale?: number; now?: () => number } = {},
  ) {
    this.evaluatedAt = this.now();
    for (const a of alarms) {
      this.status.set(a.logicalId, {
        logicalId: a.logicalId,
        name: a.name,
        severity: a.severity,
        description: a.description,
        state: 'INSUFFICIENT_DATA',
        since: new Date(this.evaluatedAt).toISOString(),
        reason: 'Not yet evaluated',
        values: [],
        transitions: [],
      });
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  evaluate(): void {
    const now = this.now();
    this.evaluatedAt = now;
    for (const alarm of this.alarms) {
      const status = this.status.get(alarm.logicalId) as AlarmStatus;
      const values = periodValues(alarm, this.store, now, this.options.periodScale);
      const { state, breaching } = decide(alarm, values, status.state);
      status.values = values.map((v) => (v === undefined ? null : v));
      if (state === status.state) continue;
      const shown = status.values.map((v) => (v === null ? 'missing' : Number(v.toFixed(3)))).join(', ');
      const reason = `${breaching} of the last ${alarm.evaluationPeriods} period(s) [${shown}] breach ${alarm.comparison} ${alarm.threshold} (${alarm.datapointsToAlarm} needed, missing data: ${alarm.treatMissingData})`;
      const at = new Date(now).toISOString();
      status.transitions.push({ from: status.state, to: state, at, reason });
      if (status.transitions.length > MAX_TRANSITIONS) status.transitions.shift();
      Object.assign(status, { state, since: at, reason });
    }
  }

  report(): AlarmReport {
    return {
      evaluatedAt: new Date(this.evaluatedAt).toISOString(),
      alarms: [...this.status.values()].map((s) => ({ ...s, transitions: [...s.transitions] })),
      notEvaluated: [...this.unevaluated],
    };
  }
}
