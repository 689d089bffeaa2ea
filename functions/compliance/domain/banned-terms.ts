/**
 * CMP-1: product listings must not contain banned advertising terms (China's Advertising Law
 * art. 9 — absolute claims such as "最有效", "国家级", "最佳"). Pure: the term list and the
 * allowlist come from config.
 *
 * Matching is case-insensitive and tolerant of the usual evasions: text is NFKC-normalised (so
 * full-width "ＮＯ．１" equals "no.1"), lower-cased and stripped of zero-width characters, and a
 * term still matches with whitespace between its characters ("最 佳"). It is word-aware:
 * - a term that begins or ends with a Latin letter or digit matches only on a word boundary
 *   ("best" is not found in "bestow", "no.1" not in "no.10");
 * - an occurrence inside an allowed phrase is not a claim: "第一" in "第一次" (the first time) or
 *   "第一步" (the first step) is ordinary Chinese, "第一品牌" (the number-one brand) is a claim.
 *   The allowlist is config ({@link DEFAULT_ALLOWED_PHRASES} by default).
 */

/** Phrases that contain a banned term without making a claim (ordinal "first …", etc.). */
export const DEFAULT_ALLOWED_PHRASES: readonly string[] = [
  '第一次',
  '第一天',
  '第一步',
  '第一批',
  '第一周',
  '第一期',
  '第一代',
  '第一口',
  '第一杯',
  '第一眼',
  '第一时间',
  '第一章',
  '第一层',
  '第一道',
  '第一个月',
];
/** The parts of a listing that are checked: its name and every string in its attributes. */
export interface ListingText {
  readonly name: string;
  readonly attributes?: unknown;
}

/** Normalises a term or phrase for matching: NFKC, lower-case, no whitespace or zero-width characters. */
export function normalizeForMatching(text: string): string {
  return text
    .normalize('NFKC')
    .toLocaleLowerCase('en-US')
    .replace(/[\s\u200B-\u200D\u2060\uFEFF]+/gu, '');
}

/** Normalises listing text: as above, but whitespace is kept (collapsed) so word boundaries survive. */
function normalizeListingText(text: string): string {
  return text
    .normalize('NFKC')
    .toLocaleLowerCase('en-US')
    .replace(/[\u200B-\u200D\u2060\uFEFF]+/gu, '')
    .replace(/\s+/gu, ' ');
}

const WORD_CHAR = /[\p{Script=Latin}\p{Nd}]/u;
const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A normalised term as a pattern: optional whitespace between its characters, boundaries where it is Latin. */
function termPattern(needle: string): RegExp {
  const chars = [...needle];
  const body = chars.map(escapeRegExp).join('\\s*');
  const before = WORD_CHAR.test(chars[0] ?? '') ? '(?<![\\p{Script=Latin}\\p{Nd}])' : '';
  const after = WORD_CHAR.test(chars.at(-1) ?? '') ? '(?![\\p{Script=Latin}\\p{Nd}])' : '';
  return new RegExp(`${before}${body}${after}`, 'gu');
}

function ranges(text: string, pattern: RegExp): Array<[number, number]> {
  return [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length]);
}

function stringsIn(value: unknown, out: string[], depth = 0): string[] {
  if (depth > 5) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out, depth + 1);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) stringsIn(item, out, depth + 1);
  return out;
}

/**
 * The banned terms found in a listing, as spelled in `terms`, de-duplicated and sorted: a term is
 * found when at least one occurrence is not inside an allowed phrase. An empty result means the
 * listing is clean.
 */
export function findBannedTerms(listing: ListingText, terms: readonly string[], allowedPhrases: readonly string[] = DEFAULT_ALLOWED_PHRASES): string[] {
  const texts = [listing.name, ...stringsIn(listing.attributes, [])].map(normalizeListingText);
  const allowed = allowedPhrases
    .map(normalizeForMatching)
    .filter((p) => p !== '')
    .map(termPattern);
  const covered = texts.map((text) => allowed.flatMap((pattern) => ranges(text, pattern)));
  const found = new Set<string>();
  for (const term of terms) {
    const needle = normalizeForMatching(term);
    if (needle === '') continue;
    const pattern = termPattern(needle);
    const claim = texts.some((text, i) => ranges(text, pattern).some(([start, end]) => !(covered[i] ?? []).some(([from, to]) => from <= start && end <= to)));
    if (claim) found.add(term);
  }
  return [...found].sort();
}
