/**
 * Canonical JSON by RFC 8785 (issue 17: one canonical form for the audit chain and request
 * fingerprints; the hand-written versions turned a Date into `{}`). Vectors from RFC 8785 §3.2.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../../../shared/canonical-json.ts';
import { requestFingerprint } from '../../../functions/checkout/place-order.ts';

describe('canonicalJson (RFC 8785, SEC-4 audit chain, ORD-7 request fingerprints)', () => {
  it('sorts keys by UTF-16 code units and prints numbers as ECMAScript does (RFC 8785 §3.2.2, §3.2.3)', () => {
    // RFC 8785 §3.2.3's sorting example: "\u20ac" (€) > "\r" > "1" … by UTF-16 code units.
    const sorted = canonicalJson({
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    });
    // (the order of the text itself: JSON.parse would move the integer-like key "1" first)
    const keys = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) => sorted.indexOf(`${JSON.stringify(k)}:`));
    expect(keys.every((at, i) => at > 0 && (i === 0 || at > (keys[i - 1] as number)))).toBe(true);
    expect(canonicalJson({ numbers: [333333333.3333333, 1e30, 4.5, 2e-3, 0.000000000000000000000000001], literals: [null, true, false] })).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}',
    );
  });

  it('honours toJSON: a Date is its ISO string, never {}', () => {
    expect(canonicalJson({ at: new Date('2026-12-05T10:00:00.000Z') })).toBe('{"at":"2026-12-05T10:00:00.000Z"}');
    expect(requestFingerprint({ at: new Date('2026-12-05T10:00:00.000Z') })).not.toBe(requestFingerprint({ at: new Date('2027-01-01T00:00:00.000Z') }));
  });

  it('leaves out undefined properties and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ b: 1, a: undefined })).toBe('{"b":1}');
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
    expect(() => canonicalJson({ s: '\ud800' })).toThrow();
  });

  it('does not depend on key order, and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = canonicalJson(value);
        const reordered = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        ) as unknown;
        expect(canonicalJson(reordered)).toBe(json);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
