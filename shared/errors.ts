/**
 * The error model of the API (API.md "Errors"; RFC 9457 problem details). Every error leaves the
 * API as `application/problem+json` with a stable `type`, a human `title`, the HTTP `status` and,
 * for validation errors, the offending fields. Nothing a client sent and nothing internal (stack
 * traces, table names, personal data) is ever echoed back.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

/** Base of every problem `type` URI: `https://errors.commerce.dev/<slug>`. */
export const PROBLEM_TYPE_BASE = 'https://errors.commerce.dev/';

/** The media type of error responses. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One offending field of a request: where (`body.price.amount`) and what is wrong with it. */
export interface ProblemFieldError {
  readonly path: string;
  readonly message: string;
}

/** The JSON body of an error response. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly ProblemFieldError[];
}

/** Options of a {@link ProblemError} beyond slug, title and status. */
export interface ProblemOptions {
  /** A human explanation of this occurrence. Must not contain personal data. */
  readonly detail?: string;
  /** The offending fields, for validation errors. */
  readonly errors?: readonly ProblemFieldError[];
  /** Extra response headers, e.g. `retry-after`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The underlying error, kept for logs only; never serialised. */
  readonly cause?: unknown;
}

/**
 * An error the API reports to the client as a problem. Throw it (or one made by the factories
 * below) from a use case or handler; the HTTP stack turns it into a problem+json response.
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  /** The full problem type URI. */
  readonly type: string;
  /** The stable short name of the problem type, e.g. `not-found`. */
  readonly slug: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly ProblemFieldError[];
  readonly headers?: Readonly<Record<string, string>>;

  constructor(slug: string, title: string, status: number, options: ProblemOptions = {}) {
    super(options.detail ? `${title}: ${options.detail}` : title, options.cause === undefined ? undefined : { cause: options.cause });
    this.slug = slug;
    this.type = `${PROBLEM_TYPE_BASE}${slug}`;
    this.title = title;
    this.status = status;
    if (options.detail !== undefined) this.detail = options.detail;
    if (options.errors !== undefined) this.errors = options.errors;
    if (options.headers !== undefined) this.headers = options.headers;
  }

  /** The problem+json body. */
  toJSON(): ProblemDetails {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      ...(this.errors !== undefined ? { errors: this.errors } : {}),
    };
  }
}

/** True for a {@link ProblemError}. */
export function isProblemError(error: unknown): error is ProblemError {
  return error instanceof ProblemError;
}

/** 400: the request is malformed or invalid. */
export function badRequest(detail?: string, errors?: readonly ProblemFieldError[]): ProblemError {
  return new ProblemError('bad-request', 'Bad request', 400, { detail, errors });
}

/** 400: the request body is not valid JSON. */
export function malformedJson(): ProblemError {
  return new ProblemError('malformed-json', 'Malformed JSON', 400, { detail: 'The request body is not valid JSON.' });
}

/** 413: the request body is larger than the route accepts. */
export function payloadTooLarge(maxBytes: number): ProblemError {
  return new ProblemError('payload-too-large', 'Payload too large', 413, { detail: `The request body must not exceed ${maxBytes} bytes.` });
}

/** 415: the request body is not `application/json`. */
export function unsupportedMediaType(): ProblemError {
  return new ProblemError('unsupported-media-type', 'Unsupported media type', 415, { detail: 'Send the request body as application/json.' });
}

/** A zod-like issue: where and what. Values are never included. */
export interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Renders an issue path as `body.items[0].sku`. */
export function formatIssuePath(location: string | undefined, path: readonly PropertyKey[]): string {
  let out = location ?? '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(root)';
}

/**
 * 400 with the offending fields (SEC-5), from zod issues. `location` prefixes each path
 * (`body`, `path`, `query`, `headers`).
 */
export function validationFailed(issues: readonly IssueLike[], location?: string): ProblemError {
  return invalidFields(issues.map((issue) => ({ path: formatIssuePath(location, issue.path), message: issue.message })));
}

/** 400 with the offending fields already rendered (e.g. collected from several locations). */
export function invalidFields(errors: readonly ProblemFieldError[]): ProblemError {
  return new ProblemError('validation-failed', 'Validation failed', 400, { detail: 'The request has invalid fields; see errors.', errors });
}

/** 401: no token or an invalid token. */
export function unauthorized(detail = 'Sign in to use this resource.'): ProblemError {
  return new ProblemError('unauthorized', 'Unauthorized', 401, { detail, headers: { 'www-authenticate': 'Bearer' } });
}

/** 403: signed in, but with the wrong role. */
export function forbidden(detail = 'Your role does not allow this operation.'): ProblemError {
  return new ProblemError('forbidden', 'Forbidden', 403, { detail });
}

/** 404: unknown id (also used instead of 403 where existence must not leak). */
export function notFound(detail?: string): ProblemError {
  return new ProblemError('not-found', 'Not found', 404, { detail });
}

/** 409: the request conflicts with the current state. */
export function conflict(detail?: string): ProblemError {
  return new ProblemError('conflict', 'Conflict', 409, { detail });
}

/** 409: a request with the same idempotency key is still being processed; retry later. */
export function requestInProgress(retryAfterSeconds = 1): ProblemError {
  return new ProblemError('request-in-progress', 'Request in progress', 409, {
    detail: 'A request with this Idempotency-Key is still being processed; retry shortly.',
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}

/** 422: the idempotency key was already used with a different request body (ORD-7). */
export function idempotencyKeyReused(): ProblemError {
  return new ProblemError('idempotency-key-reused', 'Idempotency key reused', 422, {
    detail: 'This Idempotency-Key was already used with a different request body.',
  });
}

/** 429: too many requests. */
export function throttled(retryAfterSeconds?: number): ProblemError {
  return new ProblemError('throttled', 'Too many requests', 429, {
    detail: 'Slow down and retry later.',
    headers: retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) },
  });
}

/** 500: anything unexpected. Generic on purpose: the details go to the logs, not to the client. */
export function internalError(): ProblemError {
  return new ProblemError('internal', 'Internal server error', 500, { detail: 'Something went wrong on our side. Retry later.' });
}

/**
 * The API Gateway proxy result for any error: a {@link ProblemError} as itself, anything else as a
 * generic 500 that reveals nothing (log the original before calling this).
 */
export function toProblemResponse(error: unknown): APIGatewayProxyResult {
  const problem = isProblemError(error) ? error : internalError();
  return {
    statusCode: problem.status,
    headers: { ...(problem.headers ?? {}), 'content-type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(problem.toJSON()),
  };
}
