/**
 * Backtesting a proposed rule set (RISK-4): re-evaluate past assessments — their stored features —
 * under the proposed rules and report which orders would change decision, and how well each rule
 * set separates fraud from legitimate orders. Pure.
 *
 * Ground truth: an order is **fraud** when a refund flagged as fraud was recorded for it or an
 * analyst rejected it after review; **legit** when an analyst approved it (and no fraud refund
 * followed). Other orders are unlabelled: they count in the decision changes, not in precision and
 * recall. A rule set **flags** an order when it does not approve it (review or reject), the same
 * notion as the false-positive rate of the review queue (RISK-5).
 *
 *   precision = flagged fraud / all flagged labelled orders   (null when nothing labelled is flagged)
 *   recall    = flagged fraud / all labelled fraud            (null when there is no labelled fraud)
 */
import type { RiskFeatures } from './features.ts';
import type { CompiledRule } from './rules.ts';
import { evaluateRules, type RiskDecision, type Thresholds } from './scoring.ts';

/** The truth about an order, when known. */
export type GroundTruth = 'fraud' | 'legit';

/** The ground truth of an assessed order from its outcomes. */
export function groundTruthOf(outcomes: { readonly reviewOutcome?: 'approve' | 'reject'; readonly fraudRefund?: boolean }): GroundTruth | undefined {
  if (outcomes.fraudRefund) return 'fraud';
  if (outcomes.reviewOutcome === 'reject') return 'fraud';
  if (outcomes.reviewOutcome === 'approve') return 'legit';
  return undefined;
}

/** One past assessment as the backtest sees it. */
export interface BacktestRecord {
  readonly orderId: string;
  readonly assessedAt: string;
  readonly features: RiskFeatures;
  /** The decision the rules made at the time. */
  readonly decision: RiskDecision;
  readonly score: number;
  readonly truth?: GroundTruth;
}

/** Confusion counts and the derived precision / recall. */
export interface QualityMetrics {
  readonly approve: number;
  readonly review: number;
  readonly reject: number;
  readonly labelled: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly trueNegatives: number;
  readonly precision: number | null;
  readonly recall: number | null;
}

/** An order whose decision the proposed rules would change. */
export interface ChangedOrder {
  readonly orderId: string;
  readonly assessedAt: string;
  readonly from: RiskDecision;
  readonly to: RiskDecision;
  readonly scoreFrom: number;
  readonly scoreTo: number;
  readonly rulesFired: readonly string[];
  readonly truth?: GroundTruth;
}

/** The backtest report. */
export interface BacktestReport {
  readonly evaluated: number;
  readonly changedCount: number;
  /** Changed orders, oldest first, at most `maxChanged` of them (`changedCount` has the total). */
  readonly changed: readonly ChangedOrder[];
  /** Counts of decision changes, e.g. `{ "approve→review": 3 }`. */
  readonly transitions: Readonly<Record<string, number>>;
  readonly current: QualityMetrics;
  readonly proposed: QualityMetrics;
  /** Rules that could not be evaluated on some orders (features missing), with counts. */
  readonly ruleErrors: Readonly<Record<string, number>>;
}

const ratio = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);

/** Quality metrics of decisions against ground truth. */
export function qualityMetrics(rows: ReadonlyArray<{ readonly decision: RiskDecision; readonly truth?: GroundTruth }>): QualityMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const counts = { approve: 0, review: 0, reject: 0 };
  for (const { decision, truth } of rows) {
    counts[decision]++;
    if (!truth) continue;
    const flagged = decision !== 'approve';
    if (flagged && truth === 'fraud') tp++;
    else if (flagged) fp++;
    else if (truth === 'fraud') fn++;
    else tn++;
  }
  return {
    ...counts,
    labelled: tp + fp + fn + tn,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
  };
}

/** Re-evaluates `records` under `rules` and reports the changes and the quality of both rule sets. */
export function runBacktest(
  records: readonly BacktestRecord[],
  rules: readonly CompiledRule[],
  thresholds: Thresholds,
  options: { readonly maxChanged?: number } = {},
): BacktestReport {
  const maxChanged = options.maxChanged ?? 500;
  const sorted = [...records].sort((a, b) => (a.assessedAt < b.assessedAt ? -1 : a.assessedAt > b.assessedAt ? 1 : a.orderId < b.orderId ? -1 : 1));
  const changed: ChangedOrder[] = [];
  const transitions: Record<string, number> = {};
  const ruleErrors: Record<string, number> = {};
  const proposedRows: Array<{ decision: RiskDecision; truth?: GroundTruth }> = [];
  let changedCount = 0;
  for (const record of sorted) {
    const evaluation = evaluateRules(rules, record.features, thresholds);
    for (const id of evaluation.errors) ruleErrors[id] = (ruleErrors[id] ?? 0) + 1;
    proposedRows.push({ decision: evaluation.decision, ...(record.truth ? { truth: record.truth } : {}) });
    if (evaluation.decision === record.decision) continue;
    changedCount++;
    const key = `${record.decision}→${evaluation.decision}`;
    transitions[key] = (transitions[key] ?? 0) + 1;
    if (changed.length < maxChanged) {
      changed.push({
        orderId: record.orderId,
        assessedAt: record.assessedAt,
        from: record.decision,
        to: evaluation.decision,
        scoreFrom: record.score,
        scoreTo: evaluation.score,
        rulesFired: evaluation.fired.map((f) => f.ruleId),
        ...(record.truth ? { truth: record.truth } : {}),
      });
    }
  }
  return {
    evaluated: sorted.length,
    changedCount,
    changed,
    transitions,
    current: qualityMetrics(sorted),
    proposed: qualityMetrics(proposedRows),
    ruleErrors,
  };
}
