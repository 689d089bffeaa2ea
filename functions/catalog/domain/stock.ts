/**
 * Cycle counts (FUL-4): pure rules of setting a counted on-hand quantity. No I/O.
 */
import type { StockLevel } from './product.ts';

/** What a count means for a stock level. */
export type CountPlan =
  | { readonly kind: 'unchanged'; readonly level: StockLevel }
  | { readonly kind: 'below-reserved'; readonly reserved: number }
  /** A hot SKU's stock split into buckets: counted only once merged back (not supported yet). */
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
 * (merging buckets back is not supported yet).
 */
export function planSplit(current: StockLevel | undefined, buckets: number): SplitPlan {
  if (!current) return { kind: 'refused', why: 'there is no stock to split: count it first' };
  if (current.buckets === buckets) return { kind: 'unchanged' };
  if (current.buckets) return { kind: 'refused', why: `the stock is split into ${current.buckets} buckets already` };
  const available = current.onHand - current.reserved;
  if (available < buckets) return { kind: 'refused', why: `${Math.max(0, available)} units available: fewer than ${buckets} buckets` };
  return { kind: 'split', available };
}
