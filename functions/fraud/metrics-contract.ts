/**
 * Fraud's metrics contract (RISK-5, KPI-1): the ONE definition of the fraud false-positive rate, for
 * analytics' KPIs. Analytics counts the same things from fraud's decision events (RiskReviewRequired,
 * RiskRejected by the rules; RiskApproved by an analyst) on the day of the assessment, and applies
 * fraud's own formula here, so the KPI and fraud's own daily report cannot drift apart. Pure.
 */
import { falsePositiveRate as fraudFalsePositiveRate, ZERO_COUNTS } from './domain/metrics.ts';

/**
 * The false-positive rate (4 decimals; null when nothing was flagged): orders flagged (sent to
 * review or rejected by the rules) that analysts approved, over all orders flagged.
 */
export function falsePositiveRate(flagged: number, analystApproved: number): number | null {
  return fraudFalsePositiveRate({ ...ZERO_COUNTS, review: flagged, analystApproved });
}
