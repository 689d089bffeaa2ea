/**
 * Use case (CMP-1): check one product listing for banned advertising terms and record the result:
 * terms found → an open finding (opened, or its terms updated); none found (or the product is
 * gone) → an open finding is resolved. Idempotent: reviewing the same listing twice changes
 * nothing the second time.
 */
import type { Clock } from '../../shared/clock.ts';
import { findBannedTerms } from './domain/banned-terms.ts';
import type { FindingsRepository, RecordOutcome, ResolveOutcome } from './findings-repository.ts';
import type { Listing, ListingSource } from './listing-source.ts';

/** Ports and settings of the review. */
export interface ReviewDeps {
  readonly listings: ListingSource;
  readonly findings: FindingsRepository;
  readonly clock: Clock;
  /** The configured banned terms. */
  readonly bannedTerms: readonly string[];
  /** Phrases that contain a banned term without making a claim (default: the domain's list). */
  readonly allowedPhrases?: readonly string[];
}

/** The result of reviewing one listing. */
export interface ReviewResult {
  readonly sku: string;
  readonly terms: readonly string[];
  readonly outcome: RecordOutcome | ResolveOutcome;
}

/** Reviews a listing already read (used by the scan). */
export async function reviewLoadedListing(deps: Omit<ReviewDeps, 'listings'>, listing: Listing): Promise<ReviewResult> {
  const terms = findBannedTerms(listing, deps.bannedTerms, deps.allowedPhrases);
  const at = deps.clock.now();
  const outcome = terms.length > 0 ? await deps.findings.recordBannedTerms(listing.sku, terms, at) : await deps.findings.resolveBannedTerms(listing.sku, at);
  return { sku: listing.sku, terms, outcome };
}

/** Reads the listing of `sku` and reviews it; a product that no longer exists resolves its finding. */
export async function reviewListing(deps: ReviewDeps, sku: string): Promise<ReviewResult> {
  const listing = await deps.listings.getListing(sku);
  if (!listing) return { sku, terms: [], outcome: await deps.findings.resolveBannedTerms(sku, deps.clock.now()) };
  return reviewLoadedListing(deps, listing);
}
