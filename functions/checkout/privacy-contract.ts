/**
 * Checkout's contract with privacy (SEC-3, CMP-2): a customer's orders for their data export
 * (`GET /me/data`, decrypted), the removal of an order's personal data — when the customer is
 * erased (`DELETE /me`) and when the retention period after completion has passed — and the
 * definition of an order's completion that retention counts from.
 *
 * **Removing personal data** removes the order item's `personal` attribute — one sealed value of
 * the whole record, or on orders placed before 2026-12 the map of the encrypted fields
 * {@link PERSONAL_DATA_FIELDS} (`EncryptedPersonalData` in domain/order.ts) — and sets `personalDataErasedAt` (the first time only). The order stays for the
 * books (amounts, SKUs, dates, statuses: PRC E-Commerce Law art. 31, three years after
 * completion). The order's `version` moves on, so a change computed from the order as it was
 * before (which would write `personal` back) fails its version condition and is recomputed.
 *
 * **Completion**: an order is completed at its first delivery (`deliveredAt` of order-contract.ts:
 * the earliest `DELIVERED` timeline entry) or, if it was never delivered, when it ended otherwise
 * (cancelled, rejected by the risk check, or its payment failed).
 * Its personal data is due for removal `PERSONAL_DATA_RETENTION_DAYS` (default 1095) after that.
 *
 * A privacy function using it needs, on the OrdersTable: Query on `byCustomerSummary`, BatchGetItem
 * and kms:Decrypt of `order` data keys (export); Query on `byCustomerSummary`, UpdateItem (erasure); Scan,
 * Query and UpdateItem (retention).
 */
import { mapLimited } from '../../shared/concurrency.ts';
import { ORDER_PERSONAL_ATTRIBUTES } from './personal-data-contract.ts';
import { QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { batchGet, documentClient, isConditionalCheckFailed, queryAll } from '../../shared/dynamodb.ts';
import { FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';
import type { EncryptedPersonalData } from './domain/order.ts';
import { ORDER_INDEXES, orderKey, withLegacyIndexFallback } from './orders-repository.ts';
import { optionalPersonal, readablePersonalData, type PersonalData, type PersonalDataCipher } from './personal-data.ts';

/** The fields of an order's personal data (the sealed record's, and the older `personal` map's attribute names). */
export const PERSONAL_DATA_FIELDS = ORDER_PERSONAL_ATTRIBUTES;

type Item = Record<string, unknown>;

/** An order in a customer's data export: what they bought and paid, and their personal data while it exists. */
export interface ExportedOrder {
  readonly orderId: string;
  readonly status: string;
  readonly placedAt: string;
  readonly currency: string;
  readonly total: unknown;
  readonly lines: unknown;
  readonly personal?: PersonalData;
  readonly personalDataErasedAt?: string;
}

/** Every order of the customer, with its personal data decrypted (none once erased). */
export async function exportCustomerOrders(
  deps: { readonly client: Pick<DynamoDBDocumentClient, 'send'>; readonly tableName: string; readonly cipher: PersonalDataCipher },
  customerId: string,
): Promise<ExportedOrder[]> {
  // The index holds summaries (orders-repository.ts): it lists the orders, which are then read whole.
  const listed = await queryAll(withLegacyIndexFallback(deps.client), {
    TableName: deps.tableName,
    IndexName: ORDER_INDEXES.byCustomer,
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
    ProjectionExpression: 'orderId, sk',
  });
  const orderIds = listed.filter((i) => i.sk === 'ORDER').map((i) => String(i.orderId));
  const items = await batchGet(
    deps.client,
    deps.tableName,
    orderIds.map((orderId) => orderKey(orderId)),
    { consistent: true },
  );
  items.sort((a, b) => String(a.orderId).localeCompare(String(b.orderId)));
  const orders: ExportedOrder[] = [];
  for (const item of items.filter((i) => i.sk === 'ORDER' && i.customerId === customerId)) {
    const orderId = String(item.orderId);
    orders.push({
      orderId,
      status: String(item.status),
      placedAt: String(item.placedAt),
      currency: String(item.currency),
      total: item.total,
      lines: ((item.lines as Item[] | undefined) ?? []).map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal })),
      ...optionalPersonal(await readablePersonalData(deps.cipher, orderId, item.personal as EncryptedPersonalData | undefined)),
      ...(typeof item.personalDataErasedAt === 'string' ? { personalDataErasedAt: item.personalDataErasedAt } : {}),
    });
  }
  return orders;
}

/** Removes the personal data of one order (see the module documentation); false when there is no such order. Idempotent. */
export async function removeOrderPersonalData(client: Pick<DynamoDBDocumentClient, 'send'>, tableName: string, orderId: string, at: string): Promise<boolean> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: orderKey(orderId),
        UpdateExpression: 'REMOVE #personal SET #erasedAt = if_not_exists(#erasedAt, :at), #version = if_not_exists(#version, :zero) + :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#personal': 'personal', '#erasedAt': 'personalDataErasedAt', '#version': 'version' },
        ExpressionAttributeValues: { ':at': at, ':one': 1, ':zero': 0 },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Removes the personal data of every order of the customer; the ids of the orders. */
export async function eraseCustomerOrders(
  deps: { readonly client: Pick<DynamoDBDocumentClient, 'send'>; readonly tableName: string },
  customerId: string,
  at: string,
): Promise<string[]> {
  const items = await queryAll(withLegacyIndexFallback(deps.client), {
    TableName: deps.tableName,
    IndexName: ORDER_INDEXES.byCustomer,
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
    ProjectionExpression: 'orderId, sk',
  });
  const orderIds = items.filter((i) => i.sk === 'ORDER').map((i) => String(i.orderId));
  // SEC-3 "done in seconds": ten orders at a time, not one after another
  await mapLimited(orderIds, 10, (orderId) => removeOrderPersonalData(deps.client, deps.tableName, orderId, at));
  return orderIds;
}

/** What an order's completion is decided from, whichever record a reader has (its timeline, or the order item). */
export interface OrderEndings {
  /** When its shipments were delivered. */
  readonly deliveredAt: readonly string[];
  /** When it was cancelled, if it was. */
  readonly cancelledAt?: string;
  /** When it ended otherwise without a delivery (cancelled, rejected by the risk check, payment failed). */
  readonly endedAt: readonly string[];
}

/**
 * When an order was completed — the one definition the retention job (privacy) and the
 * `retention-overdue` scan (compliance) share: its first delivery, else its cancellation, else when
 * it ended otherwise; undefined while it is none of these.
 */
export function orderCompletion(endings: OrderEndings): string | undefined {
  return [...endings.deliveredAt].sort()[0] ?? endings.cancelledAt ?? [...endings.endedAt].sort()[0];
}

/** {@link orderCompletion} of an order's partition (`items`: the order item and its timeline). */
export function orderCompletedAt(items: readonly Item[]): string | undefined {
  const timeline = items.filter((i) => typeof i.sk === 'string' && i.sk.startsWith('TIMELINE#'));
  const at = (statuses: readonly string[]) => timeline.filter((i) => statuses.includes(String(i.to))).map((i) => String(i.at));
  const cancellation = items.find((i) => i.sk === 'ORDER')?.cancellation as { at?: unknown } | undefined;
  return orderCompletion({
    deliveredAt: at(['DELIVERED']),
    ...(typeof cancellation?.at === 'string' ? { cancelledAt: cancellation.at } : {}),
    endedAt: at(['CANCELLED', 'REJECTED', 'PAYMENT_FAILED']),
  });
}

/** When an order's personal data is due for removal: `retentionDays` after completion. */
export function personalDataDueAt(completedAt: string, retentionDays: number): string {
  return new Date(new Date(completedAt).getTime() + retentionDays * 86_400_000).toISOString();
}

/**
 * The orders that still hold personal data and whose retention has passed at `now`. Reads the
 * orders that still hold personal data and are delivered or cancelled (a filtered scan
 * of order items: one pass per run), then each candidate's timeline.
 */
export async function ordersPastRetention(client: Pick<DynamoDBDocumentClient, 'send'>, tableName: string, now: Date, retentionDays: number): Promise<string[]> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  const due: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :order AND attribute_exists(#personal) AND #status IN (:delivered, :cancelled, :rejected, :failed)',
        ExpressionAttributeNames: { '#personal': 'personal', '#status': 'status' },
        ExpressionAttributeValues: { ':order': 'ORDER', ':delivered': 'DELIVERED', ':cancelled': 'CANCELLED', ':rejected': 'REJECTED', ':failed': 'PAYMENT_FAILED' },
        ProjectionExpression: 'orderId, placedAt',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      // Completion is never before placement: an order placed after the cutoff cannot be due.
      if (typeof item.placedAt === 'string' && item.placedAt > cutoff) continue;
      const orderId = String(item.orderId);
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': orderKey(orderId).pk },
          ProjectionExpression: 'sk, #to, #at, cancellation',
          ExpressionAttributeNames: { '#to': 'to', '#at': 'at' },
          ConsistentRead: true,
        }),
      );
      const completedAt = orderCompletedAt(Items);
      if (completedAt !== undefined && personalDataDueAt(completedAt, retentionDays) <= now.toISOString()) due.push(orderId);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return due;
}

/** The contract with the real adapters (`ORDERS_TABLE_NAME`, the field key). */
export function ordersPrivacyFromEnv() {
  const tableName = () => requireSetting('ordersTableName');
  let cipher: FieldEncryptor | undefined;
  return {
    exportOrders: (customerId: string) =>
      exportCustomerOrders({ client: documentClient(), tableName: tableName(), cipher: (cipher ??= new FieldEncryptor({ kms: kmsKeyProvider() })) }, customerId),
    eraseOrders: (customerId: string, at: string) => eraseCustomerOrders({ client: documentClient(), tableName: tableName() }, customerId, at),
    dueOrders: (now: Date, retentionDays: number) => ordersPastRetention(documentClient(), tableName(), now, retentionDays),
    removePersonalData: (orderId: string, at: string) => removeOrderPersonalData(documentClient(), tableName(), orderId, at),
  };
}
