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
}

/** The view of a level: available = on hand − reserved (never shown below zero). */
export function toStockView(level: StockLevel): StockLevelView {
  return {
    warehouseId: level.warehouseId,
    onHand: level.onHand,
    reserved: level.reserved,
    available: Math.max(0, level.onHand - level.reserved),
    ...(level.buckets ? { buckets: level.buckets } : {}),
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

/** What merging a split stock's buckets back into the warehouse's counter means. */
export type MergePlan =
  | { readonly kind: 'merge'; readonly units: number; readonly buckets: readonly BucketLevel[] }
  | { readonly kind: 'unchanged' }
  /** Orders still hold units in the buckets (reserved, not yet picked or released). */
  | { readonly kind: 'reserved'; readonly reserved: number }
  | { readonly kind: 'refused'; readonly why: string };

/**
 * Plans merging a split stock back into its warehouse's counter once the sale is over: every
 * bucket's units move back, and the stock can be counted again (FUL-4). Only when no order holds a
 * reservation in a bucket — a reservation is released or picked where it was made, so those orders
 * are resolved first (picked at allocation; released by a cancellation or the payment timeout).
 * A stock that is not split is unchanged; `buckets` must be every bucket the counter names.
 */
export function planMerge(current: StockLevel | undefined, buckets: readonly BucketLevel[]): MergePlan {
  if (!current) return { kind: 'refused', why: 'there is no stock' };
  if (!current.buckets) return { kind: 'unchanged' };
  const named = new Set(Array.from({ length: current.buckets }, (_, n) => n));
  if (buckets.length !== current.buckets || buckets.some((b) => !named.has(b.bucket))) {
    return { kind: 'refused', why: `the stock names ${current.buckets} buckets and ${buckets.length} were found` };
  }
  const reserved = buckets.reduce((sum, b) => sum + b.reserved, 0);
  if (reserved > 0) return { kind: 'reserved', reserved };
  return { kind: 'merge', units: buckets.reduce((sum, b) => sum + b.onHand, 0), buckets };
}
