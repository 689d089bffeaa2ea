/**
 * Rebalancing the buckets of hot SKUs (ORD-4 at flash-sale scale; domain/stock-shards.ts): every
 * minute, for each stock split into buckets, the buckets running dry are topped up from the
 * fullest ones ({@link planRebalance}), each move one conditional transaction on two buckets — so
 * orders keep spreading over every bucket until the last units. A move whose source no longer holds
 * the units (reservations took them meanwhile) is refused and changes nothing; the next run plans
 * again. Units are only ever moved between buckets: none is created, none lost.
 */
import { planRebalance, type RebalanceMove } from './domain/stock-shards.ts';

/** A warehouse's stock of a SKU split into buckets. */
export interface SplitStock {
  readonly sku: string;
  readonly warehouseId: string;
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
}

/** Rebalances every split stock once (sequentially; stops early when `shouldStop` says so). */
export async function rebalanceStockBuckets(deps: { readonly buckets: BucketStore; readonly shouldStop?: () => boolean }): Promise<RebalanceSummary> {
  const stocks = await deps.buckets.splitStock();
  let moves = 0;
  let unitsMoved = 0;
  let refused = 0;
  for (const stock of stocks) {
    if (deps.shouldStop?.()) break;
    for (const move of planRebalance(await deps.buckets.bucketLevels(stock))) {
      if (await deps.buckets.move(stock, move)) {
        moves++;
        unitsMoved += move.quantity;
      } else refused++;
    }
  }
  return { splitStock: stocks.length, moves, unitsMoved, refused };
}
