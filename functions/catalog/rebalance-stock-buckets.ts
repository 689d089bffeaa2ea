/**
 * Rebalancing the buckets of hot SKUs (ORD-4 at flash-sale scale; domain/stock-shards.ts): every
 * minute, for each stock split into buckets, the buckets running dry are topped up from the
 * fullest ones ({@link planRebalance}), each move one conditional transaction on two buckets — so
 * orders keep spreading over every bucket until the last units. A move whose source no longer holds
 * the units (reservations took them meanwhile) is refused and changes nothing; the next run plans
 * again. Units are only ever moved between buckets: none is created, none lost. A stock being
 * merged back after its sale is finished off here instead, one step a run.
 */
import { planRebalance, type RebalanceMove } from './domain/stock-shards.ts';

/** A warehouse's stock of a SKU split into buckets. */
export interface SplitStock {
  readonly sku: string;
  readonly warehouseId: string;
  /** Being merged back after its sale (stock-admin.ts `mergeStock`): the rebalancer takes its next merge step instead. */
  readonly draining?: boolean;
  /** When the merge began. */
  readonly drainingSince?: string;
}

/** What the rebalancer needs of catalog's stock. */
export interface BucketStore {
  /** Every stock split into buckets. */
  splitStock(): Promise<SplitStock[]>;
  /** Each bucket's available units, in bucket order. */
  bucketLevels(stock: SplitStock): Promise<number[]>;
  /** Moves units between two buckets: false when the source no longer holds them. */
  move(stock: SplitStock, move: RebalanceMove): Promise<boolean>;
}

/** What a run did. */
export interface RebalanceSummary {
  readonly splitStock: number;
  readonly moves: number;
  readonly unitsMoved: number;
  /** Moves refused because reservations took the units first (planned again next run). */
  readonly refused: number;
  /** Draining stocks merged back into their counter by this run. */
  readonly merged: number;
  /** Stocks still draining after this run: orders hold units in their buckets (unpaid, pre-sales, group buys). */
  readonly draining: ReadonlyArray<{ readonly sku: string; readonly warehouseId: string; readonly since?: string; readonly reserved: number }>;
  /** Stocks whose step failed (logged; tried again next run). */
  readonly failed: number;
}

/** The next step of merging a draining stock back (stock-admin.ts `mergeStep`): `merged` when it is one counter again. A write that meets a change is left for the next run. */
export type MergeStep = (stock: SplitStock) => Promise<{ readonly outcome: 'merged' | 'draining' | 'unchanged'; readonly reserved?: number }>;

/**
 * Rebalances every split stock once (sequentially; stops early when `shouldStop` says so). A stock
 * being merged back is not rebalanced: it takes its next merge step (`merge`), moving units
 * released into its buckets to the counter and deleting the buckets no order holds a unit in; a
 * write of it that meets a reservation is taken again next run.
 */
export async function rebalanceStockBuckets(deps: {
  readonly buckets: BucketStore;
  readonly merge?: MergeStep;
  readonly shouldStop?: () => boolean;
  /** Where a stock's failed step is reported (the run goes on with the others). */
  readonly onFailure?: (stock: SplitStock, error: unknown) => void;
}): Promise<RebalanceSummary> {
  const stocks = await deps.buckets.splitStock();
  let moves = 0;
  let unitsMoved = 0;
  let refused = 0;
  let merged = 0;
  let failed = 0;
  const draining: Array<RebalanceSummary['draining'][number]> = [];
  for (const stock of stocks) {
    if (deps.shouldStop?.()) break;
    try {
      if (stock.draining) {
        if (!deps.merge) continue;
        const step = await deps.merge(stock);
        if (step.outcome === 'merged') merged++;
        else if (step.outcome === 'draining')
          draining.push({ sku: stock.sku, warehouseId: stock.warehouseId, ...(stock.drainingSince ? { since: stock.drainingSince } : {}), reserved: step.reserved ?? 0 });
        continue;
      }
      for (const move of planRebalance(await deps.buckets.bucketLevels(stock))) {
        if (await deps.buckets.move(stock, move)) {
          moves++;
          unitsMoved += move.quantity;
        } else refused++;
      }
    } catch (error) {
      failed++;
      deps.onFailure?.(stock, error);
    }
  }
  return { splitStock: stocks.length, moves, unitsMoved, refused, merged, draining, failed };
}
