/**
 * EventBridge event patterns, locally: validation (what PutRule / TestEventPattern reject with
 * InvalidEventPatternException) and matching, with the semantics of AWS's documented content
 * filtering and of Event Ruler (github.com/aws/event-ruler), the matching library EventBridge uses.
 *
 * Semantics, in short:
 * - Fields of a pattern object are ANDed; the values in a leaf array are ORed.
 * - A leaf matches if any of its values matches any scalar value of the event field; event arrays
 *   (nested ones too) are "crushed" into their elements. Objects inside an event array are matched
 *   element by element, so one element must satisfy the whole sub-pattern ("array consistency").
 * - A field that is missing, an object (not a leaf), or an array without scalars counts as absent:
 *   only `{ "exists": false }` matches an absent field. `anything-but` never matches an absent field.
 * - Strings, numbers, booleans and null never equal one another; numbers compare numerically
 *   (300, 300.0 and 3.0e2 are equal). `numeric` only matches JSON numbers within ±5e9.
 * - `$or` (an array of at least two objects, at any level) matches if any branch matches.
 *
 * Pure: no I/O, no state.
 */

/** Thrown by {@link validateEventPattern}; `message` reads like EventBridge's InvalidEventPatternException. */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Leaf = null | boolean | number | string;

const OR = '$or';
const NUMERIC_LIMIT = 5e9;
const OPERATORS = ['exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr'];
const NUMERIC_OPERATORS = ['=', '<', '<=', '>', '>='];
/** Field names Event Ruler refuses inside `$or` branches (operators, plus names it reserves). */
const RESERVED_IN_OR = new Set([
  ...OPERATORS,
  ...NUMERIC_OPERATORS,
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);
const ANYTHING_BUT_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

function fail(path: readonly string[], reason: string): never {
  throw new InvalidEventPatternError(`Event pattern is not valid. Reason: ${reason}${path.length ? ` (at ${path.join('.')})` : ''}`);
}

/**
 * Checks an event pattern the way EventBridge does when a rule is created or a pattern tested.
 * Throws an {@link InvalidEventPatternError} naming the problem: a pattern that is not an object,
 * empty objects or arrays, leaf values that are not arrays, unknown or malformed operators
 * (numeric ranges, wildcards, CIDRs, anything-but forms, exists), and malformed `$or`.
 */
export function validateEventPattern(pattern: unknown): asserts pattern is Record<string, unknown> {
  if (!isObject(pattern)) fail([], 'Filter is not an object');
  validateObject(pattern, [], false);
}

function validateObject(pattern: Record<string, unknown>, path: string[], insideOr: boolean): void {
  const keys = Object.keys(pattern);
  if (keys.length === 0) fail(path, 'Empty objects are not allowed');
  for (const key of keys) {
    const value = pattern[key];
    if (key === OR) {
      validateOr(value, path);
      continue;
    }
    const here = [...path, key];
    if (insideOr && RESERVED_IN_OR.has(key)) fail(here, `${key} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
    if (Array.isArray(value)) validateValues(value, here);
    else if (isObject(value)) validateObject(value, here, insideOr);
    else fail(here, `"${key}" must be an object or an array`);
  }
}

function validateOr(value: unknown, path: string[]): void {
  const here = [...path, OR];
  if (!Array.isArray(value)) fail(here, `It must be an Array followed with ${OR}.`);
  for (const branch of value) {
    if (!isObject(branch)) fail(here, `Only JSON object is allowed in array of ${OR} relationship.`);
  }
  if (value.length < 2) fail(here, `There must have at least 2 Objects in ${OR} relationship.`);
  for (const branch of value as Record<string, unknown>[]) validateObject(branch, path, true);
}

function validateValues(values: unknown[], path: string[]): void {
  if (values.length === 0) fail(path, 'Empty arrays are not allowed');
  for (const value of values) {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) fail(path, 'Match value must be String, number, true, false, or null');
      continue;
    }
    if (isObject(value)) validateMatcher(value, path);
    else fail(path, 'Match value must be String, number, true, false, or null');
  }
}

function singleKey(matcher: Record<string, unknown>, path: string[], missing: string): string {
  const keys = Object.keys(matcher);
  if (keys.length === 0) fail(path, missing);
  if (keys.length > 1) fail(path, 'Only one key allowed in match expression');
  return keys[0] as string;
}

function validateMatcher(matcher: Record<string, unknown>, path: string[]): void {
  const op = singleKey(matcher, path, 'Match expression name not found');
  const arg = matcher[op];
  switch (op) {
    case 'exactly':
    case 'equals-ignore-case':
      if (typeof arg !== 'string') fail(path, `${op === 'exactly' ? 'exact' : op} match pattern must be a string`);
      return;
    case 'prefix':
    case 'suffix':
      if (isObject(arg)) {
        const inner = singleKey(arg, path, `${op} expression name not found`);
        if (inner !== 'equals-ignore-case') fail(path, `Unsupported ${op} pattern: ${inner}`);
        if (typeof arg[inner] !== 'string') fail(path, 'equals-ignore-case match pattern must be a string');
      } else if (typeof arg !== 'string') fail(path, `${op} match pattern must be a string`);
      return;
    case 'wildcard':
      if (typeof arg !== 'string') fail(path, 'wildcard match pattern must be a string');
      validateWildcard(arg, path);
      return;
    case 'exists':
      if (typeof arg !== 'boolean') fail(path, 'exists match pattern must be either true or false.');
      return;
    case 'cidr':
      if (typeof arg !== 'string') fail(path, 'cidr match pattern must be a string');
      parseCidr(arg, (reason) => fail(path, reason));
      return;
    case 'numeric':
      validateNumeric(arg, path);
      return;
    case 'anything-but':
      validateAnythingBut(arg, path);
      return;
    default:
      fail(path, `Unrecognized match type ${op}`);
  }
}

function checkNumericLimit(value: number, path: string[]): void {
  if (value < -NUMERIC_LIMIT || value > NUMERIC_LIMIT) fail(path, `Value must be between ${-NUMERIC_LIMIT} and ${NUMERIC_LIMIT}, inclusive`);
}

function validateNumeric(arg: unknown, path: string[]): void {
  if (!Array.isArray(arg)) fail(path, 'Value of numeric must be an array.');
  const [op, value] = arg as unknown[];
  if (typeof op !== 'string') fail(path, `Invalid member in numeric match: ${JSON.stringify(op ?? null)}`);
  if (!NUMERIC_OPERATORS.includes(op)) fail(path, `Unrecognized numeric range operator: ${op}`);
  if (!isNumber(value)) fail(path, `Value of ${op === '=' ? 'equals' : op} must be numeric`);
  checkNumericLimit(value, path);
  if (op === '=' || op === '<' || op === '<=' || arg.length === 2) {
    if (arg.length !== 2) fail(path, 'Too many elements in numeric expression');
    return;
  }
  const [, , op2, top] = arg as unknown[];
  if (typeof op2 !== 'string') fail(path, `Bad value in numeric range: ${JSON.stringify(op2 ?? null)}`);
  if (op2 !== '<' && op2 !== '<=') fail(path, `Bad numeric range operator: ${op2}`);
  if (!isNumber(top)) fail(path, `Value of ${op2} must be numeric`);
  if (arg.length !== 4) fail(path, 'Too many terms in numeric range expression');
  checkNumericLimit(top, path);
  if (!(value < top)) fail(path, 'Bottom must be less than top');
}

function validateAnythingBut(arg: unknown, path: string[]): void {
  if (typeof arg === 'string') return;
  if (typeof arg === 'number') {
    if (!Number.isFinite(arg)) fail(path, 'Value of anything-but must be an array or single string/number value.');
    checkNumericLimit(arg, path);
    return;
  }
  if (Array.isArray(arg)) {
    for (const item of arg) {
      if (typeof item !== 'string' && !isNumber(item)) fail(path, 'Inside anything but list, start|null|boolean is not supported.');
      if (isNumber(item)) checkNumericLimit(item, path);
    }
    const strings = arg.filter((item) => typeof item === 'string').length;
    if (arg.length === 0 || (strings !== 0 && strings !== arg.length)) {
      fail(path, 'Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    return;
  }
  if (!isObject(arg)) fail(path, 'Value of anything-but must be an array or single string/number value.');
  const op = singleKey(arg, path, 'Anything-But expression name not found');
  if (!ANYTHING_BUT_OPERATORS.includes(op)) fail(path, `Unsupported anything-but pattern: ${op}`);
  const value = arg[op];
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) fail(path, `Empty arrays are not allowed in anything-but ${op}`);
  for (const item of items) {
    if (typeof item !== 'string') {
      fail(path, op === 'equals-ignore-case' ? 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.' : `${op} match pattern must be a string`);
    }
    if ((op === 'prefix' || op === 'suffix') && item === '') fail(path, 'Null prefix/suffix not allowed');
    if (op === 'wildcard') validateWildcard(item, path);
  }
}

// ---------------------------------------------------------------------------------------------
// Wildcards and IP addresses
// ---------------------------------------------------------------------------------------------

/**
 * Splits a wildcard pattern into its literal segments (between unescaped `*`). `\*` is a literal
 * asterisk, `\\` a literal backslash; any other escape and `**` are errors, as in Event Ruler.
 */
function parseWildcard(pattern: string): { segments: string[] } | { error: string } {
  const segments: string[] = [''];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') return { error: `Consecutive wildcard characters at pos ${i}` };
      segments.push('');
    } else if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') return { error: `Invalid escape character at pos ${i}` };
      segments[segments.length - 1] += next;
      i++;
    } else {
      segments[segments.length - 1] += c;
    }
  }
  return { segments };
}

function validateWildcard(pattern: string, path: string[]): void {
  const parsed = parseWildcard(pattern);
  if ('error' in parsed) fail(path, parsed.error);
}

/** `*` matches any run of characters (including none); segments must appear in order. */
function wildcardMatches(pattern: string, value: string): boolean {
  const parsed = parseWildcard(pattern);
  if ('error' in parsed) return false;
  const { segments } = parsed;
  const first = segments[0] as string;
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] as string;
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (const middle of segments.slice(1, -1)) {
    const found = value.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** The bytes of an IPv4 (4) or IPv6 (16) address literal, or undefined if it is not one. */
function parseIp(text: string): number[] | undefined {
  if (IPV4.test(text)) {
    const bytes = text.split('.').map(Number);
    return bytes.every((b) => b <= 255) ? bytes : undefined;
  }
  if (!IPV6.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const all = [...head, ...tail];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  if (halves.length === 1 ? all.length !== 8 : all.length > 7) return undefined;
  const words = [...head, ...Array<string>(8 - all.length).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

interface IpRange {
  bottom: number[];
  top: number[];
}

/**
 * Parses `address/bits`. Like Event Ruler, the range runs from the address as written to the
 * address with all host bits set (so `10.0.0.0/24` is 10.0.0.0–10.0.0.255), and the mask must be
 * below 32 (IPv4) or 128 (IPv6).
 */
function parseCidr(cidr: string, onError: (reason: string) => never): IpRange {
  const parts = cidr.split('/');
  if (parts.length !== 2) onError("Malformed CIDR, one '/' required");
  const [address, maskText] = parts as [string, string];
  if (!/^[0-9]+$/.test(maskText)) onError('Malformed CIDR, mask bits must be an integer');
  const bits = Number(maskText);
  const bottom = parseIp(address);
  if (!bottom) return onError(`Invalid IP address: ${address}`);
  const width = bottom.length * 8;
  if (bits >= width) onError(`${width === 32 ? 'IPv4 mask bits must be < 32' : 'IPv6 mask bits must be < 128'}`);
  const top = bottom.map((byte, i) => {
    const hostBits = Math.min(8, Math.max(0, width - bits - (bottom.length - 1 - i) * 8));
    return byte | ((1 << hostBits) - 1);
  });
  return { bottom, top };
}

function compareBytes(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

function cidrMatches(cidr: string, value: string): boolean {
  let range: IpRange;
  try {
    range = parseCidr(cidr, (reason) => {
      throw new InvalidEventPatternError(reason);
    });
  } catch {
    return false;
  }
  const ip = parseIp(value);
  return !!ip && ip.length === range.bottom.length && compareBytes(ip, range.bottom) >= 0 && compareBytes(ip, range.top) <= 0;
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/**
 * Whether `event` matches `pattern` (which should have passed {@link validateEventPattern};
 * unrecognised constructs simply do not match). See the module comment for the semantics.
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Record<string, unknown>, node: unknown): boolean {
  for (const key of Object.keys(pattern)) {
    const sub = pattern[key];
    if (key === OR && Array.isArray(sub)) {
      if (!sub.some((branch) => isObject(branch) && matchObject(branch, node))) return false;
      continue;
    }
    const child = isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
    if (Array.isArray(sub)) {
      if (!matchField(sub, child)) return false;
    } else if (!isObject(sub) || !matchNested(sub, child)) {
      return false;
    }
  }
  return true;
}

function flatten(values: unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

/** A nested pattern object against an event node; arrays are matched element by element. */
function matchNested(pattern: Record<string, unknown>, child: unknown): boolean {
  if (!Array.isArray(child)) return matchObject(pattern, child);
  const elements = flatten(child);
  return elements.length === 0 ? matchObject(pattern, undefined) : elements.some((element) => matchObject(pattern, element));
}

/** The scalar values of an event field; none means the field is absent as far as leaves go. */
function leafValues(child: unknown): Leaf[] {
  const values = Array.isArray(child) ? flatten(child) : [child];
  return values.filter((v): v is Leaf => v === null || (typeof v !== 'object' && v !== undefined));
}

function matchField(patternValues: unknown[], child: unknown): boolean {
  const values = leafValues(child);
  if (values.length === 0) return patternValues.some((p) => isObject(p) && p.exists === false);
  return patternValues.some((p) => values.some((v) => matchValue(p as Json, v)));
}

function matchValue(p: Json, v: Leaf): boolean {
  if (typeof p === 'string') return typeof v === 'string' && (v === p || sameIp(p, v));
  if (typeof p === 'number') return typeof v === 'number' && v === p;
  if (p === null || typeof p === 'boolean') return v === p;
  if (Array.isArray(p)) return false;
  const op = Object.keys(p)[0];
  const arg = op === undefined ? undefined : p[op];
  switch (op) {
    case 'exactly':
      return typeof v === 'string' && v === arg;
    case 'equals-ignore-case':
      return typeof v === 'string' && typeof arg === 'string' && v.toLowerCase() === arg.toLowerCase();
    case 'prefix':
      return typeof v === 'string' && affixMatches(arg, v, (s, a) => s.startsWith(a));
    case 'suffix':
      return typeof v === 'string' && affixMatches(arg, v, (s, a) => s.endsWith(a));
    case 'wildcard':
      return typeof v === 'string' && typeof arg === 'string' && wildcardMatches(arg, v);
    case 'exists':
      return arg === true;
    case 'cidr':
      return typeof v === 'string' && typeof arg === 'string' && cidrMatches(arg, v);
    case 'numeric':
      return Array.isArray(arg) && numericMatches(arg, v);
    case 'anything-but':
      return anythingButMatches(arg, v);
    default:
      return false;
  }
}

/** `prefix`/`suffix` with a string, or with `{ "equals-ignore-case": string }`. */
function affixMatches(arg: Json | undefined, value: string, test: (s: string, affix: string) => boolean): boolean {
  if (typeof arg === 'string') return test(value, arg);
  const folded = isObject(arg) ? arg['equals-ignore-case'] : undefined;
  return typeof folded === 'string' && test(value.toLowerCase(), folded.toLowerCase());
}

function sameIp(pattern: string, value: string): boolean {
  const a = parseIp(pattern);
  const b = parseIp(value);
  return !!a && !!b && a.length === b.length && compareBytes(a, b) === 0;
}

function numericMatches(spec: Json[], v: Leaf): boolean {
  if (typeof v !== 'number' || v < -NUMERIC_LIMIT || v > NUMERIC_LIMIT) return false;
  for (let i = 0; i + 1 < spec.length; i += 2) {
    const bound = spec[i + 1];
    if (typeof bound !== 'number') return false;
    const ok = { '=': v === bound, '<': v < bound, '<=': v <= bound, '>': v > bound, '>=': v >= bound }[String(spec[i])];
    if (!ok) return false;
  }
  return spec.length >= 2;
}

/** anything-but fails only on values of the excluded kind that match; any other present value passes. */
function anythingButMatches(arg: Json | undefined, v: Leaf): boolean {
  if (typeof arg === 'string' || typeof arg === 'number') return v !== arg;
  if (Array.isArray(arg)) return !arg.some((excluded) => excluded === v);
  if (!isObject(arg)) return false;
  const op = Object.keys(arg)[0];
  const raw = op === undefined ? undefined : arg[op];
  const excluded = (Array.isArray(raw) ? raw : [raw]).filter((x): x is string => typeof x === 'string');
  if (typeof v !== 'string') return true;
  switch (op) {
    case 'prefix':
      return !excluded.some((x) => v.startsWith(x));
    case 'suffix':
      return !excluded.some((x) => v.endsWith(x));
    case 'equals-ignore-case':
      return !excluded.some((x) => x.toLowerCase() === v.toLowerCase());
    case 'wildcard':
      return !excluded.some((x) => wildcardMatches(x, v));
    default:
      return false;
  }
}
