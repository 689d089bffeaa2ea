/**
 * Signals kept in the RiskTable (see ./risk-table.ts): velocity counters (RISK-2), failed payments,
 * blocklists, and the rate-limit state of warnings (RISK-3).
 *
 * Velocity counters are exact: an order increments its buckets with atomic `ADD`s in one
 * transaction together with a per-order marker (`VELMARK#<orderId>`, created only if absent), so a
 * redelivered or retried order is counted once, and concurrent orders never lose an increment.
 * Buckets expire by TTL one bucket after leaving their window (see domain/velocity.ts).
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient, queryAll } from '../../shared/dynamodb.ts';
import { NO_BLOCKLIST_HITS, type BlocklistHits } from './domain/features.ts';
import { bucketsToIncrement, oldestBucketStart, VELOCITY_WINDOWS, windowCount, type VelocityCounts, type VelocityDimension } from './domain/velocity.ts';
import type { WarningTier } from './domain/warnings.ts';
import { batchGet } from '../../shared/dynamodb.ts';
import { keys, transact, TransactionConditionFailed } from './risk-table.ts';

/** One signal value of an order, e.g. `{ dimension: 'device', value: 'device-123' }`. */
export interface SignalValue {
  readonly dimension: VelocityDimension;
  readonly value: string;
}

/** Blocklist kinds: the keyed hashes, the device id, the payment fingerprint and email domains. */
export const BLOCKLIST_KINDS = ['email', 'phone', 'address', 'device', 'ip', 'payment', 'emailDomain'] as const;
export type BlocklistKind = (typeof BLOCKLIST_KINDS)[number];

/** The values of an order checked against the blocklists. */
export type BlocklistProbe = Partial<Record<BlocklistKind, string>>;

/** A blocklist entry. */
export interface BlocklistEntry {
  readonly kind: BlocklistKind;
  readonly value: string;
  readonly reason: string;
  readonly addedBy: string;
  readonly addedAt: string;
  /** RISK-7: a removal waits for a second risk analyst; who asked for it, when and why. */
  readonly removalRequest?: { readonly by: string; readonly at: string; readonly reason: string };
}

/** The outcome of asking for a warning slot. */
export interface WarningSlot {
  readonly allowed: boolean;
  /** When allowed: warnings of the tier suppressed since the last one sent. */
  readonly suppressedSinceLast: number;
}

/** What the fraud use cases need for signals. */
export interface SignalStore {
  /** Counts an order once in every window of each of its signals. */
  recordOrderSignals(orderId: string, signals: readonly SignalValue[], at: number): Promise<'counted' | 'already-counted'>;
  /** The window counts of each signal at `at`, and the customer's failed payments in 24 h. */
  readSignals(customerId: string, signals: readonly SignalValue[], at: number): Promise<{ velocity: VelocityCounts; paymentFailures24h: number }>;
  /** Counts a failed payment once (by `failureId`) for the customer, and in their profile. */
  recordPaymentFailure(customerId: string, failureId: string, at: number): Promise<'counted' | 'already-counted'>;
  /** Which of the probe's values are blocklisted. */
  blocklistHits(probe: BlocklistProbe): Promise<BlocklistHits>;
  getBlocklistEntry(kind: BlocklistKind, value: string): Promise<BlocklistEntry | undefined>;
  /** Adds (or replaces) an entry; returns the previous one. */
  putBlocklistEntry(entry: BlocklistEntry): Promise<BlocklistEntry | undefined>;
  /** Removes an entry; returns it if it existed. */
  deleteBlocklistEntry(kind: BlocklistKind, value: string): Promise<BlocklistEntry | undefined>;
  /** Marks an entry's removal as requested, only if it exists and no removal is pending: the entry after, or undefined. */
  requestBlocklistRemoval(kind: BlocklistKind, value: string, request: NonNullable<BlocklistEntry['removalRequest']>): Promise<BlocklistEntry | undefined>;
  /** Deletes an entry whose removal someone other than `approver` requested: the entry deleted, or undefined. */
  deleteRequestedBlocklistEntry(kind: BlocklistKind, value: string, approver: string): Promise<BlocklistEntry | undefined>;
  /** Takes a warning slot of `tier` in the fixed window containing `at` (at most `limit` per window). */
  acquireWarningSlot(tier: WarningTier, at: number, limit: number, windowSeconds: number): Promise<WarningSlot>;
}

const PAYMENT_FAILURES = 'payfail';
const DAY_SECONDS = 86_400;

/** The DynamoDB adapter of {@link SignalStore}. */
export class DynamoDbSignalStore implements SignalStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    /** Namespace of the warning rate-limit state (default: one per tier; tests isolate with it). */
    private readonly warningScope = '',
  ) {}

  async recordOrderSignals(orderId: string, signals: readonly SignalValue[], at: number): Promise<'counted' | 'already-counted'> {
    const buckets = bucketsToIncrement(at);
    const maxExpiry = Math.max(...buckets.map((b) => b.expiresAt));
    try {
      await transact(this.client, [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.velocityMarker(orderId), type: 'VelocityMarker', at: new Date(at).toISOString(), expiresAt: maxExpiry },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...signals.flatMap((signal) =>
          buckets.map((bucket) => ({
            Update: {
              TableName: this.tableName,
              Key: keys.velocity(signal.dimension, signal.value, bucket.key),
              UpdateExpression: 'ADD #n :one SET expiresAt = :exp, #type = :type',
              ExpressionAttributeNames: { '#n': 'n', '#type': 'type' },
              ExpressionAttributeValues: { ':one': 1, ':exp': bucket.expiresAt, ':type': 'VelocityBucket' },
            },
          })),
        ),
      ]);
      return 'counted';
    } catch (error) {
      if (error instanceof TransactionConditionFailed) return 'already-counted';
      throw error;
    }
  }

  async readSignals(customerId: string, signals: readonly SignalValue[], at: number): Promise<{ velocity: VelocityCounts; paymentFailures24h: number }> {
    // One range query per signal from the oldest bucket any window counts: it returns only the
    // buckets that exist (a handful for an ordinary customer); expired ones are skipped.
    const [failures, ...perSignal] = await Promise.all([
      this.bucketsFrom(keys.velocity(PAYMENT_FAILURES, customerId, '').pk, oldestBucketStart(at, ['24h']), at),
      ...signals.map((signal) => this.bucketsFrom(keys.velocity(signal.dimension, signal.value, '').pk, oldestBucketStart(at), at)),
    ]);
    const velocity: VelocityCounts = {};
    signals.forEach((signal, i) => {
      const counts = perSignal[i] ?? new Map<string, number>();
      velocity[signal.dimension] = Object.fromEntries(VELOCITY_WINDOWS.map((window) => [window, windowCount(window, at, counts)]));
    });
    return { velocity, paymentFailures24h: windowCount('24h', at, failures ?? new Map()) };
  }

  /** Bucket key → count of the buckets of partition `pk` starting at or after `from` that have not expired at `at`. */
  private async bucketsFrom(pk: string, from: number, at: number): Promise<Map<string, number>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk >= :from',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': pk, ':from': new Date(from).toISOString(), ':now': Math.floor(at / 1000) },
      ProjectionExpression: 'sk, #n',
      ExpressionAttributeNames: { '#n': 'n' },
    });
    return new Map(items.map((item) => [String(item.sk), Number(item.n ?? 0)]));
  }

  async recordPaymentFailure(customerId: string, failureId: string, at: number): Promise<'counted' | 'already-counted'> {
    const [bucket] = bucketsToIncrement(at, ['24h']);
    if (!bucket) throw new Error('no 24h bucket');
    try {
      await transact(this.client, [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.outcomeMarker('payment-failed', failureId),
              type: 'OutcomeMarker',
              at: new Date(at).toISOString(),
              expiresAt: Math.ceil(at / 1000) + 400 * DAY_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: keys.velocity(PAYMENT_FAILURES, customerId, bucket.key),
            UpdateExpression: 'ADD #n :one SET expiresAt = :exp, #type = :type',
            ExpressionAttributeNames: { '#n': 'n', '#type': 'type' },
            ExpressionAttributeValues: { ':one': 1, ':exp': bucket.expiresAt, ':type': 'VelocityBucket' },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: keys.profile(customerId),
            UpdateExpression: 'ADD paymentFailures :one SET customerId = :c, #type = :type',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':one': 1, ':c': customerId, ':type': 'CustomerProfile' },
          },
        },
      ]);
      return 'counted';
    } catch (error) {
      if (error instanceof TransactionConditionFailed) return 'already-counted';
      throw error;
    }
  }

  async blocklistHits(probe: BlocklistProbe): Promise<BlocklistHits> {
    const entries = Object.entries(probe).filter((entry): entry is [BlocklistKind, string] => typeof entry[1] === 'string' && entry[1] !== '');
    if (entries.length === 0) return NO_BLOCKLIST_HITS;
    const items = await batchGet(
      this.client,
      this.tableName,
      entries.map(([kind, value]) => keys.blocklist(kind, value)),
    );
    const found = new Set(items.map((item) => String(item.kind)));
    return { ...NO_BLOCKLIST_HITS, ...Object.fromEntries(BLOCKLIST_KINDS.filter((kind) => found.has(kind)).map((kind) => [kind, true])) };
  }

  async getBlocklistEntry(kind: BlocklistKind, value: string): Promise<BlocklistEntry | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.blocklist(kind, value), ConsistentRead: true }));
    return Item ? toEntry(Item) : undefined;
  }

  async putBlocklistEntry(entry: BlocklistEntry): Promise<BlocklistEntry | undefined> {
    const { Attributes } = await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.blocklist(entry.kind, entry.value), gsi2pk: `BLOCKLIST#${entry.kind}`, gsi2sk: entry.value, type: 'BlocklistEntry', ...entry },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes ? toEntry(Attributes) : undefined;
  }

  async deleteBlocklistEntry(kind: BlocklistKind, value: string): Promise<BlocklistEntry | undefined> {
    const { Attributes } = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.blocklist(kind, value), ReturnValues: 'ALL_OLD' }));
    return Attributes ? toEntry(Attributes) : undefined;
  }

  async requestBlocklistRemoval(kind: BlocklistKind, value: string, request: NonNullable<BlocklistEntry['removalRequest']>): Promise<BlocklistEntry | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.blocklist(kind, value),
          UpdateExpression: 'SET removalRequest = :r',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(removalRequest)',
          ExpressionAttributeValues: { ':r': request },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toEntry(Attributes) : undefined;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  async deleteRequestedBlocklistEntry(kind: BlocklistKind, value: string, approver: string): Promise<BlocklistEntry | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.blocklist(kind, value),
          ConditionExpression: 'attribute_exists(removalRequest) AND removalRequest.#by <> :me',
          ExpressionAttributeNames: { '#by': 'by' },
          ExpressionAttributeValues: { ':me': approver },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes ? toEntry(Attributes) : undefined;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  async acquireWarningSlot(tier: WarningTier, at: number, limit: number, windowSeconds: number): Promise<WarningSlot> {
    const windowMs = windowSeconds * 1000;
    const start = Math.floor(at / windowMs) * windowMs;
    const key = this.warningScope ? `${this.warningScope}#${tier}` : tier;
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.warningWindow(key, start),
        UpdateExpression: 'ADD #n :one SET expiresAt = :exp, #type = :type',
        ExpressionAttributeNames: { '#n': 'n', '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':exp': Math.ceil((start + windowMs) / 1000) + 3600, ':type': 'WarningWindow' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const taken = Number(Attributes?.n ?? 1);
    if (taken > limit) {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.warningState(key),
          UpdateExpression: 'ADD suppressed :one SET #type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':one': 1, ':type': 'WarningState' },
        }),
      );
      return { allowed: false, suppressedSinceLast: 0 };
    }
    // Read-and-reset atomically: the suppressed count before this update is what this warning reports.
    const previous = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.warningState(key),
        UpdateExpression: 'SET suppressed = :zero, #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':zero': 0, ':type': 'WarningState' },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return { allowed: true, suppressedSinceLast: Number(previous.Attributes?.suppressed ?? 0) };
  }
}

function toEntry(item: Record<string, unknown>): BlocklistEntry {
  const request = item.removalRequest as BlocklistEntry['removalRequest'] | undefined;
  return {
    kind: item.kind as BlocklistKind,
    value: String(item.value),
    reason: String(item.reason ?? ''),
    addedBy: String(item.addedBy ?? ''),
    addedAt: String(item.addedAt ?? ''),
    ...(request ? { removalRequest: { by: String(request.by), at: String(request.at), reason: String(request.reason) } } : {}),
  };
}

/** The signal store on `RISK_TABLE_NAME`. */
export function signalStoreFromEnv(): DynamoDbSignalStore {
  return new DynamoDbSignalStore(requireSetting('riskTableName'));
}
