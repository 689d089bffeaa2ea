/**
 * Sharded stock for a hot SKU (ORD-4 at flash-sale scale). Pure: no I/O.
 *
 * One DynamoDB item takes about 1,000 write units per second (one partition), and a reservation is
 * a transactional write (2 units on the stock item), so one stock counter sells at most ~500 units
 * a second. A hot SKU's available stock in a warehouse is therefore split into `n` *buckets*
 * (shards), each its own item with its own `available` counter:
 *
 * - a reservation takes from ONE bucket, conditional on that bucket holding enough — the bucket
 *   it starts with is spread by the order id ({@link probeOrder}), and when the bucket is short it
 *   tries the next; only when every bucket was short is the SKU sold out;
 * - a *rebalancing* move ({@link planRebalance}) shifts units from a full bucket to a short one in
 *   one transaction, conditional on the source holding them — so buckets run dry together and the
 *   last units stay reachable;
 * - no operation can oversell: every unit leaves a bucket only through a conditional decrement
 *   (`available ≥ q`), so Σ buckets + Σ reserved stays the stock counted in, and no bucket goes
 *   below zero.
 *
 * {@link applyShardOperation} is the executable model the unit tests and the flash-sale
 * simulation drive.
 */

/** The most buckets a SKU may have in a warehouse. */
export const MAX_STOCK_SHARDS = 64;

/** Buckets (each its `available` units), in bucket order. */
export type ShardLevels = readonly number[];

function check(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
}

/** `total` units spread over `shards` buckets as evenly as possible (the first ones get the remainder). */
export function splitStock(total: number, shards: number): number[] {
  check('total', total, 0);
  check('shards', shards, 1, MAX_STOCK_SHARDS);
  const base = Math.floor(total / shards);
  return Array.from({ length: shards }, (_, i) => base + (i < total % shards ? 1 : 0));
}

/** FNV-1a of a string: spreads order ids over buckets. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The buckets an order tries, in order: every bucket once, starting with one chosen by its id. */
export function probeOrder(orderId: string, shards: number): number[] {
  check('shards', shards, 1, MAX_STOCK_SHARDS);
  const first = fnv1a(orderId) % shards;
  return Array.from({ length: shards }, (_, i) => (first + i) % shards);
}

/** A stock operation on one bucket. */
export type ShardOperation =
  | { readonly kind: 'reserve'; readonly shard: number; readonly quantity: number }
  | { readonly kind: 'release'; readonly shard: number; readonly quantity: number }
  | { readonly kind: 'move'; readonly from: number; readonly to: number; readonly quantity: number };

/** The buckets after `op`, or `undefined` when its condition fails (the source bucket holds too little). */
export function applyShardOperation(levels: ShardLevels, op: ShardOperation): number[] | undefined {
  check('quantity', op.quantity, 1);
  const next = [...levels];
  const at = (i: number) => {
    check('shard', i, 0, levels.length - 1);
    return next[i] as number;
  };
  switch (op.kind) {
    case 'reserve':
      if (at(op.shard) < op.quantity) return undefined;
      next[op.shard] = at(op.shard) - op.quantity;
      return next;
    case 'release':
      next[op.shard] = at(op.shard) + op.quantity;
      return next;
    case 'move':
      if (op.from === op.to || at(op.from) < op.quantity) return undefined;
      at(op.to);
      next[op.from] = at(op.from) - op.quantity;
      next[op.to] = at(op.to) + op.quantity;
      return next;
  }
}

/** A rebalancing move: `quantity` units from bucket `from` to bucket `to`. */
export interface RebalanceMove {
  readonly from: number;
  readonly to: number;
  readonly quantity: number;
}

/**
 * The moves that bring short buckets (below a quarter of the even share, or empty) back to the
 * even share, each from the fullest bucket that stays at or above the even share — at most
 * `maxMoves` (each costs a transaction on two buckets). Nothing to do when the stock left is
 * smaller than the number of buckets: those units stay where they are, and reservations probing
 * every bucket still find them.
 */
export function planRebalance(levels: ShardLevels, maxMoves = levels.length): RebalanceMove[] {
  const n = levels.length;
  const total = levels.reduce((s, v) => s + v, 0);
  const share = Math.floor(total / n);
  if (share === 0) return [];
  const low = Math.floor(share / 4);
  const working = [...levels];
  const moves: RebalanceMove[] = [];
  const short = working
    .map((v, i) => ({ v, i }))
    .filter(({ v }) => v <= low)
    .sort((a, b) => a.v - b.v);
  for (const { i: to } of short) {
    if (moves.length >= maxMoves) break;
    let from = -1;
    for (let j = 0; j < n; j++) if (j !== to && (from < 0 || (working[j] as number) > (working[from] as number))) from = j;
    if (from < 0) continue;
    const quantity = Math.min((working[from] as number) - share, share - (working[to] as number));
    if (quantity <= 0) continue;
    working[from] = (working[from] as number) - quantity;
    working[to] = (working[to] as number) + quantity;
    moves.push({ from, to, quantity });
  }
  return moves;
}
