/**
 * From an approved order's reservations to picks (FUL-1). Pure: no I/O.
 *
 * At approval the allocation is re-planned with current stock (catalog's `planAllocation`), the
 * order's own held reservations counting as available to it: the nearest warehouse that can ship
 * every line, otherwise the fewest warehouses, nearest first. {@link allocationOperations} turns
 * the plan into catalog stock operations against what the order holds, consuming every held
 * reservation in the same transaction:
 * - where the plan picks in a warehouse: `pickStock` of the planned quantity with the order's
 *   reservation there (`reservedQuantity`, 0 if none) — more than reserved takes the rest from
 *   available stock (part of the order moves to a nearer warehouse), less releases the difference;
 * - where the order holds a reservation the plan does not use: `releaseStock`.
 * {@link chooseAllocation} keeps the reservations as they are (picks exactly where reserved) when
 * planning failed, when the plan would not fit one transaction, or when asked to (the last try
 * after the stock a move needed was taken concurrently).
 *
 * Shipment ids are derived from the order id and warehouse, so a replayed allocation computes the
 * same ids (and the same sandbox waybills).
 */
import crypto from 'node:crypto';
import { chooseCarrier, shipmentProfile, type CarrierRules, type ProfiledLine } from './carrier-rules.ts';

/** A quantity of a SKU in a warehouse. */
export interface Movement {
  readonly sku: string;
  readonly warehouseId: string;
  readonly quantity: number;
}

/** What one warehouse ships (same shape as catalog's `WarehouseAllocation`). */
export interface WarehouseLines {
  readonly warehouseId: string;
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
}

/** A catalog stock operation of the allocation (catalog's pickStock / releaseStock). */
export type AllocationOperation =
  | { readonly kind: 'pick'; readonly sku: string; readonly warehouseId: string; readonly quantity: number; readonly reservedQuantity: number }
  | { readonly kind: 'release'; readonly sku: string; readonly warehouseId: string; readonly quantity: number };

const keyOf = (sku: string, warehouseId: string) => `${warehouseId}|${sku}`;

/** Sums quantities per (SKU, warehouse). */
export function totalsByStockItem(movements: readonly Movement[]): Map<string, Movement> {
  const out = new Map<string, Movement>();
  for (const m of movements) {
    const k = keyOf(m.sku, m.warehouseId);
    const prev = out.get(k);
    out.set(k, { sku: m.sku, warehouseId: m.warehouseId, quantity: (prev?.quantity ?? 0) + m.quantity });
  }
  return out;
}

/** Demand per SKU from reservations (what the order needs in total). */
export function demandOf(reservations: readonly Movement[]): Array<{ sku: string; quantity: number }> {
  const out = new Map<string, number>();
  for (const r of reservations) out.set(r.sku, (out.get(r.sku) ?? 0) + r.quantity);
  return [...out].map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * The stock operations that turn the held reservations into the planned picks: one per
 * (SKU, warehouse) that the plan picks from or the order holds. Every held unit is picked or
 * released; units picked beyond the order's reservation in a warehouse come from available stock.
 */
export function allocationOperations(plan: readonly WarehouseLines[], held: readonly Movement[]): AllocationOperation[] {
  const reserved = totalsByStockItem(held);
  const planned = totalsByStockItem(plan.flatMap((w) => w.lines.map((l) => ({ sku: l.sku, warehouseId: w.warehouseId, quantity: l.quantity }))));
  const operations: AllocationOperation[] = [];
  for (const [k, p] of planned) {
    if (p.quantity > 0) operations.push({ kind: 'pick', sku: p.sku, warehouseId: p.warehouseId, quantity: p.quantity, reservedQuantity: reserved.get(k)?.quantity ?? 0 });
  }
  for (const [k, r] of reserved) {
    if ((planned.get(k)?.quantity ?? 0) === 0) operations.push({ kind: 'release', sku: r.sku, warehouseId: r.warehouseId, quantity: r.quantity });
  }
  return operations;
}

/** Units the operations pick beyond what the order held there (stock moved to another warehouse). */
export function movedUnits(operations: readonly AllocationOperation[]): number {
  return operations.reduce((n, op) => n + (op.kind === 'pick' ? Math.max(0, op.quantity - op.reservedQuantity) : 0), 0);
}

/** The reservations grouped by warehouse, in the order of `warehouseOrder` (nearest first). */
export function allocationOfReservations(reservations: readonly Movement[], warehouseOrder: readonly string[]): WarehouseLines[] {
  const byWarehouse = new Map<string, Map<string, number>>();
  for (const m of totalsByStockItem(reservations).values()) {
    const lines = byWarehouse.get(m.warehouseId) ?? new Map<string, number>();
    lines.set(m.sku, (lines.get(m.sku) ?? 0) + m.quantity);
    byWarehouse.set(m.warehouseId, lines);
  }
  const rank = (w: string) => (warehouseOrder.includes(w) ? warehouseOrder.indexOf(w) : Number.MAX_SAFE_INTEGER);
  return [...byWarehouse]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([warehouseId, lines]) => ({ warehouseId, lines: [...lines].map(([sku, quantity]) => ({ sku, quantity })) }));
}

/** The allocation to carry out and its stock operations. */
export interface AllocationChoice {
  readonly allocations: readonly WarehouseLines[];
  readonly operations: readonly AllocationOperation[];
  /** `plan`: the re-planned allocation; `reservations`: picked exactly where reserved. */
  readonly source: 'plan' | 'reservations';
}

/** Transaction items of an allocation: order summary + marker, a shipment and a waybill lookup per warehouse, two per stock operation. */
export function allocationTransactionItems(allocations: readonly WarehouseLines[], operations: readonly AllocationOperation[]): number {
  return 2 + 2 * allocations.length + 2 * operations.length;
}

/**
 * Uses the plan (moving stock where it is nearer), unless planning failed, the plan would need
 * more than `maxTransactionItems`, or `keepReservations` is set: then picks exactly what the order
 * holds where it holds it. `plan` is `undefined` when planning failed.
 */
export function chooseAllocation(
  plan: readonly WarehouseLines[] | undefined,
  held: readonly Movement[],
  warehouseOrder: readonly string[],
  options: { readonly maxTransactionItems?: number; readonly keepReservations?: boolean } = {},
): AllocationChoice {
  const max = options.maxTransactionItems ?? 100;
  if (plan && !options.keepReservations) {
    const operations = allocationOperations(plan, held);
    if (allocationTransactionItems(plan, operations) <= max) return { allocations: plan, operations, source: 'plan' };
  }
  const allocations = allocationOfReservations(held, warehouseOrder);
  const operations: AllocationOperation[] = [...totalsByStockItem(held).values()].map((m) => ({
    kind: 'pick',
    sku: m.sku,
    warehouseId: m.warehouseId,
    quantity: m.quantity,
    reservedQuantity: m.quantity,
  }));
  return { allocations, operations, source: 'reservations' };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID for the shipment of `orderId` from `warehouseId`: the order id's time part (so it sorts
 * with the order) and 16 characters of SHA-256(orderId|warehouseId). Deterministic.
 */
export function shipmentIdFor(orderId: string, warehouseId: string): string {
  const digest = crypto.createHash('sha256').update(`${orderId}|${warehouseId}`).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[(digest[i] as number) & 31];
  return `${orderId.slice(0, 10)}${random}`;
}

/** The product facts a shipment needs per SKU (from the catalog). */
export type ProductFacts = Omit<ProfiledLine, 'sku' | 'quantity'>;

/** A planned shipment: one per warehouse, with its carrier. */
export interface PlannedShipment extends WarehouseLines {
  readonly carrier: string;
  /** The carrier rule that chose the carrier (`default` when none matched). */
  readonly carrierRule: string;
  readonly weightGrams: number;
  /** Declared value: list price × quantity, minor units. */
  readonly valueMinor: number;
}

/** One shipment per warehouse allocation, each with the carrier its rules choose (FUL-2). */
export function planShipments(
  allocations: readonly WarehouseLines[],
  products: ReadonlyMap<string, ProductFacts>,
  region: string,
  rules: CarrierRules,
  orderType = 'regular',
): PlannedShipment[] {
  return allocations.map((allocation) => {
    const lines = allocation.lines.map((line) => {
      const facts = products.get(line.sku);
      if (!facts) throw new Error(`no product facts for ${line.sku}`);
      return { ...facts, sku: line.sku, quantity: line.quantity };
    });
    const profile = shipmentProfile(lines, region, orderType);
    const choice = chooseCarrier(rules, profile);
    return { ...allocation, carrier: choice.carrier, carrierRule: choice.ruleId, weightGrams: profile.weightGrams, valueMinor: profile.valueMinor };
  });
}
