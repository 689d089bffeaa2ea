/**
 * Segment runs in the analytics table (KPI-2): `SEGMENTS` / `LATEST` holds the last completed run
 * (id, time, counts); `SEGRUN#<runId>#<segment>` / `<customerId>` its members (ids only), which
 * expire a week after the run. A run writes its members first and flips `LATEST` last, so readers
 * always see one complete run.
 */
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazily } from '../../shared/lazily.ts';
import * as z from '../../shared/zod.ts';
import { requireSetting } from '../../shared/config.ts';
import { badRequest } from '../../shared/errors.ts';
import { decodeCursor, documentClient, encodeCursor } from '../../shared/dynamodb.ts';
import { sleep } from '../../shared/retry.ts';
import type { Page } from '../../shared/http/pagination.ts';
import type { Segment, SegmentCounts } from './domain/segments.ts';

/** How long a run's members are kept. */
export const MEMBERS_TTL_DAYS = 7;

export interface SegmentRun {
  readonly runId: string;
  readonly asOf: string;
  readonly counts: SegmentCounts;
}

const MemberCursor = /* @__PURE__ */ lazily(() =>
  z.strictObject({ pk: z.string().check(z.startsWith('SEGRUN#'), z.maxLength(200)), sk: z.string().check(z.minLength(1), z.maxLength(128)) }),
);

export class SegmentsStore {
  constructor(
    readonly tableName: string,
    private readonly client: Pick<DynamoDBDocumentClient, 'send'> = documentClient(),
  ) {}

  async latest(): Promise<SegmentRun | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'SEGMENTS', sk: 'LATEST' }, ConsistentRead: true }));
    return Item ? { runId: String(Item.runId), asOf: String(Item.asOf), counts: Item.counts as SegmentCounts } : undefined;
  }

  async complete(run: SegmentRun): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'SEGMENTS', sk: 'LATEST', ...run } }));
  }

  /** Writes members (25 per BatchWriteItem, unprocessed items retried). */
  async addMembers(runId: string, asOf: string, members: ReadonlyArray<{ customerId: string; segment: Segment }>): Promise<void> {
    const expiresAt = Math.floor(Date.parse(asOf) / 1000) + MEMBERS_TTL_DAYS * 86_400;
    for (let i = 0; i < members.length; i += 25) {
      let requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string] = members
        .slice(i, i + 25)
        .map((m) => ({ PutRequest: { Item: { pk: `SEGRUN#${runId}#${m.segment}`, sk: m.customerId, expiresAt } } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error('segment members could not be written (throttled)');
        if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
        const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = out.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  /** A page of a run's members of `segment`. */
  async members(runId: string, segment: Segment, limit: number, cursor?: string): Promise<Page<string>> {
    const pk = `SEGRUN#${runId}#${segment}`;
    const start = decodeCursor(cursor, MemberCursor());
    if (start && start.pk !== pk) throw badRequest('The cursor belongs to another segment or run; start again without one.', [{ path: 'query.cursor', message: 'Invalid cursor' }]);
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const last = page.LastEvaluatedKey;
    return { items: (page.Items ?? []).map((i) => String(i.sk)), ...(last ? { nextCursor: encodeCursor({ pk: last.pk, sk: last.sk }) } : {}) };
  }
}

export function segmentsStoreFromEnv(): SegmentsStore {
  return new SegmentsStore(requireSetting('analyticsTableName'));
}
