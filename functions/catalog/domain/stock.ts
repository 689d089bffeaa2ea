/**
 * Cycle counts (FUL-4): pure rules of setting a counted on-hand quantity. No I/O.
 */
import type { StockLevel } from './product.ts';

/** What a count means for a stock level. */
export type CountPlan =
  | { readonly kind: 'unchanged'; readonly level: StockLevel }
  | { readonly kind: 'below-reserved'; readonly reserved: number }
  | { readonly kind: 'change'; readonly previousOnHand?: number; readonly onHand: number; readonly reserved: number; readonly difference: number };

/**
 * Plans a count of `onHand` units against the current level (undefined: no stock item yet).
 * A count below what is reserved is refused: the reservations of placed orders would exceed the
 * goods, and available stock must never go below zero (ORD-4) — resolve those orders first.
 */
export function planCount(current: StockLevel | undefined, onHand: number): CountPlan {
  if (!current) return { kind: 'change', onHand, reserved: 0, difference: onHand };
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
}

/** The view of a level: available = on hand − reserved (never shown below zero). */
export function toStockView(level: StockLevel): StockLevelView {
  return { warehouseId: level.warehouseId, onHand: level.onHand, reserved: level.reserved, available: Math.max(0, level.onHand - level.reserved) };
}
