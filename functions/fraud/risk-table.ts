/**
 * The RiskTable (`RISK_TABLE_NAME`): one table for the fraud capability (single-table design).
 *
 * | item                  | pk                        | sk                  | byDay (gsi1pk / gsi1sk)              | byQueue (gsi2pk / gsi2sk)             | expiresAt |
 * |-----------------------|---------------------------|---------------------|--------------------------------------|---------------------------------------|-----------|
 * | assessment            | `ORDER#<orderId>`         | `ASSESSMENT`        | `RISKEV#<day>` / `<at>#<orderId>#A`  | `REVIEWQ#<pending|decided>` / `<at>#<orderId>` (review only) | — |
 * | risk event            | `RISKEV#<eventId>`        | `EVENT`             | `RISKEV#<day>` / `<at>#<orderId>#<k>`| —                                     | —         |
 * | rule (current)        | `RULES`                   | `RULE#<ruleId>`     | —                                    | —                                     | —         |
 * | rule version          | `RULE#<ruleId>`           | `V#<000001>`        | —                                    | —                                     | —         |
 * | rule change           | `RULE#<ruleId>`           | `CHANGE#<changeId>` | —                                    | `RULECHANGE#<status>` / `<at>#<id>`   | —         |
 * | velocity counters     | `VEL#<dimension>#<value>` | `WINDOWS`           | —                                    | —                                     | yes       |
 * | velocity marker       | `VELMARK#<orderId>`       | `MARK`              | —                                    | —                                     | yes       |
 * | customer profile      | `CUSTOMER#<customerId>`   | `PROFILE`           | —                                    | —                                     | —         |
 * | outcome marker        | `OUTCOME#<kind>#<id>`     | `MARK`              | —                                    | —                                     | yes       |
 * | blocklist entry       | `BLOCK#<kind>#<value>`    | `BLOCK`             | —                                    | `BLOCKLIST#<kind>` / `<value>`        | —         |
 * | daily metrics shard   | `METRICS#<day>`           | `SHARD#<nn>`        | —                                    | —                                     | —         |
 * | warning window        | `WARN#<tier>`             | `WINDOW#<start>`    | —                                    | —                                     | yes       |
 * | (until 2026-12) warning state | `WARN#<tier>`       | `STATE`             | —                                    | —                                     | —         |
 * | seed marker           | `SEED#<name>`             | `SEED`              | —                                    | —                                     | —         |
 *
 * `byDay` is the risk-event store's trend index (every assessment and every later event about it,
 * by UTC day and time; filter on `level`); `byQueue` holds the review queue and the rule changes by
 * status. Both GSIs project ALL. TTL attribute: `expiresAt` (epoch seconds).
 */
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { cancellationReasons } from '../../shared/dynamodb.ts';
import { retry } from '../../shared/retry.ts';
import type { CustomerProfile } from './domain/profile.ts';

export const BY_DAY_INDEX = 'byDay';
export const BY_QUEUE_INDEX = 'byQueue';

export const keys = {
  assessment: (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ASSESSMENT' }),
  riskEvent: (eventId: string) => ({ pk: `RISKEV#${eventId}`, sk: 'EVENT' }),
  rule: (ruleId: string) => ({ pk: 'RULES', sk: `RULE#${ruleId}` }),
  ruleVersion: (ruleId: string, version: number) => ({ pk: `RULE#${ruleId}`, sk: `V#${String(version).padStart(6, '0')}` }),
  ruleChange: (ruleId: string, changeId: string) => ({ pk: `RULE#${ruleId}`, sk: `CHANGE#${changeId}` }),
  velocity: (dimension: string, value: string) => ({ pk: `VEL#${dimension}#${value}`, sk: 'WINDOWS' }),
  velocityMarker: (orderId: string) => ({ pk: `VELMARK#${orderId}`, sk: 'MARK' }),
  profile: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' }),
  outcomeMarker: (kind: string, id: string) => ({ pk: `OUTCOME#${kind}#${id}`, sk: 'MARK' }),
  blocklist: (kind: string, value: string) => ({ pk: `BLOCK#${kind}#${value}`, sk: 'BLOCK' }),
  metricsShard: (day: string, shard: number) => ({ pk: `METRICS#${day}`, sk: `SHARD#${String(shard).padStart(2, '0')}` }),
  warningWindow: (tier: string, start: number) => ({ pk: `WARN#${tier}`, sk: `WINDOW#${new Date(start).toISOString()}` }),
  seedMarker: (name: string) => ({ pk: `SEED#${name}`, sk: 'SEED' }),
};

/**
 * A customer's profile from its item as the document client reads it. Σx² (and Σx) outgrow
 * Number.MAX_SAFE_INTEGER: the client then reads them as a BigInt, below it as a number — both
 * converted exactly.
 */
export function profileFromItem(customerId: string, item: Record<string, unknown>): CustomerProfile {
  const int = (name: string) => Number(item[name] ?? 0);
  const big = (name: string) => BigInt((item[name] as number | bigint | undefined) ?? 0);
  return {
    customerId,
    ...(typeof item.firstSeenAt === 'string' ? { firstSeenAt: item.firstSeenAt } : {}),
    ...(typeof item.lastOrderAt === 'string' ? { lastOrderAt: item.lastOrderAt } : {}),
    orderCount: int('orderCount'),
    amountSum: big('amountSum'),
    amountSumSquares: big('amountSumSquares'),
    deliveredOrders: int('deliveredOrders'),
    confirmedFraud: int('confirmedFraud'),
    reviewApproved: int('reviewApproved'),
    paymentFailures: int('paymentFailures'),
  };
}

/** `RISKEV#<day>` partition of the byDay index. */
export const dayPartition = (day: string) => `RISKEV#${day}`;

/** A transaction cancelled because a condition failed; `failedIndexes` are the items whose condition failed. */
export class TransactionConditionFailed extends Error {
  override readonly name = 'TransactionConditionFailed';
  constructor(readonly failedIndexes: readonly number[]) {
    super(`transaction condition failed on item(s) ${failedIndexes.join(', ')}`);
  }
}

/**
 * Runs a transaction, retrying (with jittered backoff) while DynamoDB cancels it for a conflict with
 * a concurrent transaction on the same items; a failed condition throws
 * {@link TransactionConditionFailed} naming the items.
 */
export async function transact(client: DynamoDBDocumentClient, items: NonNullable<TransactWriteCommandInput['TransactItems']>, maxAttempts = 12): Promise<void> {
  await retry(
    async () => {
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        const failed = (cancellationReasons(error) ?? []).flatMap((reason, index) => (reason === 'ConditionalCheckFailed' ? [index] : []));
        if (failed.length > 0) throw new TransactionConditionFailed(failed);
        throw error;
      }
    },
    {
      attempts: maxAttempts,
      retryable: (error) => (error instanceof Error && error.name === 'TransactionInProgressException') || cancellationReasons(error)?.includes('TransactionConflict') === true,
      backoff: { baseMs: 50, maxMs: 400 },
    },
  );
}

/** Drops the storage attributes of an item. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, type: _t, expiresAt: _e, ...rest } = item;
  return rest;
}
