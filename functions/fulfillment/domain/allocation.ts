/**
 * From an approved order's reservations to picks (FUL-1). Pure: no I/O.
 *
 * At approval the allocation is re-planned with current stock (catalog's `planAllocation`), the
 * order's own reservations counting as available to it: the nearest warehouse that can ship every
 * line, otherwise the fewest warehouses, nearest first. {@link stockMovements} turns the plan into
 * catalog stock movements against what the order reserved:
 * - where the plan takes at most what the order reserved: pick that, release the rest;
 * - where the plan takes more than the order reserved there (stock would move to a nearer
 *   warehouse), the catalog's stock contract has no transaction item that reserves and picks the
 *   same stock item at once (a DynamoDB transaction touches an item only once), so
 *   {@link chooseAllocation} keeps the order's reservations as they are — they were themselves
 *   planned nearest-first at placement.
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

/** The stock movements that turn reservations into the planned picks. */
export interface StockMovements {
  /** Reserved stock that becomes a pick. */
  readonly picks: readonly Movement[];
  /** Reserved stock the plan does not use (released back to available). */
  readonly releases: readonly Movement[];
  /** Planned picks beyond what the order reserved in that warehouse. */
  readonly unreserved: readonly Movement[];
}

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

/** Compares a plan with the order's reservations. */
export function stockMovements(plan: readonly WarehouseLines[], reservations: readonly Movement[]): StockMovements {
  const reserved = totalsByStockItem(reservations);
  const planned = totalsByStockItem(plan.flatMap((w) => w.lines.map((l) => ({ sku: l.sku, warehouseId: w.warehouseId, quantity: l.quantity }))));
  const picks: Movement[] = [];
  const releases: Movement[] = [];
  const unreserved: Movement[] = [];
  for (const [k, p] of planned) {
    const r = reserved.get(k)?.quantity ?? 0;
    const pick = Math.min(p.quantity, r);
    if (pick > 0) picks.push({ ...p, quantity: pick });
    if (p.quantity > r) unreserved.push({ ...p, quantity: p.quantity - r });
  }
  for (const [k, r] of reserved) {
    const p = planned.get(k)?.quantity ?? 0;
    if (r.quantity > p) releases.push({ ...r, quantity: r.quantity - p });
  }
  return { picks, releases, unreserved };
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

/** The allocation to carry out and its movements. */
export interface AllocationChoice {
  readonly allocations: readonly WarehouseLines[];
  readonly movements: StockMovements;
  /** `plan`: the re-planned allocation; `reservations`: kept as reserved (see module docs). */
  readonly source: 'plan' | 'reservations';
}

/**
 * Uses the plan when it only picks stock the order reserved (releasing any surplus); otherwise
 * keeps the reservations. `plan` is `undefined` when planning failed.
 */
export function chooseAllocation(plan: readonly WarehouseLines[] | undefined, reservations: readonly Movement[], warehouseOrder: readonly string[]): AllocationChoice {
  if (plan) {
    const movements = stockMovements(plan, reservations);
    if (movements.unreserved.length === 0) return { allocations: plan, movements, source: 'plan' };
  }
  const allocations = allocationOfReservations(reservations, warehouseOrder);
  return { allocations, movements: { picks: [...totalsByStockItem(reservations).values()], releases: [], unreserved: [] }, source: 'reservations' };
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
export function planShipments(allocations: readonly WarehouseLines[], products: ReadonlyMap<string, ProductFacts>, region: string, rules: CarrierRules, orderType = 'regular'): PlannedShipment[] {
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
