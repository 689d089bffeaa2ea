/**
 * Where compliance reads orders from (CMP-1, read-only): a narrow view of the order items of
 * checkout's OrdersTable (`pk = ORDER#<orderId>`, `sk = ORDER`, `type = Order`), page by page with
 * a filtered Scan (the scans look at every order). The personal data attributes are named by
 * checkout's personal-data contract.
 */
import { eachPaged } from './paging.ts';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';
import { ORDER_PERSONAL_DATA_ATTRIBUTE } from '../checkout/personal-data-contract.ts';

/** What the order scans look at. */
export interface OrderView {
  readonly orderId: string;
  readonly status: string;
  readonly placedAt?: string;
  readonly paymentDueBy?: string | null;
  readonly updatedAt?: string;
  readonly cancelledAt?: string;
  /** Times of the shipments that were delivered. */
  readonly deliveredAt: readonly string[];
  /** The stored personal data as it is in the item: one sealed value, or the older map of encrypted fields (checkout's personal-data contract). */
  readonly personal?: unknown;
  /** Every other string attribute of the item, by attribute path (for the plaintext check). */
  readonly strings: ReadonlyArray<readonly [string, string]>;
}

/** A page of orders. */
export interface OrderPage {
  readonly items: readonly OrderView[];
  readonly nextPage?: Record<string, unknown>;
}

/** What the order scans need. */
export interface OrderSource {
  listOrders(page?: Record<string, unknown>, pageSize?: number): Promise<OrderPage>;
}

/** The strings of `value` with their paths (depth-limited), skipping `skip` at the top. */
export function stringsOf(value: unknown, path = '', out: Array<[string, string]> = [], depth = 0): Array<[string, string]> {
  if (depth > 6) return out;
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((item, i) => stringsOf(item, `${path}[${i}]`, out, depth + 1));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) stringsOf(item, path ? `${path}.${key}` : key, out, depth + 1);
  return out;
}

/** An order item → the view ( `undefined` for items that are not orders). */
export function toOrderView(item: Record<string, unknown>): OrderView | undefined {
  if (typeof item.orderId !== 'string' || typeof item.status !== 'string') return undefined;
  const shipments = Array.isArray(item.shipments) ? (item.shipments as Array<Record<string, unknown>>) : [];
  const cancellation = item.cancellation as { at?: unknown } | undefined;
  const personal = item[ORDER_PERSONAL_DATA_ATTRIBUTE];
  const { [ORDER_PERSONAL_DATA_ATTRIBUTE]: _personal, pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _g3, gsi2sk: _g4, ...rest } = item;
  return {
    orderId: item.orderId,
    status: item.status,
    ...(typeof item.placedAt === 'string' ? { placedAt: item.placedAt } : {}),
    ...(typeof item.paymentDueBy === 'string' || item.paymentDueBy === null ? { paymentDueBy: item.paymentDueBy } : {}),
    ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
    ...(typeof cancellation?.at === 'string' ? { cancelledAt: cancellation.at } : {}),
    deliveredAt: shipments.filter((s) => s.status === 'DELIVERED' && typeof s.updatedAt === 'string').map((s) => s.updatedAt as string),
    ...(personal !== undefined && personal !== null ? { personal } : {}),
    strings: stringsOf(rest),
  };
}

/** Reads orders from the orders table. */
export class DynamoDbOrderSource implements OrderSource {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async listOrders(page?: Record<string, unknown>, pageSize = 200): Promise<OrderPage> {
    const response = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: '#type = :order',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':order': 'Order' },
        Limit: pageSize,
        ...(page ? { ExclusiveStartKey: page } : {}),
      }),
    );
    return {
      items: (response.Items ?? []).map(toOrderView).filter((order): order is OrderView => order !== undefined),
      ...(response.LastEvaluatedKey ? { nextPage: response.LastEvaluatedKey } : {}),
    };
  }
}

/** The order source of this container, on `ORDERS_TABLE_NAME`. */
export function orderSourceFromEnv(): OrderSource {
  return new DynamoDbOrderSource(requireSetting('ordersTableName'));
}

/** Runs `check` on every order, page by page, stopping early when asked. */
export function eachOrder(source: OrderSource, shouldStop: () => boolean, check: (order: OrderView) => void, pageSize?: number): Promise<{ examined: number; complete: boolean }> {
  return eachPaged((page) => source.listOrders(page, pageSize), shouldStop, check);
}
