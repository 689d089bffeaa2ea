/**
 * Cycle counts (FUL-4), and splitting a hot SKU's stock into buckets for a sale and merging them
 * back: pure rules. No I/O.
 */
import type { StockLevel } from './product.ts';

/** What a count means for a stock level. */
export type CountPlan =
  | { readonly kind: 'unchanged'; readonly level: StockLevel }
  | { readonly kind: 'below-reserved'; readonly reserved: number }
  /** A hot SKU's stock split into buckets: counted once merged back ({@link planMerge}). */
  | { readonly kind: 'split' }
  | { readonly kind: 'change'; readonly previousOnHand?: number; readonly onHand: number; readonly reserved: number; readonly difference: number };

/**
 * Plans a count of `onHand` units against the current level (undefined: no stock item yet).
 * A count below what is reserved is refused: the reservations of placed orders would exceed the
 * goods, and available stock must never go below zero (ORD-4) — resolve those orders first.
 */
export function planCount(current: StockLevel | undefined, onHand: number): CountPlan {
  if (!current) return { kind: 'change', onHand, reserved: 0, difference: onHand };
  if (current.buckets) return { kind: 'split' };
  if (onHand < current.reserved) return { kind: 'below-reserved', reserved: current.reserved };
  if (onHand === current.onHand) return { kind: 'unchanged', level: current };
  return { kind: 'change', previousOnHand: current.onHand, onHand, reserved: current.reserved, difference: onHand - current.onHand };
}

/** A stock level as staff see it. */
export interface StockLevelView {
  readonly warehouseId: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  /** Split into this many buckets for a sale (a hot SKU); absent otherwise. */
  readonly buckets?: number;
  /** Its buckets are being merged back into the counter (waiting for the reservations orders hold in them). */
  readonly draining?: boolean;
}

/** The view of a level: available = on hand − reserved (never shown below zero). */
export function toStockView(level: StockLevel): StockLevelView {
  return {
    warehouseId: level.warehouseId,
    onHand: level.onHand,
    reserved: level.reserved,
    available: Math.max(0, level.onHand - level.reserved),
    ...(level.buckets ? { buckets: level.buckets } : {}),
    ...(level.draining ? { draining: true } : {}),
  };
}

/** What splitting a level into `buckets` buckets means. */
export type SplitPlan = { readonly kind: 'split'; readonly available: number } | { readonly kind: 'unchanged' } | { readonly kind: 'refused'; readonly why: string };

/**
 * Plans splitting a warehouse's stock of a hot SKU into `buckets` buckets (flash sales: each bucket
 * its own DynamoDB partition, so reservations spread over them). The available units move into the
 * buckets; a level split already into as many buckets is unchanged, into another number refused
 * (merge it back first: {@link planMerge}).
 */
export function planSplit(current: StockLevel | undefined, buckets: number): SplitPlan {
  if (!current) return { kind: 'refused', why: 'there is no stock to split: count it first' };
  if (current.draining) return { kind: 'refused', why: 'its buckets are being merged back' };
  if (current.buckets === buckets) return { kind: 'unchanged' };
  if (current.buckets) return { kind: 'refused', why: `the stock is split into ${current.buckets} buckets already` };
  const available = current.onHand - current.reserved;
  if (available < buckets) return { kind: 'refused', why: `${Math.max(0, available)} units available: fewer than ${buckets} buckets` };
  return { kind: 'split', available };
}

/** One bucket of a split stock as read before a merge. */
export interface BucketLevel {
  readonly bucket: number;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

/** A bucket in a merge step: its units move to the counter; it is deleted when no order holds a unit in it. */
export interface BucketDrain extends BucketLevel {
  readonly remove: boolean;
}

/** What merging a split stock's buckets back into the warehouse's counter means now. */
export type MergePlan =
  | {
      readonly kind: 'merge';
      /** Units moving to the counter (every bucket's available units). */
      readonly units: number;
      readonly buckets: readonly BucketDrain[];
      /** Every bucket goes: the stock is one counter again. Otherwise it drains: buckets holding reservations stay until those are picked or released. */
      readonly complete: boolean;
      /** Units orders still hold in the buckets that stay. */
      readonly reserved: number;
    }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'refused'; readonly why: string };

/**
 * Plans one step of merging a split stock back into its warehouse's counter after a sale. Every
 * bucket's available units move to the counter, and a bucket no order holds a unit in is deleted.
 * A bucket still holding reservations (an unpaid order, a pre-sale awaiting its balance, a group
 * buy) stays, empty but for them: the stock is *draining* — new reservations take from the counter,
 * and a unit released into such a bucket moves at the next step (the rebalancer takes one every
 * minute) — until the last bucket goes and the stock can be counted again (FUL-4). A stock that is
 * not split is unchanged. Buckets already deleted by an earlier step are simply not found.
 */
export function planMerge(current: StockLevel | undefined, buckets: readonly BucketLevel[]): MergePlan {
  if (!current) return { kind: 'refused', why: 'there is no stock' };
  if (!current.buckets) return { kind: 'unchanged' };
  const named = current.buckets;
  const stranger = buckets.find((b) => !Number.isSafeInteger(b.bucket) || b.bucket < 0 || b.bucket >= named);
  if (stranger) return { kind: 'refused', why: `bucket ${stranger.bucket} is not one of the ${named} buckets the stock names` };
  const drains = buckets.map((b): BucketDrain => ({ ...b, remove: b.reserved === 0 }));
  return {
    kind: 'merge',
    units: buckets.reduce((sum, b) => sum + b.available, 0),
    buckets: drains,
    complete: drains.every((b) => b.remove),
    reserved: buckets.reduce((sum, b) => sum + b.reserved, 0),
  };
}
