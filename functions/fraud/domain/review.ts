/**
 * The manual review queue (RISK-5): an order the rules sent to review waits for a risk analyst,
 * whose decision (approve / reject) is final and recorded once. Pure.
 */

/** The review state of an assessed order (present only for orders the rules sent to review). */
export interface ReviewState {
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly queuedAt: string;
  readonly analystId?: string;
  readonly note?: string;
  readonly decidedAt?: string;
  /** The Idempotency-Key of the deciding request (a retry of it re-publishes the decision). */
  readonly decisionKey?: string;
}

/** An analyst's decision. */
export type AnalystDecision = 'approve' | 'reject';

/** What a decision request may do. */
export type DecisionCheck =
  /** Record it. */
  | 'decide'
  /** The same request (same analyst, decision and key) already went through: answer it again. */
  | 'repeat'
  /** The order is not in the review queue (the rules approved or rejected it). */
  | 'not-in-review'
  /** Someone already decided: 409. */
  | 'already-decided';

/** Checks a decision request against the review state. */
export function checkDecision(review: ReviewState | undefined, request: { readonly decision: AnalystDecision; readonly analystId: string; readonly key?: string }): DecisionCheck {
  if (!review) return 'not-in-review';
  if (review.status === 'pending') return 'decide';
  const same = review.status === (request.decision === 'approve' ? 'approved' : 'rejected') && review.analystId === request.analystId;
  return same && request.key !== undefined && review.decisionKey === request.key ? 'repeat' : 'already-decided';
}
