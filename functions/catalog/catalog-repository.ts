/**
 * The catalog's storage: a port (what the use cases need) and its DynamoDB adapter on the
 * CatalogTable (single-table design):
 *
 * | item       | pk                  | sk                   | gsi1pk (`byType`) | gsi1sk        |
 * |------------|---------------------|----------------------|-------------------|---------------|
 * | product    | `PRODUCT#<sku>`     | `PRODUCT`            | `PRODUCT`         | `<sku>`       |
 * | stock      | `PRODUCT#<sku>`     | `STOCK#<warehouseId>`| —                 | —             |
 * | warehouse  | `WAREHOUSE#<id>`    | `WAREHOUSE`          | `WAREHOUSE`       | `<id>`        |
 * | seed mark  | `SEED#<name>`       | `SEED`               | —                 | —             |
 * | stock adjustment | `ADJUSTMENTS#<sku>` | `ADJ#<at>#<id>` | —                 | —             |
 * | reservation | `RESERVATION#<orderId>` | `<sku>#<warehouseId>` | —              | —             |
 *
 * Stock items and reservation records change only through stock-contract.ts (each reservation
 * record together with its stock item, in the caller's transaction).
 *
 * Stock adjustments (cycle counts, FUL-4) live in their own partition per SKU, so the product
 * partition that every order reads stays small.
 *
 * Products carry a `version` for optimistic concurrency: every write is conditional.
 * The `byType` GSI must project the product attributes (projection ALL).
 */
import { mapLimited } from '../../shared/concurrency.ts';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { cancellationReasons, decodeCursor, documentClient, encodeCursor, isConditionalCheckFailed, putIfAbsent, queryAll } from '../../shared/dynamodb.ts';
import { requireSetting } from '../../shared/config.ts';
import { ProductSchema, SkuSchema, type Product, type StockLevel } from './domain/product.ts';
import type { BucketDrain, BucketLevel } from './domain/stock.ts';
import {
  CatalogReader,
  completeStockMerge,
  countStock,
  drainStockBucket,
  markStockDraining,
  splitStockIntoBuckets,
  stockLevelsWithBuckets,
  type StockTransactItem,
} from './stock-contract.ts';

/** A product with its stock levels. */
export interface ProductWithStock {
  readonly product: Product;
  readonly stock: readonly StockLevel[];
  /** Set when compliance took the listing down (listing-contract.ts): it is not shown to shoppers. */
  readonly takenDown?: boolean;
}

/** A product as stored, with its concurrency version. */
export interface ProductRecord {
  readonly product: Product;
  readonly version: number;
}

/** A warehouse (FUL-1). */
export interface Warehouse {
  readonly warehouseId: string;
  readonly name: string;
  readonly city: string;
  readonly region: string;
  /** New orders reserve only from active warehouses (absent = active: warehouses created before the flag). */
  readonly active?: boolean;
  readonly updatedBy?: string;
  readonly updatedAt?: string;
}

/** A page of products. */
export interface ProductPage {
  readonly items: readonly ProductWithStock[];
  readonly nextCursor?: string;
}

/** A recorded cycle count: the stock change and who made it, when and why (FUL-4, SEC-4). */
export interface StockCount {
  readonly adjustmentId: string;
  readonly sku: string;
  readonly warehouseId: string;
  /** The counted quantity (the new on-hand). */
  readonly onHand: number;
  /** On hand before the count; undefined when the SKU had no stock item in the warehouse. */
  readonly previousOnHand?: number;
  readonly reserved: number;
  readonly difference: number;
  readonly reason: string;
  readonly countedBy: string;
  readonly at: string;
}

/** A conditional write lost against a concurrent change (or the item already existed). */
export class CatalogWriteConflict extends Error {
  override readonly name = 'CatalogWriteConflict';
}

/** What the catalog use cases need from storage. */
export interface CatalogRepository {
  /** The product and its stock, or `undefined`. */
  getProduct(sku: string): Promise<ProductWithStock | undefined>;
  /** The stored product with its version (for writes), or `undefined`. */
  getProductRecord(sku: string): Promise<ProductRecord | undefined>;
  /** Products ordered by SKU, optionally of one category. Throws a 400 problem for a bad cursor. */
  listProducts(query: { limit: number; cursor?: string; category?: string }): Promise<ProductPage>;
  /** Creates a product; {@link CatalogWriteConflict} when it exists. Returns the new version. */
  createProduct(product: Product): Promise<number>;
  /** Replaces a product if it is still at `expectedVersion`; {@link CatalogWriteConflict} otherwise. Returns the new version. */
  updateProduct(product: Product, expectedVersion: number): Promise<number>;
  /** Creates a stock level if there is none for (sku, warehouse); returns false when one existed. */
  createStockLevel(sku: string, level: StockLevel, at: Date): Promise<boolean>;
  /** Stock of a SKU in every warehouse that has a stock item (strongly consistent). */
  getStockLevels(sku: string): Promise<StockLevel[]>;
  /** Every warehouse. */
  listWarehouses(): Promise<Warehouse[]>;
  /**
   * Applies a cycle count and stores its adjustment record in one transaction;
   * {@link CatalogWriteConflict} when the stock changed since it was read (or the count is below
   * what is reserved).
   */
  recordStockCount(count: StockCount): Promise<void>;
  /**
   * Splits a warehouse's stock of a SKU into `buckets` buckets for a sale (stock contract): its
   * `available` units (the counter must still hold exactly that many, and not be split already)
   * move into the buckets. Throws {@link CatalogWriteConflict} when the stock changed.
   */
  splitStock(split: { sku: string; warehouseId: string; available: number; buckets: number; at: string }): Promise<void>;
  /** The buckets of a split stock, in bucket order (strongly consistent); none when it is not split. */
  getStockBuckets(sku: string, warehouseId: string): Promise<BucketLevel[]>;
  /** Merge step 1 (stock contract): marks a split stock of `named` buckets draining. {@link CatalogWriteConflict} when it changed, or drains already. */
  markStockDraining(stock: { sku: string; warehouseId: string; named: number; at: string }): Promise<void>;
  /** Merge step 2 for one bucket as read: false when it changed since (the next step reads again). */
  drainStockBucket(stock: { sku: string; warehouseId: string; named: number; bucket: BucketDrain; at: string }): Promise<boolean>;
  /** Merge step 3: the stock is one counter again — false while a bucket is left or the stock changed. */
  completeStockMerge(stock: { sku: string; warehouseId: string; named: number; at: string }): Promise<boolean>;
  /** Adjustment records of a SKU, oldest first. */
  listStockCounts(sku: string): Promise<StockCount[]>;
  /** Creates a warehouse if it does not exist; returns false when it existed. */
  createWarehouse(warehouse: Warehouse): Promise<boolean>;
  /** Creates or replaces a warehouse; returns the one it replaced, if any. */
  putWarehouse(warehouse: Warehouse): Promise<Warehouse | undefined>;
  /** One warehouse (strongly consistent). */
  getWarehouse(warehouseId: string): Promise<Warehouse | undefined>;
  /** True when the seed marker `name` exists. */
  hasSeedMarker(name: string): Promise<boolean>;
  /** Writes the seed marker `name` (idempotent). */
  putSeedMarker(name: string, at: Date): Promise<void>;
}

const productPk = (sku: string) => `PRODUCT#${sku}`;
const PRODUCT_SK = 'PRODUCT';
const PRODUCT_TYPE = 'PRODUCT';
/** Name of the GSI listing items by type. */
export const BY_TYPE_INDEX = 'byType';

/** The LastEvaluatedKey of a `byType` query over products: exactly these attributes. */
const ProductCursorSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    pk: z.string().check(z.regex(/^PRODUCT#[A-Z0-9-]{3,40}$/)),
    sk: z.literal(PRODUCT_SK),
    gsi1pk: z.literal(PRODUCT_TYPE),
    gsi1sk: SkuSchema(),
  }),
);

const StockItemSchema = /* @__PURE__ */ lazily(() =>
  z.object({
    warehouseId: z.string(),
    onHand: z.number().check(z.int()),
    reserved: z.number().check(z.int()),
  }),
);

/** Stored item → product (validated: a malformed item is a server error, not silent garbage). */
function productFromItem(item: Record<string, unknown>): ProductRecord {
  // `takenDown` is compliance's mark (listing-contract.ts), not part of the product a staff member edits.
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _type, version, takenDown: _takenDown, ...rest } = item;
  return { product: ProductSchema().parse(rest), version: typeof version === 'number' ? version : 0 };
}

function productItem(product: Product, version: number): Record<string, unknown> {
  return { pk: productPk(product.sku), sk: PRODUCT_SK, gsi1pk: PRODUCT_TYPE, gsi1sk: product.sku, type: 'Product', ...product, version };
}

/** The DynamoDB adapter of {@link CatalogRepository}. */
export class DynamoDbCatalogRepository implements CatalogRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    /** Upper bound of DynamoDB round trips per filtered list page. */
    private readonly maxRoundTrips = 5,
  ) {}

  async getProduct(sku: string): Promise<ProductWithStock | undefined> {
    const items = await this.queryPartition(sku);
    const productItemFound = items.find((item) => item.sk === PRODUCT_SK);
    if (!productItemFound) return undefined;
    return { product: productFromItem(productItemFound).product, stock: await this.levelsOf(items, false), ...(productItemFound.takenDown ? { takenDown: true } : {}) };
  }

  async getProductRecord(sku: string): Promise<ProductRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: productPk(sku), sk: PRODUCT_SK }, ConsistentRead: true }));
    return Item ? productFromItem(Item) : undefined;
  }

  async listProducts(query: { limit: number; cursor?: string; category?: string }): Promise<ProductPage> {
    let startKey: Record<string, unknown> | undefined = decodeCursor(query.cursor, ProductCursorSchema());
    const found: Record<string, unknown>[] = [];
    let lastEvaluated: Record<string, unknown> | undefined;
    for (let round = 0; round < this.maxRoundTrips; round++) {
      const response = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_TYPE_INDEX,
          KeyConditionExpression: 'gsi1pk = :type',
          ...(query.category
            ? { FilterExpression: 'category = :category', ExpressionAttributeValues: { ':type': PRODUCT_TYPE, ':category': query.category } }
            : { ExpressionAttributeValues: { ':type': PRODUCT_TYPE } }),
          Limit: query.category ? Math.max(query.limit * 4, 50) : query.limit + 1,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      found.push(...(response.Items ?? []));
      lastEvaluated = response.LastEvaluatedKey;
      if (found.length > query.limit || !lastEvaluated) break;
      startKey = lastEvaluated;
    }
    let nextKey: Record<string, unknown> | undefined;
    let page = found;
    if (found.length > query.limit) {
      page = found.slice(0, query.limit);
      const last = page[page.length - 1] as Record<string, unknown>;
      nextKey = { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk };
    } else if (lastEvaluated) {
      nextKey = lastEvaluated;
    }
    // Listings compliance took down are not shown (listing-contract.ts); the page may be shorter.
    const products = page.filter((item) => !item.takenDown).map((item) => productFromItem(item).product);
    const stocks = await mapLimited(products, 10, (product) => this.stockOf(product.sku));
    return {
      items: products.map((product, i) => ({ product, stock: stocks[i] ?? [] })),
      ...(nextKey ? { nextCursor: encodeCursor(nextKey) } : {}),
    };
  }

  async createProduct(product: Product): Promise<number> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: productItem(product, 1), ConditionExpression: 'attribute_not_exists(pk)' }));
      return 1;
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new CatalogWriteConflict(`product ${product.sku} already exists`);
      throw error;
    }
  }

  async updateProduct(product: Product, expectedVersion: number): Promise<number> {
    const version = expectedVersion + 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: productItem(product, version),
          ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
      return version;
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new CatalogWriteConflict(`product ${product.sku} changed concurrently`);
      throw error;
    }
  }

  async createStockLevel(sku: string, level: StockLevel, at: Date): Promise<boolean> {
    return putIfAbsent(this.client, this.tableName, {
      pk: productPk(sku),
      sk: `STOCK#${level.warehouseId}`,
      type: 'Stock',
      sku,
      warehouseId: level.warehouseId,
      onHand: level.onHand,
      reserved: level.reserved,
      available: level.onHand - level.reserved,
      updatedAt: at.toISOString(),
    });
  }

  async getStockLevels(sku: string): Promise<StockLevel[]> {
    return this.stockOf(sku, true);
  }

  async listWarehouses(): Promise<Warehouse[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: BY_TYPE_INDEX,
      KeyConditionExpression: 'gsi1pk = :t',
      ExpressionAttributeValues: { ':t': 'WAREHOUSE' },
    });
    return items.map(warehouseOf);
  }

  async recordStockCount(count: StockCount): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            countStock(
              this.tableName,
              { sku: count.sku, warehouseId: count.warehouseId, onHand: count.onHand, ...(count.previousOnHand !== undefined ? { previousOnHand: count.previousOnHand } : {}) },
              new Date(count.at),
            ),
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: `ADJUSTMENTS#${count.sku}`, sk: `ADJ#${count.at}#${count.adjustmentId}`, type: 'StockAdjustment', ...count },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof Error && (error.name === 'TransactionCanceledException' || error.name === 'TransactionConflictException')) {
        throw new CatalogWriteConflict(`stock of ${count.sku} in ${count.warehouseId} changed concurrently`);
      }
      throw error;
    }
  }

  async splitStock(split: { sku: string; warehouseId: string; available: number; buckets: number; at: string }): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: splitStockIntoBuckets(this.tableName, split, new Date(split.at)) }));
    } catch (error) {
      if (error instanceof Error && (error.name === 'TransactionCanceledException' || error.name === 'TransactionConflictException')) {
        throw new CatalogWriteConflict(`stock of ${split.sku} in ${split.warehouseId} changed concurrently`);
      }
      throw error;
    }
  }

  async getStockBuckets(sku: string, warehouseId: string): Promise<BucketLevel[]> {
    return (await new CatalogReader(this.tableName, this.client).buckets(sku, warehouseId)).map(({ bucket, onHand, reserved, available }) => ({
      bucket,
      onHand,
      reserved,
      available,
    }));
  }

  async markStockDraining(stock: { sku: string; warehouseId: string; named: number; at: string }): Promise<void> {
    if (!(await this.stockTransaction(markStockDraining(this.tableName, stock, new Date(stock.at))))) {
      throw new CatalogWriteConflict(`stock of ${stock.sku} in ${stock.warehouseId} changed concurrently`);
    }
  }

  drainStockBucket(stock: { sku: string; warehouseId: string; named: number; bucket: BucketDrain; at: string }): Promise<boolean> {
    return this.stockTransaction(drainStockBucket(this.tableName, stock, new Date(stock.at)));
  }

  completeStockMerge(stock: { sku: string; warehouseId: string; named: number; at: string }): Promise<boolean> {
    return this.stockTransaction(completeStockMerge(this.tableName, stock, new Date(stock.at)));
  }

  /** Runs stock transaction items: false when a condition failed or another transaction conflicted. */
  private async stockTransaction(items: StockTransactItem[]): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.includes('ConditionalCheckFailed') || reasons?.includes('TransactionConflict')) return false;
      throw error;
    }
  }

  async listStockCounts(sku: string): Promise<StockCount[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ADJUSTMENTS#${sku}` },
      ConsistentRead: true,
    });
    return items.map(({ pk: _pk, sk: _sk, type: _type, ...rest }) => rest as StockCount);
  }

  async createWarehouse(warehouse: Warehouse): Promise<boolean> {
    return putIfAbsent(this.client, this.tableName, warehouseItem(warehouse));
  }

  async putWarehouse(warehouse: Warehouse): Promise<Warehouse | undefined> {
    const { Attributes } = await this.client.send(new PutCommand({ TableName: this.tableName, Item: warehouseItem(warehouse), ReturnValues: 'ALL_OLD' }));
    return Attributes ? warehouseOf(Attributes) : undefined;
  }

  async getWarehouse(warehouseId: string): Promise<Warehouse | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `WAREHOUSE#${warehouseId}`, sk: 'WAREHOUSE' }, ConsistentRead: true }));
    return Item ? warehouseOf(Item) : undefined;
  }

  async hasSeedMarker(name: string): Promise<boolean> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `SEED#${name}`, sk: 'SEED' }, ConsistentRead: true }));
    return Item !== undefined;
  }

  async putSeedMarker(name: string, at: Date): Promise<void> {
    await putIfAbsent(this.client, this.tableName, { pk: `SEED#${name}`, sk: 'SEED', type: 'SeedMarker', seededAt: at.toISOString() });
  }

  private async stockOf(sku: string, consistent = false): Promise<StockLevel[]> {
    return this.levelsOf(
      await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :stock)',
        ExpressionAttributeValues: { ':pk': productPk(sku), ':stock': 'STOCK#' },
        ...(consistent ? { ConsistentRead: true } : {}),
      }),
      consistent,
    );
  }

  /** The levels of a partition's stock items; a hot SKU's buckets (stock contract) are read and added in. */
  private async levelsOf(items: readonly Record<string, unknown>[], consistent = true): Promise<StockLevel[]> {
    const counters = items.filter((item) => typeof item.sk === 'string' && item.sk.startsWith('STOCK#')).map((item) => ({ ...item, ...StockItemSchema().parse(item) }));
    const levels = await stockLevelsWithBuckets(this.client, this.tableName, counters, { consistent });
    // `buckets`: how many the counter names (a draining stock may have fewer left).
    const named = new Map(counters.map((c) => [c.warehouseId, Number((c as Record<string, unknown>).buckets ?? 0)]));
    // A counter naming buckets is split even when none is found (a drain whose last step is to come).
    return levels.map(({ warehouseId, onHand, reserved, buckets, draining }) => {
      const n = Math.max(named.get(warehouseId) ?? 0, buckets?.length ?? 0);
      return { warehouseId, onHand, reserved, ...(n > 0 ? { buckets: n } : {}), ...(n > 0 && draining ? { draining: true } : {}) };
    });
  }

  private queryPartition(sku: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': productPk(sku) }, ConsistentRead: true });
  }
}

/** The catalog repository of this container, on `CATALOG_TABLE_NAME`. */
export function catalogRepositoryFromEnv(): CatalogRepository {
  return new DynamoDbCatalogRepository(requireSetting('catalogTableName'));
}

function warehouseItem(warehouse: Warehouse): Record<string, unknown> {
  return {
    pk: `WAREHOUSE#${warehouse.warehouseId}`,
    sk: 'WAREHOUSE',
    gsi1pk: 'WAREHOUSE',
    gsi1sk: warehouse.warehouseId,
    type: 'Warehouse',
    ...warehouse,
    active: warehouse.active !== false,
  };
}

/** A warehouse from its item (items written before `active` existed are active). */
export function warehouseOf(item: Record<string, unknown>): Warehouse {
  return {
    warehouseId: String(item.warehouseId),
    name: String(item.name),
    city: String(item.city),
    region: String(item.region),
    active: item.active !== false,
    ...(typeof item.updatedBy === 'string' ? { updatedBy: item.updatedBy } : {}),
    ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
  };
}
