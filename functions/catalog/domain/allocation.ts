/**
 * Where an order's stock comes from (FUL-1): pure planning over stock levels, no I/O.
 *
 * 1. The nearest warehouse (by the region-distance table) that can ship every line alone.
 * 2. Otherwise the fewest warehouses that together can, preferring the set whose warehouses are
 *    nearest (smallest total distance); within the set each line takes from the nearest first.
 * 3. Otherwise the shortages, per SKU (requested vs available everywhere).
 *
 * Used at order placement (where to reserve) and at approval (reservations become picks).
 */

/** A line to allocate. */
export interface AllocationLine {
  readonly sku: string;
  readonly quantity: number;
}

/** Sellable stock of a SKU in a warehouse. */
export interface AvailableStock {
  readonly sku: string;
  readonly warehouseId: string;
  readonly available: number;
}

/** A warehouse and the region it ships from. */
export interface WarehouseLocation {
  readonly warehouseId: string;
  readonly region: string;
}

/** Distance between regions (any unit); `distances[a][b]`, looked up both ways. Unknown pairs are farthest. */
export type RegionDistances = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** What one warehouse ships. */
export interface WarehouseAllocation {
  readonly warehouseId: string;
  readonly lines: readonly AllocationLine[];
}

/** A SKU that cannot be allocated in full. */
export interface Shortage {
  readonly sku: string;
  readonly requested: number;
  readonly available: number;
}

export type AllocationPlan = { readonly ok: true; readonly allocations: readonly WarehouseAllocation[] } | { readonly ok: false; readonly shortages: readonly Shortage[] };

/** Distance from region `from` to `to`; 0 for the same region, +∞ when the table has no entry. */
export function regionDistance(distances: RegionDistances, from: string, to: string): number {
  if (from === to) return 0;
  return distances[from]?.[to] ?? distances[to]?.[from] ?? Number.POSITIVE_INFINITY;
}

/** Subsets beyond this many warehouses are searched greedily instead of exhaustively. */
const EXHAUSTIVE_LIMIT = 12;

/** Plans the allocation of `lines` for delivery to `shippingRegion`. */
export function planAllocation(input: {
  readonly lines: readonly AllocationLine[];
  readonly stock: readonly AvailableStock[];
  readonly warehouses: readonly WarehouseLocation[];
  readonly shippingRegion: string;
  readonly distances: RegionDistances;
}): AllocationPlan {
  const demand = new Map<string, number>();
  for (const line of input.lines) demand.set(line.sku, (demand.get(line.sku) ?? 0) + line.quantity);
  const availability = new Map<string, number>(); // `${warehouseId}|${sku}` → available
  for (const s of input.stock) if (s.available > 0) availability.set(`${s.warehouseId}|${s.sku}`, (availability.get(`${s.warehouseId}|${s.sku}`) ?? 0) + s.available);
  const available = (warehouseId: string, sku: string) => availability.get(`${warehouseId}|${sku}`) ?? 0;

  const shortages: Shortage[] = [];
  for (const [sku, requested] of demand) {
    const total = input.warehouses.reduce((sum, w) => sum + available(w.warehouseId, sku), 0);
    if (total < requested) shortages.push({ sku, requested, available: total });
  }
  if (shortages.length > 0) return { ok: false, shortages };

  const byDistance = [...input.warehouses]
    .map((w) => ({ ...w, distance: regionDistance(input.distances, w.region, input.shippingRegion) }))
    .sort((a, b) => a.distance - b.distance || a.warehouseId.localeCompare(b.warehouseId));
  const covers = (set: readonly (typeof byDistance)[number][]) => [...demand].every(([sku, qty]) => set.reduce((sum, w) => sum + available(w.warehouseId, sku), 0) >= qty);

  let chosen: (typeof byDistance)[number][] | undefined;
  if (byDistance.length <= EXHAUSTIVE_LIMIT) {
    for (let size = 1; size <= byDistance.length && !chosen; size++) {
      let best: { set: (typeof byDistance)[number][]; cost: number } | undefined;
      for (const set of combinations(byDistance, size)) {
        if (!covers(set)) continue;
        const cost = set.reduce((sum, w) => sum + (Number.isFinite(w.distance) ? w.distance : 1e12), 0);
        if (!best || cost < best.cost) best = { set, cost };
      }
      chosen = best?.set;
    }
  } else {
    // Greedy: add the nearest warehouse that still contributes, until everything is covered.
    chosen = [];
    for (const w of byDistance) {
      if (covers(chosen)) break;
      if ([...demand.keys()].some((sku) => available(w.warehouseId, sku) > 0)) chosen.push(w);
    }
  }
  if (!chosen || !covers(chosen)) return { ok: false, shortages: [] };

  const allocations = new Map<string, AllocationLine[]>();
  for (const [sku, requested] of demand) {
    let remaining = requested;
    for (const w of chosen) {
      if (remaining === 0) break;
      const take = Math.min(remaining, available(w.warehouseId, sku));
      if (take <= 0) continue;
      remaining -= take;
      const lines = allocations.get(w.warehouseId) ?? [];
      lines.push({ sku, quantity: take });
      allocations.set(w.warehouseId, lines);
    }
  }
  return {
    ok: true,
    allocations: chosen.filter((w) => allocations.has(w.warehouseId)).map((w) => ({ warehouseId: w.warehouseId, lines: allocations.get(w.warehouseId) as AllocationLine[] })),
  };
}

/** Subsets of `items` of exactly `size`, preserving order. */
function* combinations<T>(items: readonly T[], size: number, start = 0, prefix: T[] = []): Generator<T[]> {
  if (prefix.length === size) {
    yield [...prefix];
    return;
  }
  for (let i = start; i <= items.length - (size - prefix.length); i++) {
    prefix.push(items[i] as T);
    yield* combinations(items, size, i + 1, prefix);
    prefix.pop();
  }
}
