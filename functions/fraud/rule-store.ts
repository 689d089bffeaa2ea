/**
 * Rules as data (RISK-4) in the RiskTable (see ./risk-table.ts): the current version of every rule
 * in one partition (one Query reads the whole rule set), every version ever stored (`V#…`, never
 * overwritten), and proposed changes awaiting a second approver (RISK-7). Every write is
 * conditional: a rule moves from version n to n + 1 only if it is still at n, and a change is
 * decided only while pending — in the same transaction.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazily } from '../../shared/lazily.ts';
import { requireSetting } from '../../shared/config.ts';
import { decodeCursor, documentClient, encodeCursor, indexCursorSchema, isConditionalCheckFailed, queryAll } from '../../shared/dynamodb.ts';
import type { RuleChange, RuleChangeStatus } from './domain/rule-changes.ts';
import { definitionOf, type Rule, type RuleDefinition } from './domain/rules.ts';
import { BY_QUEUE_INDEX, keys, transact, TransactionConditionFailed, withoutKeys } from './risk-table.ts';

/** A conditional write lost: the rule or the change is no longer in the state it was read in. */
export class RuleWriteConflict extends Error {
  override readonly name = 'RuleWriteConflict';
}

/** What applying a definition records. */
export interface ApplyRule {
  readonly definition: RuleDefinition;
  /** The version it replaces (0: a new rule). */
  readonly baseVersion: number;
  readonly actor: string;
  readonly at: string;
  /** The approved change that this applies, marked approved in the same transaction. */
  readonly approval?: { readonly changeId: string; readonly reason?: string };
}

/** What the rule use cases need from storage. */
export interface RuleStore {
  /** The current rule set (may be empty: the built-in defaults then apply). */
  listRules(): Promise<Rule[]>;
  getRule(ruleId: string): Promise<Rule | undefined>;
  /** Writes each rule that is absent as version 1 (idempotent); returns how many were written. */
  materialise(definitions: readonly RuleDefinition[], actor: string, at: string): Promise<number>;
  /** Writes the next version of a rule; {@link RuleWriteConflict} if it is no longer at `baseVersion` (or the change is no longer pending). */
  apply(command: ApplyRule): Promise<Rule>;
  createChange(change: RuleChange): Promise<void>;
  getChange(ruleId: string, changeId: string): Promise<RuleChange | undefined>;
  /** Pending changes of one rule. */
  pendingChanges(ruleId: string): Promise<RuleChange[]>;
  /** Changes by status, newest first. */
  listChanges(query: { status: RuleChangeStatus; limit: number; cursor?: string }): Promise<{ items: RuleChange[]; nextCursor?: string }>;
  /** Rejects a pending change; {@link RuleWriteConflict} when it is no longer pending. */
  rejectChange(ruleId: string, changeId: string, by: string, reason: string, at: string): Promise<RuleChange>;
}

const ChangeCursor = /* @__PURE__ */ lazily(() => indexCursorSchema('gsi2'));

const toRule = (item: Record<string, unknown>) => withoutKeys(item) as unknown as Rule;
const toChange = (item: Record<string, unknown>) => withoutKeys(item) as unknown as RuleChange;

function changeItem(change: RuleChange): Record<string, unknown> {
  return {
    ...keys.ruleChange(change.ruleId, change.changeId),
    type: 'RuleChange',
    gsi2pk: `RULECHANGE#${change.status}`,
    gsi2sk: `${change.decidedAt ?? change.proposedAt}#${change.changeId}`,
    ...change,
  };
}

/** The DynamoDB adapter of {@link RuleStore}. */
export class DynamoDbRuleStore implements RuleStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async listRules(): Promise<Rule[]> {
    return (
      await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rule)',
        ExpressionAttributeValues: { ':pk': 'RULES', ':rule': 'RULE#' },
        ConsistentRead: true,
      })
    ).map(toRule);
  }

  async getRule(ruleId: string): Promise<Rule | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.rule(ruleId), ConsistentRead: true }));
    return Item ? toRule(Item) : undefined;
  }

  async materialise(definitions: readonly RuleDefinition[], actor: string, at: string): Promise<number> {
    let written = 0;
    for (const definition of definitions) {
      try {
        await this.apply({ definition, baseVersion: 0, actor, at });
        written++;
      } catch (error) {
        if (!(error instanceof RuleWriteConflict)) throw error;
      }
    }
    return written;
  }

  async apply(command: ApplyRule): Promise<Rule> {
    const rule: Rule = { ...definitionOf(command.definition), version: command.baseVersion + 1, updatedBy: command.actor, updatedAt: command.at };
    const items: Parameters<typeof transact>[1] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.rule(rule.id), type: 'Rule', ...rule },
          ...(command.baseVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#version = :base', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':base': command.baseVersion } }),
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.ruleVersion(rule.id, rule.version), type: 'RuleVersion', ...rule, ...(command.approval ? { changeId: command.approval.changeId } : {}) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    if (command.approval) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.ruleChange(rule.id, command.approval.changeId),
          UpdateExpression:
            'SET #status = :approved, decidedBy = :by, decidedAt = :at, gsi2pk = :queue, gsi2sk = :sort' + (command.approval.reason ? ', decisionReason = :reason' : ''),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':approved': 'approved',
            ':pending': 'pending',
            ':by': command.actor,
            ':at': command.at,
            ':queue': 'RULECHANGE#approved',
            ':sort': `${command.at}#${command.approval.changeId}`,
            ...(command.approval.reason ? { ':reason': command.approval.reason } : {}),
          },
        },
      });
    }
    try {
      await transact(this.client, items);
      return rule;
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw new RuleWriteConflict(`rule ${rule.id} changed concurrently`);
      throw error;
    }
  }

  async createChange(change: RuleChange): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: changeItem(change), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async getChange(ruleId: string, changeId: string): Promise<RuleChange | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.ruleChange(ruleId, changeId), ConsistentRead: true }));
    return Item ? toChange(Item) : undefined;
  }

  async pendingChanges(ruleId: string): Promise<RuleChange[]> {
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :change)',
        FilterExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': keys.ruleChange(ruleId, '').pk, ':change': 'CHANGE#', ':pending': 'pending' },
        ConsistentRead: true,
      }),
    );
    return (response.Items ?? []).map(toChange);
  }

  async listChanges(query: { status: RuleChangeStatus; limit: number; cursor?: string }): Promise<{ items: RuleChange[]; nextCursor?: string }> {
    const startKey = decodeCursor(query.cursor, ChangeCursor());
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_QUEUE_INDEX,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `RULECHANGE#${query.status}` },
        ScanIndexForward: false,
        Limit: query.limit,
        ...(startKey && startKey.gsi2pk === `RULECHANGE#${query.status}` ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { items: (response.Items ?? []).map(toChange), ...(response.LastEvaluatedKey ? { nextCursor: encodeCursor(response.LastEvaluatedKey) } : {}) };
  }

  async rejectChange(ruleId: string, changeId: string, by: string, reason: string, at: string): Promise<RuleChange> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.ruleChange(ruleId, changeId),
          UpdateExpression: 'SET #status = :rejected, decidedBy = :by, decidedAt = :at, decisionReason = :reason, gsi2pk = :queue, gsi2sk = :sort',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':rejected': 'rejected',
            ':pending': 'pending',
            ':by': by,
            ':at': at,
            ':reason': reason,
            ':queue': 'RULECHANGE#rejected',
            ':sort': `${at}#${changeId}`,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toChange(Attributes ?? {});
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new RuleWriteConflict(`change ${changeId} is no longer pending`);
      throw error;
    }
  }
}

/** The rule store on `RISK_TABLE_NAME`. */
export function ruleStoreFromEnv(): DynamoDbRuleStore {
  return new DynamoDbRuleStore(requireSetting('riskTableName'));
}
