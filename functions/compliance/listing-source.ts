/**
 * Where compliance reads product listings from: a narrow, read-only view (SKU, name, attributes)
 * of the catalog's product items (`CATALOG_TABLE_NAME`: `pk = PRODUCT#<sku>, sk = PRODUCT`, and the
 * `byType` GSI with `gsi1pk = PRODUCT` for scans).
 *
 * Note: ARCHITECTURE.md says a capability never reads another capability's tables. The function
 * contract gives the compliance functions `CATALOG_TABLE_NAME` and events carry ids only, so this
 * adapter is the single, read-only exception, kept behind the {@link ListingSource} port; replacing
 * it with a call to `GET /products/{sku}` changes nothing else.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';

/** The parts of a product listing compliance checks. */
export interface Listing {
  readonly sku: string;
  readonly name: string;
  readonly attributes: unknown;
}

/** A page of listings; `nextPage` continues the scan. */
export interface ListingPage {
  readonly items: readonly Listing[];
  readonly nextPage?: Record<string, unknown>;
}

/** What compliance needs to read listings. */
export interface ListingSource {
  /** One listing, or `undefined` when the product does not exist. */
  getListing(sku: string): Promise<Listing | undefined>;
  /** A page of all listings, in SKU order. */
  listListings(page?: Record<string, unknown>, pageSize?: number): Promise<ListingPage>;
}

function toListing(item: Record<string, unknown>): Listing | undefined {
  if (typeof item.sku !== 'string' || typeof item.name !== 'string') return undefined;
  return { sku: item.sku, name: item.name, attributes: item.attributes };
}

/** Reads listings from the catalog table. */
export class DynamoDbListingSource implements ListingSource {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async getListing(sku: string): Promise<Listing | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `PRODUCT#${sku}`, sk: 'PRODUCT' },
        ProjectionExpression: 'sku, #name, attributes',
        ExpressionAttributeNames: { '#name': 'name' },
        ConsistentRead: true,
      }),
    );
    return Item ? toListing(Item) : undefined;
  }

  async listListings(page?: Record<string, unknown>, pageSize = 100): Promise<ListingPage> {
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byType',
        KeyConditionExpression: 'gsi1pk = :type',
        ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk, sku, #name, attributes',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':type': 'PRODUCT' },
        Limit: pageSize,
        ...(page ? { ExclusiveStartKey: page } : {}),
      }),
    );
    return {
      items: (response.Items ?? []).map(toListing).filter((listing): listing is Listing => listing !== undefined),
      ...(response.LastEvaluatedKey ? { nextPage: response.LastEvaluatedKey } : {}),
    };
  }
}

/** The listing source of this container, on `CATALOG_TABLE_NAME`. */
export function listingSourceFromEnv(): ListingSource {
  return new DynamoDbListingSource(requireSetting('catalogTableName'));
}
