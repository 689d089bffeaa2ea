/**
 * CloudWatch metrics, locally (OPS-2): an in-memory store of the datapoints the local cloud can
 * know, kept for a bounded window, so the template's alarms can be evaluated on one machine.
 *
 * Sources (wired in cloud.ts):
 * - the metrics the functions emit themselves: Powertools writes them as CloudWatch Embedded
 *   Metric Format (EMF) JSON lines to the function's log; {@link parseEmf} reads them;
 * - `AWS/Lambda` Invocations, Errors, Throttles, Duration (dimension FunctionName) from the workers;
 * - `AWS/ApiGateway` Count, 5XXError, 4XXError, Latency (dimensions ApiName, Stage) from the local API;
 * - `AWS/SQS` ApproximateNumberOfMessagesVisible, ApproximateAgeOfOldestMessage (dimension
 *   QueueName), sampled from the local queues — dead-letter queues included — at every evaluation.
 *
 * Nothing here is personal data: metric names, dimension values (function, queue and API names,
 * Powertools' `service`) and numbers.
 */

export type Dimensions = Record<string, string>;

export interface Datapoint {
  timestamp: number;
  value: number;
}

/** A metric's identity, as an alarm names it. */
export interface MetricId {
  namespace: string;
  metricName: string;
  dimensions: Dimensions;
}

/** The key of a metric: namespace, name and its dimensions in a stable order. */
export function metricKey(m: MetricId): string {
  const dims = Object.entries(m.dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${m.namespace}|${m.metricName}|${dims}`;
}

export interface MetricStoreOptions {
  /** How long datapoints are kept (default 3 h; the local cloud passes its alarms' longest window, infra/local/operations.ts). */
  windowMs?: number;
  /** At most this many datapoints per metric; the oldest go first (default 20,000). */
  maxPointsPerMetric?: number;
  now?: () => number;
}

/** Datapoints per metric, oldest first, for a bounded window. */
export class MetricStore {
  private readonly series = new Map<string, { id: MetricId; points: Datapoint[] }>();
  private readonly windowMs: number;
  private readonly maxPoints: number;
  readonly now: () => number;

  constructor(options: MetricStoreOptions = {}) {
    this.windowMs = options.windowMs ?? 3 * 3_600_000;
    this.maxPoints = options.maxPointsPerMetric ?? 20_000;
    this.now = options.now ?? Date.now;
  }

  put(id: MetricId, value: number, timestamp = this.now()): void {
    if (!Number.isFinite(value)) return;
    const key = metricKey(id);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { id: { namespace: id.namespace, metricName: id.metricName, dimensions: { ...id.dimensions } }, points: [] };
      this.series.set(key, entry);
    }
    const points = entry.points;
    // in order almost always; an EMF line with an older timestamp is inserted where it belongs
    let i = points.length;
    while (i > 0 && (points[i - 1] as Datapoint).timestamp > timestamp) i--;
    points.splice(i, 0, { timestamp, value });
    this.trim(points);
  }

  private trim(points: Datapoint[]): void {
    const cutoff = this.now() - this.windowMs;
    let drop = 0;
    while (drop < points.length && (points[drop] as Datapoint).timestamp < cutoff) drop++;
    drop = Math.max(drop, points.length - this.maxPoints);
    if (drop > 0) points.splice(0, drop);
  }

  /** The datapoints of a metric with `from < timestamp <= to`. */
  points(id: MetricId, from: number, to: number): Datapoint[] {
    const entry = this.series.get(metricKey(id));
    if (!entry) return [];
    this.trim(entry.points);
    return entry.points.filter((p) => p.timestamp > from && p.timestamp <= to);
  }

  /** Every metric the store holds (for `npm run ops` and debugging). */
  list(): Array<MetricId & { count: number; latest?: Datapoint }> {
    return [...this.series.values()].map(({ id, points }) => ({ ...id, count: points.length, latest: points.at(-1) }));
  }
}

/**
 * A statistic over one period's values, as CloudWatch computes it: Sum, Average, Minimum,
 * Maximum, SampleCount, or a percentile `pNN` / `pNN.N` (nearest rank). Undefined when the period
 * has no datapoints (missing data) or the statistic is unknown.
 */
export function statistic(values: number[], stat: string): number | undefined {
  if (values.length === 0) return undefined;
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
  }
  const percentile = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(stat);
  if (!percentile) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Number(percentile[1]) / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Whether the store can compute this statistic. */
export function isSupportedStatistic(stat: string): boolean {
  return ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'].includes(stat) || /^p(\d{1,2}(?:\.\d+)?|100)$/.test(stat);
}

/** One metric value of an EMF line: its identity, value(s) and timestamp. */
export interface EmfMetric extends MetricId {
  values: number[];
  timestamp: number;
}

/**
 * Reads one log line in CloudWatch Embedded Metric Format (what Powertools Metrics prints):
 * `{"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":…,"Dimensions":[[…]],"Metrics":[{"Name":…}]}]}, "<dim>": "…", "<metric>": 1}`.
 * Returns one entry per metric and dimension set; an empty list for any other line.
 */
export function parseEmf(line: string): EmfMetric[] {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.includes('"_aws"')) return [];
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return [];
  }
  const aws = doc._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (!aws || !Array.isArray(aws.CloudWatchMetrics)) return [];
  const timestamp = typeof aws.Timestamp === 'number' ? aws.Timestamp : Date.now();
  const out: EmfMetric[] = [];
  for (const directive of aws.CloudWatchMetrics as Array<{ Namespace?: unknown; Dimensions?: unknown; Metrics?: unknown }>) {
    if (typeof directive?.Namespace !== 'string' || !Array.isArray(directive.Metrics)) continue;
    const dimensionSets = Array.isArray(directive.Dimensions) && directive.Dimensions.length > 0 ? (directive.Dimensions as unknown[][]) : [[]];
    for (const metric of directive.Metrics as Array<{ Name?: unknown }>) {
      if (typeof metric?.Name !== 'string') continue;
      const raw = doc[metric.Name];
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (values.length === 0) continue;
      for (const set of dimensionSets) {
        const dimensions: Dimensions = {};
        for (const name of set) if (typeof name === 'string' && doc[name] !== undefined) dimensions[name] = String(doc[name]);
        out.push({ namespace: directive.Namespace, metricName: metric.Name, dimensions, values, timestamp });
      }
    }
  }
  return out;
}

/** Splits a stream of chunks into lines, calling `onLine` for each complete one. */
export function lineSplitter(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let rest = '';
  return (chunk) => {
    rest += chunk.toString();
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      onLine(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
    // a runaway line without a newline is dropped rather than kept growing
    if (rest.length > 1_000_000) rest = '';
  };
}
