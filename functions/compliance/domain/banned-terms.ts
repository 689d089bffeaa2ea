/**
 * CMP-1: product listings must not contain banned advertising terms (China's Advertising Law
 * art. 9 — absolute claims such as "最有效", "国家级", "最佳"). Pure: the term list comes from config.
 *
 * Matching is case-insensitive and tolerant of the usual evasions: text is NFKC-normalised (so
 * full-width "ＮＯ．１" equals "no.1"), lower-cased, and stripped of whitespace and zero-width
 * characters on both sides before a substring search.
 */

/** The parts of a listing that are checked: its name and every string in its attributes. */
export interface ListingText {
  readonly name: string;
  readonly attributes?: unknown;
}

/** Normalises text for matching. */
export function normalizeForMatching(text: string): string {
  return text
    .normalize('NFKC')
    .toLocaleLowerCase('en-US')
    .replace(/[\s\u200B-\u200D\u2060\uFEFF]+/gu, '');
}

function stringsIn(value: unknown, out: string[], depth = 0): string[] {
  if (depth > 5) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out, depth + 1);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) stringsIn(item, out, depth + 1);
  return out;
}

/**
 * The banned terms found in a listing, as spelled in `terms`, de-duplicated and sorted.
 * An empty result means the listing is clean.
 */
export function findBannedTerms(listing: ListingText, terms: readonly string[]): string[] {
  const haystacks = [listing.name, ...stringsIn(listing.attributes, [])].map(normalizeForMatching);
  const found = new Set<string>();
  for (const term of terms) {
    const needle = normalizeForMatching(term);
    if (needle === '') continue;
    if (haystacks.some((text) => text.includes(needle))) found.add(term);
  }
  return [...found].sort();
}
