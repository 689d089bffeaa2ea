/**
 * Per-order stock reservations (ORD-4, FUL-1): the rules of every stock operation. Pure: no I/O.
 *
 * Two items change together in every operation, in one DynamoDB transaction:
 * - the stock item of a (SKU, warehouse): counters `onHand`, `reserved`, `available`
 *   (= onHand − reserved, kept in step because condition expressions cannot do arithmetic);
 * - the order's reservation record for that (SKU, warehouse): `quantity` reserved, `status`
 *   and, once picked, `pickedQuantity`.
 *
 * ```
 *   (absent) ──reserve──► reserved ──pick──► picked ──return──► returned
 *                            └─────release──► released
 *   (absent) ──pick (reservedQuantity 0: stock moved here from another warehouse)──► picked
 * ```
 *
 * Each operation is a delta on the counters, conditional on no counter going below zero, plus a
 * status change of the record, conditional on the record's current status (and quantities). So
 * for one order a release and a pick exclude each other (whichever commits first wins, the other's
 * transaction fails its condition), an operation never touches another order's reservation (the
 * record is the order's own; the counters only move by the record's quantities), and a replay
 * changes nothing (the record is no longer in the status the operation requires).
 *
 * {@link applyOperation} is the executable model of what DynamoDB does with the items that
 * stock-contract.ts renders from {@link operationRule}: the unit tests drive it table by table, the
 * integration tests check DynamoDB Local agrees.
 */

/** Where a reservation record stands. */
export const RESERVATION_STATUSES = ['reserved', 'picked', 'released', 'returned'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** The counters of a stock item. */
export interface StockCounters {
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

/** The state of an order's reservation record for one (SKU, warehouse). */
export interface ReservationState {
  readonly status: ReservationStatus;
  /** Units reserved at placement (0 for stock picked where the order had reserved nothing). */
  readonly quantity: number;
  /** Units picked (status picked or returned). */
  readonly pickedQuantity?: number;
}

/** A stock operation of one order on one (SKU, warehouse). */
export type StockOperation =
  /** Placement: hold `quantity` for the order (only if that much is available). */
  | { readonly kind: 'reserve'; readonly quantity: number }
  /** Cancellation, rejection, payment failure, timeout, or allocation elsewhere: give the whole reservation back. */
  | { readonly kind: 'release'; readonly quantity: number }
  /**
   * Allocation: `quantity` units leave the warehouse for the order, consuming its whole reservation
   * there (`reservedQuantity`, 0 when it had none). More than reserved takes the rest from what is
   * available (stock moved here from a farther warehouse); less releases the difference.
   */
  | { readonly kind: 'pick'; readonly quantity: number; readonly reservedQuantity: number }
  /** Cancellation after allocation: picked goods that never left go back on hand. */
  | { readonly kind: 'return'; readonly quantity: number };

/** What an operation requires of the reservation record. */
export type ReservationRequirement =
  { readonly absent: true } | { readonly absent?: false; readonly status: ReservationStatus; readonly quantity?: number; readonly pickedQuantity?: number };

/** An operation as deltas and conditions. */
export interface OperationRule {
  /** Added to the counters (negative: taken away). */
  readonly delta: StockCounters;
  /** Each counter the operation lowers must hold at least this much before (none goes below zero). */
  readonly minimums: Partial<StockCounters>;
  /** The record's required state before. */
  readonly requires: ReservationRequirement;
  /** What the operation sets on the record (attributes not named keep their value). */
  readonly sets: { readonly status: ReservationStatus; readonly quantity?: number; readonly pickedQuantity?: number };
}

/** An invalid quantity (a programming error of the caller, not a lost race). */
export class InvalidStockOperation extends Error {
  override readonly name = 'InvalidStockOperation';
}

function checkQuantity(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new InvalidStockOperation(`${name} must be an integer ≥ ${min}, got ${value}`);
}

/** The deltas and conditions of an operation; throws {@link InvalidStockOperation} for bad quantities. */
export function operationRule(op: StockOperation): OperationRule {
  checkQuantity('quantity', op.quantity, 1);
  const q = op.quantity;
  let delta: StockCounters;
  let requires: ReservationRequirement;
  let sets: OperationRule['sets'];
  switch (op.kind) {
    case 'reserve':
      delta = { onHand: 0, reserved: q, available: -q };
      requires = { absent: true };
      sets = { status: 'reserved', quantity: q };
      break;
    case 'release':
      delta = { onHand: 0, reserved: -q, available: q };
      requires = { status: 'reserved', quantity: q };
      sets = { status: 'released' };
      break;
    case 'pick': {
      checkQuantity('reservedQuantity', op.reservedQuantity, 0);
      const r = op.reservedQuantity;
      delta = { onHand: -q, reserved: -r, available: r - q };
      requires = r === 0 ? { absent: true } : { status: 'reserved', quantity: r };
      sets = r === 0 ? { status: 'picked', quantity: 0, pickedQuantity: q } : { status: 'picked', pickedQuantity: q };
      break;
    }
    case 'return':
      delta = { onHand: q, reserved: 0, available: q };
      requires = { status: 'picked', pickedQuantity: q };
      sets = { status: 'returned' };
      break;
  }
  const minimums: { -readonly [K in keyof StockCounters]?: number } = {};
  for (const counter of ['onHand', 'reserved', 'available'] as const) if (delta[counter] < 0) minimums[counter] = -delta[counter];
  return { delta, minimums, requires, sets };
}

/** Why an operation does not apply. */
export type OperationFailure = 'no-stock-item' | 'stock' | 'reservation';

/** The outcome of {@link applyOperation}. */
export type OperationResult =
  { readonly ok: true; readonly counters: StockCounters; readonly record: ReservationState } | { readonly ok: false; readonly failed: readonly OperationFailure[] };

/** True when `record` meets `requires`. */
export function meetsRequirement(requires: ReservationRequirement, record: ReservationState | undefined): boolean {
  if (requires.absent) return record === undefined;
  if (!record || record.status !== requires.status) return false;
  if (requires.quantity !== undefined && record.quantity !== requires.quantity) return false;
  if (requires.pickedQuantity !== undefined && record.pickedQuantity !== requires.pickedQuantity) return false;
  return true;
}

/**
 * What the operation does to a stock item's counters (`undefined`: no stock item) and the order's
 * record (`undefined`: none) — or which conditions fail.
 */
export function applyOperation(op: StockOperation, counters: StockCounters | undefined, record: ReservationState | undefined): OperationResult {
  const rule = operationRule(op);
  const failed: OperationFailure[] = [];
  if (!counters) failed.push('no-stock-item');
  else if ((Object.entries(rule.minimums) as Array<[keyof StockCounters, number]>).some(([counter, min]) => counters[counter] < min)) failed.push('stock');
  if (!meetsRequirement(rule.requires, record)) failed.push('reservation');
  if (failed.length > 0 || !counters) return { ok: false, failed };
  const next = { ...record, ...rule.sets } as ReservationState;
  return {
    ok: true,
    counters: { onHand: counters.onHand + rule.delta.onHand, reserved: counters.reserved + rule.delta.reserved, available: counters.available + rule.delta.available },
    record: next,
  };
}
