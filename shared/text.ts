/**
 * Validation of text a client sends (SEC-5). Two levels, one rule set:
 *
 * - **Every string of every request** (body, path and query parameters, and the names of object
 *   members) is checked by the HTTP stack's validation ({@link findTextIssues}, called by
 *   `zodValidation` in shared/http/middlewares.ts), whatever its field's schema says. Refused there:
 *   unpaired UTF-16 surrogates (not Unicode: UTF-8, DynamoDB and KMS cannot carry them unchanged),
 *   bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C: "Trojan Source"
 *   text that reads differently from what it is), zero-width characters (U+200B, U+200C, U+200D,
 *   U+2060, U+FEFF: invisible text that defeats matching and review), and control characters other
 *   than tab, line feed and carriage return (C0, DEL, C1).
 * - **Free text a person types** (names, reasons, notes: {@link freeText}) additionally refuses
 *   tab, line feed and carriage return, so nothing can forge log or audit lines.
 *
 * Messages name the class of character, never the value. Pure (zod only).
 */
import * as z from './zod.ts';

/** The kinds of character a request's text must not contain, and what a client is told. */
export const TEXT_RULES = {
  control: 'Must not contain control characters',
  surrogate: 'Must not contain unpaired surrogates (text must be well-formed Unicode)',
  bidi: 'Must not contain bidirectional control characters',
  zeroWidth: 'Must not contain zero-width characters',
} as const;

/** A kind of refused character. */
export type TextRule = keyof typeof TEXT_RULES;

/** Bidirectional formatting controls: embeddings/overrides, isolates, and the implicit marks. */
const BIDI_CONTROLS = new Set([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]);

/** Zero-width characters: space, non-joiner, joiner, word joiner, and the BOM / zero-width no-break space. */
const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);

/** Line breaks and tabs: allowed in structured text (e.g. a multi-line rule condition), never in free text. */
const LINE_WHITESPACE = new Set([0x09, 0x0a, 0x0d]);

/** Options of {@link textIssue}. */
export interface TextIssueOptions {
  /** Allow tab, line feed and carriage return (the request-wide check does; {@link freeText} does not). */
  readonly allowLineBreaks?: boolean;
}

/**
 * The first rule `value` breaks, or `undefined` when it is acceptable text. Walks UTF-16 code units,
 * so an unpaired surrogate (which `for…of` would also yield, alone) is found wherever it is.
 */
export function textIssue(value: string, options: TextIssueOptions = {}): TextRule | undefined {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair: a supplementary-plane character (emoji, rare CJK), fine
        continue;
      }
      return 'surrogate';
    }
    if (code >= 0xdc00 && code <= 0xdfff) return 'surrogate';
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      if (options.allowLineBreaks && LINE_WHITESPACE.has(code)) continue;
      return 'control';
    }
    if (BIDI_CONTROLS.has(code)) return 'bidi';
    if (ZERO_WIDTH.has(code)) return 'zeroWidth';
  }
  return undefined;
}

/** True when `value` has no control characters (C0, DEL, C1). */
export function hasNoControlCharacters(value: string): boolean {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return false;
  }
  return true;
}

/** One offending string of a request: where (`body.shippingAddress.name`) and which rule it breaks. */
export interface TextIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Every string in `value` (a parsed JSON body, or path/query parameters) that breaks the
 * request-wide rules (tabs and line breaks allowed; {@link freeText} fields refuse them on their
 * own), with its path under `location` in the form zod issues are reported (`body.items[0].sku`). Member names are checked too: a bad name is reported at
 * its object's path (the name itself is never echoed). Depth is bounded by the JSON parser's.
 */
export function findTextIssues(value: unknown, location: string): TextIssue[] {
  const issues: TextIssue[] = [];
  const walk = (node: unknown, path: string) => {
    if (typeof node === 'string') {
      const rule = textIssue(node, { allowLineBreaks: true });
      if (rule) issues.push({ path, message: TEXT_RULES[rule] });
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${path}[${index}]`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        const rule = textIssue(key, { allowLineBreaks: false });
        if (rule) {
          issues.push({ path, message: `Property names ${TEXT_RULES[rule].charAt(0).toLowerCase()}${TEXT_RULES[rule].slice(1)}` });
          continue;
        }
        walk(item, `${path}.${key}`);
      }
    }
  };
  walk(value, location);
  return issues;
}

/**
 * Free text: trimmed, 1 to `max` characters, none of the characters {@link textIssue} refuses (no
 * line breaks or tabs either, once trimmed). What trimming removes at the ends (including a
 * U+FEFF) never reaches a handler; through the HTTP stack it is refused anyway, since the
 * request-wide check ({@link findTextIssues}) sees the text as sent.
 */
export const freeText = (max: number) =>
  z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(max),
    z.superRefine((value, ctx) => {
      const rule = textIssue(value);
      if (rule) ctx.addIssue({ code: 'custom', message: TEXT_RULES[rule] });
    }),
  );
