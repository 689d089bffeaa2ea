/**
 * Orders in the OrdersTable (single-table design; promotions-repository.ts holds the coupon,
 * promotion and customer items):
 *
 * | item            | pk                         | sk                 | GSI keys |
 * |-----------------|----------------------------|--------------------|----------|
 * | order           | `ORDER#<orderId>`          | `ORDER`            | `byCustomerSummary` (projects {@link ORDER_SUMMARY_ATTRIBUTES}): gsi1pk `CUSTOMER#<id>`, gsi1sk `<orderId>`; `awaitingPayment` (sparse, only while a payment is awaited): gsi2pk `AWAITING#<shard>`, gsi2sk `<paymentDueBy>#<orderId>` |
 * | timeline entry  | `ORDER#<orderId>`          | `TIMELINE#<version>` | — (one per change from version 2; the placement's, version 1, follows from the order and is stored only by orders placed before December 2026) |
 * | request marker  | `REQUEST#<sha256(customer, Idempotency-Key)>` | `REQUEST` | — (TTL `expiresAt`) |
 * | (until 2026-12) processed event | `EVENT#<eventId>` | `EVENT` | — (no longer written: a change is idempotent by the order's state, change-order.ts; old ones expire by TTL) |
 * | outbox entry    | `OUTBOX#<shard>`           | `<createdAt>#<orderId>#<version>` | — |
 * | customer holds  | `CUSTOMER#<customerId>`    | `HOLDS`            | — (`openUnpaid`, `reserved#<sku>`: domain/customer-holds.ts) |
 * | group-buy group | `GROUP#<code>`             | `GROUP`            | — (domain/group-buy.ts: `members` in joining order, `expiresAt`, `completedAt`) |
 *
 * Every change is one transaction, conditional on the order's `version` (optimistic concurrency):
 * the order item, its timeline entry, the stock items and the order's reservation records it
 * reserves or releases (catalog's stock-contract.ts: each release is conditional on the order's
 * reservation still being `reserved`), the coupon counters and the outbox entry of the events it
 * causes. Events are published after the commit and the outbox entry deleted; an entry
 * left behind (publishing failed, the function died) is republished by the sweep, so no event is
 * lost — consumers are idempotent, so a rare duplicate is harmless.
 *
 * The awaiting-payment index is sharded (`AWAITING_PAYMENT_SHARDS`) so its writes never pile onto
 * one partition; the sweep queries each shard for `gsi2sk <= now`.
 */
import crypto from 'node:crypto';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import type { DomainEvent } from '../../events/event-definition.ts';
import { requireSetting } from '../../shared/config.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';
import { batchGet, cancellationReasons, decodeCursor, documentClient, encodeCursor, queryAll } from '../../shared/dynamodb.ts';
import { toOrderSummary, type OrderSummary } from './domain/order-view.ts';
import { CatalogReader, failedStockItems, releaseStock, reserveStock } from '../catalog/stock-contract.ts';
import type { HoldIncrease, HoldRelease } from './domain/customer-holds.ts';
import {
  CustomerHoldsExceededError,
  StockConflictError,
  RequestAlreadyPlacedError,
  CouponExhaustedError,
  GroupChangedError,
  TransientConflictError,
  StaleOrderError,
  StockReleaseError,
  ReservationsNotHeldError,
} from './domain/order-store-errors.ts';
import type { GroupBuy } from './domain/group-buy.ts';
import { AWAITING_PAYMENT, placementEntry, type Order, type Reservation, type TimelineEntry } from './domain/order.ts';
import { couponKeys } from './promotions-repository.ts';
import type { OutboxEvent } from '../../shared/outbox.ts';
import { everyKeyOf } from '../../shared/every-key.ts';
import { InvalidCheckoutRequestError } from './domain/checkout-errors.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Events to publish after a commit, kept in the outbox until they are. */
export interface OutboxEntry {
  readonly events: readonly DomainEvent[];
  readonly correlationId: string;
}

/** Where an outbox entry is stored. */
export interface OutboxKey {
  readonly pk: string;
  readonly sk: string;
}

/** An outbox entry read back (events by name, payload unvalidated until published). */
export interface StoredOutboxEntry {
  readonly key: OutboxKey;
  readonly correlationId: string;
  readonly events: readonly OutboxEvent[];
  readonly orderId?: string;
  readonly createdAt: string;
}

/** Placing an order: everything written in its one transaction. */
export interface PlacementWrite {
  readonly order: Order;
  /** The request's idempotency marker: a retry of a placed request finds it. */
  readonly request?: { readonly customerId: string; readonly idempotencyKey: string; readonly bodyHash: string };
  /** The coupon whose usage counters are incremented (conditional on its limits). */
  readonly coupon?: { readonly code: string; readonly perCustomerLimit: number };
  /** What the order adds to its customer's holds, each conditional on its cap (SEC-5). */
  readonly holds?: HoldIncrease;
  /** A group-buy order (ORD-5): the group it opens (written new), or the group as it is after this order joined (conditional on the members read before). */
  readonly group?: { readonly opens: GroupBuy } | { readonly joins: GroupBuy; readonly membersBefore: number };
  readonly outbox: OutboxEntry;
}

/** A change of a placed order. */
export interface ChangeWrite {
  /** The order after the change; its `version` must be `expectedVersion + 1`. */
  readonly order: Order;
  readonly expectedVersion: number;
  readonly transition?: TimelineEntry;
  readonly release: readonly Reservation[];
  readonly outbox?: OutboxEntry;
  /** What the change gives back to the customer's holds (SEC-5). */
  readonly holdsRelease?: HoldRelease;
}

/** A page of a customer's orders (their summaries: the `byCustomerSummary` index). */
export interface OrderPage {
  readonly items: readonly OrderSummary[];
  readonly nextCursor?: string;
}

/** What the checkout use cases need from storage. */
export interface OrderStore {
  readonly awaitingPaymentShards: number;
  readonly outboxShards: number;
  /** Writes a new order with its reservations (one transaction). Returns the outbox key. */
  place(write: PlacementWrite): Promise<OutboxKey>;
  /** Writes a change of an order (one transaction). Returns the outbox key, if any. */
  commit(write: ChangeWrite): Promise<OutboxKey | undefined>;
  /** A group-buy group (strongly consistent), or undefined. */
  getGroup(code: string): Promise<GroupBuy | undefined>;
  /** What a customer holds now: open unpaid orders and units reserved per SKU (SEC-5). */
  customerHolds(customerId: string): Promise<{ openUnpaid: number; reserved: ReadonlyMap<string, number> }>;
  /** The order and its timeline (strongly consistent). */
  get(orderId: string): Promise<{ order: Order; timeline: TimelineEntry[] } | undefined>;
  /** The order item only (strongly consistent). */
  getOrder(orderId: string): Promise<Order | undefined>;
  /** A customer's orders (summaries), newest first. Throws a 400 problem for a bad cursor. */
  listByCustomer(customerId: string, page: { limit: number; cursor?: string }): Promise<OrderPage>;
  /** Ids of orders of one shard whose payment was due at or before `now`, a page at a time. */
  dueForPayment(shard: number, now: Date, limit: number, startKey?: Record<string, unknown>): Promise<{ orderIds: string[]; next?: Record<string, unknown> }>;
  /** The order's reservations still held (catalog's reservation records in status `reserved`, strongly consistent). */
  heldReservations(orderId: string): Promise<Reservation[]>;
  /** The order a request placed, if any. */
  findRequest(customerId: string, idempotencyKey: string): Promise<{ orderId: string; bodyHash: string } | undefined>;
  /** Outbox entries of one shard created before `before`. */
  pendingOutbox(shard: number, before: Date, limit: number): Promise<StoredOutboxEntry[]>;
  deleteOutbox(key: OutboxKey): Promise<void>;
}

/** FNV-1a of `id`, modulo `shards`. */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
const timelineSk = (version: number) => `TIMELINE#${String(version).padStart(6, '0')}`;
const requestKey = (customerId: string, idempotencyKey: string) => ({
  pk: `REQUEST#${crypto.createHash('sha256').update(customerId).update('\0').update(idempotencyKey).digest('hex')}`,
  sk: 'REQUEST',
});
const holdsKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'HOLDS' });
const groupKey = (code: string) => ({ pk: `GROUP#${code}`, sk: 'GROUP' });
/** The attribute of the holds item counting the units of `sku` the customer holds reserved. */
export const holdsUnitAttribute = (sku: string) => `reserved#${sku}`;
const KEY_ATTRIBUTES = ['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;

/** The `byCustomerSummary` LastEvaluatedKey: exactly these attributes. */
const CustomerCursorSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    pk: z.string().check(z.regex(new RegExp(`^ORDER#${ULID_PATTERN.source.slice(1)}`))),
    sk: z.literal('ORDER'),
    gsi1pk: z.string().check(z.minLength(10), z.maxLength(200)),
    gsi1sk: z.string().check(z.regex(ULID_PATTERN)),
  }),
);

/** Index names (the infra construct creates them). */
export const ORDER_INDEXES = { byCustomer: 'byCustomerSummary', awaitingPayment: 'awaitingPayment' } as const;

/**
 * The index `byCustomerSummary` replaced (December 2026): it copied the whole order item, rewritten
 * at every status change; nothing reads it. Kept only for the first of the two deployments of an
 * upgrade (infra StageSettings.keepLegacyOrdersIndex).
 */
export const LEGACY_ORDER_INDEX = 'byCustomer';

/**
 * What `byCustomerSummary` copies of an order item besides the keys: an order history line
 * ({@link OrderSummary}). `itemCount` and `paymentMethod` are written on the item for it (derived
 * from the lines and the payment; not part of the order). A summary field the list lacks fails to type-check.
 */
export const ORDER_SUMMARY_ATTRIBUTES = everyKeyOf<OrderSummary>()(['orderId', 'orderType', 'status', 'placedAt', 'total', 'amountDue', 'itemCount', 'paymentMethod']);

/** DynamoDB's answer to a query on an index that cannot be read: still being filled, or not there. */
const isUnreadableIndex = (error: unknown) =>
  error instanceof Error && error.name === 'ValidationException' && /backfilling global secondary index|does not have the specified index/i.test(error.message);

/**
 * A client whose queries on `byCustomerSummary` fall back to {@link LEGACY_ORDER_INDEX} while the
 * former cannot be read. CloudFormation completes the deployment that adds an index before DynamoDB
 * has filled it (that can take hours), and a query on a filling index fails; the first deployment of
 * the upgrade keeps the old index, so the order history, the export and the erasure read that one
 * meanwhile (the two share their keys, so a cursor from either continues on the other). Without the
 * old index the fallback fails too, and the first error is thrown.
 */
export function withLegacyIndexFallback(client: Pick<DynamoDBDocumentClient, 'send'>): Pick<DynamoDBDocumentClient, 'send'> {
  const send = async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
    try {
      return await client.send(command as never);
    } catch (error) {
      const input = (command as { input?: { IndexName?: string } }).input;
      if (!(command instanceof QueryCommand) || input?.IndexName !== ORDER_INDEXES.byCustomer || !isUnreadableIndex(error)) throw error;
      return client.send(new QueryCommand({ ...command.input, IndexName: LEGACY_ORDER_INDEX })).catch(() => {
        throw error;
      });
    }
  };
  return { send } as Pick<DynamoDBDocumentClient, 'send'>;
}

/** Attributes of the order item derived for the summary index, not part of {@link Order}. */
const SUMMARY_ONLY_ATTRIBUTES = ['itemCount', 'paymentMethod'] as const;

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const out = { ...item };
  for (const k of [...KEY_ATTRIBUTES, ...SUMMARY_ONLY_ATTRIBUTES]) delete out[k];
  return out;
}

/** The bucket a reservation is held in, as an optional field. */
const bucketOf = (r: { readonly bucket?: number }) => (r.bucket === undefined ? {} : { bucket: r.bucket });

function orderFromItem(item: Record<string, unknown>): Order {
  const { version, ...rest } = strip(item);
  return { ...(rest as unknown as Order), version: Number(version) };
}

function timelineFromItem(item: Record<string, unknown>): TimelineEntry {
  const { at, from, to, reason, actor } = item as unknown as TimelineEntry;
  return { at, from: from ?? null, to, reason, actor };
}

/** Settings of the adapter. */
export interface OrderStoreOptions {
  readonly awaitingPaymentShards: number;
  readonly outboxShards: number;
  readonly markerTtlDays: number;
}

/** The DynamoDB adapter of {@link OrderStore}. */
export class DynamoDbOrderStore implements OrderStore {
  readonly awaitingPaymentShards: number;
  readonly outboxShards: number;

  private readonly catalogTable: () => string;

  constructor(
    private readonly tableName: string,
    /** The CatalogTable (stock items), or a function reading it on first need (read-only functions never set it). */
    catalogTableName: string | (() => string),
    private readonly options: OrderStoreOptions,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {
    this.awaitingPaymentShards = options.awaitingPaymentShards;
    this.outboxShards = options.outboxShards;
    this.catalogTable = typeof catalogTableName === 'string' ? () => catalogTableName : catalogTableName;
  }

  private orderItem(order: Order): Record<string, unknown> {
    const awaiting = order.paymentDueBy !== null && AWAITING_PAYMENT.includes(order.status);
    return {
      ...orderKey(order.orderId),
      type: 'Order',
      ...order,
      itemCount: order.lines.reduce((sum, line) => sum + line.quantity, 0),
      paymentMethod: order.payment.method,
      gsi1pk: `CUSTOMER#${order.customerId}`,
      gsi1sk: order.orderId,
      ...(awaiting ? { gsi2pk: `AWAITING#${shardOf(order.orderId, this.awaitingPaymentShards)}`, gsi2sk: `${order.paymentDueBy}#${order.orderId}` } : {}),
    };
  }

  private timelineItem(orderId: string, version: number, entry: TimelineEntry): TransactItem {
    return {
      Put: { TableName: this.tableName, Item: { pk: `ORDER#${orderId}`, sk: timelineSk(version), type: 'Timeline', ...entry }, ConditionExpression: 'attribute_not_exists(pk)' },
    };
  }

  private outboxItem(orderId: string, version: number, outbox: OutboxEntry, at: string): { item: TransactItem; key: OutboxKey } {
    const key = { pk: `OUTBOX#${shardOf(orderId, this.outboxShards)}`, sk: `${at}#${orderId}#${String(version).padStart(6, '0')}` };
    const events = outbox.events.map((e) => ({ name: e.definition.name, payload: e.payload }));
    return { key, item: { Put: { TableName: this.tableName, Item: { ...key, type: 'Outbox', orderId, correlationId: outbox.correlationId, events, createdAt: at } } } };
  }

  /** The customer's holds counters, raised by a placement; each raise conditional on its cap. */
  private holdsIncreaseItem(customerId: string, holds: HoldIncrease): TransactItem | undefined {
    const sets: string[] = ['#type = :holdsType'];
    const conditions: string[] = [];
    const names: Record<string, string> = { '#type': 'type' };
    const values: Record<string, unknown> = { ':holdsType': 'CustomerHolds', ':zero': 0 };
    if (holds.openUnpaid.add > 0) {
      sets.push('openUnpaid = if_not_exists(openUnpaid, :zero) + :openAdd');
      conditions.push('(attribute_not_exists(openUnpaid) OR openUnpaid <= :openMax)');
      values[':openAdd'] = holds.openUnpaid.add;
      values[':openMax'] = holds.openUnpaid.cap - holds.openUnpaid.add;
    }
    holds.units.forEach((u, i) => {
      if (u.add <= 0) return;
      names[`#u${i}`] = holdsUnitAttribute(u.sku);
      sets.push(`#u${i} = if_not_exists(#u${i}, :zero) + :add${i}`);
      conditions.push(`(attribute_not_exists(#u${i}) OR #u${i} <= :max${i})`);
      values[`:add${i}`] = u.add;
      values[`:max${i}`] = u.cap - u.add;
    });
    if (conditions.length === 0) return undefined;
    return {
      Update: {
        TableName: this.tableName,
        Key: holdsKey(customerId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  /** The customer's holds counters, lowered by a change (no condition: giving back never fails). */
  private holdsReleaseItem(customerId: string, release: HoldRelease): TransactItem | undefined {
    const adds: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (release.openUnpaid > 0) {
      adds.push('openUnpaid :openLess');
      values[':openLess'] = -release.openUnpaid;
    }
    release.units.forEach((u, i) => {
      names[`#u${i}`] = holdsUnitAttribute(u.sku);
      adds.push(`#u${i} :less${i}`);
      values[`:less${i}`] = -u.remove;
    });
    if (adds.length === 0) return undefined;
    return {
      Update: {
        TableName: this.tableName,
        Key: holdsKey(customerId),
        UpdateExpression: `ADD ${adds.join(', ')}`,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      },
    };
  }

  private expiresAt(at: string): number {
    return Math.floor(Date.parse(at) / 1000) + this.options.markerTtlDays * 86_400;
  }

  async place(write: PlacementWrite): Promise<OutboxKey> {
    const { order } = write;
    const at = order.placedAt;
    // The placement's timeline entry is not written: it follows from the order (placementEntry).
    const items: TransactItem[] = [{ Put: { TableName: this.tableName, Item: this.orderItem(order), ConditionExpression: 'attribute_not_exists(pk)' } }];
    const requestIndex = write.request ? items.length : -1;
    if (write.request) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...requestKey(write.request.customerId, write.request.idempotencyKey),
            type: 'Request',
            orderId: order.orderId,
            bodyHash: write.request.bodyHash,
            createdAt: at,
            expiresAt: this.expiresAt(at),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    const firstStock = items.length;
    const stockItems = order.reservations.flatMap((r) =>
      reserveStock(this.catalogTable(), { orderId: order.orderId, sku: r.sku, warehouseId: r.warehouseId, quantity: r.quantity, ...bucketOf(r) }, new Date(at)),
    );
    items.push(...stockItems);
    const couponIndex = write.coupon ? items.length : -1;
    if (write.coupon) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: couponKeys.definition(write.coupon.code),
          UpdateExpression: 'SET used = used + :one',
          ConditionExpression: 'attribute_exists(pk) AND used < totalLimit',
          ExpressionAttributeValues: { ':one': 1 },
        },
      });
      items.push({
        Update: {
          TableName: this.tableName,
          Key: couponKeys.customer(write.coupon.code, order.customerId),
          UpdateExpression: 'SET used = if_not_exists(used, :zero) + :one, #type = :type',
          ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':limit': write.coupon.perCustomerLimit, ':type': 'CouponUse' },
        },
      });
    }
    const holdsItem = write.holds ? this.holdsIncreaseItem(order.customerId, write.holds) : undefined;
    const holdsIndex = holdsItem ? items.length : -1;
    if (holdsItem) items.push(holdsItem);
    const groupIndex = write.group ? items.length : -1;
    if (write.group) items.push(this.groupItem(write.group, at));
    const outbox = this.outboxItem(order.orderId, order.version, write.outbox, at);
    items.push(outbox.item);
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return outbox.key;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const failed = (i: number) => reasons[i] === 'ConditionalCheckFailed';
      if (requestIndex >= 0 && failed(requestIndex) && write.request) {
        const existing = await this.findRequest(write.request.customerId, write.request.idempotencyKey);
        if (existing) throw new RequestAlreadyPlacedError(existing.orderId, existing.bodyHash);
      }
      const stockFailures = failedStockItems(stockItems, reasons.slice(firstStock, firstStock + stockItems.length)).stock;
      if (stockFailures.length > 0) throw new StockConflictError(stockFailures);
      if (couponIndex >= 0 && failed(couponIndex)) throw new CouponExhaustedError('total');
      if (couponIndex >= 0 && failed(couponIndex + 1)) throw new CouponExhaustedError('customer');
      if (holdsIndex >= 0 && failed(holdsIndex)) throw new CustomerHoldsExceededError('a per-customer cap would be exceeded');
      if (groupIndex >= 0 && failed(groupIndex)) throw new GroupChangedError('the group changed since it was read');
      if (reasons.some((r) => r === 'TransactionConflict')) throw new TransientConflictError('placement conflicted with a concurrent transaction', { cause: error });
      throw error;
    }
  }

  async commit(write: ChangeWrite): Promise<OutboxKey | undefined> {
    const { order } = write;
    if (order.version !== write.expectedVersion + 1) throw new Error('commit: the new version must be expectedVersion + 1');
    const at = order.updatedAt;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: this.orderItem(order),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': write.expectedVersion },
        },
      },
    ];
    if (write.transition) items.push(this.timelineItem(order.orderId, order.version, write.transition));
    const firstRelease = items.length;
    const releaseItems = write.release.flatMap((r) =>
      releaseStock(this.catalogTable(), { orderId: order.orderId, sku: r.sku, warehouseId: r.warehouseId, quantity: r.quantity, ...bucketOf(r) }, new Date(at)),
    );
    items.push(...releaseItems);
    const holdsItem = write.holdsRelease ? this.holdsReleaseItem(order.customerId, write.holdsRelease) : undefined;
    if (holdsItem) items.push(holdsItem);
    let outboxKey: OutboxKey | undefined;
    if (write.outbox && write.outbox.events.length > 0) {
      const outbox = this.outboxItem(order.orderId, order.version, write.outbox, at);
      items.push(outbox.item);
      outboxKey = outbox.key;
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return outboxKey;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const failed = (i: number) => reasons[i] === 'ConditionalCheckFailed';
      if (failed(0)) throw new StaleOrderError(`order ${order.orderId} changed since version ${write.expectedVersion}`);
      const releaseFailures = failedStockItems(releaseItems, reasons.slice(firstRelease, firstRelease + releaseItems.length));
      if (releaseFailures.reservations.length > 0) throw new ReservationsNotHeldError(releaseFailures.reservations);
      if (releaseFailures.stock.length > 0) throw new StockReleaseError(`releasing the stock of order ${order.orderId} failed: the stock holds fewer reserved units`);
      if (reasons.some((r) => r === 'TransactionConflict')) throw new TransientConflictError('change conflicted with a concurrent transaction', { cause: error });
      throw error;
    }
  }

  /** A new group (its code unused), or a join conditional on the group being as read: same members, open, not ended. */
  private groupItem(group: NonNullable<PlacementWrite['group']>, at: string): TransactItem {
    if ('opens' in group)
      return { Put: { TableName: this.tableName, Item: { ...groupKey(group.opens.code), type: 'GroupBuy', ...group.opens }, ConditionExpression: 'attribute_not_exists(pk)' } };
    const { joins, membersBefore } = group;
    const joined = joins.members[joins.members.length - 1];
    return {
      Update: {
        TableName: this.tableName,
        Key: groupKey(joins.code),
        UpdateExpression: `SET members = list_append(members, :me)${joins.completedAt ? ', completedAt = :completedAt' : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND size(members) = :before AND expiresAt > :now AND attribute_not_exists(completedAt)',
        ExpressionAttributeValues: { ':me': [joined], ':before': membersBefore, ':now': at, ...(joins.completedAt ? { ':completedAt': joins.completedAt } : {}) },
      },
    };
  }

  async getGroup(code: string): Promise<GroupBuy | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: groupKey(code), ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ...group } = Item;
    return group as GroupBuy;
  }

  async customerHolds(customerId: string): Promise<{ openUnpaid: number; reserved: ReadonlyMap<string, number> }> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: holdsKey(customerId), ConsistentRead: true }));
    const prefix = holdsUnitAttribute('');
    const reserved = new Map<string, number>();
    for (const [name, value] of Object.entries(Item ?? {})) if (name.startsWith(prefix) && Number(value) > 0) reserved.set(name.slice(prefix.length), Number(value));
    return { openUnpaid: Number(Item?.openUnpaid ?? 0), reserved };
  }

  async get(orderId: string): Promise<{ order: Order; timeline: TimelineEntry[] } | undefined> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` },
      ConsistentRead: true,
    });
    const orderItem = items.find((i) => i.sk === 'ORDER');
    if (!orderItem) return undefined;
    const stored = items
      .filter((i) => typeof i.sk === 'string' && i.sk.startsWith('TIMELINE#'))
      .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
      .map(timelineFromItem);
    const order = orderFromItem(orderItem);
    // Orders placed before December 2026 store their placement entry; later ones do not.
    return { order, timeline: stored[0]?.from === null ? stored : [placementEntry(order), ...stored] };
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: orderKey(orderId), ConsistentRead: true }));
    return Item ? orderFromItem(Item) : undefined;
  }

  async listByCustomer(customerId: string, page: { limit: number; cursor?: string }): Promise<OrderPage> {
    const gsi1pk = `CUSTOMER#${customerId}`;
    const startKey = decodeCursor(page.cursor, CustomerCursorSchema());
    if (startKey && startKey.gsi1pk !== gsi1pk)
      throw new InvalidCheckoutRequestError([{ path: 'query.cursor', message: 'Invalid cursor' }], 'The cursor is not valid; start again without one.');
    const response = await withLegacyIndexFallback(this.client).send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ORDER_INDEXES.byCustomer,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = await this.summariesOf(response.Items ?? []);
    const last = response.LastEvaluatedKey;
    return { items, ...(last ? { nextCursor: encodeCursor({ pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk }) } : {}) };
  }

  /**
   * The summaries of the index's items, in their order. An item written before December 2026 has no
   * `itemCount` or `paymentMethod`: its order is read whole (one BatchGetItem for the page).
   */
  private async summariesOf(items: readonly Record<string, unknown>[]): Promise<OrderSummary[]> {
    const complete = (item: Record<string, unknown>) => ORDER_SUMMARY_ATTRIBUTES.every((name) => item[name] !== undefined);
    const older = items.filter((item) => !complete(item)).map((item) => orderKey(String(item.orderId)));
    const whole = new Map((await batchGet(this.client, this.tableName, older, { consistent: true })).map((item) => [String(item.orderId), orderFromItem(item)]));
    // An older order deleted between the two reads is left out.
    return items.flatMap((item) => {
      if (complete(item)) return [Object.fromEntries(ORDER_SUMMARY_ATTRIBUTES.map((name) => [name, item[name]])) as unknown as OrderSummary];
      const order = whole.get(String(item.orderId));
      return order ? [toOrderSummary(order)] : [];
    });
  }

  async dueForPayment(shard: number, now: Date, limit: number, startKey?: Record<string, unknown>): Promise<{ orderIds: string[]; next?: Record<string, unknown> }> {
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ORDER_INDEXES.awaitingPayment,
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :due',
        // `~` sorts above the ULID characters, so `<now>#~` covers every order due at `now`.
        ExpressionAttributeValues: { ':pk': `AWAITING#${shard}`, ':due': `${now.toISOString()}#~` },
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { orderIds: (response.Items ?? []).map((item) => String(item.orderId)), ...(response.LastEvaluatedKey ? { next: response.LastEvaluatedKey } : {}) };
  }

  async heldReservations(orderId: string): Promise<Reservation[]> {
    const records = await new CatalogReader(this.catalogTable(), this.client).reservations(orderId);
    return records.filter((r) => r.status === 'reserved').map((r) => ({ sku: r.sku, warehouseId: r.warehouseId, quantity: r.quantity, ...bucketOf(r) }));
  }

  async findRequest(customerId: string, idempotencyKey: string): Promise<{ orderId: string; bodyHash: string } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: requestKey(customerId, idempotencyKey), ConsistentRead: true }));
    return Item ? { orderId: String(Item.orderId), bodyHash: String(Item.bodyHash) } : undefined;
  }

  async pendingOutbox(shard: number, before: Date, limit: number): Promise<StoredOutboxEntry[]> {
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk < :before',
        ExpressionAttributeValues: { ':pk': `OUTBOX#${shard}`, ':before': before.toISOString() },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (response.Items ?? []).map((item) => ({
      key: { pk: String(item.pk), sk: String(item.sk) },
      correlationId: String(item.correlationId),
      events: (item.events as OutboxEvent[] | undefined) ?? [],
      ...(item.orderId ? { orderId: String(item.orderId) } : {}),
      createdAt: String(item.createdAt),
    }));
  }

  async deleteOutbox(key: OutboxKey): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: key.pk, sk: key.sk } }));
  }
}

/** The store on `ORDERS_TABLE_NAME` and `CATALOG_TABLE_NAME`. */
export function orderStoreFromEnv(options: OrderStoreOptions): DynamoDbOrderStore {
  return new DynamoDbOrderStore(requireSetting('ordersTableName'), () => requireSetting('catalogTableName'), options);
}
