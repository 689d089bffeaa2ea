/**
 * Catalog's documented API for stock, used by checkout (reserve at placement, release on
 * cancellation/rejection/timeout) and fulfillment (reservations become picks). It is the one
 * module other capabilities may import from catalog (.dependency-cruiser.cjs): reservations must
 * join the order's own DynamoDB transaction (ORD-4: never oversell), so catalog hands out
 * transaction items instead of making calls. Only this module knows the stock item's shape.
 *
 * Stock item (CatalogTable): `pk = PRODUCT#<sku>`, `sk = STOCK#<warehouseId>`, with `onHand`,
 * `reserved` and `available` (= onHand − reserved, kept in step by every update because condition
 * expressions cannot do arithmetic). Every change is conditional, so `available` never goes below
 * zero and `reserved` never exceeds what was reserved.
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/dynamodb.ts';
import { requireSetting } from '../../shared/config.ts';
import type { Product } from './domain/product.ts';
import { ProductSchema } from './domain/product.ts';

export { planAllocation, regionDistance } from './domain/allocation.ts';
export type { AllocationLine, AllocationPlan, AvailableStock, RegionDistances, Shortage, WarehouseAllocation, WarehouseLocation } from './domain/allocation.ts';
export { catalogSettings } from './settings.ts';

/** One DynamoDB transaction item. */
export type StockTransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A quantity of a SKU in a warehouse. */
export interface StockMovement {
  readonly sku: string;
  readonly warehouseId: string;
  readonly quantity: number;
}

/** Stock of a SKU in one warehouse. */
export interface StockLevelView {
  readonly sku: string;
  readonly warehouseId: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
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
}

const key = (m: Pick<StockMovement, 'sku' | 'warehouseId'>) => ({ pk: `PRODUCT#${m.sku}`, sk: `STOCK#${m.warehouseId}` });

function checkQuantity(m: StockMovement): void {
  if (!Number.isSafeInteger(m.quantity) || m.quantity <= 0) throw new Error(`stock movement quantity must be a positive integer, got ${m.quantity}`);
}

/** Reserve `quantity` (placement): only if that much is available. */
export function reserveStock(tableName: string, m: StockMovement, at: Date): StockTransactItem {
  checkQuantity(m);
  return {
    Update: {
      TableName: tableName,
      Key: key(m),
      UpdateExpression: 'SET reserved = reserved + :q, available = available - :q, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND available >= :q',
      ExpressionAttributeValues: { ':q': m.quantity, ':at': at.toISOString() },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Release a reservation (cancel, reject, payment failure, timeout): only if that much is reserved. */
export function releaseStock(tableName: string, m: StockMovement, at: Date): StockTransactItem {
  checkQuantity(m);
  return {
    Update: {
      TableName: tableName,
      Key: key(m),
      UpdateExpression: 'SET reserved = reserved - :q, available = available + :q, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND reserved >= :q',
      ExpressionAttributeValues: { ':q': m.quantity, ':at': at.toISOString() },
    },
  };
}

/** A reservation becomes a pick (the goods leave the warehouse): on hand and reserved both drop. */
export function pickStock(tableName: string, m: StockMovement, at: Date): StockTransactItem {
  checkQuantity(m);
  return {
    Update: {
      TableName: tableName,
      Key: key(m),
      UpdateExpression: 'SET reserved = reserved - :q, onHand = onHand - :q, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND reserved >= :q AND onHand >= :q',
      ExpressionAttributeValues: { ':q': m.quantity, ':at': at.toISOString() },
    },
  };
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
        Item: { ...key(count), type: 'Stock', sku: count.sku, warehouseId: count.warehouseId, onHand: count.onHand, reserved: 0, available: count.onHand, updatedAt: at.toISOString() },
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

/** The SKU and warehouse of a stock transaction item (to name what failed in a cancelled transaction). */
export function stockItemOf(item: StockTransactItem): { sku: string; warehouseId: string } | undefined {
  const k = item.Update?.Key as { pk?: string; sk?: string } | undefined;
  if (!k?.pk?.startsWith('PRODUCT#') || !k.sk?.startsWith('STOCK#')) return undefined;
  return { sku: k.pk.slice('PRODUCT#'.length), warehouseId: k.sk.slice('STOCK#'.length) };
}

function toLevel(item: Record<string, unknown>): StockLevelView {
  const onHand = Number(item.onHand ?? 0);
  const reserved = Number(item.reserved ?? 0);
  return { sku: String(item.sku), warehouseId: String(item.warehouseId), onHand, reserved, available: item.available === undefined ? onHand - reserved : Number(item.available) };
}

/** Reads products, stock and warehouses (strongly consistent, for pricing and planning). */
export class CatalogReader {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  /** Products and their stock, by SKU; unknown SKUs are absent from the map. One query per SKU. */
  async entries(skus: readonly string[]): Promise<Map<string, CatalogEntry>> {
    const unique = [...new Set(skus)];
    const results = await Promise.all(
      unique.map(async (sku) => {
        const items: Record<string, unknown>[] = [];
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await this.client.send(
            new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `PRODUCT#${sku}` }, ConsistentRead: true, ExclusiveStartKey: startKey }),
          );
          items.push(...(page.Items ?? []));
          startKey = page.LastEvaluatedKey;
        } while (startKey);
        const productItem = items.find((i) => i.sk === 'PRODUCT');
        if (!productItem) return undefined;
        const product = ProductSchema.parse(Object.fromEntries(Object.entries(productItem).filter(([k]) => k in ProductSchema.shape)));
        const entry: CatalogEntry = { product, stock: items.filter((i) => String(i.sk).startsWith('STOCK#')).map(toLevel) };
        return [sku, entry] as const;
      }),
    );
    return new Map(results.filter((r): r is readonly [string, CatalogEntry] => r !== undefined));
  }

  /** Stock levels of specific (SKU, warehouse) pairs. */
  async levels(pairs: readonly Pick<StockMovement, 'sku' | 'warehouseId'>[]): Promise<StockLevelView[]> {
    const out: StockLevelView[] = [];
    for (let i = 0; i < pairs.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = pairs.slice(i, i + 100).map(key);
      while (keys && keys.length > 0) {
        const response = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        out.push(...(response.Responses?.[this.tableName] ?? []).map(toLevel));
        keys = response.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return out;
  }

  /** Every warehouse. */
  async warehouses(): Promise<WarehouseView[]> {
    const out: WarehouseView[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.tableName, IndexName: 'byType', KeyConditionExpression: 'gsi1pk = :t', ExpressionAttributeValues: { ':t': 'WAREHOUSE' }, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) out.push({ warehouseId: String(item.warehouseId), name: String(item.name), city: String(item.city), region: String(item.region) });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}

/** A reader on `CATALOG_TABLE_NAME`. */
export function catalogReaderFromEnv(): CatalogReader {
  return new CatalogReader(requireSetting('catalogTableName'));
}
