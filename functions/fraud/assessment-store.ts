/**
 * Assessments and everything learned from them, in the RiskTable (see ./risk-table.ts): the
 * assessment of each order (features, score, level, decision, fired rules — staff only), the review
 * queue, the risk-event store (RISK-6 trend queries), daily metrics (RISK-5) and customer profiles.
 *
 * Writing an assessment is one transaction: the assessment (only if absent — the idempotency gate
 * of the OrderPlaced consumer), the customer's profile (atomic `ADD`s of count, Σamount, Σamount²;
 * first-seen kept with `if_not_exists`) and the day's metrics shard. An analyst's decision is one
 * transaction too: the review state (only while pending), a risk event, the metrics and the profile.
 * Outcomes (delivered, fraud refund) are counted once through a marker item in their transaction.
 */
import { GetCommand, NumberValue, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazily } from '../../shared/lazily.ts';
import { requireSetting } from '../../shared/config.ts';
import { batchGet, decodeCursor, documentClient, encodeCursor, indexCursorSchema, isConditionalCheckFailed } from '../../shared/dynamodb.ts';
import { badRequest } from '../../shared/errors.ts';
import type { GroundTruth } from './domain/backtest.ts';
import { addCounts, METRIC_COUNTERS, ZERO_COUNTS, type DailyCounts, type MetricCounter } from './domain/metrics.ts';
import { outcomeCounter, type CustomerProfile, type ProfileOutcome } from './domain/profile.ts';
import type { AnalystDecision, ReviewState } from './domain/review.ts';
import type { RiskSignals } from '../../events/order-placed.ts';
import type { FiredRule, RiskDecision, RiskLevel } from './domain/scoring.ts';
import { BY_DAY_INDEX, BY_QUEUE_INDEX, dayPartition, keys, profileFromItem, transact, TransactionConditionFailed, withoutKeys } from './risk-table.ts';

/** The pseudonymous signals of an order (keyed hashes, device id, email domain), for staff: OrderPlaced's. */
export type StoredSignals = RiskSignals;

/** A stored assessment (staff only). */
export interface Assessment {
  readonly assessmentId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly placedAt: string;
  readonly assessedAt: string;
  readonly amount: { readonly amount: number; readonly currency: string };
  readonly features: Readonly<Record<string, number | string | boolean>>;
  readonly score: number;
  readonly level: RiskLevel;
  readonly decision: RiskDecision;
  readonly fired: readonly FiredRule[];
  readonly decidedByRule?: string;
  readonly ruleErrors?: readonly string[];
  readonly signals: StoredSignals;
  /** Present when the rules sent the order to review. */
  readonly review?: ReviewState;
  /** A refund flagged as fraud was recorded for the order. */
  readonly fraudRefund?: boolean;
  /** How many address corrections this assessment took into account (ORD-6; a re-assessment). */
  readonly addressCorrections?: number;
  /** The assessments this one replaced (re-assessments after address corrections), oldest first. */
  readonly previous?: ReadonlyArray<{ readonly assessmentId: string; readonly assessedAt: string; readonly score: number; readonly decision: RiskDecision }>;
}

/** The analyst's outcome of an assessment, for ground truth. */
export function reviewOutcomeOf(assessment: Pick<Assessment, 'review'>): AnalystDecision | undefined {
  return assessment.review?.status === 'approved' ? 'approve' : assessment.review?.status === 'rejected' ? 'reject' : undefined;
}

/** A risk event (the trend store). Assessments are risk events of kind `assessment`. */
export interface RiskEvent {
  readonly kind: 'assessment' | 'analyst-decision' | 'fraud-refund';
  readonly orderId: string;
  readonly customerId: string;
  readonly at: string;
  readonly level: RiskLevel;
  readonly score: number;
  readonly decision?: RiskDecision;
  readonly rulesFired: readonly string[];
  readonly analystId?: string;
}

/** A page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/** Options of {@link AssessmentStore.create}. */
export interface CreateOptions {
  /** Add the amount to the customer's history (not for orders the rules reject). */
  readonly countInHistory: boolean;
  readonly metricsShard: number;
}

/** What recording an analyst decision did. */
export type DecisionWrite = 'recorded' | 'not-pending';

/** What the fraud use cases need from assessment storage. */
export interface AssessmentStore {
  get(orderId: string): Promise<Assessment | undefined>;
  /** Stores a new assessment with its profile and metrics updates; `exists` when the order already has one. */
  create(assessment: Assessment, options: CreateOptions): Promise<'created' | 'exists'>;
  getProfile(customerId: string): Promise<CustomerProfile | undefined>;
  /** Replaces the order's assessment by its re-assessment, only if it is still `previous` (`conflict` otherwise: read again). */
  replace(previous: Assessment, next: Assessment): Promise<'replaced' | 'conflict'>;
  /** Records an analyst decision while the review is pending. */
  recordDecision(assessment: Assessment, review: ReviewState & { status: 'approved' | 'rejected' }, eventId: string, metricsShard: number): Promise<DecisionWrite>;
  /** The review queue: `pending` oldest first, `decided` newest first. */
  listReviewQueue(query: { status: 'pending' | 'decided'; limit: number; cursor?: string }): Promise<Page<Assessment>>;
  /** Counts an outcome once per `markerId`: profile counter, and optionally the fraud-refund flag and a risk event. */
  recordOutcome(
    outcome: ProfileOutcome,
    markerId: string,
    customerId: string,
    at: string,
    extra?: { fraudRefundOf?: Assessment; eventId?: string },
  ): Promise<'recorded' | 'duplicate'>;
  /** Daily counters of each date (sum of the shards). */
  dailyCounts(dates: readonly string[], shards: number): Promise<Map<string, DailyCounts>>;
  /** Risk events of a day, oldest first, optionally of one level. */
  listRiskEvents(query: { date: string; level?: RiskLevel; limit: number; cursor?: string }): Promise<Page<RiskEvent>>;
  /** Assessments made in [from, to] (ISO), oldest first, at most `max` (+ whether there were more). */
  assessmentsBetween(from: string, to: string, max: number): Promise<{ items: Assessment[]; truncated: boolean }>;
  hasSeedMarker(name: string): Promise<boolean>;
  putSeedMarker(name: string, at: string): Promise<void>;
}

const utcDay = (iso: string) => iso.slice(0, 10);

/** The ground truth of a stored assessment. */
export function truthOf(assessment: Assessment): GroundTruth | undefined {
  if (assessment.fraudRefund) return 'fraud';
  const outcome = reviewOutcomeOf(assessment);
  return outcome === 'reject' ? 'fraud' : outcome === 'approve' ? 'legit' : undefined;
}

function assessmentItem(a: Assessment): Record<string, unknown> {
  return {
    ...keys.assessment(a.orderId),
    type: 'Assessment',
    gsi1pk: dayPartition(utcDay(a.assessedAt)),
    gsi1sk: `${a.assessedAt}#${a.orderId}#A`,
    ...(a.review
      ? {
          gsi2pk: `REVIEWQ#${a.review.status === 'pending' ? 'pending' : 'decided'}`,
          gsi2sk: `${a.review.status === 'pending' ? a.assessedAt : (a.review.decidedAt ?? a.assessedAt)}#${a.orderId}`,
        }
      : {}),
    ...a,
  };
}

function toAssessment(item: Record<string, unknown>): Assessment {
  return withoutKeys(item) as unknown as Assessment;
}

function toRiskEvent(item: Record<string, unknown>): RiskEvent {
  if (item.type === 'Assessment') {
    const a = toAssessment(item);
    return {
      kind: 'assessment',
      orderId: a.orderId,
      customerId: a.customerId,
      at: a.assessedAt,
      level: a.level,
      score: a.score,
      decision: a.decision,
      rulesFired: a.fired.map((f) => f.ruleId),
    };
  }
  return withoutKeys(item) as unknown as RiskEvent;
}

const invalidCursor = () => badRequest('The cursor is not valid for this query; start again without one.', [{ path: 'query.cursor', message: 'Invalid cursor' }]);

const QueueCursor = /* @__PURE__ */ lazily(() => indexCursorSchema('gsi2'));
const DayCursor = /* @__PURE__ */ lazily(() => indexCursorSchema('gsi1'));

/** The DynamoDB adapter of {@link AssessmentStore}. */
export class DynamoDbAssessmentStore implements AssessmentStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async get(orderId: string): Promise<Assessment | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.assessment(orderId), ConsistentRead: true }));
    return Item ? toAssessment(Item) : undefined;
  }

  async create(assessment: Assessment, options: CreateOptions): Promise<'created' | 'exists'> {
    const amount = BigInt(assessment.amount.amount);
    const history = options.countInHistory
      ? { add: ' ADD orderCount :one, amountSum :sum, amountSumSquares :sq', values: { ':one': 1, ':sum': NumberValue.from(amount), ':sq': NumberValue.from(amount * amount) } }
      : { add: '', values: {} };
    const counters: MetricCounter[] = ['assessed', assessment.decision, assessment.level];
    try {
      await transact(this.client, [
        { Put: { TableName: this.tableName, Item: assessmentItem(assessment), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: this.tableName,
            Key: keys.profile(assessment.customerId),
            UpdateExpression: `SET customerId = :c, firstSeenAt = if_not_exists(firstSeenAt, :placed), lastOrderAt = :placed, #type = :type${history.add}`,
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':c': assessment.customerId, ':placed': assessment.placedAt, ':type': 'CustomerProfile', ...history.values },
          },
        },
        this.metricsUpdate(utcDay(assessment.assessedAt), options.metricsShard, counters),
      ]);
      return 'created';
    } catch (error) {
      if (error instanceof TransactionConditionFailed) return 'exists';
      throw error;
    }
  }

  async replace(previous: Assessment, next: Assessment): Promise<'replaced' | 'conflict'> {
    if (previous.orderId !== next.orderId) throw new Error('a re-assessment replaces the assessment of the same order');
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: assessmentItem(next),
          ConditionExpression: 'assessmentId = :previous',
          ExpressionAttributeValues: { ':previous': previous.assessmentId },
        }),
      );
      return 'replaced';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'conflict';
      throw error;
    }
  }

  async getProfile(customerId: string): Promise<CustomerProfile | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.profile(customerId), ConsistentRead: true }));
    return Item ? profileFromItem(customerId, Item) : undefined;
  }

  async recordDecision(assessment: Assessment, review: ReviewState & { status: 'approved' | 'rejected' }, eventId: string, metricsShard: number): Promise<DecisionWrite> {
    const decidedAt = review.decidedAt ?? new Date().toISOString();
    const event: RiskEvent = {
      kind: 'analyst-decision',
      orderId: assessment.orderId,
      customerId: assessment.customerId,
      at: decidedAt,
      level: assessment.level,
      score: assessment.score,
      decision: review.status === 'approved' ? 'approve' : 'reject',
      rulesFired: assessment.fired.map((f) => f.ruleId),
      ...(review.analystId ? { analystId: review.analystId } : {}),
    };
    try {
      await transact(this.client, [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.assessment(assessment.orderId),
            UpdateExpression: 'SET #review = :review, gsi2pk = :queue, gsi2sk = :sort',
            ConditionExpression: '#review.#status = :pending',
            ExpressionAttributeNames: { '#review': 'review', '#status': 'status' },
            ExpressionAttributeValues: { ':review': review, ':queue': 'REVIEWQ#decided', ':sort': `${decidedAt}#${assessment.orderId}`, ':pending': 'pending' },
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.riskEvent(eventId), type: 'RiskEvent', gsi1pk: dayPartition(utcDay(decidedAt)), gsi1sk: `${decidedAt}#${assessment.orderId}#R`, ...event },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        this.metricsUpdate(utcDay(assessment.assessedAt), metricsShard, [review.status === 'approved' ? 'analystApproved' : 'analystRejected']),
        this.profileCounterUpdate(assessment.customerId, review.status === 'approved' ? 'review-approved' : 'confirmed-fraud'),
      ]);
      return 'recorded';
    } catch (error) {
      if (error instanceof TransactionConditionFailed) return 'not-pending';
      throw error;
    }
  }

  async listReviewQueue(query: { status: 'pending' | 'decided'; limit: number; cursor?: string }): Promise<Page<Assessment>> {
    const startKey = decodeCursor(query.cursor, QueueCursor());
    if (startKey && startKey.gsi2pk !== `REVIEWQ#${query.status}`) throw invalidCursor();
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_QUEUE_INDEX,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `REVIEWQ#${query.status}` },
        ScanIndexForward: query.status === 'pending',
        Limit: query.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { items: (response.Items ?? []).map(toAssessment), ...(response.LastEvaluatedKey ? { nextCursor: encodeCursor(response.LastEvaluatedKey) } : {}) };
  }

  async recordOutcome(
    outcome: ProfileOutcome,
    markerId: string,
    customerId: string,
    at: string,
    extra: { fraudRefundOf?: Assessment; eventId?: string } = {},
  ): Promise<'recorded' | 'duplicate'> {
    const target = extra.fraudRefundOf;
    const items: Parameters<typeof transact>[1] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.outcomeMarker(outcome, markerId), type: 'OutcomeMarker', at, expiresAt: Math.ceil(Date.parse(at) / 1000) + 400 * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      this.profileCounterUpdate(customerId, outcome),
    ];
    if (target) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.assessment(target.orderId),
          UpdateExpression: 'SET fraudRefund = :yes',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':yes': true },
        },
      });
      if (extra.eventId) {
        const event: RiskEvent = {
          kind: 'fraud-refund',
          orderId: target.orderId,
          customerId,
          at,
          level: target.level,
          score: target.score,
          decision: target.decision,
          rulesFired: target.fired.map((f) => f.ruleId),
        };
        items.push({
          Put: {
            TableName: this.tableName,
            Item: { ...keys.riskEvent(extra.eventId), type: 'RiskEvent', gsi1pk: dayPartition(utcDay(at)), gsi1sk: `${at}#${target.orderId}#F`, ...event },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
    }
    try {
      await transact(this.client, items);
      return 'recorded';
    } catch (error) {
      if (error instanceof TransactionConditionFailed && error.failedIndexes.includes(0)) return 'duplicate';
      throw error;
    }
  }

  async dailyCounts(dates: readonly string[], shards: number): Promise<Map<string, DailyCounts>> {
    const items = await batchGet(
      this.client,
      this.tableName,
      dates.flatMap((date) => Array.from({ length: shards }, (_, shard) => keys.metricsShard(date, shard))),
    );
    const out = new Map<string, DailyCounts>(dates.map((d) => [d, ZERO_COUNTS]));
    for (const item of items) {
      const date = String(item.pk).slice('METRICS#'.length);
      const counts = Object.fromEntries(METRIC_COUNTERS.map((c) => [c, Number(item[c] ?? 0)]));
      out.set(date, addCounts(out.get(date) ?? ZERO_COUNTS, counts));
    }
    return out;
  }

  async listRiskEvents(query: { date: string; level?: RiskLevel; limit: number; cursor?: string }): Promise<Page<RiskEvent>> {
    let startKey: Record<string, unknown> | undefined = decodeCursor(query.cursor, DayCursor());
    if (startKey && startKey.gsi1pk !== dayPartition(query.date)) throw invalidCursor();
    const found: Record<string, unknown>[] = [];
    let lastKey: Record<string, unknown> | undefined;
    for (let round = 0; round < 10; round++) {
      const response = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_DAY_INDEX,
          KeyConditionExpression: 'gsi1pk = :pk',
          ...(query.level ? { FilterExpression: '#level = :level', ExpressionAttributeNames: { '#level': 'level' } } : {}),
          ExpressionAttributeValues: { ':pk': dayPartition(query.date), ...(query.level ? { ':level': query.level } : {}) },
          Limit: query.level ? Math.max(query.limit * 3, 50) : query.limit + 1,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      found.push(...(response.Items ?? []));
      lastKey = response.LastEvaluatedKey;
      if (found.length > query.limit || !lastKey) break;
      startKey = lastKey;
    }
    let nextKey = lastKey;
    let page = found;
    if (found.length > query.limit) {
      page = found.slice(0, query.limit);
      const last = page[page.length - 1] as Record<string, unknown>;
      nextKey = { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk };
    }
    return { items: page.map(toRiskEvent), ...(nextKey ? { nextCursor: encodeCursor(nextKey) } : {}) };
  }

  async assessmentsBetween(from: string, to: string, max: number): Promise<{ items: Assessment[]; truncated: boolean }> {
    const items: Assessment[] = [];
    const start = Date.parse(`${utcDay(from)}T00:00:00.000Z`);
    const end = Date.parse(to);
    for (let day = start; day <= end; day += 86_400_000) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const response = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: BY_DAY_INDEX,
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
            FilterExpression: '#type = :assessment',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':pk': dayPartition(new Date(day).toISOString().slice(0, 10)), ':from': from, ':to': `${to}\uffff`, ':assessment': 'Assessment' },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of response.Items ?? []) {
          if (items.length >= max) return { items, truncated: true };
          items.push(toAssessment(item));
        }
        startKey = response.LastEvaluatedKey;
      } while (startKey);
    }
    return { items, truncated: false };
  }

  async hasSeedMarker(name: string): Promise<boolean> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.seedMarker(name), ConsistentRead: true }));
    return Item !== undefined;
  }

  async putSeedMarker(name: string, at: string): Promise<void> {
    await transact(this.client, [{ Put: { TableName: this.tableName, Item: { ...keys.seedMarker(name), type: 'SeedMarker', seededAt: at } } }]);
  }

  private metricsUpdate(day: string, shard: number, counters: readonly MetricCounter[]) {
    const names = Object.fromEntries(counters.map((c, i) => [`#c${i}`, c]));
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.metricsShard(day, shard),
        UpdateExpression: `ADD ${counters.map((_, i) => `#c${i} :one`).join(', ')} SET #type = :type`,
        ExpressionAttributeNames: { ...names, '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'MetricsShard' },
      },
    };
  }

  private profileCounterUpdate(customerId: string, outcome: ProfileOutcome) {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.profile(customerId),
        UpdateExpression: 'ADD #counter :one SET customerId = :c, #type = :type',
        ExpressionAttributeNames: { '#counter': outcomeCounter(outcome), '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':c': customerId, ':type': 'CustomerProfile' },
      },
    };
  }
}

/** The assessment store on `RISK_TABLE_NAME`. */
export function assessmentStoreFromEnv(): DynamoDbAssessmentStore {
  return new DynamoDbAssessmentStore(requireSetting('riskTableName'));
}
