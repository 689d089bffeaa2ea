/**
 * Scan `banned-terms` (CMP-1): every product listing checked for banned advertising terms
 * (word-aware, with the allowlist; domain/banned-terms.ts). One high-severity finding per SKU; a
 * content reviewer who confirms it takes the listing down (functions/compliance/resolve-finding.ts).
 */
import { findBannedTerms } from '../domain/banned-terms.ts';
import type { Listing, ListingSource } from '../listing-source.ts';
import type { ComplianceScan, FindingDraft } from './compliance-scan.ts';
import { eachPaged } from '../paging.ts';

export const BANNED_TERMS_SCAN = 'banned-terms';

/** Settings of the scan. */
export interface BannedTermsSettings {
  readonly bannedTerms: readonly string[];
  readonly allowedPhrases?: readonly string[];
}

/** The finding for one listing, or `undefined` when it is clean. */
export function bannedTermsDraft(settings: BannedTermsSettings, listing: Listing): FindingDraft | undefined {
  const terms = findBannedTerms(listing, settings.bannedTerms, settings.allowedPhrases);
  if (terms.length === 0) return undefined;
  return { subject: listing.sku, severity: 'high', summary: `Listing ${listing.sku} uses banned advertising terms: ${terms.join(', ')}`, details: { terms: terms.join(', ') } };
}

/** The scan over `listings`. */
export function bannedTermsScan(deps: { readonly listings: ListingSource; readonly pageSize?: number } & BannedTermsSettings): ComplianceScan {
  return {
    id: BANNED_TERMS_SCAN,
    description: 'Product listings with banned advertising terms (Advertising Law art. 9)',
    async run(context) {
      const findings: FindingDraft[] = [];
      const { examined, complete } = await eachPaged(
        (page) => deps.listings.listListings(page, deps.pageSize ?? 100),
        context.shouldStop,
        (listing) => {
          const draft = bannedTermsDraft(deps, listing);
          if (draft) findings.push(draft);
        },
      );
      return { findings, examined, complete };
    },
  };
}
