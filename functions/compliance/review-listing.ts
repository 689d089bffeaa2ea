/**
 * Use case (CMP-1): check one changed product listing for banned advertising terms at once
 * (between the daily scans) and record the result in the `banned-terms` scan's findings: terms
 * found → the finding is opened or updated; none found (or the product is gone) → an unresolved
 * finding is resolved as fixed. Idempotent: reviewing the same listing twice changes nothing.
 */
import type { Clock } from '../../shared/clock.ts';
import { findingIdOf, type FindingsRepository, type RecordOutcome } from './findings-repository.ts';
import type { ListingSource } from './listing-source.ts';
import { BANNED_TERMS_SCAN, bannedTermsDraft, type BannedTermsSettings } from './scans/banned-terms.ts';

/** Ports and settings of the review. */
export interface ReviewDeps extends BannedTermsSettings {
  readonly listings: ListingSource;
  readonly findings: FindingsRepository;
  readonly clock: Clock;
}

/** The result of reviewing one listing. */
export interface ReviewResult {
  readonly sku: string;
  readonly terms: readonly string[];
  readonly outcome: RecordOutcome | 'resolved' | 'none';
}

/** Reads the listing of `sku` and reviews it; a product that no longer exists resolves its finding. */
export async function reviewListing(deps: ReviewDeps, sku: string): Promise<ReviewResult> {
  const listing = await deps.listings.getListing(sku);
  const draft = listing ? bannedTermsDraft(deps, listing) : undefined;
  if (draft) {
    const { outcome } = await deps.findings.record(BANNED_TERMS_SCAN, draft, deps.clock.now());
    return { sku, terms: String(draft.details?.terms ?? '').split(', '), outcome };
  }
  const resolved = await deps.findings.transition(findingIdOf(BANNED_TERMS_SCAN, sku), ['open', 'confirmed'], 'resolved', {
    outcome: 'fixed',
    by: `system:${BANNED_TERMS_SCAN}`,
    at: deps.clock.now().toISOString(),
  });
  return { sku, terms: [], outcome: resolved ? 'resolved' : 'none' };
}
