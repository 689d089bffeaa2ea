/**
 * PaymentsTable (`PAYMENTS_TABLE_NAME`): everything payments stores.
 *
 * | item                         | pk                         | sk                          | byGroup index (gsi1pk / gsi1sk)                  |
 * |------------------------------|----------------------------|-----------------------------|--------------------------------------------------|
 * | the order's (first) payment  | `ORDER#<orderId>`          | `PAYMENT`                   | —                                                |
 * | a pre-sale's balance payment | `ORDER#<orderId>`          | `PAYMENT#BALANCE`           | —                                                |
 * | a ledger movement            | `ORDER#<orderId>`          | `LEDGER#<movementId>`       | `LEDGER#<YYYY-MM-DD>` / `<at>#<orderId>#<id>`    |
 * | a refund                     | `ORDER#<orderId>`          | `REFUND#<refundId>`         | `REFUNDS#<status>` while pending approval or processing |
 * | a staff refund request       | `ORDER#<orderId>`          | `REFUNDREQ#<request key>`   | —                                                |
 * | events to publish (outbox)   | `ORDER#<orderId>`          | `OUTBOX#<ulid>`             | —                                                |
 * | (until 2026-12) a processed-event marker | `ORDER#<orderId>` | `EVENT#<name>#<eventId>` | — (no longer written: the consumers' use cases are idempotent themselves, event-consumer.ts; old ones expire by TTL) |
 * | a processed webhook          | `WEBHOOK#<eventId>`        | `WEBHOOK`                   | —                                                |
 * | a held webhook notification  | `ORDER#<orderId>`          | `HELD#<eventId>`            | `HELD` / `<heldAt>#<orderId>#<eventId>`          |
 * | provider payment → payment   | `PROVIDER#<providerPaymentId>` | `PAYMENT`               | — (order id, payment id, slot)                   |
 * | a customer's daily totals    | `LIMITS#<customerId>`      | `DAY#<YYYY-MM-DD>`          | —                                                |
 * | what a staff member refunded alone in a day | `STAFFREFUNDS#<userId>` | `DAY#<YYYY-MM-DD>` | — (RISK-7's daily cap)                      |
 * | a reconciliation report      | `RECONCILIATION#<date>`    | `REPORT`                    | —                                                |
 * | a carrier's COD remittance   | `REMITTANCE#<remittanceId>`| `REPORT`                    | — (PAY-4; its ledger movements are the orders') |
 *
 * Markers, webhook records and daily totals expire by TTL (`expiresAt`, epoch seconds).
 *
 * Every state change is ONE transaction ({@link PaymentsRepository.commit}): the payment (only if
 * its version is the one read; with a pre-sale's balance, possibly the order's other payment too),
 * its new ledger movements (only if absent — a movement can never be
 * written twice), its refunds (versioned), the events to publish (an outbox item, published and
 * deleted afterwards — a crash in between leaves them for the retry: see {@link OUTBOX_CLAIM_MS}), the limit counter
 * (only if the customer still has room) and the provider-id lookup. The ledger is append-only:
 * nothing here updates or deletes a movement.
 */
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import type { DomainEvent } from '../../events/event-definition.ts';
import { PaymentMethodSchema, type PaymentMethod } from '../../events/common.ts';
import { requireSetting } from '../../shared/config.ts';
import { cancellationReasons, documentClient, isConditionalCheckFailed, queryAll } from '../../shared/dynamodb.ts';
import { newId } from '../../shared/ids.ts';
import type { SettledLine, SettledRemittance } from './domain/cod-remittance.ts';
import type { LedgerMovement } from './domain/ledger.ts';
import type { HeldNotification } from './domain/notification-check.ts';
import type { DailyTotals } from './domain/limits.ts';
import { PAYMENT_STATUSES, slotOf, type Payment, type PaymentSlot } from './domain/payment.ts';
import type { ReconciliationReport } from './domain/reconciliation.ts';
import { RefundSchema, type Refund } from './domain/refund.ts';

/** Name of the table's secondary index. */
export const BY_GROUP_INDEX = 'byGroup';

const DAY = 86_400;
/** How long webhook records and held notifications are kept (dedupe window). */
const MARKER_TTL_SECONDS = 90 * DAY;
/** How long daily limit totals are kept. */
const LIMIT_TTL_SECONDS = 8 * DAY;

const orderPk = (orderId: string) => `ORDER#${orderId}`;
/** The sort key of a payment slot. */
const paymentSk = (slot: PaymentSlot) => (slot === 'balance' ? 'PAYMENT#BALANCE' : 'PAYMENT');

/** A concurrent writer changed the payment first (or the movement exists): re-read and decide again. */
export class PaymentWriteConflict extends Error {
  override readonly name = 'PaymentWriteConflict';
  constructor(
    message: string,
    /** `limit` when the customer's daily limit no longer has room for the amount. */
    readonly reason: 'version' | 'limit' | 'staff-cap' = 'version',
  ) {
    super(message);
  }
}

/** A change of the customer's daily totals, made in the same transaction. */
export interface LimitChange {
  readonly customerId: string;
  readonly day: string;
  readonly method: PaymentMethod;
  /** Positive when counted, negative when released. */
  readonly delta: number;
  /** For a positive delta: the totals may be at most these before adding (the limits minus the amount). */
  readonly maxTotalBefore?: number;
  readonly maxMethodBefore?: number;
}

/** One atomic change (see the module documentation). */
export interface PaymentWrite {
  readonly payment: Payment;
  /** The version read; `null` creates the payment (only if absent). */
  readonly expectedVersion: number | null;
  /** Another payment of the same order changed in the same transaction (a pre-sale's deposit, linked to the balance opened with it), only if its version is the one read. */
  readonly linked?: { readonly payment: Payment; readonly expectedVersion: number };
  /** The encrypted payment token, written with a new payment. */
  readonly tokenCiphertext?: string;
  readonly movements?: readonly LedgerMovement[];
  readonly events?: readonly DomainEvent[];
  readonly correlationId?: string;
  readonly refunds?: ReadonlyArray<{ readonly refund: Refund; readonly expectedVersion: number | null }>;
  readonly limit?: LimitChange;
  /** Index this provider payment id → order (written once the provider gave an id). */
  readonly providerPaymentId?: string;
  /** Remembers which refund a staff request (hash of user and Idempotency-Key) created, so a retried request never creates a second one. */
  readonly refundRequest?: { readonly key: string; readonly refundId: string };
  /** RISK-7: adds a refund executed without a second approver to its staff member's day, only if the day stays within `cap`. */
  readonly staffRefund?: { readonly staffId: string; readonly day: string; readonly amount: number; readonly cap: number };
  /**
   * The outbox item is written already claimed by the committer ({@link OUTBOX_CLAIM_MS}), which
   * publishes it itself from the returned item (no query, no claim): a concurrent flush leaves it
   * alone; if the committer dies or fails to publish, the claim expires before its message or
   * request is retried, and the retry's flush publishes it.
   */
  readonly publishedByCommitter?: boolean;
}

/** Events waiting to be published. */
export interface OutboxItem {
  readonly outboxId: string;
  readonly orderId: string;
  readonly correlationId: string;
  readonly events: ReadonlyArray<{ readonly name: string; readonly payload: Record<string, unknown> }>;
  /** Until when (epoch ms) a publisher holds it: its committer, or a flush that claimed it. */
  readonly claimedUntil?: number;
}

/**
 * How long a claim on an outbox item lasts (a flush's, or the committer's own). Shorter than the
 * visibility timeout of every queue a payments function consumes (at least 30 s; checked by the
 * infrastructure tests), so a message retried after its handler died or failed to publish finds
 * the claim expired and publishes the item.
 */
export const OUTBOX_CLAIM_MS = 25_000;

/** A carrier's remittance report as recorded (PAY-4). */
export interface StoredRemittance {
  readonly remittanceId: string;
  readonly carrier: string;
  readonly remittedAt: string;
  readonly currency: string;
  /** SHA-256 of the report as sent (canonical JSON): the same id with other content is refused. */
  readonly fingerprint: string;
  readonly lines: readonly SettledLine[];
  readonly totals: SettledRemittance['totals'];
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly reason: string;
  /** The ledger movements the report books (written after the report; rewritten, if missing, by a retry). */
  readonly movements: readonly LedgerMovement[];
}

/** A stored payment and its encrypted token (if any). */
export interface StoredPayment {
  readonly payment: Payment;
  readonly tokenCiphertext?: string;
}

const PaymentItemSchema = /* @__PURE__ */ lazily(() =>
  z.object({
    paymentId: z.string(),
    orderId: z.string(),
    customerId: z.string(),
    method: PaymentMethodSchema(),
    currency: z.string(),
    amount: z.number().check(z.int()),
    part: z.optional(z.enum(['deposit', 'balance'])),
    orderTotal: z.optional(z.number().check(z.int())),
    balancePaymentId: z.optional(z.string()),
    dueBy: z.optional(z.string()),
    status: z.enum(PAYMENT_STATUSES),
    orderKnown: z.boolean(),
    captureOn: z.optional(z.enum(['shipment', 'delivery', 'already-captured'])),
    providerPaymentId: z.optional(z.string()),
    nextAction: z.optional(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('redirect'), url: z.string() }),
        z.object({ type: z.literal('qr-code'), data: z.string(), imageUrl: z.optional(z.string()) }),
      ]),
    ),
    authorizedAmount: z.number().check(z.int()),
    capturedAmount: z.number().check(z.int()),
    refundedAmount: z.number().check(z.int()),
    refundPendingAmount: z.number().check(z.int()),
    feeAmount: z.number().check(z.int()),
    authorizationExpiresAt: z.optional(z.string()),
    authorizationStartedAt: z.optional(z.string()),
    failureReason: z.optional(z.enum(['declined', 'insufficient_funds', 'unknown_token', 'limit_exceeded', 'provider_error', 'expired'])),
    releaseReason: z.optional(z.string()),
    releasedAt: z.optional(z.string()),
    limit: z.optional(z.object({ day: z.string(), counted: z.boolean() })),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().check(z.int()),
    tokenCiphertext: z.optional(z.string()),
  }),
);

const STRIP = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'itemType', 'expiresAt', 'tokenCiphertext']);
const plain = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([k]) => !STRIP.has(k)));

function toOutboxItem(i: Record<string, unknown>): OutboxItem {
  return {
    outboxId: String(i.outboxId),
    orderId: String(i.orderId),
    correlationId: String(i.correlationId),
    events: i.events as OutboxItem['events'],
    ...(typeof i.claimedUntil === 'number' ? { claimedUntil: i.claimedUntil } : {}),
  };
}

/** Orders an order's payments with its first (primary) payment first. */
const primaryFirst = (a: Payment, b: Payment) => (slotOf(a) === 'primary' ? 0 : 1) - (slotOf(b) === 'primary' ? 0 : 1);

function toStoredPayment(item: Record<string, unknown>): StoredPayment {
  const { tokenCiphertext, ...payment } = PaymentItemSchema().parse(item);
  return { payment: payment as Payment, ...(tokenCiphertext ? { tokenCiphertext } : {}) };
}

const toRefund = (item: Record<string, unknown>): Refund => RefundSchema().parse(plain(item)) as Refund;
const toMovement = (item: Record<string, unknown>): LedgerMovement => plain(item) as unknown as LedgerMovement;

const staffRefundsKey = (staffId: string, day: string) => ({ pk: `STAFFREFUNDS#${staffId}`, sk: `DAY#${day}` });

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** See the module documentation. */
export class PaymentsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  private ttl(seconds: number): number {
    return Math.floor(this.now().getTime() / 1000) + seconds;
  }

  /** One payment of an order: its first payment (default) or a pre-sale's balance. */
  async getPayment(orderId: string, slot: PaymentSlot = 'primary'): Promise<StoredPayment | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: orderPk(orderId), sk: paymentSk(slot) }, ConsistentRead: true }));
    return Item ? toStoredPayment(Item) : undefined;
  }

  /** Every payment of an order (strongly consistent): its first payment, then a pre-sale's balance. */
  async listPayments(orderId: string): Promise<StoredPayment[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': orderPk(orderId), ':p': 'PAYMENT' },
      ConsistentRead: true,
    });
    return items.map(toStoredPayment).sort((a, b) => primaryFirst(a.payment, b.payment));
  }

  /** The payments of several orders (strongly consistent), by order id (first payment first). */
  async getPayments(orderIds: readonly string[]): Promise<Map<string, Payment[]>> {
    const out = new Map<string, Payment[]>();
    const unique = [...new Set(orderIds)];
    for (let i = 0; i < unique.length; i += 50) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 50).flatMap((id) => [
        { pk: orderPk(id), sk: paymentSk('primary') },
        { pk: orderPk(id), sk: paymentSk('balance') },
      ]);
      while (keys && keys.length > 0) {
        const response = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of response.Responses?.[this.tableName] ?? []) {
          const { payment } = toStoredPayment(item);
          out.set(payment.orderId, [...(out.get(payment.orderId) ?? []), payment]);
        }
        keys = response.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    for (const payments of out.values()) payments.sort(primaryFirst);
    return out;
  }

  /** The payment of a provider payment id (order, our payment id, slot), if payments recorded it. */
  async paymentOfProvider(providerPaymentId: string): Promise<{ orderId: string; paymentId?: string; slot: PaymentSlot } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `PROVIDER#${providerPaymentId}`, sk: 'PAYMENT' }, ConsistentRead: true }));
    if (typeof Item?.orderId !== 'string') return undefined;
    return { orderId: Item.orderId, ...(typeof Item.paymentId === 'string' ? { paymentId: Item.paymentId } : {}), slot: Item.slot === 'balance' ? 'balance' : 'primary' };
  }

  /** What a staff member refunded without a second approver on `day` (RISK-7), in minor units. */
  async staffRefundedOn(staffId: string, day: string): Promise<number> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: staffRefundsKey(staffId, day), ConsistentRead: true }));
    return typeof Item?.total === 'number' ? Item.total : 0;
  }

  /** The order of a provider payment id, if payments recorded it. */
  async orderIdForProviderPayment(providerPaymentId: string): Promise<string | undefined> {
    return (await this.paymentOfProvider(providerPaymentId))?.orderId;
  }

  /** Applies a change atomically (see the module documentation); throws {@link PaymentWriteConflict} when a condition fails. */
  async commit(write: PaymentWrite): Promise<{ outbox?: OutboxItem }> {
    const items: TransactItem[] = [];
    const p = write.payment;
    items.push(this.paymentItem(p, write.expectedVersion, write.tokenCiphertext));
    if (write.linked) {
      if (write.linked.payment.orderId !== p.orderId || slotOf(write.linked.payment) === slotOf(p))
        throw new Error(`a linked payment must be the other payment of order ${p.orderId}`);
      items.push(this.paymentItem(write.linked.payment, write.linked.expectedVersion));
    }
    for (const m of write.movements ?? []) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: orderPk(m.orderId),
            sk: `LEDGER#${m.movementId}`,
            itemType: 'ledger',
            gsi1pk: `LEDGER#${m.at.slice(0, 10)}`,
            gsi1sk: `${m.at}#${m.orderId}#${m.movementId}`,
            ...m,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    for (const { refund, expectedVersion } of write.refunds ?? []) {
      const open = refund.status === 'pending_approval' || refund.status === 'processing';
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: orderPk(refund.orderId),
            sk: `REFUND#${refund.refundId}`,
            itemType: 'refund',
            ...refund,
            ...(open ? { gsi1pk: `REFUNDS#${refund.status}`, gsi1sk: `${refund.requestedAt}#${refund.orderId}#${refund.refundId}` } : {}),
          },
          ...(expectedVersion === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        },
      });
    }
    let outbox: OutboxItem | undefined;
    if (write.events && write.events.length > 0) {
      outbox = {
        outboxId: newId(),
        orderId: p.orderId,
        correlationId: write.correlationId ?? p.orderId,
        events: write.events.map((e) => ({ name: e.definition.name, payload: e.payload as Record<string, unknown> })),
        ...(write.publishedByCommitter ? { claimedUntil: this.now().getTime() + OUTBOX_CLAIM_MS } : {}),
      };
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { pk: orderPk(p.orderId), sk: `OUTBOX#${outbox.outboxId}`, itemType: 'outbox', ...outbox },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    let limitIndex = -1;
    if (write.limit && write.limit.delta !== 0) {
      const l = write.limit;
      const conditions = l.delta > 0 && l.maxTotalBefore !== undefined && l.maxMethodBefore !== undefined;
      limitIndex = items.length;
      items.push({
        Update: {
          TableName: this.tableName,
          Key: { pk: `LIMITS#${l.customerId}`, sk: `DAY#${l.day}` },
          UpdateExpression: 'ADD #total :d, #method :d SET expiresAt = :ttl',
          ...(conditions ? { ConditionExpression: '(attribute_not_exists(#total) OR #total <= :maxTotal) AND (attribute_not_exists(#method) OR #method <= :maxMethod)' } : {}),
          ExpressionAttributeNames: { '#total': 'total', '#method': l.method },
          ExpressionAttributeValues: {
            ':d': l.delta,
            ':ttl': this.ttl(LIMIT_TTL_SECONDS),
            ...(conditions ? { ':maxTotal': l.maxTotalBefore, ':maxMethod': l.maxMethodBefore } : {}),
          },
        },
      });
    }
    if (write.refundRequest) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: orderPk(p.orderId),
            sk: `REFUNDREQ#${write.refundRequest.key}`,
            itemType: 'refund-request',
            refundId: write.refundRequest.refundId,
            expiresAt: this.ttl(MARKER_TTL_SECONDS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    let staffIndex = -1;
    if (write.staffRefund) {
      const r = write.staffRefund;
      staffIndex = items.length;
      items.push({
        Update: {
          TableName: this.tableName,
          Key: staffRefundsKey(r.staffId, r.day),
          UpdateExpression: 'ADD #total :amount SET expiresAt = :ttl',
          ConditionExpression: 'attribute_not_exists(#total) OR #total <= :room',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':amount': r.amount, ':room': r.cap - r.amount, ':ttl': this.ttl(LIMIT_TTL_SECONDS) },
        },
      });
    }
    if (write.providerPaymentId) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { pk: `PROVIDER#${write.providerPaymentId}`, sk: 'PAYMENT', itemType: 'provider-index', orderId: p.orderId, paymentId: p.paymentId, slot: slotOf(p) },
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (limitIndex >= 0 && reasons[limitIndex] === 'ConditionalCheckFailed' && reasons.every((r, i) => i === limitIndex || r === 'None')) {
        throw new PaymentWriteConflict(`daily limit of ${write.limit?.customerId ?? ''} has no room`, 'limit');
      }
      if (staffIndex >= 0 && reasons[staffIndex] === 'ConditionalCheckFailed')
        throw new PaymentWriteConflict(`staff refund cap of ${write.staffRefund?.staffId ?? ''} has no room`, 'staff-cap');
      throw new PaymentWriteConflict(`payment of order ${p.orderId} changed concurrently (${reasons.join(',')})`);
    }
    return outbox ? { outbox } : {};
  }

  /** The write of a payment: created only if absent (`expectedVersion` null), else updated only at the version read (keeping its stored token). */
  private paymentItem(p: Payment, expectedVersion: number | null, tokenCiphertext?: string): TransactItem {
    const key = { pk: orderPk(p.orderId), sk: paymentSk(slotOf(p)) };
    if (expectedVersion === null) {
      return {
        Put: {
          TableName: this.tableName,
          Item: { ...key, itemType: 'payment', ...p, ...(tokenCiphertext ? { tokenCiphertext } : {}) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    }
    // The stored token is kept: the item is updated attribute by attribute, never rewritten.
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':expected': expectedVersion };
    const sets: string[] = [];
    const removes: string[] = [];
    Object.keys(PaymentItemSchema().shape)
      .filter((k) => k !== 'tokenCiphertext')
      .forEach((k, i) => {
        names[`#a${i}`] = k;
        const value = (p as unknown as Record<string, unknown>)[k];
        if (value === undefined) removes.push(`#a${i}`);
        else {
          values[`:v${i}`] = value;
          sets.push(`#a${i} = :v${i}`);
        }
      });
    return {
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { ...names, '#version': 'version' },
        ExpressionAttributeValues: values,
      },
    };
  }

  /** Replaces a refund alone (only if its version is the one read). */
  async putRefund(refund: Refund, expectedVersion: number): Promise<void> {
    const open = refund.status === 'pending_approval' || refund.status === 'processing';
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: orderPk(refund.orderId),
            sk: `REFUND#${refund.refundId}`,
            itemType: 'refund',
            ...refund,
            ...(open ? { gsi1pk: `REFUNDS#${refund.status}`, gsi1sk: `${refund.requestedAt}#${refund.orderId}#${refund.refundId}` } : {}),
          },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw new PaymentWriteConflict(`refund ${refund.refundId} changed concurrently`);
      throw error;
    }
  }

  /** Every movement of an order, in movement-id order. */
  async listMovements(orderId: string): Promise<LedgerMovement[]> {
    return (
      await this.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': orderPk(orderId), ':p': 'LEDGER#' },
        ConsistentRead: true,
      })
    ).map(toMovement);
  }

  /** Every movement whose money moved on `day` (UTC), oldest first (index: eventually consistent). */
  async movementsOfDay(day: string): Promise<LedgerMovement[]> {
    return (await this.queryAll({ IndexName: BY_GROUP_INDEX, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `LEDGER#${day}` } })).map(toMovement);
  }

  async getRefund(orderId: string, refundId: string): Promise<Refund | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: orderPk(orderId), sk: `REFUND#${refundId}` }, ConsistentRead: true }));
    return Item ? toRefund(Item) : undefined;
  }

  async listRefunds(orderId: string): Promise<Refund[]> {
    return (
      await this.queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': orderPk(orderId), ':p': 'REFUND#' },
        ConsistentRead: true,
      })
    ).map(toRefund);
  }

  /** The refund a staff request created, if it was processed before. */
  async refundOfRequest(orderId: string, key: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: orderPk(orderId), sk: `REFUNDREQ#${key}` }, ConsistentRead: true }));
    return typeof Item?.refundId === 'string' ? Item.refundId : undefined;
  }

  /** Refunds in `status` (pending approval or processing), oldest first. */
  async refundsInStatus(status: 'pending_approval' | 'processing', limit = 100): Promise<Refund[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_GROUP_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `REFUNDS#${status}` },
        Limit: limit,
      }),
    );
    return (Items ?? []).map(toRefund);
  }

  /** Outbox items of an order not yet published. */
  async pendingOutbox(orderId: string): Promise<OutboxItem[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': orderPk(orderId), ':p': 'OUTBOX#' },
      ConsistentRead: true,
    });
    return items.map(toOutboxItem);
  }

  /**
   * An order's payments (first payment first) and its unpublished outbox items, in one strongly
   * consistent query: their sort keys are adjacent (`OUTBOX#…` < `PAYMENT` < `PAYMENT#BALANCE`,
   * nothing else of the order sorts between them).
   */
  async paymentsAndOutbox(orderId: string): Promise<{ payments: StoredPayment[]; outbox: OutboxItem[] }> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': orderPk(orderId), ':from': 'OUTBOX#', ':to': 'PAYMENT#\uffff' },
      ConsistentRead: true,
    });
    return {
      payments: items
        .filter((i) => String(i.sk).startsWith('PAYMENT'))
        .map(toStoredPayment)
        .sort((a, b) => primaryFirst(a.payment, b.payment)),
      outbox: items.filter((i) => String(i.sk).startsWith('OUTBOX#')).map(toOutboxItem),
    };
  }

  /**
   * One payment of an order (its first payment, or a pre-sale's balance) and the order's unpublished
   * outbox items, in one strongly consistent query ({@link paymentsAndOutbox}): a use case that
   * commits then publishes from this list what an earlier change left, without querying again.
   */
  async paymentAndOutbox(orderId: string, slot: PaymentSlot = 'primary'): Promise<{ stored?: StoredPayment; outbox: OutboxItem[] }> {
    const { payments, outbox } = await this.paymentsAndOutbox(orderId);
    return { stored: payments.find((s) => slotOf(s.payment) === slot), outbox };
  }

  /**
   * Claims an outbox item for publishing for `leaseMs` (a conditional write): concurrent flushes of
   * the same order do not publish it twice; a claim whose holder died expires and is taken over.
   */
  async claimOutbox(orderId: string, outboxId: string, leaseMs = OUTBOX_CLAIM_MS): Promise<boolean> {
    const now = this.now().getTime();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderPk(orderId), sk: `OUTBOX#${outboxId}` },
          UpdateExpression: 'SET claimedUntil = :until',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)',
          ExpressionAttributeValues: { ':until': now + leaseMs, ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async deleteOutbox(orderId: string, outboxId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: orderPk(orderId), sk: `OUTBOX#${outboxId}` } }));
  }

  /** True when this provider webhook event was already handled. */
  async isWebhookProcessed(eventId: string): Promise<boolean> {
    return (await this.webhookRecord(eventId)) !== undefined;
  }

  /**
   * The record of a handled provider webhook event: what handling it did (`applied`, `held`, …) and,
   * for a held one, its order and the outbox item of its problem order; undefined when it was not
   * handled yet.
   */
  async webhookRecord(eventId: string): Promise<{ outcome: string; orderId?: string; outboxId?: string } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `WEBHOOK#${eventId}`, sk: 'WEBHOOK' }, ConsistentRead: true }));
    if (Item === undefined) return undefined;
    return {
      outcome: typeof Item.outcome === 'string' ? Item.outcome : 'applied',
      ...(typeof Item.orderId === 'string' ? { orderId: Item.orderId } : {}),
      ...(typeof Item.outboxId === 'string' ? { outboxId: Item.outboxId } : {}),
    };
  }

  /**
   * Holds a provider notification (PAY-2, ORD-6) in ONE transaction: the held record (only if
   * absent — never held twice), the events to publish (outbox: the problem order) and the webhook
   * marker (outcome `held`), so a duplicate finds it handled. The payment is not touched. Returns
   * the outbox item, written claimed by this caller as a transition's is (publish it as `own`), or
   * false when a concurrent duplicate held it first.
   */
  async holdNotification(held: HeldNotification, events: readonly DomainEvent[]): Promise<{ outbox?: OutboxItem } | false> {
    const outbox: OutboxItem | undefined =
      events.length > 0
        ? {
            outboxId: newId(),
            orderId: held.orderId,
            correlationId: held.correlationId,
            events: events.map((e) => ({ name: e.definition.name, payload: e.payload as Record<string, unknown> })),
            claimedUntil: this.now().getTime() + OUTBOX_CLAIM_MS,
          }
        : undefined;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk: orderPk(held.orderId),
            sk: `HELD#${held.eventId}`,
            itemType: 'held-notification',
            gsi1pk: 'HELD',
            gsi1sk: `${held.heldAt}#${held.orderId}#${held.eventId}`,
            ...held,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk: `WEBHOOK#${held.eventId}`,
            sk: 'WEBHOOK',
            itemType: 'webhook',
            type: held.notificationType,
            outcome: 'held',
            orderId: held.orderId,
            ...(outbox ? { outboxId: outbox.outboxId } : {}),
            processedAt: held.heldAt,
            expiresAt: this.ttl(MARKER_TTL_SECONDS),
          },
        },
      },
    ];
    if (outbox) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { pk: orderPk(held.orderId), sk: `OUTBOX#${outbox.outboxId}`, itemType: 'outbox', ...outbox },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return outbox ? { outbox } : {};
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[0] === 'ConditionalCheckFailed') return false;
      throw new PaymentWriteConflict(`held notification ${held.eventId}: ${reasons.join(',')}`);
    }
  }

  /** The notifications held for an order (for investigation), oldest first. */
  async listHeldNotifications(orderId: string): Promise<HeldNotification[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': orderPk(orderId), ':p': 'HELD#' },
      ConsistentRead: true,
    });
    return items.map((i) => plain(i) as unknown as HeldNotification).sort((a, b) => a.heldAt.localeCompare(b.heldAt));
  }

  /** The most recently held notifications of all orders (index: eventually consistent), newest first. */
  async recentHeldNotifications(limit = 100): Promise<HeldNotification[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_GROUP_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'HELD' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map((i) => plain(i) as unknown as HeldNotification);
  }

  async markWebhookProcessed(eventId: string, type: string, outcome: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `WEBHOOK#${eventId}`, sk: 'WEBHOOK', itemType: 'webhook', type, outcome, processedAt: this.now().toISOString(), expiresAt: this.ttl(MARKER_TTL_SECONDS) },
      }),
    );
  }

  /** A customer's committed totals of a limit day. */
  async dailyTotals(customerId: string, day: string): Promise<DailyTotals> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `LIMITS#${customerId}`, sk: `DAY#${day}` }, ConsistentRead: true }));
    if (!Item) return { total: 0, byMethod: {} };
    const n = (v: unknown) => (typeof v === 'number' ? v : 0);
    return { total: n(Item.total), byMethod: { card: n(Item.card), wallet: n(Item.wallet), bank_transfer: n(Item.bank_transfer), cod: n(Item.cod) } };
  }

  /**
   * Appends ledger movements outside a payment transaction (a carrier's remittance, PAY-4): each
   * only if absent — a movement id already written was booked before (a retry) and is left as is.
   */
  async appendMovements(movements: readonly LedgerMovement[]): Promise<void> {
    for (const m of movements) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: orderPk(m.orderId),
              sk: `LEDGER#${m.movementId}`,
              itemType: 'ledger',
              gsi1pk: `LEDGER#${m.at.slice(0, 10)}`,
              gsi1sk: `${m.at}#${m.orderId}#${m.movementId}`,
              ...m,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
  }

  /** A carrier's settled remittance report, if recorded. */
  async getRemittance(remittanceId: string): Promise<StoredRemittance | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `REMITTANCE#${remittanceId}`, sk: 'REPORT' }, ConsistentRead: true }));
    return Item ? (plain(Item) as unknown as StoredRemittance) : undefined;
  }

  /** Records a settled remittance report once; false when one with this id exists. */
  async putRemittance(remittance: StoredRemittance): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `REMITTANCE#${remittance.remittanceId}`, sk: 'REPORT', itemType: 'remittance', ...remittance },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Stores (replaces) the reconciliation report of a day: a derived snapshot, recomputed by each run. */
  async putReconciliation(report: ReconciliationReport): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: `RECONCILIATION#${report.date}`, sk: 'REPORT', itemType: 'reconciliation', ...report } }));
  }

  async getReconciliation(date: string): Promise<ReconciliationReport | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `RECONCILIATION#${date}`, sk: 'REPORT' }, ConsistentRead: true }));
    return Item ? (plain(Item) as unknown as ReconciliationReport) : undefined;
  }

  private queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, { ...input, TableName: this.tableName });
  }
}

/** The repository on `PAYMENTS_TABLE_NAME`. */
export function paymentsRepositoryFromEnv(): PaymentsRepository {
  return new PaymentsRepository(requireSetting('paymentsTableName'));
}
