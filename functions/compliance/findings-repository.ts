/**
 * Compliance findings (CMP-1: "stored, queryable, alerting") on the ComplianceTable.
 *
 * Banned-term findings: `pk = FINDING#banned-term`, `sk = <sku>`, with `terms`, `status`
 * (`open` | `resolved`), `detectedAt`, `updatedAt`, `resolvedAt` and a `revision` for optimistic
 * concurrency. Recording is idempotent: the same terms on an open finding write nothing; a re-scan
 * that finds nothing resolves an open finding, and resolving twice changes nothing.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { requireSetting } from '../../shared/config.ts';
import { decodeCursor, documentClient, encodeCursor, isConditionalCheckFailed } from '../../shared/dynamodb.ts';

/** The partition of banned-term findings. */
export const BANNED_TERM_FINDINGS_PK = 'FINDING#banned-term';

/** Lifecycle of a finding. */
export type FindingStatus = 'open' | 'resolved';

/** A listing that contains (or contained) banned advertising terms. */
export interface BannedTermFinding {
  readonly sku: string;
  readonly terms: readonly string[];
  readonly status: FindingStatus;
  readonly detectedAt: string;
  readonly updatedAt: string;
  readonly resolvedAt?: string;
}

/** What recording a finding did. */
export type RecordOutcome = 'opened' | 'updated' | 'unchanged';
/** What resolving a finding did. */
export type ResolveOutcome = 'resolved' | 'none';

/** What the compliance use cases need from storage. */
export interface FindingsRepository {
  getBannedTermFinding(sku: string): Promise<BannedTermFinding | undefined>;
  /** Opens (or re-opens, or updates the terms of) the finding for `sku`. Idempotent. */
  recordBannedTerms(sku: string, terms: readonly string[], at: Date): Promise<RecordOutcome>;
  /** Resolves the open finding for `sku`, if any. Idempotent. */
  resolveBannedTerms(sku: string, at: Date): Promise<ResolveOutcome>;
  /** Findings ordered by SKU, optionally of one status. */
  listBannedTermFindings(query: { status?: FindingStatus; limit: number; cursor?: string }): Promise<{ items: BannedTermFinding[]; nextCursor?: string }>;
}

const FindingItemSchema = z.object({
  sku: z.string(),
  terms: z.array(z.string()),
  status: z.enum(['open', 'resolved']),
  detectedAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().optional(),
  revision: z.number().int().default(0),
});

const FindingCursorSchema = z.strictObject({ pk: z.literal(BANNED_TERM_FINDINGS_PK), sk: z.string().min(1).max(64) });

function toFinding(item: Record<string, unknown>): { finding: BannedTermFinding; revision: number } {
  const { revision, ...finding } = FindingItemSchema.parse(item);
  return { finding, revision };
}

const sameTerms = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((t, i) => t === [...b].sort()[i]);

/** The DynamoDB adapter of {@link FindingsRepository}. */
export class DynamoDbFindingsRepository implements FindingsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly maxAttempts = 4,
  ) {}

  async getBannedTermFinding(sku: string): Promise<BannedTermFinding | undefined> {
    return (await this.read(sku))?.finding;
  }

  async recordBannedTerms(sku: string, terms: readonly string[], at: Date): Promise<RecordOutcome> {
    const sorted = [...new Set(terms)].sort();
    for (let attempt = 1; ; attempt++) {
      const existing = await this.read(sku);
      if (existing?.finding.status === 'open' && sameTerms(existing.finding.terms, sorted)) return 'unchanged';
      const now = at.toISOString();
      const reopening = !existing || existing.finding.status === 'resolved';
      const item = {
        pk: BANNED_TERM_FINDINGS_PK,
        sk: sku,
        kind: 'banned-term',
        sku,
        terms: sorted,
        status: 'open',
        detectedAt: reopening ? now : existing.finding.detectedAt,
        updatedAt: now,
        revision: (existing?.revision ?? 0) + 1,
      };
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ...(existing
              ? { ConditionExpression: 'revision = :revision', ExpressionAttributeValues: { ':revision': existing.revision } }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
        return reopening ? 'opened' : 'updated';
      } catch (error) {
        // A concurrent writer got there first: re-read and decide again.
        if (!isConditionalCheckFailed(error) || attempt >= this.maxAttempts) throw error;
      }
    }
  }

  async resolveBannedTerms(sku: string, at: Date): Promise<ResolveOutcome> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: BANNED_TERM_FINDINGS_PK, sk: sku },
          UpdateExpression: 'SET #status = :resolved, resolvedAt = :at, updatedAt = :at, revision = if_not_exists(revision, :zero) + :one',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':resolved': 'resolved', ':open': 'open', ':at': at.toISOString(), ':zero': 0, ':one': 1 },
        }),
      );
      return 'resolved';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'none';
      throw error;
    }
  }

  async listBannedTermFindings(query: { status?: FindingStatus; limit: number; cursor?: string }): Promise<{ items: BannedTermFinding[]; nextCursor?: string }> {
    const startKey = decodeCursor(query.cursor, FindingCursorSchema);
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ...(query.status
          ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':pk': BANNED_TERM_FINDINGS_PK, ':status': query.status } }
          : { ExpressionAttributeValues: { ':pk': BANNED_TERM_FINDINGS_PK } }),
        Limit: query.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return {
      items: (response.Items ?? []).map((item) => toFinding(item).finding),
      ...(response.LastEvaluatedKey ? { nextCursor: encodeCursor(response.LastEvaluatedKey) } : {}),
    };
  }

  private async read(sku: string): Promise<{ finding: BannedTermFinding; revision: number } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: BANNED_TERM_FINDINGS_PK, sk: sku }, ConsistentRead: true }));
    return Item ? toFinding(Item) : undefined;
  }
}

/** The findings repository of this container, on `COMPLIANCE_TABLE_NAME`. */
export function findingsRepositoryFromEnv(): FindingsRepository {
  return new DynamoDbFindingsRepository(requireSetting('complianceTableName'));
}
