/**
 * Where compliance reads stock from (CMP-1, read-only): catalog's CatalogTable, page by page with a
 * filtered Scan — stock items (`type = Stock`, `PRODUCT#<sku>` / `STOCK#<warehouseId>`), the
 * buckets of a hot SKU (`type = StockBucket`, `STOCKBUCKET#<sku>#<warehouseId>#<n>`), both with a `reserved`
 * counter, and the orders' reservation records (`type = Reservation`, `RESERVATION#<orderId>` /
 * `<sku>#<warehouseId>`, with `quantity` and `status`); the layout is catalog's stock contract.
 * Ids, counters and times only.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';

/** A stock counter item (a stock item or a bucket of one). */
export interface StockCounterView {
  readonly kind: 'counter';
  readonly sku: string;
  readonly warehouseId: string;
  readonly reserved: number;
  readonly updatedAt?: string;
}

/** An order's reservation record for one (SKU, warehouse). */
export interface ReservationView {
  readonly kind: 'reservation';
  readonly orderId: string;
  readonly sku: string;
  readonly warehouseId: string;
  readonly status: string;
  readonly quantity: number;
  readonly updatedAt?: string;
}

/** A page of stock records. */
export interface StockPage {
  readonly items: ReadonlyArray<StockCounterView | ReservationView>;
  readonly nextPage?: Record<string, unknown>;
}

/** What the reservation scan needs. */
export interface StockSource {
  listStock(page?: Record<string, unknown>, pageSize?: number): Promise<StockPage>;
}

const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** A stored item → its view (`undefined` for other items). */
export function toStockView(item: Record<string, unknown>): StockCounterView | ReservationView | undefined {
  if (typeof item.sku !== 'string' || typeof item.warehouseId !== 'string') return undefined;
  const updatedAt = typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {};
  if (item.type === 'Stock' || item.type === 'StockBucket') return { kind: 'counter', sku: item.sku, warehouseId: item.warehouseId, reserved: number(item.reserved), ...updatedAt };
  if (item.type === 'Reservation' && typeof item.orderId === 'string') {
    return { kind: 'reservation', orderId: item.orderId, sku: item.sku, warehouseId: item.warehouseId, status: String(item.status), quantity: number(item.quantity), ...updatedAt };
  }
  return undefined;
}

/** Reads stock counters and reservation records from the catalog table. */
export class DynamoDbStockSource implements StockSource {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async listStock(page?: Record<string, unknown>, pageSize = 500): Promise<StockPage> {
    const response = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: '#type IN (:stock, :bucket, :reservation)',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
        ExpressionAttributeValues: { ':stock': 'Stock', ':bucket': 'StockBucket', ':reservation': 'Reservation' },
        ProjectionExpression: '#type, sku, warehouseId, reserved, orderId, #status, quantity, updatedAt',
        Limit: pageSize,
        ...(page ? { ExclusiveStartKey: page } : {}),
      }),
    );
    return {
      items: (response.Items ?? []).map(toStockView).filter((view): view is StockCounterView | ReservationView => view !== undefined),
      ...(response.LastEvaluatedKey ? { nextPage: response.LastEvaluatedKey } : {}),
    };
  }
}

/** The stock source of this container, on `CATALOG_TABLE_NAME`. */
export function stockSourceFromEnv(): StockSource {
  return new DynamoDbStockSource(requireSetting('catalogTableName'));
}
