/**
 * Strings that look like personal data in clear (CMP-1): a mainland mobile number, an e-mail
 * address, a resident ID number (18 characters, last a digit or X). Pure. Matches must stand alone
 * (not inside a longer run of letters and digits), so hashes, ULIDs and ciphertexts do not match.
 */
const PATTERNS: ReadonlyArray<readonly [kind: string, pattern: RegExp]> = [
  ['phone', /(?<![A-Za-z0-9])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![A-Za-z0-9])/u],
  ['email', /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9])/u],
  ['id-number', /(?<![A-Za-z0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![A-Za-z0-9])/u],
];

/** The kinds of personal data `text` appears to hold in clear (`phone`, `email`, `id-number`). */
export function personalDataKinds(text: string): string[] {
  return PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([kind]) => kind);
}
