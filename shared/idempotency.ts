/**
 * Idempotent mutating requests (ORD-7, API.md): a POST declared `idempotent` requires an
 * `Idempotency-Key` header (1–255 printable characters). The first request with a key runs the
 * handler and stores its response; the same key with the same body returns that response again
 * (same status, same body; header `idempotent-replayed: true`) without running the handler; the
 * same key with a different body is a 422 problem. Keys are scoped per user and per operation, and
 * kept for `IDEMPOTENCY_KEY_TTL_HOURS` (≥ 24 h).
 *
 * Built on Powertools idempotency with its DynamoDB persistence layer (`IDEMPOTENCY_TABLE_NAME`,
 * key `id`, TTL attribute `expiration`). We use the `makeIdempotent` function wrapper around the
 * route's handler function rather than the `makeHandlerIdempotent` middy middleware because, in
 * Powertools 2.35 with middy 6:
 *  - the middleware's `onError` deletes the record even when the error came from its own `before`
 *    (a concurrent duplicate → IdempotencyAlreadyInProgressError, a different body →
 *    IdempotencyValidationError), so a rejected request wipes the lock or the stored response of
 *    the first one and a later retry runs the handler again
 *    (aws-powertools/powertools-lambda-typescript#5675, fixed after 2.35);
 *  - a replay is a middy early return, which skips every `after` middleware, so replayed
 *    responses would lack security headers, CORS and the correlation id.
 * The wrapper only deletes the record when the handler itself throws, and its replay flows through
 * the normal `after` chain.
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
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { getConfig, requireSetting } from './config.ts';
import { badRequest, idempotencyKeyReused, requestInProgress, type ProblemError } from './errors.ts';
import { retry, type Backoff } from './retry.ts';

/** How a twin request polls for the first one's response: 25 ms, doubling up to 250 ms. */
const TWIN_POLL: Backoff = { baseMs: 25, maxMs: 250, jitter: false };

/** The request header carrying the key (lower-case, as normalised). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The response header set on a replayed response. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** API.md: 1–255 characters; we accept printable ASCII. */
const KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;

/**
 * Reads and checks the `Idempotency-Key` header from normalised (lower-case) headers.
 * Throws a 400 problem when it is missing or invalid.
 */
export function readIdempotencyKey(headers: Readonly<Record<string, string | undefined>> | null | undefined): string {
  const raw = headers?.[IDEMPOTENCY_KEY_HEADER];
  const key = raw?.trim();
  if (key === undefined || key === '') {
    throw badRequest('This operation requires an Idempotency-Key header.', [{ path: 'headers.idempotency-key', message: 'Required' }]);
  }
  if (!KEY_PATTERN.test(key)) {
    throw badRequest('The Idempotency-Key header must be 1–255 printable characters.', [{ path: 'headers.idempotency-key', message: 'Must be 1–255 printable ASCII characters' }]);
  }
  return key;
}

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

/** The user id of requests on public routes. */
export const ANONYMOUS = 'anonymous';

/** What identifies and validates one idempotent request. */
export interface IdempotencyScope {
  /** Whose key it is (the principal's user id; `anonymous` on public routes). */
  readonly userId: string;
  /** The `Idempotency-Key` header. */
  readonly key: string;
  /** The parsed request body; a different body with the same key is a 422. */
  readonly body: unknown;
}

/** Runs a request's handler at most once per (operation, user, key). */
export interface IdempotentExecutor {
  run(scope: IdempotencyScope, context: Context, handler: () => Promise<APIGatewayProxyResult>): Promise<APIGatewayProxyResult>;
}

/**
 * Maps Powertools idempotency errors (by name: the library is loaded lazily) to problems; anything
 * else — including the handler's own errors — is returned unchanged.
 */
export function idempotencyErrorToProblem(error: unknown): ProblemError | unknown {
  const name = error instanceof Error ? error.name : '';
  if (name === 'IdempotencyValidationError') return idempotencyKeyReused();
  if (name === 'IdempotencyAlreadyInProgressError' || name === 'IdempotencyInconsistentStateError') return requestInProgress();
  if (name === 'IdempotencyKeyError') return badRequest('This operation requires an Idempotency-Key header.');
  return error;
}

/**
 * An {@link IdempotentExecutor} for one operation, storing records in `IDEMPOTENCY_TABLE_NAME`
 * through the container's DynamoDB client. Powertools idempotency, the table name and the client
 * are loaded on the first idempotent request, so routes without idempotency never load them.
 */
export function createIdempotentExecutor(operation: string, options: { maxTwinWaitMs?: number; sealer?: () => ResponseSealer } = {}): IdempotentExecutor {
  const build = async () => {
    const [{ IdempotencyConfig, makeIdempotent }, { DynamoDBPersistenceLayer }, { dynamoDbClient }, { FieldEncryptor, kmsKeyProvider }] = await Promise.all([
      import('@aws-lambda-powertools/idempotency'),
      import('@aws-lambda-powertools/idempotency/dynamodb'),
      import('./dynamodb.ts'),
      import('./field-encryption.ts'),
    ]);
    const sealer = options.sealer?.() ?? new FieldEncryptor({ kms: kmsKeyProvider() });
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: requireSetting('idempotencyTableName'),
      awsSdkV3Client: dynamoDbClient(),
      keyAttr: 'id',
      expiryAttr: 'expiration',
    });
    const config = new IdempotencyConfig({
      // The record key: operation (key prefix) + hash of [user id, Idempotency-Key].
      eventKeyJmesPath: '[userId, key]',
      // The stored hash of the body; a different body with the same key is rejected.
      payloadValidationJmesPath: 'body',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: getConfig().idempotency.keyTtlHours * 3600,
      responseHook: (response) => {
        const stored = response as unknown as SealedResponse;
        return { ...stored, headers: { ...(stored.headers ?? {}), [IDEMPOTENT_REPLAYED_HEADER]: 'true' } } as never;
      },
    });
    // Sealed under the caller's own data key (SEC-3: erasing a customer shreds their stored responses too).
    const field = (scope: IdempotencyScope) => ({
      entity: IDEMPOTENCY_ENTITY,
      recordId: recordIdOf(operation, scope),
      field: 'body',
      ...(scope.userId === ANONYMOUS ? {} : { subject: scope.userId }),
    });
    // What Powertools stores is the sealed response; the caller gets it opened (fresh or replayed).
    const fn = makeIdempotent(
      async (scope: IdempotencyScope, handler: () => Promise<APIGatewayProxyResult>): Promise<SealedResponse> => {
        const { body, ...rest } = await handler();
        return { ...rest, sealedBody: await sealer.encrypt(field(scope), body) };
      },
      {
        persistenceStore,
        config,
        keyPrefix: operation,
        dataIndexArgument: 0,
      },
    );
    const open = async (scope: IdempotencyScope, sealed: SealedResponse | APIGatewayProxyResult): Promise<APIGatewayProxyResult> => {
      if (!('sealedBody' in sealed)) return sealed; // stored before responses were sealed (kept ≤ the key TTL)
      const { sealedBody, ...rest } = sealed;
      return { ...rest, body: await sealer.decrypt(field(scope), sealedBody) };
    };
    return { fn, config, open };
  };

  let building: ReturnType<typeof build> | undefined;
  return {
    run: async (scope, context, handler) => {
      if (!building) {
        building = build();
        // a failed setup (e.g. IDEMPOTENCY_TABLE_NAME missing) is retried on the next request
        building.catch(() => {
          building = undefined;
        });
      }
      const idempotent = await building;
      // The remaining time bounds how long an in-progress record blocks retries if this invocation dies.
      if (typeof context?.getRemainingTimeInMillis === 'function') idempotent.config.registerLambdaContext(context);
      // A twin of a request still running waits for its response (same status, same body) instead of
      // a 409, within this invocation's remaining time (less a reserve); past that the 409 stands.
      const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 10_000;
      const deadline = Date.now() + Math.max(0, Math.min(options.maxTwinWaitMs ?? 20_000, remaining - 3_000));
      const request = { userId: scope.userId, key: scope.key, body: scope.body ?? null };
      try {
        return await retry(async () => idempotent.open(request, await idempotent.fn(request, handler)), {
          attempts: Number.POSITIVE_INFINITY,
          deadline,
          retryable: (error) => error instanceof Error && error.name === 'IdempotencyAlreadyInProgressError',
          backoff: TWIN_POLL,
        });
      } catch (error) {
        throw idempotencyErrorToProblem(error);
      }
    },
  };
}
