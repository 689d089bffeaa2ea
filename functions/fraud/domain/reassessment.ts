/**
 * Re-assessing an order whose shipping address was corrected (ORD-6, RISK-1). Pure.
 *
 * The order's stored features are kept — amount, history, email, device, IP and payment did not
 * change — except what depends on the address: the shipping zone (and the billing mismatch), the
 * address and phone blocklist hits, the address velocity counts, and `addressCorrected` (true: a
 * parcel redirected after ordering is itself a signal rules may weigh). The rules then score it
 * again.
 *
 * A re-assessment never relaxes a decision: the outcome is the stricter of the order's decision so
 * far (an analyst's, once made) and the new score's — approve < review < reject. An order already
 * in review stays there for the analyst; an approved one may go to review or be rejected.
 */
import { velocityName, type RiskFeatures } from './features.ts';
import type { RiskDecision } from './scoring.ts';
import type { ReviewState } from './review.ts';
import { VELOCITY_WINDOWS, type VelocityWindow } from './velocity.ts';

const RANK: Readonly<Record<RiskDecision, number>> = { approve: 0, review: 1, reject: 2 };

/** What the correction changes about the order's features. */
export interface CorrectedAddressFacts {
  readonly shippingRegion: string;
  readonly blocklistedAddress: boolean;
  readonly blocklistedPhone: boolean;
  /** Orders to the corrected address per window, this one included. */
  readonly addressVelocity: Partial<Record<VelocityWindow, number>>;
}

/** The features of the re-assessment. */
export function reassessedFeatures(features: Readonly<Record<string, number | string | boolean>>, facts: CorrectedAddressFacts): RiskFeatures {
  const billingRegion = typeof features.billingRegion === 'string' ? features.billingRegion : '';
  const next: Record<string, number | string | boolean> = {
    ...features,
    shippingRegion: facts.shippingRegion,
    regionMismatch: billingRegion !== '' && billingRegion !== facts.shippingRegion,
    blocklistedAddress: facts.blocklistedAddress,
    blocklistedPhone: facts.blocklistedPhone,
    addressCorrected: true,
  };
  for (const window of VELOCITY_WINDOWS) next[velocityName('address', window)] = facts.addressVelocity[window] ?? 1;
  return next as RiskFeatures;
}

/** The order's decision so far: the analyst's once made, else the rules'. */
export function effectiveDecision(assessment: { readonly decision: RiskDecision; readonly review?: ReviewState }): RiskDecision {
  if (assessment.review?.status === 'approved') return 'approve';
  if (assessment.review?.status === 'rejected') return 'reject';
  return assessment.decision;
}

/** The stricter of two decisions. */
export function stricter(a: RiskDecision, b: RiskDecision): RiskDecision {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The review state after a re-assessment deciding `decision`: a pending review stays as it is; a
 * new review is queued at `now`; a rejection takes a pending review out of the queue; an analyst's
 * earlier decision is kept as history unless the order goes back to review.
 */
export function reviewAfter(previous: ReviewState | undefined, decision: RiskDecision, now: string): ReviewState | undefined {
  if (decision === 'review') return previous?.status === 'pending' ? previous : { status: 'pending', queuedAt: now };
  if (previous?.status === 'pending') return undefined;
  return previous;
}
