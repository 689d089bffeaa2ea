/**
 * The custom middlewares of the HTTP stack (middy's shape, run by shared/middleware.ts; middy's
 * official ones are used as they are). See {@link ./handler.ts} for their order.
 */
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from '../zod.ts';
import { authorize, type AuthRequirement, type Principal } from '../auth.ts';
import {
  forbidden,
  formatIssuePath,
  invalidFields,
  isProblemError,
  malformedJson,
  payloadTooLarge,
  toProblemResponse,
  unsupportedMediaType,
  type ProblemFieldError,
} from '../errors.ts';
import { getConfig } from '../config.ts';
import { readIdempotencyKey } from '../idempotency-key.ts';
import type { Middleware } from '../middleware.ts';
import { logger, metrics, MetricUnit } from '../observability.ts';
import { findTextIssues } from '../text.ts';

/** The response header carrying the correlation id. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** What the middlewares learn about a request, for the handler function. */
export interface RequestState {
  correlationId: string;
  startedAt: number;
  principal?: Principal;
  body?: unknown;
  path?: unknown;
  query?: unknown;
  idempotencyKey?: string;
}

const states = new WeakMap<object, RequestState>();

/** The state the middlewares recorded for an event. */
export function requestState(event: object): RequestState {
  const state = states.get(event);
  if (!state) throw new Error('request state missing: is the handler wrapped by httpHandler?');
  return state;
}

type HttpMiddleware = Middleware<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** A client-supplied correlation id is used only if it is short and harmless (no log injection). */
const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

function headerValue(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** Picks the correlation id: the `x-correlation-id` header, else API Gateway's request id, else Lambda's. */
export function correlationIdOf(event: Partial<APIGatewayProxyEvent>, awsRequestId?: string): string {
  const fromHeader = headerValue(event.headers, CORRELATION_ID_HEADER)?.trim();
  if (fromHeader && CORRELATION_ID_PATTERN.test(fromHeader)) return fromHeader;
  return event.requestContext?.requestId || awsRequestId || crypto.randomUUID();
}

/**
 * First custom middleware: assigns the correlation id (logged with every line, echoed in the
 * response), and after the request logs one summary line — operation, status, duration,
 * correlation id; never bodies or headers — and records the operation's metrics.
 */
export function requestObservability(operation: string): HttpMiddleware {
  const finish = (request: { event: APIGatewayProxyEvent; response: APIGatewayProxyResult | undefined }) => {
    const state = states.get(request.event);
    const response = request.response;
    if (!state || !response) return;
    response.headers = { ...(response.headers ?? {}), [CORRELATION_ID_HEADER]: state.correlationId };
    const status = response.statusCode;
    const durationMs = Math.round(performance.now() - state.startedAt);
    metrics.addDimension('operation', operation);
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    metrics.addMetric('Latency', MetricUnit.Milliseconds, durationMs);
    if (status >= 500) metrics.addMetric('ServerErrors', MetricUnit.Count, 1);
    else if (status >= 400) metrics.addMetric('ClientErrors', MetricUnit.Count, 1);
    const line = { operation, status, durationMs };
    if (status >= 500) logger.error('request failed', line);
    else logger.info('request completed', line);
  };
  return {
    before: (request) => {
      const correlationId = correlationIdOf(request.event, request.context?.awsRequestId);
      states.set(request.event, { correlationId, startedAt: performance.now() });
      logger.setCorrelationId(correlationId);
      logger.appendKeys({ operation });
    },
    after: finish,
    onError: finish,
  };
}

/**
 * Refuses a request body larger than `maxBytes` (after base64 decoding) with 413, before anything
 * else looks at the request: no authorisation, signature check, parsing or handler runs (SEC-5).
 * The size is measured without decoding or copying the body.
 */
export function bodySizeLimit(maxBytes: number): HttpMiddleware {
  return {
    before: (request) => {
      const body: unknown = request.event.body;
      if (typeof body !== 'string' || body.length === 0) return;
      const size = request.event.isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
      if (size > maxBytes) throw payloadTooLarge(maxBytes);
    },
  };
}

/** Enforces the route's {@link AuthRequirement}: 401 without claims, 403 with the wrong role (SEC-1). */
export function authorization(requirement: AuthRequirement): HttpMiddleware {
  return {
    before: (request) => {
      requestState(request.event).principal = authorize(request.event, requirement, { staffIssuer: getConfig().infra.staffPoolIssuer });
    },
  };
}

/**
 * `@middy/http-json-body-parser`, with its errors turned into problems: malformed JSON → 400
 * (middy's default would be 415), a body that is not `application/json` → 415. An empty body is
 * left to the body schema.
 */
export function jsonBody(): HttpMiddleware {
  const parser = httpJsonBodyParser();
  return {
    before: async (request) => {
      // No body at all is not a media-type problem: the body schema decides whether one is needed
      // (a required body then fails validation with a 400 naming it; an optional one takes its default).
      if (request.event.body === null || request.event.body === undefined || request.event.body === '') {
        (request.event as { body: unknown }).body = undefined;
        return;
      }
      try {
        await parser.before?.(request as never);
      } catch (error) {
        const message = error instanceof Error ? error.message : '';
        throw message.includes('Unsupported Media Type') ? unsupportedMediaType() : malformedJson();
      }
    },
  };
}

/** Schemas of the three request locations. */
export interface RequestSchemas {
  readonly body?: z.ZodMiniType;
  readonly path?: z.ZodMiniType;
  readonly query?: z.ZodMiniType;
}

/**
 * Validates body, path and query parameters with zod (SEC-5). All offending fields of all three
 * locations are reported together in one 400 problem (`errors[].path` like `body.price.amount`).
 *
 * Whatever a field's schema says, every string a validated location carries — values and member
 * names, as the client sent them (before any trimming or defaults) — must also pass the kernel's
 * request-wide text rules (shared/text.ts: no unpaired surrogates, bidirectional controls,
 * zero-width or control characters): this is the one place they are enforced for every route, so
 * a field declared as a plain `z.string()` cannot let them through to storage, KMS or a 5xx.
 */
export function zodValidation(schemas: RequestSchemas): HttpMiddleware {
  return {
    before: (request) => {
      const state = requestState(request.event);
      const errors: ProblemFieldError[] = [];
      const check = (location: 'body' | 'path' | 'query', schema: z.ZodMiniType | undefined, value: unknown) => {
        if (!schema) return undefined;
        const result = schema.safeParse(value);
        const fieldErrors = result.success ? [] : result.error.issues.map((issue) => ({ path: formatIssuePath(location, issue.path), message: issue.message }));
        // The text rules, on the raw input; a field zod already refused is not reported twice.
        const reported = new Set(fieldErrors.map((e) => e.path));
        errors.push(...fieldErrors, ...findTextIssues(value, location).filter((issue) => !reported.has(issue.path)));
        return result.success ? result.data : undefined;
      };
      state.path = check('path', schemas.path, request.event.pathParameters ?? {});
      state.query = check('query', schemas.query, request.event.queryStringParameters ?? {});
      state.body = check('body', schemas.body, request.event.body);
      if (errors.length > 0) throw invalidFields(errors);
    },
  };
}

/** Requires a valid `Idempotency-Key` header (400 otherwise). */
export function idempotencyKeyHeader(): HttpMiddleware {
  return {
    before: (request) => {
      requestState(request.event).idempotencyKey = readIdempotencyKey(request.event.headers);
    },
  };
}

/**
 * The problem+json error handler, used LAST so its `onError` runs FIRST: every error becomes a
 * problem response, which the security-header, CORS and observability middlewares then decorate.
 * Unknown errors become a generic 500 and are logged (with their stack) instead of returned.
 */
export function problemErrorHandler(operation: string): HttpMiddleware {
  return {
    onError: (request) => {
      // SEC-3: a customer whose personal data was erased keeps a valid token until it expires (and locally,
      // where there is no Cognito, for good); whatever they ask that needs their keys is refused, not a 500.
      const error = erasedCustomer(request.error) ? forbidden('Your account was erased at your request; it can no longer be used.') : request.error;
      if (!isProblemError(error)) {
        logger.error('unhandled error', { operation, error: error as Error });
      } else if (error.status >= 500) {
        logger.error('server problem', { operation, problem: error.slug, error: error as Error });
      }
      request.response = toProblemResponse(error);
    },
  };
}

/** Whether `error` (or what caused it) is the keyring's refusal to use an erased customer's keys (shared/customer-keys.ts). */
function erasedCustomer(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e.name === 'CustomerErasedError') return true;
  return false;
}
