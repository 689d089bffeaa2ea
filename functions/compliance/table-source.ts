/**
 * Where the plaintext scan reads the other tables that hold personal data from (CMP-1, SEC-2,
 * read-only): tickets, returns and the idempotency table's stored responses, item by item with a
 * Scan (the scan looks at every item). The items are raw: the scan knows which attributes of each
 * table must be field-encrypted values.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/dynamodb.ts';
import { eachPaged } from './paging.ts';

/** A page of raw items. */
export interface ItemPage {
  readonly items: ReadonlyArray<Record<string, unknown>>;
  readonly nextPage?: Record<string, unknown>;
}

/** Every item of one table, page by page. */
export interface ItemSource {
  listItems(page?: Record<string, unknown>, pageSize?: number): Promise<ItemPage>;
}

/** Reads a table with a Scan. */
export class DynamoDbItemSource implements ItemSource {
  constructor(
    private readonly tableName: string,
    private readonly client: Pick<DynamoDBDocumentClient, 'send'> = documentClient(),
  ) {}

  async listItems(page?: Record<string, unknown>, pageSize = 200): Promise<ItemPage> {
    const response = await this.client.send(new ScanCommand({ TableName: this.tableName, Limit: pageSize, ...(page ? { ExclusiveStartKey: page } : {}) }));
    return { items: response.Items ?? [], ...(response.LastEvaluatedKey ? { nextPage: response.LastEvaluatedKey } : {}) };
  }
}

/** Runs `check` on every item, page by page, stopping early when asked. */
export function eachItem(
  source: ItemSource,
  shouldStop: () => boolean,
  check: (item: Record<string, unknown>) => void,
  pageSize?: number,
): Promise<{ examined: number; complete: boolean }> {
  return eachPaged((page) => source.listItems(page, pageSize), shouldStop, check);
}
