/**
 * The four incident severities (OPS-1, RISK-3) shared by alarms, compliance findings and the
 * fraud warning tiers. Each maps to one alert target (an SNS topic per severity in the CDK app).
 *
 * - `critical` (P1): money or personal data at risk now, or ordering/payment down. Page at once.
 * - `high` (P2): a customer-visible failure or a compliance breach. Respond within the hour.
 * - `medium` (P3): degraded, or a defect that will bite if left. Same working day.
 * - `low` (P4): housekeeping; reviewed weekly.
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** Whether `a` is at least as severe as `b`. */
export function atLeast(a: Severity, b: Severity): boolean {
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b);
}
