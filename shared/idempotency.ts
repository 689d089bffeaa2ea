/**
 * Idempotent mutating requests (ORD-7, API.md): a POST declared `idempotent` requires an
 * `Idempotency-Key` header (1–255 printable characters). The first request with a key runs the
 * handler and stores its response; the same key with the same request (body and path parameters)
 * returns that response again (same status, same body; header `idempotent-replayed: true`) without
 * running the handler; the same key with a different body, or on another resource (e.g. another
 * order's cancel), is a 422 problem. Keys are scoped per user and per operation, and kept for
 * `IDEMPOTENCY_KEY_TTL_HOURS` (≥ 24 h).
 *
 * Records live in `IDEMPOTENCY_TABLE_NAME` (key `id`, TTL attribute `expiration`), one per
 * (operation, user, key): `id` = `<operation>#<SHA-256 of operation, user id and key>` (neither the
 * raw key nor the user id is stored), `validation` = SHA-256 of the canonical JSON of the body and path parameters, `status`
 * `INPROGRESS` or `COMPLETED`, `in_progress_expiration` (epoch ms: when a lock whose invocation died
 * may be taken over), `data` (the response, its body sealed). The protocol, one conditional write
 * to claim the key and one to complete it:
 *  1. put `INPROGRESS` only if no record exists, or it expired, or it is an abandoned lock — the
 *     refused write returns the record it found (`ReturnValuesOnConditionCheckFailure`);
 *  2. found a record with another body's hash → 422; `COMPLETED` → its response, replayed;
 *     `INPROGRESS` → wait and try again (below);
 *  3. the claimant runs the handler, then sets `COMPLETED` with the response — or, when the handler
 *     throws, deletes the record, so a retry runs again.
 * (Until 2026-12 this was Powertools idempotency with its DynamoDB persistence layer and the same
 * attribute names; the protocol is the same, without the JMESPath engine and the library's
 * 40 KB in every HTTP function — and without the Powertools 2.35 middleware bug
 * powertools-lambda-typescript#5675, where a refused duplicate deleted the first request's record.)
 * A replay flows through the normal `after` middlewares (security headers, CORS, correlation id).
 *
 * The stored response carries no personal data in clear (SEC-2): its body is sealed with the field
 * encryptor (entity {@link IDEMPOTENCY_ENTITY}, bound to the record's operation, user and key) before
 * Powertools writes it, and opened when it is read back — so an order's name, phone and address in a
 * `POST /orders` response rest in the table, its backups and exports only as ciphertext — under the
 * caller's own data key (subject = the user id; shared/customer-keys.ts), so erasing a customer
 * (SEC-3) leaves their stored responses unreadable. (A staff member's responses are sealed under
 * the staff member's key; they expire with the key TTL.) Functions
 * with idempotent routes therefore get `FIELD_ENCRYPTION_KEY_ID` and data keys of that entity (the
 * API construct grants them).
 *
 * Errors are not stored: when the handler throws (a 4xx problem or a 5xx), the record is deleted
 * and a retry with the same key runs again (nothing was created the first time). A duplicate that
 * arrives while the first is still running waits for the first one's response and returns it
 * (same status, same body), for up to 20 s of its own invocation time; only past that does it get
 * 409 `request-in-progress` with `retry-after`.
 */
import crypto from 'node:crypto';
// Static imports, not import(): esbuild wraps a dynamically imported module and everything it
// imports for lazy evaluation and then keeps every export of them, which brought the aggregated
// DynamoDB clients (every command, paginator and waiter: ≈ 60 KB) into each function serving an
// idempotent route (until December 2026). This module is bundled only into those functions; the
// few that also serve other routes now load the field encryption at start (≈ 15 KB).
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { canonicalJson } from './canonical-json.ts';
import { getConfig, requireSetting } from './config.ts';
import { documentClient } from './dynamodb.ts';
import { FieldEncryptor, kmsKeyProvider } from './field-encryption.ts';
import { idempotencyKeyReused, requestInProgress } from './errors.ts';
import { logger } from './observability.ts';
import { retry, type Backoff } from './retry.ts';
import { ANONYMOUS, IDEMPOTENT_REPLAYED_HEADER, type IdempotencyScope, type IdempotentExecutor } from './idempotency-key.ts';

export { ANONYMOUS, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, readIdempotencyKey, type IdempotencyScope, type IdempotentExecutor } from './idempotency-key.ts';

/** How a twin request polls for the first one's response: 25 ms, doubling up to 250 ms. */
const TWIN_POLL: Backoff = { baseMs: 25, maxMs: 250, jitter: false };

/** The field-encryption entity of stored idempotent responses. */
export const IDEMPOTENCY_ENTITY = 'idempotency-response';

/** Seals and opens the body of a stored response (the kernel's field encryption). */
export interface ResponseSealer {
  encrypt(context: { entity: string; recordId: string; field: string; subject?: string }, plaintext: string): Promise<string>;
  decrypt(context: { entity: string; recordId: string; field: string; subject?: string }, stored: string): Promise<string>;
}

/** A response as stored: the body sealed. */
interface SealedResponse extends Omit<APIGatewayProxyResult, 'body'> {
  readonly sealedBody: string;
}

const recordIdOf = (operation: string, scope: Pick<IdempotencyScope, 'userId' | 'key'>) =>
  crypto.createHash('sha256').update(`${operation}\n${scope.userId}\n${scope.key}`).digest('hex');

/** The record's attributes (Powertools' names, kept). */
interface StoredRecord {
  readonly id: string;
  readonly status: 'INPROGRESS' | 'COMPLETED';
  readonly expiration: number;
  readonly in_progress_expiration?: number;
  readonly validation: string;
  /** JSON of the {@link SealedResponse}, once completed. */
  readonly data?: string;
}

/** Another request with the same key is still running. */
class RequestStillRunning extends Error {
  override readonly name = 'RequestStillRunning';
}

/**
 * An {@link IdempotentExecutor} for one operation, storing records in `IDEMPOTENCY_TABLE_NAME`
 * through the container's DynamoDB client. The table name, the client and the field encryptor are
 * set up on the first idempotent request, so routes without idempotency never set them up.
 */
export function createIdempotentExecutor(operation: string, options: { maxTwinWaitMs?: number; sealer?: () => ResponseSealer } = {}): IdempotentExecutor {
  const build = () => {
    const sealer = options.sealer?.() ?? new FieldEncryptor({ kms: kmsKeyProvider() });
    const tableName = requireSetting('idempotencyTableName');
    const client = documentClient();
    const ttlSeconds = getConfig().idempotency.keyTtlHours * 3600;
    // Sealed under the caller's own data key (SEC-3: erasing a customer shreds their stored responses too).
    const field = (scope: IdempotencyScope) => ({
      entity: IDEMPOTENCY_ENTITY,
      recordId: recordIdOf(operation, scope),
      field: 'body',
      ...(scope.userId === ANONYMOUS ? {} : { subject: scope.userId }),
    });
    const open = async (scope: IdempotencyScope, stored: string): Promise<APIGatewayProxyResult> => {
      const response = JSON.parse(stored) as SealedResponse | APIGatewayProxyResult;
      const { sealedBody, ...rest } = 'sealedBody' in response ? response : { ...response, sealedBody: undefined };
      const body = sealedBody === undefined ? (response as APIGatewayProxyResult).body : await sealer.decrypt(field(scope), sealedBody);
      return { ...rest, body, headers: { ...(rest.headers ?? {}), [IDEMPOTENT_REPLAYED_HEADER]: 'true' } };
    };

    /** Claims the key (true), or answers from the record found: a replay, a 422, or {@link RequestStillRunning}. */
    const claim = async (id: string, validation: string, lockMs: number): Promise<{ claimed: true } | { claimed: false; record: StoredRecord }> => {
      const now = Date.now();
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { id, status: 'INPROGRESS', expiration: Math.floor(now / 1000) + ttlSeconds, in_progress_expiration: now + lockMs, validation },
            ConditionExpression: 'attribute_not_exists(id) OR expiration < :nowSeconds OR (#status = :inProgress AND in_progress_expiration < :nowMs)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':nowSeconds': Math.floor(now / 1000), ':nowMs': now, ':inProgress': 'INPROGRESS' },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { claimed: true };
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        const found = (error as { Item?: Record<string, never> }).Item;
        const record = found
          ? (unmarshall(found) as StoredRecord)
          : ((await client.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }))).Item as StoredRecord | undefined);
        // Gone between the write and the read (the first request failed and deleted it): try again.
        if (!record) throw new RequestStillRunning();
        return { claimed: false, record };
      }
    };

    const run = async (scope: IdempotencyScope, lockMs: number, handler: () => Promise<APIGatewayProxyResult>): Promise<APIGatewayProxyResult> => {
      const id = `${operation}#${recordIdOf(operation, scope)}`;
      // The request the key was first used for: its body and path parameters (the same key on another order's cancel is a 422, not that order's replay).
      const validation = crypto
        .createHash('sha256')
        .update(canonicalJson({ body: scope.body ?? null, path: scope.path ?? null }))
        .digest('hex');
      const claimed = await claim(id, validation, lockMs);
      if (!claimed.claimed) {
        if (claimed.record.validation !== validation) throw idempotencyKeyReused();
        if (claimed.record.status === 'COMPLETED' && claimed.record.data !== undefined) return open(scope, claimed.record.data);
        throw new RequestStillRunning();
      }
      let response: APIGatewayProxyResult;
      try {
        response = await handler();
      } catch (error) {
        // Nothing is stored for an error: the record goes, and a retry with the key runs again.
        await client.send(new DeleteCommand({ TableName: tableName, Key: { id } })).catch(() => undefined);
        throw error;
      }
      // The handler's effects happened: a failure to store its response is logged, not turned into a 5xx (the
      // key stays locked until this invocation's time is up; a retry after that runs the handler again).
      try {
        const { body, ...rest } = response;
        const sealed: SealedResponse = { ...rest, sealedBody: await sealer.encrypt(field(scope), body) };
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: 'SET #status = :completed, #data = :data, expiration = :expiration REMOVE in_progress_expiration',
            ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
            ExpressionAttributeValues: { ':completed': 'COMPLETED', ':data': JSON.stringify(sealed), ':expiration': Math.floor(Date.now() / 1000) + ttlSeconds },
          }),
        );
      } catch (error) {
        logger.error('idempotent response not stored', { operation, error: error instanceof Error ? error.name : 'unknown' });
      }
      return response;
    };
    return { run };
  };

  let built: ReturnType<typeof build> | undefined;
  return {
    run: async (scope, context, handler) => {
      // a failed setup (e.g. IDEMPOTENCY_TABLE_NAME missing) throws here and is tried again on the next request
      const idempotent = (built ??= build());
      // The remaining time bounds how long an in-progress record blocks retries if this invocation dies.
      const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 10_000;
      // A twin of a request still running waits for its response (same status, same body) instead of
      // a 409, within this invocation's remaining time (less a reserve); past that the 409 stands.
      const deadline = Date.now() + Math.max(0, Math.min(options.maxTwinWaitMs ?? 20_000, remaining - 3_000));
      const request = { userId: scope.userId, key: scope.key, body: scope.body ?? null, path: scope.path ?? null };
      return retry(() => idempotent.run(request, remaining, handler), {
        attempts: Number.POSITIVE_INFINITY,
        deadline,
        retryable: (error) => error instanceof RequestStillRunning,
        backoff: TWIN_POLL,
        exhausted: () => requestInProgress(),
      });
    },
  };
}
