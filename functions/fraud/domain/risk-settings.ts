/**
 * The risk score thresholds as data (RISK-4, RISK-7): `reviewThreshold` (score ≥ it → manual review)
 * and `rejectThreshold` (score ≥ it → reject), 40 and 75 until a risk analyst proposes others. A
 * proposal changes live decisions, so it waits for a different risk analyst's approval, and applies
 * only if the thresholds are still those it was proposed against (no lost update) — the same
 * maker-checker check as rule changes (rule-changes.ts `approvalProblem`). Pure.
 */
import type { Thresholds } from './scoring.ts';

/** The thresholds in force, with their version (0: the configured defaults, never changed). */
export interface RiskSettings {
  readonly reviewThreshold: number;
  readonly rejectThreshold: number;
  readonly version: number;
  readonly updatedBy?: string;
  readonly updatedAt?: string;
}

/** A proposed change of the thresholds. */
export interface ThresholdChange {
  readonly changeId: string;
  readonly reviewThreshold: number;
  readonly rejectThreshold: number;
  readonly baseVersion: number;
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly reason: string;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly decisionReason?: string;
}

/** What scoring uses. */
export function thresholdsOf(settings: Pick<RiskSettings, 'reviewThreshold' | 'rejectThreshold'>): Thresholds {
  return { review: settings.reviewThreshold, reject: settings.rejectThreshold };
}
