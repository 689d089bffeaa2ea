/**
 * Compliance findings (CMP-1: "stored, queryable, alerting") of every scan, on the ComplianceTable,
 * deduplicated by `(scan, subject)`:
 *
 * - item `pk = FINDING#<scan>`, `sk = <subject>`, with `severity`, `summary`, `details`, `status`
 *   (`open` → `confirmed` by a reviewer → `resolved`), `firstSeenAt`, `lastSeenAt`, `resolution`
 *   (`{ outcome, by, at, note? }`) and a `revision` for optimistic concurrency;
 * - the `byKind` index (`gsi1pk = FINDING`, `gsi1sk = <scan>#<subject>`) lists every scan's findings.
 *
 * A finding's id is `<scan>~<base64url(subject)>`: stable, derived from the key, so the API can
 * name a finding without another lookup.
 *
 * Recording is idempotent: the same draft on an open finding changes only `lastSeenAt`; a subject
 * seen again after it was resolved re-opens the finding (a new `firstSeenAt`). Banned-term findings
 * written before this store (`pk = FINDING#banned-term`, `sk = <sku>`, `terms`) are migrated by
 * {@link DynamoDbFindingsRepository.migrateLegacyBannedTermFindings}.
 */
import { retry } from '../../shared/retry.ts';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { requireSetting } from '../../shared/config.ts';
import { decodeCursor, documentClient, encodeCursor, isConditionalCheckFailed } from '../../shared/dynamodb.ts';
import { SEVERITIES, type Severity } from '../../shared/severity.ts';
import { SCAN_ID, type FindingDraft } from './scans/compliance-scan.ts';

/** Between attempts after a concurrent writer won (several deliveries of one review at once). */
const CONFLICT_BACKOFF = { baseMs: 10, maxMs: 200 } as const;

/** Lifecycle of a finding. */
export const FINDING_STATUSES = ['open', 'confirmed', 'resolved'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** How a finding was resolved: `fixed` (the scan no longer sees it), or a reviewer's decision. */
export const RESOLUTION_OUTCOMES = ['fixed', 'confirmed', 'dismissed'] as const;
export type ResolutionOutcome = (typeof RESOLUTION_OUTCOMES)[number];

/** Who resolved a finding, when, why. */
export interface Resolution {
  readonly outcome: ResolutionOutcome;
  /** A staff user id, or `system:<scan>` for a fix the scan observed. */
  readonly by: string;
  readonly at: string;
  readonly note?: string;
}

/** A stored finding. */
export interface Finding {
  readonly findingId: string;
  readonly scan: string;
  readonly subject: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  readonly status: FindingStatus;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /** The reviewer's confirmation (status `confirmed`), or how it was resolved (status `resolved`). */
  readonly resolution?: Resolution;
}

/** What recording a draft did. */
export type RecordOutcome = 'opened' | 'reopened' | 'updated' | 'unchanged';

/** A query of the findings list. */
export interface FindingsQuery {
  readonly scan?: string;
  readonly status?: FindingStatus;
  readonly limit: number;
  readonly cursor?: string;
}

/** What the compliance use cases need from storage. */
export interface FindingsRepository {
  get(findingId: string): Promise<Finding | undefined>;
  /** Opens, re-opens or updates the finding of `(scan, draft.subject)`. Idempotent. */
  record(scan: string, draft: FindingDraft, at: Date): Promise<{ outcome: RecordOutcome; finding: Finding }>;
  /**
   * Sets the status and resolution of a finding if it is still in one of `from` (optimistic:
   * `undefined` when it no longer is, or does not exist).
   */
  transition(findingId: string, from: readonly FindingStatus[], to: FindingStatus, resolution: Resolution): Promise<Finding | undefined>;
  /** The unresolved (open or confirmed) findings of one scan, all pages. */
  unresolved(scan: string): Promise<Finding[]>;
  /** A page of findings, by scan then subject. */
  list(query: FindingsQuery): Promise<{ items: Finding[]; nextCursor?: string }>;
}

/** The id of the finding of `(scan, subject)`. */
export function findingIdOf(scan: string, subject: string): string {
  return `${scan}~${Buffer.from(subject, 'utf8').toString('base64url')}`;
}

/** A finding's subject in its id: base64url, at most 600 characters. */
const SUBJECT_KEY = '[A-Za-z0-9_-]{1,600}';

/** A finding id's scan and subject. */
const FINDING_ID_PARTS = new RegExp(`^(${SCAN_ID})~(${SUBJECT_KEY})$`);

/** The `(scan, subject)` of a finding id; `undefined` if it is not one. */
export function parseFindingId(findingId: string): { scan: string; subject: string } | undefined {
  const match = FINDING_ID_PARTS.exec(findingId);
  if (!match) return undefined;
  const subject = Buffer.from(match[2]!, 'base64url').toString('utf8');
  return subject !== '' && findingIdOf(match[1]!, subject) === findingId ? { scan: match[1]!, subject } : undefined;
}

/** The pattern of a finding id (for path validation). */
export const FINDING_ID_PATTERN = new RegExp(`^${SCAN_ID}~${SUBJECT_KEY}$`);

const DetailsSchema = /* @__PURE__ */ lazily(() => z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])));
const ResolutionSchema = /* @__PURE__ */ lazily(() => z.object({ outcome: z.enum(RESOLUTION_OUTCOMES), by: z.string(), at: z.string(), note: z.optional(z.string()) }));
const FindingItemSchema = /* @__PURE__ */ lazily(() =>
  z.object({
    scan: z.string(),
    subject: z.string(),
    severity: z.enum(SEVERITIES),
    summary: z.string(),
    details: z.optional(DetailsSchema()),
    status: z.enum(FINDING_STATUSES),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    resolution: z.optional(ResolutionSchema()),
    revision: z._default(z.number().check(z.int()), 0),
  }),
);

const BaseCursor = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    pk: z.string().check(z.regex(/^FINDING#/), z.maxLength(60)),
    sk: z.string().check(z.minLength(1), z.maxLength(600)),
  }),
);
const IndexCursor = /* @__PURE__ */ lazily(() => z.extend(BaseCursor(), { gsi1pk: z.literal('FINDING'), gsi1sk: z.string().check(z.minLength(1), z.maxLength(700)) }));

function toFinding(item: Record<string, unknown>): { finding: Finding; revision: number } {
  const { revision, ...stored } = FindingItemSchema().parse(item);
  return { finding: { findingId: findingIdOf(stored.scan, stored.subject), ...stored }, revision };
}

const sameDetails = (a: Finding['details'], b: FindingDraft['details']) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/** The DynamoDB adapter of {@link FindingsRepository}. */
export class DynamoDbFindingsRepository implements FindingsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    private readonly maxAttempts = 8,
  ) {}

  async get(findingId: string): Promise<Finding | undefined> {
    const key = parseFindingId(findingId);
    return key ? (await this.read(key.scan, key.subject))?.finding : undefined;
  }

  async record(scan: string, draft: FindingDraft, at: Date): Promise<{ outcome: RecordOutcome; finding: Finding }> {
    const now = at.toISOString();
    // A concurrent writer got there first: re-read and decide again, after a short jittered wait.
    return this.retryOnConflict(async () => {
      const existing = await this.read(scan, draft.subject);
      const previous = existing?.finding;
      // A fixed finding seen again is re-opened; one a reviewer dismissed (a false positive) stays dismissed —
      // only its last sighting moves — so it does not come back, and alarm, on every run.
      const reopening = previous?.status === 'resolved' && previous.resolution?.outcome !== 'dismissed';
      const outcome: RecordOutcome = !previous
        ? 'opened'
        : reopening
          ? 'reopened'
          : previous.severity === draft.severity && previous.summary === draft.summary && sameDetails(previous.details, draft.details)
            ? 'unchanged'
            : 'updated';
      const finding: Finding = {
        findingId: findingIdOf(scan, draft.subject),
        scan,
        subject: draft.subject,
        severity: draft.severity,
        summary: draft.summary,
        ...(draft.details ? { details: draft.details } : {}),
        status: !previous || reopening ? 'open' : previous.status,
        firstSeenAt: !previous || reopening ? now : previous.firstSeenAt,
        lastSeenAt: previous && previous.lastSeenAt > now ? previous.lastSeenAt : now,
        ...(previous && !reopening && previous.resolution ? { resolution: previous.resolution } : {}),
      };
      await this.write(finding, existing ? (existing.revision ?? 'legacy') : undefined);
      return { outcome, finding };
    });
  }

  /** Runs `attempt` again (fresh reads) while a concurrent writer wins its conditional write. */
  private retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
    return retry(attempt, { attempts: this.maxAttempts, retryable: isConditionalCheckFailed, backoff: CONFLICT_BACKOFF });
  }

  async transition(findingId: string, from: readonly FindingStatus[], to: FindingStatus, resolution: Resolution): Promise<Finding | undefined> {
    const key = parseFindingId(findingId);
    if (!key) return undefined;
    return this.retryOnConflict(async () => {
      const existing = await this.read(key.scan, key.subject);
      if (!existing?.finding || !from.includes(existing.finding.status)) return undefined;
      const finding: Finding = { ...existing.finding, status: to, resolution };
      await this.write(finding, existing.revision);
      return finding;
    });
  }

  async unresolved(scan: string): Promise<Finding[]> {
    const out: Finding[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ scan, limit: 100, ...(cursor ? { cursor } : {}) });
      out.push(...page.items.filter((finding) => finding.status !== 'resolved'));
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  async list(query: FindingsQuery): Promise<{ items: Finding[]; nextCursor?: string }> {
    const status = query.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {};
    const values = query.status ? { ':status': query.status } : {};
    const request = query.scan
      ? {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `FINDING#${query.scan}`, ...values },
          // A cursor of another scan's list would start in another partition (a DynamoDB error): refuse it.
          startKey: decodeCursor(query.cursor, BaseCursor().check(z.refine((c) => c.pk === `FINDING#${query.scan}`))),
        }
      : {
          IndexName: 'byKind',
          KeyConditionExpression: 'gsi1pk = :kind',
          ExpressionAttributeValues: { ':kind': 'FINDING', ...values },
          startKey: decodeCursor(query.cursor, IndexCursor()),
        };
    const { startKey, ...rest } = request;
    const response = await this.client.send(
      new QueryCommand({ TableName: this.tableName, ...rest, ...status, Limit: query.limit, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    return {
      items: (response.Items ?? []).map((item) => toFinding(item).finding),
      ...(response.LastEvaluatedKey ? { nextCursor: encodeCursor(response.LastEvaluatedKey) } : {}),
    };
  }

  /**
   * Moves banned-term findings stored before this repository (`FINDING#banned-term`, keyed by SKU,
   * with `terms`) into the `banned-terms` scan's findings, keeping their dates and status; then
   * deletes the old item. Idempotent; returns how many it moved.
   */
  async migrateLegacyBannedTermFindings(): Promise<number> {
    let moved = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const response = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'FINDING#banned-term' },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of response.Items ?? []) {
        const legacy = z
          .object({
            sku: z.string(),
            terms: z.array(z.string()),
            status: z.enum(['open', 'resolved']),
            detectedAt: z.string(),
            updatedAt: z.string(),
            resolvedAt: z.optional(z.string()),
          })
          .safeParse(item);
        if (legacy.success && !(await this.read('banned-terms', legacy.data.sku))?.finding) {
          const { sku, terms, status, detectedAt, updatedAt, resolvedAt } = legacy.data;
          await this.write(
            {
              findingId: findingIdOf('banned-terms', sku),
              scan: 'banned-terms',
              subject: sku,
              severity: 'high',
              summary: `Listing ${sku} uses banned advertising terms: ${terms.join(', ')}`,
              details: { terms: terms.join(', ') },
              status,
              firstSeenAt: detectedAt,
              lastSeenAt: updatedAt,
              ...(status === 'resolved' ? { resolution: { outcome: 'fixed' as const, by: 'system:banned-terms', at: resolvedAt ?? updatedAt } } : {}),
            },
            undefined,
          ).catch((error: unknown) => {
            if (!isConditionalCheckFailed(error)) throw error;
          });
          moved++;
        }
        await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } }));
      }
      startKey = response.LastEvaluatedKey;
    } while (startKey);
    return moved;
  }

  private async write(finding: Finding, revision: number | 'legacy' | undefined): Promise<void> {
    const { findingId: _id, ...stored } = finding;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `FINDING#${finding.scan}`,
          sk: finding.subject,
          gsi1pk: 'FINDING',
          gsi1sk: `${finding.scan}#${finding.subject}`,
          kind: 'finding',
          ...stored,
          revision: typeof revision === 'number' ? revision + 1 : 1,
        },
        ...(typeof revision === 'number'
          ? { ConditionExpression: 'revision = :revision', ExpressionAttributeValues: { ':revision': revision } }
          : revision === 'legacy'
            ? {}
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
  }

  private async read(scan: string, subject: string): Promise<{ finding: Finding; revision: number } | { legacy: true; finding?: undefined; revision?: undefined } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `FINDING#${scan}`, sk: subject }, ConsistentRead: true }));
    if (!Item) return undefined;
    // An item of an older shape (the audit-chain finding before this store) reads as absent and is
    // replaced: `legacy` makes the next write overwrite it instead of expecting no item.
    return FindingItemSchema().safeParse(Item).success ? toFinding(Item) : { legacy: true };
  }
}

/** The findings repository of this container, on `COMPLIANCE_TABLE_NAME`. */
export function findingsRepositoryFromEnv(): DynamoDbFindingsRepository {
  return new DynamoDbFindingsRepository(requireSetting('complianceTableName'));
}
