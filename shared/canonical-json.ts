/**
 * Canonical JSON by RFC 8785 (JSON Canonicalization Scheme), through `canonicalize`, the
 * reference implementation by one of the RFC's authors: object keys sorted by UTF-16 code units at
 * every level, numbers as ECMAScript prints them, strings as JSON.stringify escapes them, `toJSON`
 * honoured (a Date becomes its ISO string, never `{}`), properties whose value is undefined left
 * out. The one canonical form the platform hashes: the audit chain's MACs, request fingerprints,
 * "is this setting unchanged" comparisons.
 */
import canonicalize from 'canonicalize';

/** The RFC 8785 form of `value`. Refuses what JSON cannot hold (undefined at the top, NaN, Infinity, cycles, lone surrogates). */
export function canonicalJson(value: unknown): string {
  const json = canonicalize(value);
  if (json === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return json;
}
