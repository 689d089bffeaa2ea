/**
 * Data-subject requests in the PrivacyTable (SEC-3): erasures and exports, with their status and
 * timings, for `GET /admin/privacy/requests`.
 *
 * | item                 | pk                   | sk                                  |
 * |----------------------|----------------------|-------------------------------------|
 * | a customer's erasure | `CUSTOMER#<id>`      | `ERASURE` (one per customer: idempotent) |
 * | every request        | `REQUESTS`           | `<requestedAt>#<requestId>` (newest first by Query) |
 *
 * Requests name the customer by id only: no personal data. A year's requests are one Query
 * (`begins_with(sk, '<year>-')`): the compliance report reads them through requests-contract.ts.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient, isTransactionConditionFailed } from '../../shared/dynamodb.ts';
import { customerPk } from './consent-store.ts';

/** A data-subject request. */
export interface PrivacyRequest {
  readonly requestId: string;
  readonly kind: 'ERASURE' | 'EXPORT';
  readonly customerId: string;
  readonly status: 'ERASING' | 'ERASED' | 'EXPORTED';
  readonly requestedAt: string;
  readonly completedAt?: string;
  /** From request to completion, in milliseconds. */
  readonly durationMs?: number;
}

/** The store port of the data-rights use cases. */
export interface PrivacyRequestStore {
  /** The customer's erasure request, if any (strongly consistent). */
  erasureOf(customerId: string): Promise<PrivacyRequest | undefined>;
  /** Records a new request; for an erasure, false when the customer already has one. */
  create(request: PrivacyRequest): Promise<boolean>;
  /** Marks a request done. */
  complete(request: PrivacyRequest, status: PrivacyRequest['status'], completedAt: string): Promise<PrivacyRequest>;
  /** The latest requests, newest first; with `year`, only those received in it (UTC). */
  list(limit: number, year?: number): Promise<PrivacyRequest[]>;
}

const ERASURE_SK = 'ERASURE';
const LIST_PK = 'REQUESTS';
const listSk = (r: Pick<PrivacyRequest, 'requestedAt' | 'requestId'>) => `${r.requestedAt}#${r.requestId}`;

function requestOf(item: Record<string, unknown>): PrivacyRequest {
  return {
    requestId: String(item.requestId),
    kind: item.kind as PrivacyRequest['kind'],
    customerId: String(item.customerId),
    status: item.status as PrivacyRequest['status'],
    requestedAt: String(item.requestedAt),
    ...(typeof item.completedAt === 'string' ? { completedAt: item.completedAt } : {}),
    ...(typeof item.durationMs === 'number' ? { durationMs: item.durationMs } : {}),
  };
}

/** The Query of the requests partition, newest first; with `year`, only the requests received in it (the sort key starts with the request time). */
function requestsQuery(tableName: string, year?: number) {
  return {
    TableName: tableName,
    KeyConditionExpression: year === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :year)',
    ExpressionAttributeValues: { ':pk': LIST_PK, ...(year === undefined ? {} : { ':year': `${year}-` }) },
    ScanIndexForward: false,
  };
}

/** Every request received in `year` (UTC), newest first: a Query of the requests partition, page by page. */
export async function requestsOfYear(tableName: string, year: number, client: Pick<DynamoDBDocumentClient, 'send'> = documentClient()): Promise<PrivacyRequest[]> {
  const out: PrivacyRequest[] = [];
  let page: Record<string, unknown> | undefined;
  do {
    const response = await client.send(new QueryCommand({ ...requestsQuery(tableName, year), ...(page ? { ExclusiveStartKey: page } : {}) }));
    out.push(...(response.Items ?? []).map(requestOf));
    page = response.LastEvaluatedKey;
  } while (page);
  return out;
}

/** The DynamoDB store. */
export function dynamoPrivacyRequestStore(tableName: string, client: Pick<DynamoDBDocumentClient, 'send'> = documentClient()): PrivacyRequestStore {
  const fields = (r: PrivacyRequest) => ({ requestId: r.requestId, kind: r.kind, customerId: r.customerId, status: r.status, requestedAt: r.requestedAt });
  return {
    async erasureOf(customerId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { pk: customerPk(customerId), sk: ERASURE_SK }, ConsistentRead: true }));
      return Item ? requestOf(Item) : undefined;
    },
    async create(request) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              ...(request.kind === 'ERASURE'
                ? [
                    {
                      Put: {
                        TableName: tableName,
                        Item: { pk: customerPk(request.customerId), sk: ERASURE_SK, ...fields(request) },
                        ConditionExpression: 'attribute_not_exists(pk)',
                      },
                    },
                  ]
                : []),
              { Put: { TableName: tableName, Item: { pk: LIST_PK, sk: listSk(request), ...fields(request) } } },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (isTransactionConditionFailed(error)) return false;
        throw error;
      }
    },
    async complete(request, status, completedAt) {
      const durationMs = Math.max(0, new Date(completedAt).getTime() - new Date(request.requestedAt).getTime());
      const keys = [{ pk: LIST_PK, sk: listSk(request) }, ...(request.kind === 'ERASURE' ? [{ pk: customerPk(request.customerId), sk: ERASURE_SK }] : [])];
      await Promise.all(
        keys.map((Key) =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key,
              UpdateExpression: 'SET #status = :status, completedAt = if_not_exists(completedAt, :at), durationMs = if_not_exists(durationMs, :ms)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':status': status, ':at': completedAt, ':ms': durationMs },
            }),
          ),
        ),
      );
      return { ...request, status, completedAt, durationMs };
    },
    async list(limit, year) {
      const { Items = [] } = await client.send(new QueryCommand({ ...requestsQuery(tableName, year), Limit: limit }));
      return Items.map(requestOf);
    },
  };
}

let store: PrivacyRequestStore | undefined;

/** The store of this function (`PRIVACY_TABLE_NAME`). */
export function privacyRequestStoreFromEnv(): PrivacyRequestStore {
  store ??= dynamoPrivacyRequestStore(requireSetting('privacyTableName'));
  return store;
}
