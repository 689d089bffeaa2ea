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
 * item appears in (it has the index's key attributes) costs one more write per started KB.
 */

/** An attribute value in DynamoDB's JSON wire format (`{ "S": "…" }`, `{ "N": "…" }`, …). */
export type WireValue = Readonly<Record<string, unknown>>;
/** An item in DynamoDB's JSON wire format. */
export type WireItem = Readonly<Record<string, WireValue>>;

const KB = 1024;

/** The size of a number as DynamoDB stores it: about one byte per two significant digits, plus one. */
function numberSize(text: string): number {
  const mantissa = text.trim().replace(/^[-+]/, '').split(/[eE]/)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
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

/** One item a transaction wrote: its size (after the write; the key's for a deletion) and the global secondary indexes it appears in. */
export interface TransactionItemWrite {
  readonly size: number;
  readonly indexes: number;
}

/** Write units of a transaction: two per item per started KB, plus one per index per started KB. */
export function transactionWriteUnits(items: readonly TransactionItemWrite[]): number {
  return items.reduce((sum, item) => {
    const kb = Math.max(1, Math.ceil(item.size / KB));
    return sum + 2 * kb + item.indexes * kb;
  }, 0);
}

/** How many of `indexKeys` (each index's key attribute names) the item has every key attribute of. */
export function indexesHolding(item: WireItem, indexKeys: ReadonlyArray<readonly string[]>): number {
  return indexKeys.filter((keyNames) => keyNames.every((name) => item[name] !== undefined)).length;
}
