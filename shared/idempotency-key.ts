/**
 * What an HTTP function needs of idempotency (ORD-7) before it knows whether a route is idempotent:
 * the `Idempotency-Key` header, the executor's interface and the anonymous user id. The executor
 * itself — its DynamoDB records and the field encryption that seals stored responses — is in
 * `./idempotency.ts`, bundled only into functions that serve an idempotent route (they build their
 * handler with `idempotentHttpHandler`, shared/http/idempotent-handler.ts).
 */
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { badRequest } from './errors.ts';

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
  /** The request's path parameters; other ones with the same key are a 422 too. */
  readonly path?: Readonly<Record<string, string | undefined>> | null;
}

/** Runs a request's handler at most once per (operation, user, key). */
export interface IdempotentExecutor {
  run(scope: IdempotencyScope, context: Context, handler: () => Promise<APIGatewayProxyResult>): Promise<APIGatewayProxyResult>;
}
