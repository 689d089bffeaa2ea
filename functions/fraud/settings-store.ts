/**
 * The risk thresholds and their proposed changes in the RiskTable (see ./risk-table.ts):
 *
 * | item                 | pk                 | sk                  |
 * |----------------------|--------------------|---------------------|
 * | thresholds in force  | `SETTINGS#risk`    | `CURRENT`           |
 * | proposed change      | `SETTINGS#risk`    | `CHANGE#<changeId>` |
 *
 * Approving applies the change and marks it approved in one transaction, conditional on the
 * thresholds still being at the change's base version and the change still pending.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient, isConditionalCheckFailed } from '../../shared/dynamodb.ts';
import type { RiskSettings, ThresholdChange } from './domain/risk-settings.ts';
import { transact, TransactionConditionFailed } from './risk-table.ts';

const PK = 'SETTINGS#risk';
const currentKey = { pk: PK, sk: 'CURRENT' };
const changeKey = (changeId: string) => ({ pk: PK, sk: `CHANGE#${changeId}` });

/** A conditional write lost: the thresholds or the change moved on. */
export class SettingsWriteConflict extends Error {
  override readonly name = 'SettingsWriteConflict';
}

/** Storage of the thresholds. */
export interface RiskSettingsStore {
  /** The thresholds in force, or `undefined` when never changed (the configured defaults apply). */
  current(): Promise<RiskSettings | undefined>;
  /** Pending changes, oldest first. */
  pendingChanges(): Promise<ThresholdChange[]>;
  getChange(changeId: string): Promise<ThresholdChange | undefined>;
  proposeChange(change: ThresholdChange): Promise<void>;
  /** Applies an approved change (thresholds at `change.baseVersion` → +1) and marks it approved, atomically. */
  applyChange(change: ThresholdChange, decision: { decidedBy: string; decidedAt: string }): Promise<RiskSettings>;
  rejectChange(change: ThresholdChange, decision: { decidedBy: string; decidedAt: string; reason: string }): Promise<void>;
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest;
}

/** The DynamoDB adapter. */
export class DynamoDbRiskSettingsStore implements RiskSettingsStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async current(): Promise<RiskSettings | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: currentKey, ConsistentRead: true }));
    return Item ? (strip(Item) as unknown as RiskSettings) : undefined;
  }

  async pendingChanges(): Promise<ThresholdChange[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :change)',
        FilterExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': PK, ':change': 'CHANGE#', ':pending': 'pending' },
        ConsistentRead: true,
      }),
    );
    return (Items ?? []).map((i) => strip(i) as unknown as ThresholdChange).sort((a, b) => a.proposedAt.localeCompare(b.proposedAt));
  }

  async getChange(changeId: string): Promise<ThresholdChange | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: changeKey(changeId), ConsistentRead: true }));
    return Item ? (strip(Item) as unknown as ThresholdChange) : undefined;
  }

  async proposeChange(change: ThresholdChange): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { ...changeKey(change.changeId), type: 'ThresholdChange', ...change }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async applyChange(change: ThresholdChange, decision: { decidedBy: string; decidedAt: string }): Promise<RiskSettings> {
    const next: RiskSettings = {
      reviewThreshold: change.reviewThreshold,
      rejectThreshold: change.rejectThreshold,
      version: change.baseVersion + 1,
      updatedBy: decision.decidedBy,
      updatedAt: decision.decidedAt,
    };
    try {
      await transact(this.client, [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...currentKey, type: 'RiskSettings', ...next },
            ConditionExpression: change.baseVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :base',
            ...(change.baseVersion === 0 ? {} : { ExpressionAttributeValues: { ':base': change.baseVersion } }),
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: changeKey(change.changeId),
            UpdateExpression: 'SET #status = :approved, decidedBy = :by, decidedAt = :at',
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':approved': 'approved', ':pending': 'pending', ':by': decision.decidedBy, ':at': decision.decidedAt },
          },
        },
      ]);
      return next;
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new SettingsWriteConflict('the thresholds or the change moved on');
      throw error;
    }
  }

  async rejectChange(change: ThresholdChange, decision: { decidedBy: string; decidedAt: string; reason: string }): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...changeKey(change.changeId),
            type: 'ThresholdChange',
            ...change,
            status: 'rejected',
            decidedBy: decision.decidedBy,
            decidedAt: decision.decidedAt,
            decisionReason: decision.reason,
          },
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new SettingsWriteConflict('the change was decided meanwhile');
      throw error;
    }
  }
}

/** The store on `RISK_TABLE_NAME`. */
export function riskSettingsStoreFromEnv(): DynamoDbRiskSettingsStore {
  return new DynamoDbRiskSettingsStore(requireSetting('riskTableName'));
}
