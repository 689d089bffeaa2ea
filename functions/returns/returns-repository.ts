/**
 * Returns' storage: the ReturnsTable (`RETURNS_TABLE_NAME`), single-table design.
 *
 * | item | pk | sk | GSI keys |
 * |---|---|---|---|
 * | return | `RETURN#<returnId>` | `RETURN` | `gsi1pk = ORDER#<orderId>`, `gsi1sk = <createdAt>#<returnId>` (`byOrder`); `gsi2pk = CUSTOMER#<customerId>`, `gsi2sk` the same (`byCustomer`) |
 * | order's returns | `ORDER#<orderId>` | `STATE` | — : the order's facts as the refund needs them (snapshot at the first return: lines, shipping fee, what was paid), its refund ledger (domain/refund.ts) and a `version` every return request and every refund bumps — the lock that keeps two concurrent requests from returning the same units twice, and two refunds from taking the same fen |
 * | outbox | `OUTBOX#<returnId>` | `<version>` (6 digits) | `outboxPk = PENDING`, `outboxSk = <createdAt>#<returnId>#<version>` while unpublished (`byPendingOutbox`) |
 *
 * Every change of a return is one transaction: the return (conditional on its version), the
 * order's item when it changes (conditional on its version), catalog's stock items on a restock,
 * and the outbox item with the events the change publishes. The events are published after the
 * commit and the outbox item marked published; a crash in between leaves it on the sparse pending
 * index, where the scheduled sweep (or the replay of the triggering message) publishes it.
 */
import type { OutboxEvent } from '../../shared/outbox.ts';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient, isTransactionConditionFailed, isTransactionConflict, queryAll } from '../../shared/dynamodb.ts';
import type { StockTransactItem } from '../catalog/stock-contract.ts';
import { EMPTY_LEDGER, type PaidLine, type RefundLedger } from './domain/refund.ts';
import type { Return } from './domain/return.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** An event as stored in the outbox (the kernel's one outbox shape). */
export type { OutboxEvent };

/** An outbox item. */
export interface OutboxEntry {
  readonly returnId: string;
  readonly version: number;
  readonly correlationId: string;
  readonly createdAt: string;
  readonly events: readonly OutboxEvent[];
}

/** The order's facts kept for refunds (no personal data), snapshot at its first return. */
export interface OrderSnapshot {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly lines: readonly PaidLine[];
  readonly shippingFee: number;
  readonly paid: number;
  readonly risk?: { readonly outcome: string; readonly score: number; readonly decidedBy: string };
}

/** The order's returns item. */
export interface OrderReturnsState {
  readonly order: OrderSnapshot;
  /** Units per SKU held by the order's returns that still count (every status but rejected, failed inspection without a refund, cancelled). */
  readonly held: Readonly<Record<string, number>>;
  readonly ledger: RefundLedger;
  /** 0 = not written yet. */
  readonly version: number;
}

/** A concurrent change won a conditional write: read again and decide again. */
export class ReturnWriteConflict extends Error {
  override readonly name = 'ReturnWriteConflict';
}

/** A change to commit. */
export interface ReturnChange {
  readonly ret: Return;
  /** The version read (null: a new return). The stored version becomes `ret.version`. */
  readonly expectedVersion: number | null;
  /** The order's item, when the change touches it (a request, a refund). */
  readonly orderState?: { readonly state: Omit<OrderReturnsState, 'version'>; readonly expectedVersion: number };
  /** Catalog's transaction items (a restock). */
  readonly stock?: readonly StockTransactItem[];
  readonly events: readonly OutboxEvent[];
  readonly correlationId: string;
}

const RETURN = (returnId: string) => ({ pk: `RETURN#${returnId}`, sk: 'RETURN' });
const ORDER_STATE = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'STATE' });
const OUTBOX = (returnId: string, version: number) => ({ pk: `OUTBOX#${returnId}`, sk: String(version).padStart(6, '0') });
const PENDING = 'PENDING';
/** Attributes of the item that are not the return's. */
const ITEM_ONLY = new Set(['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']);

function returnFromItem(item: Record<string, unknown>): Return {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !ITEM_ONLY.has(k))) as unknown as Return;
}

function toOutbox(item: Record<string, unknown>): OutboxEntry {
  return {
    returnId: String(item.returnId),
    version: Number(item.version),
    correlationId: String(item.correlationId),
    createdAt: String(item.createdAt),
    events: (item.events as OutboxEvent[] | undefined) ?? [],
  };
}

/** See the module documentation. */
export class ReturnsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async getReturn(returnId: string): Promise<Return | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: RETURN(returnId), ConsistentRead: true }));
    return Item ? returnFromItem(Item) : undefined;
  }

  /** Every return of an order, oldest first (the index is eventually consistent: decisions re-check under the order's version). */
  async listByOrder(orderId: string): Promise<Return[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byOrder',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` },
    });
    return items.map(returnFromItem);
  }

  /** How many of the customer's returns failed inspection. */
  async failedInspections(customerId: string): Promise<number> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byCustomer',
      KeyConditionExpression: 'gsi2pk = :pk',
      FilterExpression: '#status = :failed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':failed': 'INSPECTION_FAILED' },
    });
    return items.length;
  }

  /** The order's returns item, undefined before its first return. */
  async getOrderState(orderId: string): Promise<OrderReturnsState | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: ORDER_STATE(orderId), ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      order: Item.order as OrderSnapshot,
      held: (Item.held as Record<string, number> | undefined) ?? {},
      ledger: (Item.ledger as RefundLedger | undefined) ?? EMPTY_LEDGER,
      version: Number(Item.version),
    };
  }

  /** Commits a change (see the module documentation). Throws {@link ReturnWriteConflict} when a condition failed. */
  async commit(change: ReturnChange, now: string): Promise<OutboxEntry | undefined> {
    const { ret } = change;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...RETURN(ret.returnId),
            type: 'Return',
            ...ret,
            gsi1pk: `ORDER#${ret.orderId}`,
            gsi1sk: `${ret.createdAt}#${ret.returnId}`,
            gsi2pk: `CUSTOMER#${ret.customerId}`,
            gsi2sk: `${ret.createdAt}#${ret.returnId}`,
          },
          ...(change.expectedVersion === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': change.expectedVersion } }),
        },
      },
    ];
    if (change.orderState) {
      const { state, expectedVersion } = change.orderState;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...ORDER_STATE(ret.orderId), type: 'OrderReturns', order: state.order, held: state.held, ledger: state.ledger, version: expectedVersion + 1, updatedAt: now },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        },
      });
    }
    items.push(...(change.stock ?? []));
    let outbox: OutboxEntry | undefined;
    if (change.events.length > 0) {
      outbox = { returnId: ret.returnId, version: ret.version, correlationId: change.correlationId, createdAt: now, events: change.events };
      const key = OUTBOX(ret.returnId, ret.version);
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...key, type: 'Outbox', ...outbox, outboxPk: PENDING, outboxSk: `${now}#${ret.returnId}#${key.sk}` },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (isTransactionConditionFailed(error) || isTransactionConflict(error)) throw new ReturnWriteConflict(`return ${ret.returnId}: a concurrent change won`, { cause: error });
      throw error;
    }
    return outbox;
  }

  /** Marks an outbox item published (takes it off the pending index). Idempotent. */
  async markPublished(returnId: string, version: number, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: OUTBOX(returnId, version),
        UpdateExpression: 'SET publishedAt = if_not_exists(publishedAt, :at) REMOVE outboxPk, outboxSk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** Unpublished outbox items of one return (a replay of its trigger publishes them). */
  async pendingOf(returnId: string): Promise<OutboxEntry[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'attribute_exists(outboxPk)',
      ExpressionAttributeValues: { ':pk': `OUTBOX#${returnId}` },
      ConsistentRead: true,
    });
    return items.map(toOutbox);
  }

  /** Unpublished outbox items created before `beforeIso`, oldest first. */
  async pendingOutbox(beforeIso: string, limit = 100): Promise<OutboxEntry[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byPendingOutbox',
        KeyConditionExpression: 'outboxPk = :pk AND outboxSk < :before',
        ExpressionAttributeValues: { ':pk': PENDING, ':before': beforeIso },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map(toOutbox);
  }
}

/** A repository on `RETURNS_TABLE_NAME`. */
export function returnsRepositoryFromEnv(): ReturnsRepository {
  return new ReturnsRepository(requireSetting('returnsTableName'));
}
