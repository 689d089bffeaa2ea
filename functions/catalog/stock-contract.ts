/**
 * Catalog's documented API for stock, used by checkout (reserve at placement, release on
 * cancellation/rejection/payment failure/timeout) and fulfillment (reservations become picks at
 * allocation, picked goods return on a cancellation before pickup). It is the one module other
 * capabilities may import from catalog (.dependency-cruiser.cjs): stock changes must join the
 * caller's own DynamoDB transaction (ORD-4: never oversell), so catalog hands out transaction items
 * instead of making calls. Only this module knows the shape of the items.
 *
 * ## Items (CatalogTable)
 *
 * | item | pk | sk | attributes |
 * |---|---|---|---|
 * | stock | `PRODUCT#<sku>` | `STOCK#<warehouseId>` | `onHand`, `reserved`, `available` (= onHand − reserved); a hot SKU's split stock: `buckets` (how many), `gsi1pk` `HOTSTOCK` (listed for the rebalancer), and while it is merged back `draining`, `drainingSince` |
 * | stock bucket | `STOCKBUCKET#<sku>#<warehouseId>#<n>` | `BUCKET` | `onHand`, `reserved`, `available` of one bucket of a split stock; `draining` once a merge moved its available units and it keeps only reservations |
 * | reservation | `RESERVATION#<orderId>` | `<sku>#<warehouseId>` | `orderId`, `sku`, `warehouseId`, `quantity`, `status` (`reserved` → `picked` \| `released`, `picked` → `returned`), `pickedQuantity`, `reservedAt`/`pickedAt`/`releasedAt`/`returnedAt`, `updatedAt` |
 * | restock (AFT-1) | `RESTOCK#<returnId>` | `<sku>#<warehouseId>` | `returnId`, `sku`, `warehouseId`, `quantity`, `restockedAt`: written once with {@link restockReturnedStock}'s stock update |
 *
 * A reservation record is written and changed ONLY together with its stock item, in the same
 * transaction, by the functions below. Each returns the TWO transaction items of one
 * (order, SKU, warehouse): the stock item's counter update and the reservation record's status
 * change, each conditional (domain/reservation.ts has the rules and an executable model):
 *
 * | function | counters | requires of the record | record after |
 * |---|---|---|---|
 * | {@link reserveStock} `q` | reserved += q, available −= q (available ≥ q) | absent | `reserved`, quantity q |
 * | {@link releaseStock} `q` | reserved −= q, available += q (reserved ≥ q) | `reserved`, quantity q | `released` |
 * | {@link pickStock} `q`, `r` | onHand −= q, reserved −= r, available −= q − r (onHand ≥ q, reserved ≥ r, available ≥ q − r when q > r) | `reserved` with quantity r (r > 0), absent (r = 0) | `picked`, pickedQuantity q |
 * | {@link returnPickedStock} `q` | onHand += q, available += q (the bucket it was picked from, or the counter once that bucket is merged away) | `picked`, pickedQuantity q | `returned` |
 *
 * So, for one order, a release and a pick of the same reservation exclude each other: whichever
 * transaction commits first wins and the other fails its condition (`TransactionCanceledException`,
 * the reservation item's reason `ConditionalCheckFailed`; {@link reservationItemOf} names it) — the
 * caller treats that as "no longer held" and moves on idempotently. An operation never takes
 * another order's reservation (the counters move only by the order's own record), and a replay
 * changes nothing (the record is past the status the operation requires).
 *
 * A transaction holds at most 100 items, and every (order, SKU, warehouse) costs two: an order may
 * hold at most {@link MAX_RESERVATIONS_PER_ORDER} reservations, which keeps placement, allocation
 * (with shipments) and cancellation after allocation within one transaction each.
 *
 * {@link CatalogReader.reservations} reads an order's records (fulfillment's planning; the
 * compliance scan "reservations that disagree with orders").
 */
import { type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { cachedFor } from '../../shared/cache.ts';
import { batchGet, documentClient, queryAll } from '../../shared/dynamodb.ts';
import { requireSetting } from '../../shared/config.ts';
import type { Product } from './domain/product.ts';
import { ProductSchema } from './domain/product.ts';
import { operationRule, RESERVATION_STATUSES, type ReservationStatus, type StockOperation } from './domain/reservation.ts';
import { MAX_STOCK_SHARDS, probeOrder, splitStock } from './domain/stock-shards.ts';
import type { BucketDrain } from './domain/stock.ts';

export { planAllocation, regionDistance } from './domain/allocation.ts';
export type { AllocationLine, AllocationPlan, AvailableStock, RegionDistances, Shortage, WarehouseAllocation, WarehouseLocation } from './domain/allocation.ts';
export { applyOperation, InvalidStockOperation, operationRule, RESERVATION_STATUSES } from './domain/reservation.ts';
export type { OperationResult, ReservationState, ReservationStatus, StockCounters, StockOperation } from './domain/reservation.ts';
export { catalogSettings } from './settings.ts';
export { applyShardOperation, MAX_STOCK_SHARDS, planRebalance, probeOrder, splitStock } from './domain/stock-shards.ts';
export type { RebalanceMove, ShardLevels } from './domain/stock-shards.ts';

/** One DynamoDB transaction item. */
export type StockTransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The most reservations (distinct SKU × warehouse) one order may hold: every one costs two items,
 * and allocation adds a shipment and a waybill item per warehouse (≤ 2 + 4 × 24 = 98 ≤ 100).
 */
export const MAX_RESERVATIONS_PER_ORDER = 24;

/** Transaction items per stock operation (stock item + reservation record). */
export const ITEMS_PER_STOCK_OPERATION = 2;

/** A quantity of a SKU in a warehouse. */
export interface StockMovement {
  readonly sku: string;
  readonly warehouseId: string;
  readonly quantity: number;
}

/** A quantity of a SKU in a warehouse, for an order. */
export interface OrderStockMovement extends StockMovement {
  readonly orderId: string;
  /**
   * The bucket of a hot SKU's stock the order's reservation is (or is to be) held in; absent: the
   * warehouse's own stock counter. Every operation on a reservation names the bucket it was made in.
   */
  readonly bucket?: number;
}

/** A pick: `quantity` units leave for the order, consuming its whole reservation there (`reservedQuantity`, 0 if none). */
export interface OrderStockPick extends OrderStockMovement {
  readonly reservedQuantity: number;
}

/** Stock of a SKU in one warehouse (a hot SKU's buckets included in the totals). */
export interface StockLevelView {
  readonly sku: string;
  readonly warehouseId: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  /**
   * A hot SKU's stock split into buckets: each bucket's available units, in bucket order. The totals
   * above include them; what the warehouse's own counter holds is `available` − Σ buckets.
   */
  readonly buckets?: ReadonlyArray<{ readonly bucket: number; readonly available: number }>;
  /**
   * The split stock is being merged back after its sale: reservations and picks take from the
   * counter; the buckets left hold only what orders reserved in them before.
   */
  readonly draining?: boolean;
}

/** An order's reservation record for one (SKU, warehouse). */
export interface ReservationView {
  readonly orderId: string;
  readonly sku: string;
  readonly warehouseId: string;
  readonly status: ReservationStatus;
  /** Units reserved at placement (0 where stock was picked without a reservation there). */
  readonly quantity: number;
  /** Units picked (statuses picked, returned). */
  readonly pickedQuantity?: number;
  /** The bucket of a hot SKU's stock the reservation was made in (absent: the warehouse's counter). */
  readonly bucket?: number;
  readonly updatedAt: string;
}

/** A product with its stock in every warehouse. */
export interface CatalogEntry {
  readonly product: Product;
  readonly stock: readonly StockLevelView[];
}

/** A warehouse (FUL-1). */
export interface WarehouseView {
  readonly warehouseId: string;
  readonly name: string;
  readonly city: string;
  readonly region: string;
  /** New orders reserve only from active warehouses; fulfillment still ships what an inactive one holds. */
  readonly active: boolean;
}

/** Catalog's warehouse list, cached per container for `ttlMs`; `fresh` reads it now (and keeps that). */
export function cachedWarehouses(
  reader: Pick<CatalogReader, 'warehouses'>,
  ttlMs: number,
  now: () => number = Date.now,
): (options?: { readonly fresh?: boolean }) => Promise<WarehouseView[]> {
  return cachedFor(() => reader.warehouses(), ttlMs, now);
}

/** True when some stock of `entries` is in a warehouse `warehouses` does not list: a cached list older than the warehouse, to be read afresh. */
export function stockedOutside(entries: Iterable<CatalogEntry>, warehouses: readonly WarehouseView[]): boolean {
  const known = new Set(warehouses.map((w) => w.warehouseId));
  for (const entry of entries) if (entry.stock.some((s) => !known.has(s.warehouseId))) return true;
  return false;
}

const key = (m: Pick<StockMovement, 'sku' | 'warehouseId'>) => ({ pk: `PRODUCT#${m.sku}`, sk: `STOCK#${m.warehouseId}` });
const RESERVATION_PREFIX = 'RESERVATION#';
const RESTOCK_PREFIX = 'RESTOCK#';
const reservationKey = (m: Pick<OrderStockMovement, 'orderId' | 'sku' | 'warehouseId'>) => ({ pk: `${RESERVATION_PREFIX}${m.orderId}`, sk: `${m.sku}#${m.warehouseId}` });

function checkIds(m: Pick<OrderStockMovement, 'orderId' | 'sku' | 'warehouseId'>): void {
  for (const [name, value] of [
    ['orderId', m.orderId],
    ['sku', m.sku],
    ['warehouseId', m.warehouseId],
  ] as const) {
    if (typeof value !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(value)) throw new Error(`stock operation: ${name} must be 1–64 letters, digits or hyphens`);
  }
}

const STATUS_TIME: Readonly<Record<ReservationStatus, string>> = { reserved: 'reservedAt', picked: 'pickedAt', released: 'releasedAt', returned: 'returnedAt' };

/** The two transaction items of `op` for (order, SKU, warehouse); `stockKey` names the counters (a bucket of a hot SKU). */
function operationItems(
  tableName: string,
  m: Pick<OrderStockMovement, 'orderId' | 'sku' | 'warehouseId'>,
  op: StockOperation,
  at: Date,
  stockKey: { pk: string; sk: string } = key(m),
  bucket?: number,
): StockTransactItem[] {
  checkIds(m);
  const rule = operationRule(op);
  const when = at.toISOString();

  const counters = (['onHand', 'reserved', 'available'] as const).filter((c) => rule.delta[c] !== 0);
  const stockValues: Record<string, unknown> = { ':at': when };
  for (const c of counters) stockValues[`:d_${c}`] = rule.delta[c];
  const stockConditions = ['attribute_exists(pk)'];
  for (const [c, min] of Object.entries(rule.minimums)) {
    stockConditions.push(`${c} >= :min_${c}`);
    stockValues[`:min_${c}`] = min;
  }
  const stockItem: StockTransactItem = {
    Update: {
      TableName: tableName,
      Key: stockKey,
      UpdateExpression: `SET ${[...counters.map((c) => `${c} = ${c} + :d_${c}`), 'updatedAt = :at'].join(', ')}`,
      ConditionExpression: stockConditions.join(' AND '),
      ExpressionAttributeValues: stockValues,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };

  const names: Record<string, string> = { '#status': 'status', '#type': 'type', '#statusAt': STATUS_TIME[rule.sets.status] };
  const values: Record<string, unknown> = { ':type': 'Reservation', ':orderId': m.orderId, ':sku': m.sku, ':warehouseId': m.warehouseId, ':status': rule.sets.status, ':at': when };
  const sets = ['#type = :type', 'orderId = :orderId', 'sku = :sku', 'warehouseId = :warehouseId', '#status = :status', '#statusAt = :at', 'updatedAt = :at'];
  // A reservation from a bucket names it; a release or pick then only matches its own kind of record:
  // a bucket's reservation never moves the plain counters, nor one bucket's another's.
  if (bucket !== undefined) {
    names['#bucket'] = 'bucket';
    values[':bucket'] = bucket;
    if (rule.requires.absent) sets.push('#bucket = :bucket');
  }
  if (rule.sets.quantity !== undefined) {
    sets.push('quantity = :quantity');
    values[':quantity'] = rule.sets.quantity;
  }
  if (rule.sets.pickedQuantity !== undefined) {
    sets.push('pickedQuantity = :pickedQuantity');
    values[':pickedQuantity'] = rule.sets.pickedQuantity;
  }
  const conditions: string[] = [];
  if (rule.requires.absent) conditions.push('attribute_not_exists(pk)');
  else {
    if (bucket === undefined) conditions.push('attribute_not_exists(#bucket)');
    else conditions.push('#bucket = :bucket');
    names['#bucket'] = 'bucket';
    conditions.push('#status = :requiredStatus');
    values[':requiredStatus'] = rule.requires.status;
    if (rule.requires.quantity !== undefined) {
      conditions.push('quantity = :requiredQuantity');
      values[':requiredQuantity'] = rule.requires.quantity;
    }
    if (rule.requires.pickedQuantity !== undefined) {
      conditions.push('pickedQuantity = :requiredPicked');
      values[':requiredPicked'] = rule.requires.pickedQuantity;
    }
  }
  const reservationItem: StockTransactItem = {
    Update: {
      TableName: tableName,
      Key: reservationKey(m),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
  return [stockItem, reservationItem];
}

/** Reserve `quantity` for the order (placement): only if that much is available and the order holds no reservation there yet. */
export function reserveStock(tableName: string, m: OrderStockMovement, at: Date): StockTransactItem[] {
  return operationItems(tableName, m, { kind: 'reserve', quantity: m.quantity }, at, stockKeyOf(m), m.bucket);
}

/** The most units one reservation (or pick without one) can take from a (SKU, warehouse): its counter's, or a split stock's fullest bucket. */
export function reservableAtOnce(level: StockLevelView): number {
  if (!level.buckets?.length) return level.available;
  const inBuckets = level.buckets.reduce((sum, b) => sum + b.available, 0);
  if (level.draining) return level.available - inBuckets;
  return Math.max(level.available - inBuckets, ...level.buckets.map((b) => b.available));
}

/**
 * The bucket a reservation (or pick) of `quantity` for `id` (an order, a return) takes from: the
 * first, in the id's own probe order (spreading orders over the buckets), that holds enough;
 * undefined: the warehouse's counter — always, while a split stock is merged back (`draining`).
 */
export function holderBucket(level: StockLevelView | undefined, quantity: number, id: string): number | undefined {
  if (!level?.buckets?.length || level.draining) return undefined;
  const available = new Map(level.buckets.map((b) => [b.bucket, b.available]));
  const bucket = probeOrder(id, level.buckets.length)
    .map((i) => level.buckets?.[i]?.bucket)
    .find((b) => b !== undefined && (available.get(b) ?? 0) >= quantity);
  if (bucket !== undefined) return bucket;
  return undefined;
}

/** The counters an order's stock operation changes: its bucket's, or the warehouse's counter. */
function stockKeyOf(m: OrderStockMovement): { pk: string; sk: string } {
  return m.bucket === undefined ? key(m) : bucketKey(m, m.bucket);
}

/**
 * Release the order's whole reservation (cancel, reject, payment failure, timeout; allocation
 * elsewhere): only while it is still reserved with exactly `quantity`.
 */
export function releaseStock(tableName: string, m: OrderStockMovement, at: Date): StockTransactItem[] {
  return operationItems(tableName, m, { kind: 'release', quantity: m.quantity }, at, stockKeyOf(m), m.bucket);
}

/**
 * The order's reservation becomes a pick (the goods leave the warehouse): `quantity` units leave,
 * consuming the whole reservation there (`reservedQuantity`, which must be what the order holds;
 * 0 where it holds none). More than reserved takes the rest from available stock — stock moved to
 * a nearer warehouse at allocation, with {@link releaseStock} of the reservation elsewhere in the
 * same transaction; less releases the difference.
 */
export function pickStock(tableName: string, m: OrderStockPick, at: Date): StockTransactItem[] {
  return operationItems(tableName, m, { kind: 'pick', quantity: m.quantity, reservedQuantity: m.reservedQuantity }, at, stockKeyOf(m), m.bucket);
}

/**
 * Picked goods that never left go back on hand (cancellation before pickup): only once, for exactly
 * the picked `quantity`. Into the bucket they were picked from, or with `intoCounter` into the
 * warehouse's counter: a bucket merged back since ({@link drainStockBucket}) is gone, and its
 * reservation record still names it.
 */
export function returnPickedStock(tableName: string, m: OrderStockMovement, at: Date, options: { readonly intoCounter?: boolean } = {}): StockTransactItem[] {
  return operationItems(tableName, m, { kind: 'return', quantity: m.quantity }, at, options.intoCounter ? key(m) : stockKeyOf(m), m.bucket);
}

/**
 * Returned goods that passed inspection go back on the shelf of the receiving warehouse (AFT-1):
 * on hand and available += `quantity`, exactly once per (return, SKU, warehouse) — a write-once
 * record `RESTOCK#<returnId>` / `<sku>#<warehouseId>` joins the stock update, so a replay fails its
 * condition (`TransactionCanceledException`) and changes nothing. A warehouse that holds no stock
 * item for the SKU yet gets one.
 */
export function restockReturnedStock(tableName: string, m: StockMovement & { readonly returnId: string }, at: Date): StockTransactItem[] {
  checkIds({ orderId: m.returnId, sku: m.sku, warehouseId: m.warehouseId });
  if (!Number.isSafeInteger(m.quantity) || m.quantity <= 0) throw new Error(`restocked quantity must be a positive integer, got ${m.quantity}`);
  const when = at.toISOString();
  return [
    {
      Update: {
        TableName: tableName,
        Key: key(m),
        UpdateExpression:
          'SET #type = if_not_exists(#type, :type), sku = :sku, warehouseId = :warehouseId, onHand = if_not_exists(onHand, :zero) + :q, reserved = if_not_exists(reserved, :zero), available = if_not_exists(available, :zero) + :q, updatedAt = :at',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': 'Stock', ':sku': m.sku, ':warehouseId': m.warehouseId, ':zero': 0, ':q': m.quantity, ':at': when },
      },
    },
    {
      // An update (not a put): callers already hold UpdateItem on the table for the stock items.
      Update: {
        TableName: tableName,
        Key: { pk: `${RESTOCK_PREFIX}${m.returnId}`, sk: `${m.sku}#${m.warehouseId}` },
        UpdateExpression: 'SET #type = :restock, returnId = :returnId, sku = :sku, warehouseId = :warehouseId, quantity = :q, restockedAt = :at',
        ConditionExpression: 'attribute_not_exists(pk)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':restock': 'Restock', ':returnId': m.returnId, ':sku': m.sku, ':warehouseId': m.warehouseId, ':q': m.quantity, ':at': when },
      },
    },
  ];
}

/**
 * A cycle count (FUL-4): set the counted on-hand quantity of a SKU in a warehouse. With
 * `previousOnHand` the existing stock item is updated only if its on-hand quantity is still that
 * (so the recorded difference is exact) and the count is not below what is reserved (`available`
 * never goes below zero); without it a new stock item is created only if there is none.
 */
export function countStock(tableName: string, count: { sku: string; warehouseId: string; onHand: number; previousOnHand?: number }, at: Date): StockTransactItem {
  if (!Number.isSafeInteger(count.onHand) || count.onHand < 0) throw new Error(`counted quantity must be a non-negative integer, got ${count.onHand}`);
  if (count.previousOnHand === undefined) {
    return {
      Put: {
        TableName: tableName,
        Item: {
          ...key(count),
          type: 'Stock',
          sku: count.sku,
          warehouseId: count.warehouseId,
          onHand: count.onHand,
          reserved: 0,
          available: count.onHand,
          updatedAt: at.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }
  return {
    Update: {
      TableName: tableName,
      Key: key(count),
      UpdateExpression: 'SET onHand = :onHand, available = :onHand - reserved, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND onHand = :previous AND reserved <= :onHand',
      ExpressionAttributeValues: { ':onHand': count.onHand, ':previous': count.previousOnHand, ':at': at.toISOString() },
    },
  };
}

/**
 * ## Stock buckets of a hot SKU (domain/stock-shards.ts)
 *
 * A hot SKU's stock in a warehouse may be split into buckets, each an item of its own partition
 * `STOCKBUCKET#<sku>#<warehouseId>#<n>` / `BUCKET` with the counters of a stock item (`onHand`,
 * `reserved`, `available`), so a flash sale's reservations spread over several partitions (each
 * partition key takes its own 1,000 write units a second). A reservation
 * from a bucket is the same two conditional items as {@link reserveStock}, the counters being the
 * bucket's and the reservation record naming its `bucket`; a rebalancing move shifts available
 * units (and the on-hand units behind them) between two buckets, conditional on the source.
 * Buckets never go below zero, so the SKU is never oversold.
 */
const bucketKey = (m: Pick<StockMovement, 'sku' | 'warehouseId'>, bucket: number) => {
  if (!Number.isSafeInteger(bucket) || bucket < 0 || bucket >= MAX_STOCK_SHARDS) throw new Error(`bucket must be an integer in [0, ${MAX_STOCK_SHARDS - 1}]`);
  return { pk: `STOCKBUCKET#${m.sku}#${m.warehouseId}#${bucket}`, sk: 'BUCKET' };
};

/** The items creating a warehouse's buckets for a SKU, `onHand` split evenly over `buckets` (each only if absent). */
export function createStockBuckets(tableName: string, stock: { sku: string; warehouseId: string; onHand: number; buckets: number }, at: Date): StockTransactItem[] {
  checkIds({ orderId: 'none', sku: stock.sku, warehouseId: stock.warehouseId });
  return splitStock(stock.onHand, stock.buckets).map((units, bucket) => ({
    Put: {
      TableName: tableName,
      Item: {
        ...bucketKey(stock, bucket),
        type: 'StockBucket',
        sku: stock.sku,
        warehouseId: stock.warehouseId,
        bucket,
        onHand: units,
        reserved: 0,
        available: units,
        updatedAt: at.toISOString(),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  }));
}

/**
 * Splits a warehouse's stock of a SKU for a sale (a hot SKU): the `units` available on its counter
 * (which must still be `available` — the level read before) move into `buckets` new buckets, evenly;
 * the counter keeps its reservations and names the buckets (`buckets`), and is listed as hot
 * (`byType` index: `HOTSTOCK`) for the rebalancer. Only if the stock is not split already.
 */
export function splitStockIntoBuckets(tableName: string, stock: { sku: string; warehouseId: string; available: number; buckets: number }, at: Date): StockTransactItem[] {
  checkIds({ orderId: 'none', sku: stock.sku, warehouseId: stock.warehouseId });
  if (!Number.isSafeInteger(stock.buckets) || stock.buckets < 2 || stock.buckets > MAX_STOCK_SHARDS) throw new Error(`buckets must be an integer in [2, ${MAX_STOCK_SHARDS}]`);
  return [
    {
      Update: {
        TableName: tableName,
        Key: key(stock),
        UpdateExpression: 'SET onHand = onHand - :units, available = available - :units, buckets = :n, gsi1pk = :hot, gsi1sk = :id, updatedAt = :at REMOVE draining, drainingSince',
        ConditionExpression: 'attribute_exists(pk) AND available = :units AND attribute_not_exists(buckets)',
        ExpressionAttributeValues: { ':units': stock.available, ':n': stock.buckets, ':hot': HOT_STOCK_TYPE, ':id': `${stock.sku}#${stock.warehouseId}`, ':at': at.toISOString() },
      },
    },
    ...createStockBuckets(tableName, { sku: stock.sku, warehouseId: stock.warehouseId, onHand: stock.available, buckets: stock.buckets }, at),
  ];
}

/*
 * Merging a split stock back into the warehouse's counter after a sale, in steps (catalog's
 * stock-admin.ts `mergeStep`; domain/stock.ts `planMerge`). Each write is conditional, so a
 * reservation, release or rebalancing move meanwhile fails only the write it races, and nothing is
 * lost; the next step reads again.
 *
 * 1. {@link markStockDraining}: the counter is marked `draining` — from then on reservations and
 *    picks take from it, never from a bucket ({@link holderBucket}) — one write, which a sale still
 *    reserving from the buckets does not race.
 * 2. {@link drainStockBucket}, per bucket: its available units move to the counter; the bucket is
 *    deleted when no order holds a unit in it, else it keeps just those reservations (marked
 *    `draining`, so a reader that sees it beside a counter read before step 1 reads again).
 * 3. {@link completeStockMerge}: once no bucket is left, the counter no longer names buckets, is not
 *    listed as hot, and can be counted again.
 */

/** Step 1 of a merge: the counter of a split stock of `named` buckets is marked draining (only if it is not yet). */
export function markStockDraining(tableName: string, stock: { sku: string; warehouseId: string; named: number }, at: Date): StockTransactItem[] {
  checkIds({ orderId: 'none', sku: stock.sku, warehouseId: stock.warehouseId });
  return [
    {
      Update: {
        TableName: tableName,
        Key: key(stock),
        UpdateExpression: 'SET draining = :draining, drainingSince = :at, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND buckets = :n AND attribute_not_exists(draining)',
        ExpressionAttributeValues: { ':draining': true, ':n': stock.named, ':at': at.toISOString() },
      },
    },
  ];
}

/** The counter of a draining stock takes `units` (only while it drains those `named` buckets). */
function counterTakes(tableName: string, stock: { sku: string; warehouseId: string; named: number }, units: number, at: Date): StockTransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: key(stock),
      UpdateExpression: 'SET onHand = onHand + :units, available = available + :units, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND buckets = :n AND draining = :draining',
      ExpressionAttributeValues: { ':units': units, ':n': stock.named, ':draining': true, ':at': at.toISOString() },
    },
  };
}

/**
 * Step 2 of a merge, for one bucket as read: its available units move to the counter; it is deleted
 * when `remove` (no order holds a unit in it), else it keeps its reservations, marked draining.
 * Only if the bucket still holds exactly what was read.
 */
export function drainStockBucket(tableName: string, stock: { sku: string; warehouseId: string; named: number; bucket: BucketDrain }, at: Date): StockTransactItem[] {
  checkIds({ orderId: 'none', sku: stock.sku, warehouseId: stock.warehouseId });
  const b = stock.bucket;
  const exactly = { ':onHand': b.onHand, ':reserved': b.reserved, ':available': b.available };
  const unchanged = 'onHand = :onHand AND reserved = :reserved AND available = :available';
  const bucket: StockTransactItem = b.remove
    ? {
        Delete: {
          TableName: tableName,
          Key: bucketKey(stock, b.bucket),
          ConditionExpression: `${unchanged} AND reserved = :none`,
          ExpressionAttributeValues: { ...exactly, ':none': 0 },
        },
      }
    : {
        Update: {
          TableName: tableName,
          Key: bucketKey(stock, b.bucket),
          UpdateExpression: 'SET onHand = onHand - :available, available = :none, draining = :draining, updatedAt = :at',
          ConditionExpression: unchanged,
          ExpressionAttributeValues: { ...exactly, ':none': 0, ':draining': true, ':at': at.toISOString() },
        },
      };
  return [bucket, counterTakes(tableName, stock, b.available, at)];
}

/**
 * Step 3 of a merge: the counter of a draining stock no longer names buckets nor is listed as hot —
 * only if none of its `named` buckets is left.
 */
export function completeStockMerge(tableName: string, stock: { sku: string; warehouseId: string; named: number }, at: Date): StockTransactItem[] {
  checkIds({ orderId: 'none', sku: stock.sku, warehouseId: stock.warehouseId });
  if (!Number.isSafeInteger(stock.named) || stock.named < 2 || stock.named > MAX_STOCK_SHARDS) throw new Error(`a split stock has 2–${MAX_STOCK_SHARDS} buckets`);
  return [
    {
      Update: {
        TableName: tableName,
        Key: key(stock),
        UpdateExpression: 'SET updatedAt = :at REMOVE buckets, gsi1pk, gsi1sk, draining, drainingSince',
        ConditionExpression: 'attribute_exists(pk) AND buckets = :n AND draining = :draining',
        ExpressionAttributeValues: { ':n': stock.named, ':draining': true, ':at': at.toISOString() },
      },
    },
    ...stockBucketKeys(stock.sku, stock.warehouseId, stock.named).map((k): StockTransactItem => ({
      ConditionCheck: { TableName: tableName, Key: k, ConditionExpression: 'attribute_not_exists(pk)' },
    })),
  ];
}

/** The keys of a split stock's `buckets` buckets. */
export function stockBucketKeys(sku: string, warehouseId: string, buckets: number): Array<{ pk: string; sk: string }> {
  return Array.from({ length: buckets }, (_, n) => bucketKey({ sku, warehouseId }, n));
}

/** `byType` partition of the stock counters split into buckets. */
export const HOT_STOCK_TYPE = 'HOTSTOCK';

/** A rebalancing move: `quantity` available units (and their on-hand) from bucket `from` to bucket `to`, only if `from` holds them. */
export function moveBetweenBuckets(tableName: string, move: { sku: string; warehouseId: string; from: number; to: number; quantity: number }, at: Date): StockTransactItem[] {
  if (move.from === move.to || !Number.isSafeInteger(move.quantity) || move.quantity < 1) throw new Error('a move takes a positive quantity between two different buckets');
  const when = at.toISOString();
  return [
    {
      Update: {
        TableName: tableName,
        Key: bucketKey(move, move.from),
        UpdateExpression: 'SET onHand = onHand - :q, available = available - :q, updatedAt = :at',
        ConditionExpression: 'available >= :q',
        ExpressionAttributeValues: { ':q': move.quantity, ':at': when },
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: bucketKey(move, move.to),
        UpdateExpression: 'SET onHand = onHand + :q, available = available + :q, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':q': move.quantity, ':at': when },
      },
    },
  ];
}

/** The SKU and warehouse of a stock item's transaction item (to name what failed in a cancelled transaction). */
export function stockItemOf(item: StockTransactItem): { sku: string; warehouseId: string } | undefined {
  const k = (item.Update?.Key ?? item.Put?.Item) as { pk?: string; sk?: string } | undefined;
  if (k?.pk?.startsWith('STOCKBUCKET#')) {
    const [, sku, warehouseId] = k.pk.split('#');
    return sku && warehouseId ? { sku, warehouseId } : undefined;
  }
  if (!k?.pk?.startsWith('PRODUCT#') || !k.sk?.startsWith('STOCK#')) return undefined;
  return { sku: k.pk.slice('PRODUCT#'.length), warehouseId: k.sk.slice('STOCK#'.length) };
}

/** The order, SKU and warehouse of a reservation record's transaction item (its condition failing = the reservation is not in the status the operation requires). */
export function reservationItemOf(item: StockTransactItem): { orderId: string; sku: string; warehouseId: string } | undefined {
  const k = item.Update?.Key as { pk?: string; sk?: string } | undefined;
  if (!k?.pk?.startsWith(RESERVATION_PREFIX) || !k.sk) return undefined;
  const [sku, warehouseId] = k.sk.split('#');
  if (!sku || !warehouseId) return undefined;
  return { orderId: k.pk.slice(RESERVATION_PREFIX.length), sku, warehouseId };
}

/** Which of `items` failed, given the cancellation reason codes aligned with them. */
export function failedStockItems(
  items: readonly StockTransactItem[],
  codes: ReadonlyArray<string | undefined>,
): { stock: Array<{ sku: string; warehouseId: string }>; reservations: Array<{ orderId: string; sku: string; warehouseId: string }> } {
  const stock: Array<{ sku: string; warehouseId: string }> = [];
  const reservations: Array<{ orderId: string; sku: string; warehouseId: string }> = [];
  items.forEach((item, i) => {
    if (codes[i] !== 'ConditionalCheckFailed') return;
    const s = stockItemOf(item);
    if (s) stock.push(s);
    const r = reservationItemOf(item);
    if (r) reservations.push(r);
  });
  return { stock, reservations };
}

function toReservation(item: Record<string, unknown>): ReservationView {
  const status = String(item.status) as ReservationStatus;
  if (!RESERVATION_STATUSES.includes(status)) throw new Error(`reservation ${String(item.pk)} ${String(item.sk)} has an unknown status`);
  return {
    orderId: String(item.orderId),
    sku: String(item.sku),
    warehouseId: String(item.warehouseId),
    status,
    quantity: Number(item.quantity ?? 0),
    ...(item.pickedQuantity !== undefined ? { pickedQuantity: Number(item.pickedQuantity) } : {}),
    ...(item.bucket !== undefined ? { bucket: Number(item.bucket) } : {}),
    updatedAt: String(item.updatedAt),
  };
}

/**
 * The levels of stock counter items, a split one's buckets read (one BatchGetItem for all of them)
 * and added in: what every reader of stock (checkout, fulfillment, the product page, staff) shows.
 */
export async function stockLevelsWithBuckets(
  client: DynamoDBDocumentClient,
  tableName: string,
  counters: ReadonlyArray<Record<string, unknown>>,
  options: { readonly consistent: boolean; readonly readAgain?: boolean },
): Promise<StockLevelView[]> {
  const split = counters.filter((item) => Number(item.buckets ?? 0) > 0);
  if (split.length === 0) return counters.map(toLevel);
  const keys = split.flatMap((item) => stockBucketKeys(String(item.sku), String(item.warehouseId), Number(item.buckets)));
  const buckets = await batchGet(client, tableName, keys, { consistent: options.consistent });
  const bucketsOf = (item: Record<string, unknown>) => buckets.filter((b) => b.sku === item.sku && b.warehouseId === item.warehouseId);
  // A merge step (drainStockBucket) committed between the counter's read and its buckets': the counter
  // as read predates it — buckets it names are gone, or drained into a counter that does not show
  // them yet. Both are read again, once, so the units are not missed.
  const torn =
    options.readAgain === false
      ? []
      : split.filter((item) => item.draining !== true && (bucketsOf(item).length < Number(item.buckets) || bucketsOf(item).some((b) => b.draining === true)));
  const fresh = new Map<string, StockLevelView>();
  if (torn.length > 0) {
    const again = await batchGet(
      client,
      tableName,
      torn.map((item) => key({ sku: String(item.sku), warehouseId: String(item.warehouseId) })),
      { consistent: options.consistent },
    );
    for (const level of await stockLevelsWithBuckets(client, tableName, again, { ...options, readAgain: false })) fresh.set(`${level.sku}#${level.warehouseId}`, level);
  }
  return counters.map((item) => fresh.get(`${String(item.sku)}#${String(item.warehouseId)}`) ?? withBucketLevels(toLevel(item), bucketsOf(item)));
}

/** A counter's level with its buckets' units added in and listed. */
function withBucketLevels(level: StockLevelView, buckets: ReadonlyArray<Record<string, unknown>>): StockLevelView {
  if (buckets.length === 0) return level;
  const bucketLevels = buckets.map(toLevel);
  const sum = (field: 'onHand' | 'reserved' | 'available') => bucketLevels.reduce((total, b) => total + b[field], level[field]);
  return {
    ...level,
    onHand: sum('onHand'),
    reserved: sum('reserved'),
    available: sum('available'),
    buckets: buckets.map((b, i) => ({ bucket: Number(b.bucket), available: (bucketLevels[i] as StockLevelView).available })).sort((a, b) => a.bucket - b.bucket),
  };
}

function toLevel(item: Record<string, unknown>): StockLevelView {
  const onHand = Number(item.onHand ?? 0);
  const reserved = Number(item.reserved ?? 0);
  return {
    sku: String(item.sku),
    warehouseId: String(item.warehouseId),
    onHand,
    reserved,
    available: item.available === undefined ? onHand - reserved : Number(item.available),
    ...(item.draining === true ? { draining: true } : {}),
  };
}

/** Reads products, stock and warehouses (strongly consistent, for pricing and planning). */
export class CatalogReader {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  /** Products and their stock, by SKU; unknown SKUs are absent from the map. One query per SKU (and one BatchGetItem of a hot SKU's buckets). */
  async entries(skus: readonly string[]): Promise<Map<string, CatalogEntry>> {
    const unique = [...new Set(skus)];
    const results = await Promise.all(
      unique.map(async (sku) => {
        const items = await queryAll(this.client, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `PRODUCT#${sku}` },
          ConsistentRead: true,
        });
        const productItem = items.find((i) => i.sk === 'PRODUCT');
        if (!productItem) return undefined;
        const product = ProductSchema().parse(Object.fromEntries(Object.entries(productItem).filter(([k]) => k in ProductSchema().shape)));
        const entry: CatalogEntry = { product, stock: await this.withBuckets(items.filter((i) => String(i.sk).startsWith('STOCK#'))) };
        return [sku, entry] as const;
      }),
    );
    return new Map(results.filter((r): r is readonly [string, CatalogEntry] => r !== undefined));
  }

  /** Stock levels of specific (SKU, warehouse) pairs. */
  async levels(pairs: readonly Pick<StockMovement, 'sku' | 'warehouseId'>[]): Promise<StockLevelView[]> {
    const items = await batchGet(this.client, this.tableName, pairs.map(key), { consistent: true });
    return this.withBuckets(items);
  }

  /** Levels of stock counter items with their buckets (strongly consistent). */
  private withBuckets(counters: ReadonlyArray<Record<string, unknown>>): Promise<StockLevelView[]> {
    return stockLevelsWithBuckets(this.client, this.tableName, counters, { consistent: true });
  }

  /**
   * Which of `picks` were made from a bucket that no longer exists — merged back after its sale
   * ({@link drainStockBucket}): their goods go back on the warehouse's counter
   * ({@link returnPickedStock} with `intoCounter`). One read of the levels, only when a pick names a bucket.
   */
  async bucketsGone(
    picks: ReadonlyArray<{ readonly sku: string; readonly warehouseId: string; readonly bucket?: number }>,
  ): Promise<(pick: { sku: string; warehouseId: string; bucket?: number }) => boolean> {
    const fromBuckets = picks.filter((p) => p.bucket !== undefined);
    if (fromBuckets.length === 0) return () => false;
    const keyOf = (p: { sku: string; warehouseId: string; bucket?: number }) => `${p.sku}#${p.warehouseId}#${p.bucket}`;
    const live = new Set((await this.levels(fromBuckets)).flatMap((l) => (l.buckets ?? []).map((b) => keyOf({ ...l, bucket: b.bucket }))));
    return (pick) => pick.bucket !== undefined && !live.has(keyOf(pick));
  }

  /** The buckets of a hot SKU in a warehouse, in bucket order (strongly consistent; one partition each, so one BatchGet of every possible bucket). */
  async buckets(sku: string, warehouseId: string): Promise<Array<StockLevelView & { bucket: number }>> {
    const keys = Array.from({ length: MAX_STOCK_SHARDS }, (_, n) => bucketKey({ sku, warehouseId }, n));
    const items = await batchGet(this.client, this.tableName, keys, { consistent: true });
    return items.map((item) => ({ ...toLevel(item), bucket: Number(item.bucket) })).sort((a, b) => a.bucket - b.bucket);
  }

  /** An order's reservation records, every status, by SKU then warehouse (strongly consistent). */
  async reservations(orderId: string): Promise<ReservationView[]> {
    return (
      await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `${RESERVATION_PREFIX}${orderId}` },
        ConsistentRead: true,
      })
    ).map(toReservation);
  }

  /** Every warehouse. */
  async warehouses(): Promise<WarehouseView[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byType',
      KeyConditionExpression: 'gsi1pk = :t',
      ExpressionAttributeValues: { ':t': 'WAREHOUSE' },
    });
    return items.map((item) => ({
      warehouseId: String(item.warehouseId),
      name: String(item.name),
      city: String(item.city),
      region: String(item.region),
      active: item.active !== false,
    }));
  }
}

/** A reader on `CATALOG_TABLE_NAME`. */
export function catalogReaderFromEnv(): CatalogReader {
  return new CatalogReader(requireSetting('catalogTableName'));
}
