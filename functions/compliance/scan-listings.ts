/**
 * Use case (CMP-1, scheduled daily): review every product listing, page by page, and summarise.
 * Stops early (and says so) when the invocation is about to run out of time; the next run starts
 * over, and since reviews are idempotent nothing is counted twice in the stored findings.
 */
import { reviewLoadedListing, type ReviewDeps } from './review-listing.ts';

/** What a scan did. */
export interface ScanSummary {
  readonly scanned: number;
  readonly withBannedTerms: number;
  readonly opened: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly resolved: number;
  readonly pages: number;
  /** False when the scan stopped early for lack of time. */
  readonly complete: boolean;
}

/** Options of a scan. */
export interface ScanOptions {
  readonly pageSize?: number;
  /** Listings reviewed in parallel within a page. Default 8. */
  readonly concurrency?: number;
  /** Asked before each page; true stops the scan (e.g. little Lambda time left). */
  readonly shouldStop?: () => boolean;
}

/** Scans all listings and records findings. */
export async function scanListings(deps: ReviewDeps, options: ScanOptions = {}): Promise<ScanSummary> {
  const counts = { scanned: 0, withBannedTerms: 0, opened: 0, updated: 0, unchanged: 0, resolved: 0, pages: 0 };
  let page: Record<string, unknown> | undefined;
  do {
    if (options.shouldStop?.()) return { ...counts, complete: false };
    const result = await deps.listings.listListings(page, options.pageSize ?? 100);
    counts.pages++;
    const queue = [...result.items];
    const worker = async () => {
      for (let listing = queue.shift(); listing; listing = queue.shift()) {
        const review = await reviewLoadedListing(deps, listing);
        counts.scanned++;
        if (review.terms.length > 0) counts.withBannedTerms++;
        if (review.outcome !== 'none') counts[review.outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, worker));
    page = result.nextPage;
  } while (page);
  return { ...counts, complete: true };
}
