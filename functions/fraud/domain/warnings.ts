/**
 * Three-tier risk warnings (RISK-3): which tier an assessment raises, if any. Pure. The rate limit
 * (at most N warnings per tier per window, the rest counted as suppressed) is kept in DynamoDB.
 *
 *  - reject → `major`
 *  - review → `elevated`
 *  - approve with a score of at least the general-warning score → `general`
 */
import type { Evaluation } from './scoring.ts';

/** Warning tiers, least severe first. */
export const WARNING_TIERS = ['general', 'elevated', 'major'] as const;
export type WarningTier = (typeof WARNING_TIERS)[number];

/** The tier an evaluation raises, or undefined for none. */
export function warningTierFor(evaluation: Pick<Evaluation, 'decision' | 'score'>, generalMinScore: number): WarningTier | undefined {
  if (evaluation.decision === 'reject') return 'major';
  if (evaluation.decision === 'review') return 'elevated';
  return evaluation.score > 0 && evaluation.score >= generalMinScore ? 'general' : undefined;
}
