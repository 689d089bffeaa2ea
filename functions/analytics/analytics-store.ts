/**
 * The analytics table (KPI-1, KPI-2). Items (`pk` / `sk`):
 *
 * | item | pk | sk | what |
 * |---|---|---|---|
 * | order record | `ORDER#<orderId>` | `STATE` | what the order contributes (placed, voided, refunded, returned, delivered, late); `version` |
 * | customer record | `CUSTOMER#<customerId>` | `STATE` | the customer's counted orders (ids, times, totals); `version`; `segmentPk`/`customerId` index them for the segments job |
 * | risk record | `RISK#<orderId>` | `STATE` | flagged day, approved by an analyst; `version` |
 * | applied marker | `EVENT#<eventId>` | `APPLIED` | the event was applied (dedupe; kept, so a replay of the archive changes nothing) |
 * | daily aggregate | `DAY#<YYYY-MM>` | `<day>#TOTAL`, `<day>#CAT#<category>`, `<day>#PM#<method>` | counters (numbers, ADDed) |
 * | segments | `SEGMENTS` / `SEGRUN#<runId>#<segment>` | `LATEST` / `<customerId>` | the last run's counts; its members (expire) |
 *
 * One event is one TransactWriteItems: the marker (attribute_not_exists), each changed record
 * (conditional on its version) and an ADD of the contribution's change on each aggregate. A
 * duplicate fails on the marker and changes nothing; a concurrent change of the same record fails
 * on the version and is retried from a fresh read. Nothing is ever scanned.
 *
 * A batch of events may be committed together ({@link AnalyticsStore.commitMany}): every event's
 * marker, each record once in its final state, and one ADD per aggregate of the batch's summed
 * change — so a day's aggregates take one write per batch, not one per event (apply-event.ts).
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { batchGet, cancellationReasons, documentClient, queryAll } from '../../shared/dynamodb.ts';
import { COUNTERS, parseAggregateKey, ZERO, type Contribution, type Counter, type Counters, type CustomerRecord, type OrderRecord, type RiskRecord } from './domain/aggregation.ts';
import { addCounters, monthsInRange, type RangeAggregates } from './domain/kpis.ts';

/** A record and the version it was read at (0: absent). */
export interface Versioned<T> {
  readonly record: T;
  readonly version: number;
}

/** One event's writes. */
export interface EventCommit {
  readonly eventId: string;
  readonly order?: Versioned<OrderRecord>;
  readonly customer?: Versioned<CustomerRecord>;
  readonly risk?: Versioned<RiskRecord>;
  readonly delta: Contribution;
}

/** A batch of events' writes: their markers, each record once (its final state), the summed change. */
export interface BatchCommit {
  readonly eventIds: readonly string[];
  readonly orders: ReadonlyArray<Versioned<OrderRecord>>;
  readonly customers: ReadonlyArray<Versioned<CustomerRecord>>;
  readonly risks: ReadonlyArray<Versioned<RiskRecord>>;
  readonly delta: Contribution;
}

/** The most items one TransactWriteItems holds. */
export const MAX_TRANSACTION_ITEMS = 100;

export type CommitOutcome = 'applied' | 'duplicate' | 'conflict';

/**
 * A batch commit's outcome (nothing is written unless `applied`): `duplicate` names the events
 * whose markers are there already; `too-large` when the batch exceeds one transaction (100 items or
 * its size limit).
 */
export type BatchCommitOutcome =
  { readonly kind: 'applied' } | { readonly kind: 'conflict' } | { readonly kind: 'too-large' } | { readonly kind: 'duplicate'; readonly duplicates: readonly string[] };

/** Which records a batch reads. */
export interface ManyRecordKeys {
  readonly orders: readonly string[];
  readonly risks: readonly string[];
  readonly customers: readonly string[];
}

/** The records a batch read, by id (absent ones missing). */
export interface ManyRecordsRead {
  readonly orders: ReadonlyMap<string, Versioned<OrderRecord>>;
  readonly risks: ReadonlyMap<string, Versioned<RiskRecord>>;
  readonly customers: ReadonlyMap<string, Versioned<CustomerRecord>>;
}

/** Which records to read: an order's, its risk record's, a customer's. */
export interface RecordKeys {
  readonly order?: string;
  readonly risk?: string;
  readonly customer?: string;
}

/** The records read (undefined: not there yet). */
export interface RecordsRead {
  readonly order?: Versioned<OrderRecord>;
  readonly risk?: Versioned<RiskRecord>;
  readonly customer?: Versioned<CustomerRecord>;
}

/** Shards of the customers index (a daily job reads each; writes spread over them). */
export const CUSTOMER_SHARDS = 4;

/** The customers-index partition of a customer. */
export function customerShard(customerId: string): string {
  let h = 0;
  for (const ch of customerId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `CUSTOMERS#${h % CUSTOMER_SHARDS}`;
}

/** The index of customer records. */
export const CUSTOMERS_INDEX = 'byCustomer';

/** See the module documentation. */
export class AnalyticsStore {
  constructor(
    readonly tableName: string,
    private readonly client: Pick<DynamoDBDocumentClient, 'send'> = documentClient(),
  ) {}

  private async get<T>(pk: string): Promise<Versioned<T> | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'STATE' }, ConsistentRead: true }));
    if (!Item) return undefined;
    return { record: Item.record as T, version: Number(Item.version) };
  }

  customer(customerId: string) {
    return this.get<CustomerRecord>(`CUSTOMER#${customerId}`);
  }

  /** The records an event touches, in one strongly consistent BatchGetItem (absent ones undefined). */
  async read(keys: RecordKeys): Promise<RecordsRead> {
    const wanted = [...(keys.order ? [`ORDER#${keys.order}`] : []), ...(keys.risk ? [`RISK#${keys.risk}`] : []), ...(keys.customer ? [`CUSTOMER#${keys.customer}`] : [])];
    if (wanted.length === 0) return {};
    const items = await batchGet(
      this.client,
      this.tableName,
      wanted.map((pk) => ({ pk, sk: 'STATE' })),
      { consistent: true },
    );
    const byPk = new Map(items.map((i) => [String(i.pk), { record: i.record, version: Number(i.version) }]));
    return {
      ...(keys.order ? { order: byPk.get(`ORDER#${keys.order}`) as Versioned<OrderRecord> | undefined } : {}),
      ...(keys.risk ? { risk: byPk.get(`RISK#${keys.risk}`) as Versioned<RiskRecord> | undefined } : {}),
      ...(keys.customer ? { customer: byPk.get(`CUSTOMER#${keys.customer}`) as Versioned<CustomerRecord> | undefined } : {}),
    };
  }

  /** The records a batch of events touches, in strongly consistent BatchGetItems of up to 100 keys. */
  async readMany(keys: ManyRecordKeys): Promise<ManyRecordsRead> {
    const wanted = [...keys.orders.map((id) => `ORDER#${id}`), ...keys.risks.map((id) => `RISK#${id}`), ...keys.customers.map((id) => `CUSTOMER#${id}`)];
    const items =
      wanted.length === 0
        ? []
        : await batchGet(
            this.client,
            this.tableName,
            wanted.map((pk) => ({ pk, sk: 'STATE' })),
            { consistent: true },
          );
    const of = <T>(prefix: string) =>
      new Map(items.filter((i) => String(i.pk).startsWith(prefix)).map((i) => [String(i.pk).slice(prefix.length), { record: i.record as T, version: Number(i.version) }]));
    return { orders: of<OrderRecord>('ORDER#'), risks: of<RiskRecord>('RISK#'), customers: of<CustomerRecord>('CUSTOMER#') };
  }

  async isApplied(eventId: string): Promise<boolean> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `EVENT#${eventId}`, sk: 'APPLIED' }, ConsistentRead: true }));
    return Item !== undefined;
  }

  /** Writes one event's changes in one transaction. */
  async commit(commit: EventCommit, appliedAt: string): Promise<CommitOutcome> {
    const outcome = await this.commitMany(
      {
        eventIds: [commit.eventId],
        orders: commit.order ? [commit.order] : [],
        risks: commit.risk ? [commit.risk] : [],
        customers: commit.customer ? [commit.customer] : [],
        delta: commit.delta,
      },
      appliedAt,
    );
    if (outcome.kind === 'too-large') throw new Error(`event ${commit.eventId} changes more items than one transaction holds`);
    return outcome.kind;
  }

  /**
   * Writes a batch's changes in one transaction: every marker, each record, each aggregate's ADD.
   * `duplicate` when a marker exists (some event was applied already), `conflict` when a record
   * changed since it was read; then nothing is written.
   */
  async commitMany(commit: BatchCommit, appliedAt: string): Promise<BatchCommitOutcome> {
    const T = this.tableName;
    const state = (pk: string, v: Versioned<unknown>, extra: Record<string, unknown> = {}) => ({
      Put: {
        TableName: T,
        Item: { pk, sk: 'STATE', record: v.record, version: v.version + 1, ...extra },
        ConditionExpression: v.version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
        ...(v.version === 0 ? {} : { ExpressionAttributeValues: { ':v': v.version } }),
      },
    });
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = commit.eventIds.map((eventId) => ({
      Put: { TableName: T, Item: { pk: `EVENT#${eventId}`, sk: 'APPLIED', appliedAt }, ConditionExpression: 'attribute_not_exists(pk)' },
    }));
    for (const order of commit.orders) items.push(state(`ORDER#${order.record.orderId}`, order));
    for (const risk of commit.risks) items.push(state(`RISK#${risk.record.orderId}`, risk));
    for (const customer of commit.customers) {
      const id = customer.record.customerId;
      items.push(state(`CUSTOMER#${id}`, customer, { segmentPk: customerShard(id), customerId: id }));
    }
    for (const [key, counters] of Object.entries(commit.delta)) {
      const entries = Object.entries(counters).filter(([, v]) => v !== 0);
      if (entries.length === 0) continue;
      items.push({
        Update: {
          TableName: T,
          Key: { pk: `DAY#${key.slice(0, 7)}`, sk: key },
          UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:c${i}`, value])),
        },
      });
    }
    if (items.length > MAX_TRANSACTION_ITEMS) return { kind: 'too-large' };
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { kind: 'applied' };
    } catch (error) {
      // Over the transaction's size limit (4 MB): DynamoDB refuses it whole.
      if (error instanceof Error && error.name === 'ValidationException' && commit.eventIds.length > 1 && /size/i.test(error.message)) return { kind: 'too-large' };
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      // One reason per item, in order: the markers come first.
      const duplicates = commit.eventIds.filter((_, i) => reasons[i] === 'ConditionalCheckFailed');
      if (duplicates.length > 0) return { kind: 'duplicate', duplicates };
      if (reasons.some((r) => r === 'ConditionalCheckFailed' || r === 'TransactionConflict')) return { kind: 'conflict' };
      throw error;
    }
  }

  /** `ADD quotes 1` on the day's total (checkout's quote counter). */
  async countQuote(day: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `DAY#${day.slice(0, 7)}`, sk: `${day}#TOTAL` },
        UpdateExpression: 'ADD quotes :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  /** The day's total counters (zero when absent). */
  async dayTotal(day: string): Promise<Counters> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `DAY#${day.slice(0, 7)}`, sk: `${day}#TOTAL` } }));
    return Item ? countersOf(Item) : ZERO;
  }

  /** The aggregates of a range: one Query per month touched (at most 13 for 366 days). */
  async range(from: string, to: string): Promise<RangeAggregates> {
    const days = new Map<string, Counters>();
    const categories = new Map<string, Counters>();
    const methods = new Map<string, Counters>();
    const months = await Promise.all(
      monthsInRange(from, to).map((month) =>
        queryAll(this.client, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': `DAY#${month}`, ':from': from, ':to': `${to}#~` },
        }),
      ),
    );
    for (const item of months.flat()) {
      const { day, dimension } = parseAggregateKey(String(item.sk));
      if (day < from || day > to) continue;
      const counters = countersOf(item);
      if (dimension.kind === 'total') days.set(day, counters);
      else {
        const map = dimension.kind === 'category' ? categories : methods;
        map.set(dimension.value, addCounters(map.get(dimension.value) ?? ZERO, counters));
      }
    }
    return { days, categories, methods };
  }

  /** A page of customer records of one shard of the customers index. */
  async customerPage(shard: string, startKey?: Record<string, unknown>): Promise<{ items: CustomerRecord[]; next?: Record<string, unknown> }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: CUSTOMERS_INDEX,
        KeyConditionExpression: 'segmentPk = :s',
        ExpressionAttributeValues: { ':s': shard },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { items: (page.Items ?? []).map((i) => i.record as CustomerRecord), ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
  }
}

function countersOf(item: Record<string, unknown>): Counters {
  return Object.fromEntries(COUNTERS.map((c: Counter) => [c, Number(item[c] ?? 0)])) as Record<Counter, number>;
}

/** The store over `ANALYTICS_TABLE_NAME`. */
export function analyticsStoreFromEnv(): AnalyticsStore {
  return new AnalyticsStore(requireSetting('analyticsTableName'));
}
