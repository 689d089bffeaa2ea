/**
 * Signals kept in the RiskTable (see ./risk-table.ts): velocity counters (RISK-2), failed payments,
 * blocklists, and the rate-limit state of warnings (RISK-3).
 *
 * Velocity counters are exact: each signal value (a device, an email hash, …) is one item whose
 * numeric attributes are its window buckets (see domain/velocity.ts). An order `ADD`s one to its
 * three buckets on each of its signals' items, in one transaction together with a per-order marker
 * (`VELMARK#<orderId>`, created only if absent), so a redelivered or retried order is counted once,
 * and concurrent orders never lose an increment. Reading an order's signals is one BatchGetItem of
 * those items (strongly consistent: the order's own increments are counted). Buckets that expired
 * are removed from an item when a read finds {@link PRUNE_AFTER} or more of them (one UpdateItem);
 * the item itself expires by TTL when its signal has been quiet for a week.
 *
 * Per order: one transaction of 1 + signals items and one BatchGetItem, which also reads the
 * blocklist entries of the order's values and the customer's profile (until 2026-12 it was 1 + 3 ×
 * signals transaction items, one item per bucket, one Query per signal, a BatchGetItem of the
 * blocklists and a GetItem of the profile apart).
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { batchGet, documentClient, isThrottled } from '../../shared/dynamodb.ts';
import { NO_BLOCKLIST_HITS, type BlocklistHits } from './domain/features.ts';
import {
  bucketsToIncrement,
  expiredBucketKeys,
  parseBucketKey,
  VELOCITY_WINDOWS,
  windowCount,
  type BucketRef,
  type VelocityCounts,
  type VelocityDimension,
} from './domain/velocity.ts';
import type { WarningTier } from './domain/warnings.ts';
import type { CustomerProfile } from './domain/profile.ts';
import { keys, profileFromItem, transact, TransactionConditionFailed } from './risk-table.ts';

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

/** An order's signals as read for its assessment. */
export interface SignalsRead {
  readonly velocity: VelocityCounts;
  readonly paymentFailures24h: number;
  /** The probe's blocklist hits (none without a probe). */
  readonly blocklist: BlocklistHits;
  /** The customer's profile, when asked for and there is one. */
  readonly profile?: CustomerProfile;
}

/** What {@link SignalStore.readSignals} reads besides the window counts. */
export interface SignalsReadOptions {
  /** Which of these values are blocklisted. */
  readonly blocklist?: BlocklistProbe;
  /** The customer's profile too (the assessment's history features). */
  readonly profile?: boolean;
}

/** What the fraud use cases need for signals. */
export interface SignalStore {
  /** Counts an order once in every window of each of its signals. */
  recordOrderSignals(orderId: string, signals: readonly SignalValue[], at: number): Promise<'counted' | 'already-counted'>;
  /**
   * The window counts of each signal at `at`, the customer's failed payments in 24 h and, as asked,
   * which of a probe's values are blocklisted and the customer's profile — all in one strongly
   * consistent read.
   */
  readSignals(customerId: string, signals: readonly SignalValue[], at: number, options?: SignalsReadOptions): Promise<SignalsRead>;
  /** Counts a failed payment once (by `failureId`) for the customer, and in their profile. */
  recordPaymentFailure(customerId: string, failureId: string, at: number): Promise<'counted' | 'already-counted'>;
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
/** Expired buckets a read tolerates on an item before it removes them. */
export const PRUNE_AFTER = 12;

/**
 * The update of a counter item that adds one to each of `buckets`. The item's expiry is the latest
 * of the buckets' and of the buckets an event now would have: an event processed late (a backlog, a
 * redrive) must not shorten the life of newer buckets on the same item.
 */
function incrementBuckets(tableName: string, key: Record<string, string>, buckets: readonly BucketRef[], now = Date.now()) {
  const windows = buckets.map((b) => b.window);
  const expiresAt = Math.max(...buckets.map((b) => b.expiresAt), ...bucketsToIncrement(now, windows).map((b) => b.expiresAt));
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: `ADD ${buckets.map((_, i) => `#b${i} :one`).join(', ')} SET expiresAt = :exp, #type = :type`,
      ExpressionAttributeNames: { ...Object.fromEntries(buckets.map((b, i) => [`#b${i}`, b.key])), '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':exp': expiresAt, ':type': 'VelocityCounters' },
    },
  };
}

/** The probe's non-empty values, by blocklist kind. */
const probedEntries = (probe: BlocklistProbe) => Object.entries(probe).filter((entry): entry is [BlocklistKind, string] => typeof entry[1] === 'string' && entry[1] !== '');

/** The blocklist hits of the entries found. */
const hitsOf = (found: ReadonlyArray<Record<string, unknown>>): BlocklistHits => {
  const kinds = new Set(found.map((item) => String(item.kind)));
  return { ...NO_BLOCKLIST_HITS, ...Object.fromEntries(BLOCKLIST_KINDS.filter((kind) => kinds.has(kind)).map((kind) => [kind, true])) };
};

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
        ...uniqueSignals(signals).map((signal) => incrementBuckets(this.tableName, keys.velocity(signal.dimension, signal.value), buckets)),
      ]);
      return 'counted';
    } catch (error) {
      if (error instanceof TransactionConditionFailed) return 'already-counted';
      throw error;
    }
  }

  async readSignals(customerId: string, signals: readonly SignalValue[], at: number, options: SignalsReadOptions = {}): Promise<SignalsRead> {
    const failuresKey = keys.velocity(PAYMENT_FAILURES, customerId);
    const blocklistKeys = probedEntries(options.blocklist ?? {}).map(([kind, value]) => keys.blocklist(kind, value));
    const profileKey = keys.profile(customerId);
    const items = await batchGet(
      this.client,
      this.tableName,
      [failuresKey, ...signals.map((signal) => keys.velocity(signal.dimension, signal.value)), ...blocklistKeys, ...(options.profile ? [profileKey] : [])],
      { consistent: true },
    );
    const blocklistPks = new Set(blocklistKeys.map((key) => key.pk));
    const profileItem = options.profile ? items.find((item) => item.pk === profileKey.pk && item.sk === profileKey.sk) : undefined;
    const velocityItems = items.filter((item) => item !== profileItem && !blocklistPks.has(String(item.pk)));
    const byKey = new Map(velocityItems.map((item) => [String(item.pk), item]));
    const countsOf = (pk: string) => bucketCounts(byKey.get(pk));
    const velocity: VelocityCounts = {};
    for (const signal of signals) {
      const counts = countsOf(keys.velocity(signal.dimension, signal.value).pk);
      velocity[signal.dimension] = Object.fromEntries(VELOCITY_WINDOWS.map((window) => [window, windowCount(window, at, counts)]));
    }
    await Promise.all(velocityItems.map((item) => this.pruneExpired(item, at)));
    return {
      velocity,
      paymentFailures24h: windowCount('24h', at, countsOf(failuresKey.pk)),
      blocklist: hitsOf(items.filter((item) => blocklistPks.has(String(item.pk)))),
      ...(profileItem ? { profile: profileFromItem(customerId, profileItem) } : {}),
    };
  }

  /** Removes an item's expired buckets once there are {@link PRUNE_AFTER} of them (removing an absent attribute is a no-op, so concurrent prunes are harmless). */
  private async pruneExpired(item: Record<string, unknown>, at: number): Promise<void> {
    const expired = expiredBucketKeys(Object.keys(item), at);
    if (expired.length < PRUNE_AFTER) return;
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: String(item.pk), sk: String(item.sk) },
          UpdateExpression: `REMOVE ${expired.map((_, i) => `#x${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(expired.map((key, i) => [`#x${i}`, key])),
        }),
      )
      .catch((error: unknown) => {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      });
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
        incrementBuckets(this.tableName, keys.velocity(PAYMENT_FAILURES, customerId), [bucket]),
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

  /**
   * A tier's window counter is one item: every assessment due a warning writes it. Throttled (more
   * than one item takes — far beyond any warning limit, e.g. a flash sale of new accounts), the slot
   * is refused rather than the assessment failed, so the decision is published at once; that
   * warning is then not counted among the suppressed.
   */
  async acquireWarningSlot(tier: WarningTier, at: number, limit: number, windowSeconds: number): Promise<WarningSlot> {
    try {
      return await this.takeWarningSlot(tier, at, limit, windowSeconds);
    } catch (error) {
      if (isThrottled(error)) return { allowed: false, suppressedSinceLast: 0 };
      throw error;
    }
  }

  /**
   * One UpdateItem per warning: the window's counter `n` is incremented and returned. Within the
   * limit the warning is sent; beyond it, it is suppressed — and the counter itself records how
   * many were (`n − limit`), so nothing else is written. Suppression happens only after a window's
   * sent warnings, so the warnings suppressed since the last one sent are exactly the overflow of
   * the latest earlier window that had any: the first warning of a window (`n = 1`) reads that
   * window (one Query, at most once per window and tier) and reports it; later ones report 0. Every
   * suppressed warning is reported once — except one counted in the last instant of a window after
   * the next window's first warning read it. (Until 2026-12 a `STATE` item per tier kept the count:
   * a second UpdateItem for every warning.) Window items are kept a week, so a quiet tier still
   * reports what it suppressed before.
   */
  private async takeWarningSlot(tier: WarningTier, at: number, limit: number, windowSeconds: number): Promise<WarningSlot> {
    const windowMs = windowSeconds * 1000;
    const start = Math.floor(at / windowMs) * windowMs;
    const key = this.warningScope ? `${this.warningScope}#${tier}` : tier;
    const window = keys.warningWindow(key, start);
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: window,
        UpdateExpression: 'ADD #n :one SET expiresAt = :exp, #type = :type, #limit = :limit',
        ExpressionAttributeNames: { '#n': 'n', '#type': 'type', '#limit': 'limit' },
        ExpressionAttributeValues: { ':one': 1, ':exp': Math.ceil((start + windowMs) / 1000) + WARNING_WINDOW_RETENTION_SECONDS, ':type': 'WarningWindow', ':limit': limit },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const taken = Number(Attributes?.n ?? 1);
    if (taken > limit) return { allowed: false, suppressedSinceLast: 0 };
    if (taken > 1) return { allowed: true, suppressedSinceLast: 0 };
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :before',
        ExpressionAttributeValues: { ':pk': window.pk, ':first': 'WINDOW#', ':before': keys.warningWindow(key, start - 1).sk },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const previous = Items[0];
    // The limit the previous window was counted against (its own, should the setting have changed since).
    const overflow = previous ? Number(previous.n ?? 0) - Number(previous.limit ?? limit) : 0;
    return { allowed: true, suppressedSinceLast: Math.max(0, overflow) };
  }
}

/** How long a warning window's counter is kept after the window: what a quiet tier's next warning can still report. */
const WARNING_WINDOW_RETENTION_SECONDS = 7 * 86_400;

/** Bucket key → count of a counter item's buckets (its other attributes left out). */
function bucketCounts(item: Record<string, unknown> | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [name, value] of Object.entries(item ?? {})) if (parseBucketKey(name) && typeof value === 'number') counts.set(name, value);
  return counts;
}

/** Each signal once (an order whose two signals share a dimension and value counts it once). */
function uniqueSignals(signals: readonly SignalValue[]): SignalValue[] {
  return [...new Map(signals.map((signal) => [`${signal.dimension}#${signal.value}`, signal])).values()];
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
