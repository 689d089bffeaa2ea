/**
 * DynamoDB access shared by every adapter: one client per container (created on first use, so the
 * standard `AWS_REGION` / `AWS_ENDPOINT_URL_DYNAMODB` environment decides where it points — AWS or
 * DynamoDB Local — with no `if (local)` anywhere), the opaque pagination cursor, and two small
 * helpers every adapter wants: all pages of a query, and a put that only creates.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import * as z from './zod.ts';
import { badRequest } from './errors.ts';
import { tracer } from './observability.ts';
import { retry, type Backoff } from './retry.ts';

/** Between BatchGetItem calls for unprocessed keys (full jitter: ≤ 40 ms at first, doubling to ≤ 2.56 s). */
const UNPROCESSED_BACKOFF: Backoff = { baseMs: 40, maxMs: 2_560 };

/** Some keys of a BatchGetItem call came back unprocessed. */
class UnprocessedKeys extends Error {}

let baseClient: DynamoDBClient | undefined;
let docClient: DynamoDBDocumentClient | undefined;

/** The container's low-level DynamoDB client (for libraries that want one, e.g. idempotency). */
export function dynamoDbClient(): DynamoDBClient {
  baseClient ??= tracer.captureAWSv3Client(new DynamoDBClient({}));
  return baseClient;
}

/** The container's DynamoDB document client (`removeUndefinedValues` on). */
export function documentClient(): DynamoDBDocumentClient {
  docClient ??= DynamoDBDocumentClient.from(dynamoDbClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
  return docClient;
}

/** Drops the cached clients so the next call re-reads the environment. Tests only. */
export function resetDynamoDbClientsForTests(): void {
  baseClient?.destroy();
  baseClient = undefined;
  docClient = undefined;
}

/** Encodes a `LastEvaluatedKey` (or any key) as an opaque base64url cursor. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} and checks it against `schema` (the exact key shape
 * the query expects — a forged or foreign key would otherwise reach DynamoDB). `undefined` in,
 * `undefined` out; anything malformed is a 400 problem.
 */
export function decodeCursor<S extends z.ZodMiniType<Record<string, unknown>>>(cursor: string | undefined, schema: S): z.output<S> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const invalid = () => badRequest('The cursor is not valid; start again without one.', [{ path: 'query.cursor', message: 'Invalid cursor' }]);
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const result = schema.safeParse(decoded);
  if (!result.success) throw invalid();
  return result.data;
}

/**
 * The shape of a cursor over the global secondary index whose keys are `<index>pk`/`<index>sk`: the
 * `LastEvaluatedKey` DynamoDB returns for it holds the table's key and the index's. Give it to
 * {@link decodeCursor} (built on each call: declare it `lazily`, as every module-level schema is).
 */
export function indexCursorSchema<I extends string>(index: I) {
  const key = (max: number) => z.string().check(z.maxLength(max));
  const shape = { pk: key(200), sk: key(200), [`${index}pk`]: key(200), [`${index}sk`]: key(400) };
  return z.strictObject(shape as Record<'pk' | 'sk' | `${I}pk` | `${I}sk`, z.ZodMiniString<string>>);
}

/** True when `error` is DynamoDB's ConditionalCheckFailedException (a failed conditional write). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The one reading of a failed TransactWriteItems: the code of each item, index-aligned with the
 * transaction's items (`ConditionalCheckFailed`, `TransactionConflict`, `None`, …; a missing code
 * reads `None`). A `TransactionConflictException` (the call as a whole conflicted) reads as
 * `['TransactionConflict']`. Undefined for any other error.
 */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'TransactionConflictException') return ['TransactionConflict'];
  if (error.name !== 'TransactionCanceledException') return undefined;
  return ((error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** True when a transaction was cancelled because one of its conditions failed. */
export function isTransactionConditionFailed(error: unknown): boolean {
  return (error instanceof Error && error.name === 'TransactionCanceledException' && cancellationReasons(error)?.includes('ConditionalCheckFailed')) === true;
}

/** True when the transaction lost to another one on the same items (retry it). */
export function isTransactionConflict(error: unknown): boolean {
  return cancellationReasons(error)?.includes('TransactionConflict') === true;
}

/**
 * True when DynamoDB throttled the request (after the SDK's own retries): the table's or a
 * partition's throughput, or the account's request rate — a transaction cancelled for throttling too.
 */
export function isThrottled(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded'].includes(error.name)) return true;
  return cancellationReasons(error)?.some((code) => code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded') === true;
}

/**
 * Every item a query matches, following `LastEvaluatedKey` through all pages (for partitions and
 * ranges known to be small; paged API reads use cursors instead).
 */
export async function queryAll(
  client: Pick<DynamoDBDocumentClient, 'send'>,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<NonNullable<QueryCommandOutput['Items']>> {
  const items: NonNullable<QueryCommandOutput['Items']> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Writes `item` unless an item with its key exists (`attribute_not_exists(pk)`); false when one did. */
export async function putIfAbsent(client: Pick<DynamoDBDocumentClient, 'send'>, tableName: string, item: Record<string, unknown>): Promise<boolean> {
  try {
    await client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Gets items by key (any number, any key schema, 100 per call), retrying unprocessed keys. Returns the items found (only `projection`'s attributes, if given). */
export async function batchGet(
  client: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
  keyList: ReadonlyArray<Record<string, string>>,
  options: { consistent?: boolean; projection?: readonly string[] } = {},
): Promise<Record<string, unknown>[]> {
  const keyOf = (k: Record<string, string>) => JSON.stringify(Object.entries(k).sort(([a], [b]) => a.localeCompare(b)));
  const unique = [...new Map(keyList.map((k) => [keyOf(k), k])).values()];
  const projection = options.projection?.length
    ? {
        ProjectionExpression: options.projection.map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(options.projection.map((name, i) => [`#p${i}`, name])),
      }
    : {};
  const chunks: Array<Array<Record<string, string>>> = [];
  for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
  const pages = await Promise.all(
    chunks.map(async (chunk) => {
      const found: Record<string, unknown>[] = [];
      let pending: Array<Record<string, unknown>> = chunk;
      await retry(
        async () => {
          const response = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent ?? false, ...projection } } }));
          found.push(...(response.Responses?.[tableName] ?? []));
          pending = (response.UnprocessedKeys?.[tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
          if (pending.length > 0) throw new UnprocessedKeys();
        },
        {
          attempts: 8,
          retryable: (error) => error instanceof UnprocessedKeys,
          backoff: UNPROCESSED_BACKOFF,
          exhausted: () => new Error('BatchGetItem left keys unprocessed after 8 attempts'),
        },
      );
      return found;
    }),
  );
  return pages.flat();
}
