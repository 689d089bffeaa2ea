/**
 * What DynamoDB bills a transactional write, computed from item sizes — DynamoDB Local reports two
 * capacity units per table for a whole `TransactWriteItems`, however many items it writes, which
 * under-counts every transaction of more than one item.
 *
 * DynamoDB's rules (Developer Guide, "Item sizes and formats" and "Capacity for transactions"): an
 * item's size is the sum of its attribute names' and values' sizes — a string its UTF-8 bytes, a
 * number about one byte per two significant digits plus one, binary its bytes, a boolean or null one
 * byte, a list or map three bytes plus one per element plus the elements (a map's names included).
 * A transactional write costs two write units per item per started KB; a global secondary index the
 * item appears in (it has the index's key attributes) costs one more write per started KB of the
 * item's copy there (the whole item for projection ALL; its keys and included attributes otherwise).
 */

/** An attribute value in DynamoDB's JSON wire format (`{ "S": "…" }`, `{ "N": "…" }`, …). */
export type WireValue = Readonly<Record<string, unknown>>;
/** An item in DynamoDB's JSON wire format. */
export type WireItem = Readonly<Record<string, WireValue>>;

const KB = 1024;

/** A decimal's sign, significant digits (no leading or trailing zeros; none for zero) and exponent: its value is `±digits × 10^exponent`. */
function decimalParts(text: string): { negative: boolean; digits: string; exponent: number } | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match || (match[2] === '' && !match[3])) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = (whole + fraction).replace(/^0+/, '');
  const significant = digits.replace(/0+$/, '');
  return { negative: sign === '-', digits: significant, exponent: Number(exponent) - fraction.length + (digits.length - significant.length) };
}

/** The size of a number as DynamoDB stores it: about one byte per two significant digits, plus one. */
function numberSize(text: string): number {
  return Math.ceil(Math.max(decimalParts(text)?.digits.length ?? 0, 1) / 2) + 1;
}

/**
 * A number in one spelling — `1.50`, `1.5`, `+15e-1` and `0.15E1` are one number, as DynamoDB
 * stores and returns it: sign, significant digits, exponent (zero is `0`). Not a number: unchanged.
 */
export function canonicalNumber(text: string): string {
  const parts = decimalParts(text);
  if (!parts) return text;
  return parts.digits === '' ? '0' : `${parts.negative ? '-' : ''}${parts.digits}e${parts.exponent}`;
}

/** An item's (or a key's) identity in its table: the values of its key attributes, in `keyNames`' order, numbers in one spelling. */
export function keyIdentity(keyNames: readonly string[], item: WireItem): string {
  return JSON.stringify(keyNames.map((name) => (typeof item[name]?.N === 'string' ? { N: canonicalNumber(item[name].N as string) } : item[name])));
}

/** The size of one attribute value. */
export function valueSize(value: WireValue): number {
  if (typeof value.S === 'string') return Buffer.byteLength(value.S, 'utf8');
  if (typeof value.N === 'string') return numberSize(value.N);
  if (typeof value.B === 'string') return Buffer.from(value.B, 'base64').length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (Array.isArray(value.SS)) return (value.SS as string[]).reduce((sum, s) => sum + Buffer.byteLength(s, 'utf8'), 0);
  if (Array.isArray(value.NS)) return (value.NS as string[]).reduce((sum, n) => sum + numberSize(n), 0);
  if (Array.isArray(value.BS)) return (value.BS as string[]).reduce((sum, b) => sum + Buffer.from(b, 'base64').length, 0);
  if (Array.isArray(value.L)) return 3 + (value.L as WireValue[]).reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M && typeof value.M === 'object')
    return 3 + Object.entries(value.M as WireItem).reduce((sum, [name, element]) => sum + Buffer.byteLength(name, 'utf8') + 1 + valueSize(element), 0);
  return 0;
}

/** The size of an item: its attribute names and values. */
export function itemSize(item: WireItem): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + valueSize(value), 0);
}

/** A global secondary index as it copies items: its key attributes and what it projects. */
export interface IndexShape {
  readonly keys: readonly string[];
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** INCLUDE: the non-key attributes it copies. */
  readonly include?: readonly string[];
}

/** One item a transaction wrote: its size (after the write; the key's for a deletion) and the size of its copy in each index it appears in. */
export interface TransactionItemWrite {
  readonly size: number;
  readonly indexCopies: readonly number[];
}

const startedKb = (size: number) => Math.max(1, Math.ceil(size / KB));

/** Write units of a transaction: two per item per started KB, plus one per started KB of each index copy. */
export function transactionWriteUnits(items: readonly TransactionItemWrite[]): number {
  return items.reduce((sum, item) => sum + 2 * startedKb(item.size) + item.indexCopies.reduce((copies, copy) => copies + startedKb(copy), 0), 0);
}

/**
 * The size of the item's copy in each index it appears in (it has every key attribute of the index):
 * the whole item for projection ALL, else the table's and the index's keys plus, for INCLUDE, the
 * included attributes the item has.
 */
export function indexCopies(item: WireItem, tableKeys: readonly string[], indexes: readonly IndexShape[]): number[] {
  return indexes
    .filter((index) => index.keys.every((name) => item[name] !== undefined))
    .map((index) => {
      if (index.projection === 'ALL') return itemSize(item);
      const names = new Set([...tableKeys, ...index.keys, ...(index.projection === 'INCLUDE' ? (index.include ?? []) : [])]);
      return itemSize(Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name))));
    });
}
