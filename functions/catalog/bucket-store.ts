/**
 * The rebalancer's store (rebalance-stock-buckets.ts) on the CatalogTable: the split stock counters
 * (`byType` index, `HOTSTOCK`), their buckets, and moves between buckets (stock-contract.ts).
 */
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { cancellationReasons, documentClient, queryAll } from '../../shared/dynamodb.ts';
import type { BucketStore } from './rebalance-stock-buckets.ts';
import { CatalogReader, HOT_STOCK_TYPE, moveBetweenBuckets } from './stock-contract.ts';

/** The rebalancer's view of split stock (rebalance-stock-buckets.ts): the `HOTSTOCK` counters, their buckets, and moves. */
export class DynamoDbBucketStore implements BucketStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async splitStock(): Promise<Array<{ sku: string; warehouseId: string; draining?: boolean; drainingSince?: string }>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byType',
      KeyConditionExpression: 'gsi1pk = :hot',
      ExpressionAttributeValues: { ':hot': HOT_STOCK_TYPE },
    });
    return items.map((item) => ({
      sku: String(item.sku),
      warehouseId: String(item.warehouseId),
      ...(item.draining === true ? { draining: true, ...(typeof item.drainingSince === 'string' ? { drainingSince: item.drainingSince } : {}) } : {}),
    }));
  }

  async bucketLevels(stock: { sku: string; warehouseId: string }): Promise<number[]> {
    const buckets = await new CatalogReader(this.tableName, this.client).buckets(stock.sku, stock.warehouseId);
    // Moves name buckets by position: not for a stock a merge has begun (the listing may not show it yet). A set whose
    // last buckets are gone passes this check; its moves are conditional like every move, so they only shift units.
    if (buckets.some((b, i) => b.bucket !== i || b.draining)) return [];
    return buckets.map((b) => b.available);
  }

  async move(stock: { sku: string; warehouseId: string }, move: { from: number; to: number; quantity: number }): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: moveBetweenBuckets(this.tableName, { ...stock, ...move }, new Date()) }));
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.includes('ConditionalCheckFailed')) return false;
      if (reasons?.includes('TransactionConflict')) return false;
      throw error;
    }
  }
}

/** The rebalancer's store on `CATALOG_TABLE_NAME`. */
export function bucketStoreFromEnv(): DynamoDbBucketStore {
  return new DynamoDbBucketStore(requireSetting('catalogTableName'));
}
