/**
 * Characters (UTF-16 code units) no request text may carry (SEC-5; shared/text.ts), by class, for
 * table-driven tests at every level.
 */
import type { TextRule } from '../../shared/text.ts';

/** Every character (or code unit) a request's text must not carry, by class (SEC-5). */
export const HOSTILE_CHARACTERS: ReadonlyArray<readonly [TextRule, string, string]> = [
  ['surrogate', 'lone high surrogate U+D800', '\ud800'],
  ['surrogate', 'lone high surrogate U+DBFF', '\udbff'],
  ['surrogate', 'lone low surrogate U+DC00', '\udc00'],
  ['surrogate', 'lone low surrogate U+DFFF', '\udfff'],
  ['bidi', 'LEFT-TO-RIGHT EMBEDDING U+202A', '\u202a'],
  ['bidi', 'RIGHT-TO-LEFT EMBEDDING U+202B', '\u202b'],
  ['bidi', 'POP DIRECTIONAL FORMATTING U+202C', '\u202c'],
  ['bidi', 'LEFT-TO-RIGHT OVERRIDE U+202D', '\u202d'],
  ['bidi', 'RIGHT-TO-LEFT OVERRIDE U+202E', '\u202e'],
  ['bidi', 'LEFT-TO-RIGHT ISOLATE U+2066', '\u2066'],
  ['bidi', 'RIGHT-TO-LEFT ISOLATE U+2067', '\u2067'],
  ['bidi', 'FIRST STRONG ISOLATE U+2068', '\u2068'],
  ['bidi', 'POP DIRECTIONAL ISOLATE U+2069', '\u2069'],
  ['bidi', 'LEFT-TO-RIGHT MARK U+200E', '\u200e'],
  ['bidi', 'RIGHT-TO-LEFT MARK U+200F', '\u200f'],
  ['bidi', 'ARABIC LETTER MARK U+061C', '\u061c'],
  ['zeroWidth', 'ZERO WIDTH SPACE U+200B', '\u200b'],
  ['zeroWidth', 'ZERO WIDTH NON-JOINER U+200C', '\u200c'],
  ['zeroWidth', 'ZERO WIDTH JOINER U+200D', '\u200d'],
  ['zeroWidth', 'WORD JOINER U+2060', '\u2060'],
  ['zeroWidth', 'ZERO WIDTH NO-BREAK SPACE / BOM U+FEFF', '\ufeff'],
  ['control', 'NUL U+0000', '\u0000'],
  ['control', 'ESC U+001B', '\u001b'],
  ['control', 'DEL U+007F', '\u007f'],
  ['control', 'NEL U+0085 (C1)', '\u0085'],
];
