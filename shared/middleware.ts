/**
 * The house middleware runner: middy's request lifecycle (`before` in the order used, `after` and
 * `onError` in reverse, a middleware returning a value answers early) without middy's core module.
 *
 * Why not `@middy/core`: its module imports `node:stream`, `node:stream/promises` and
 * `node:stream/web` at load for its response-streaming mode, which no function here uses — a few
 * milliseconds of every cold start (docs/performance.md). The middlewares themselves are unchanged:
 * `@middy/http-*` and Powertools' `injectLambdaContext` and `logMetrics` are middy middleware
 * objects, and this runner gives them the same request object (`event`, `context`, `response`,
 * `error`, `internal`) and the same order. `@middy/core` stays a dependency for its types only; an
 * ESLint rule refuses a value import of it.
 *
 * The lifecycle, as in middy 6 (its `runRequest`, MIT licence), minus streaming and the abort signal:
 * 1. `before` middlewares in order; one that returns a value ends the chain there: that value is the
 *    response, and neither the handler nor any `after` runs.
 * 2. The handler; inside Lambda it races a timer that fires {@link TIMEOUT_MARGIN_MS} before the
 *    invocation's deadline with a `TimeoutError`, so a request about to be killed still goes through
 *    `onError` (the problem response, its log line and metrics) instead of vanishing.
 * 3. `after` middlewares in reverse order of use (the same early answer rule).
 * 4. Anything thrown in 1–3: the response is reset, `request.error` set, and `onError` middlewares run
 *    in reverse order; if one of them throws, that error (with `originalError`) is the invocation's;
 *    if none produced a response, the original error is rethrown.
 */
import type { Context } from 'aws-lambda';

/** What every middleware receives: one object per invocation. */
export interface MiddlewareRequest<E = unknown, R = unknown> {
  event: E;
  context: Context;
  response: R | undefined;
  error: unknown;
  /** Shared scratch space of the middlewares (Powertools keeps its cleanup functions here). */
  internal: Record<string, unknown>;
  /** Set when a middleware answered early. */
  earlyResponse?: R;
}

/** One step of a phase; returning a value other than undefined answers early with it. */
export type MiddlewareFn<E = unknown, R = unknown> = (request: MiddlewareRequest<E, R>) => unknown;

/** A middleware: any of the three phases (structurally a middy `MiddlewareObj`). */
export interface Middleware<E = unknown, R = unknown> {
  before?: MiddlewareFn<E, R>;
  after?: MiddlewareFn<E, R>;
  onError?: MiddlewareFn<E, R>;
}

/**
 * A middleware typed against middy's own request type (`@middy/http-*`, Powertools' `injectLambdaContext`
 * and `logMetrics`): the runner gives it the same request object middy would.
 */
export interface MiddyMiddleware {
  before?: (request: never) => unknown;
  after?: (request: never) => unknown;
  onError?: (request: never) => unknown;
}

/** A Lambda handler with middlewares; `.use()` adds one (or several) and returns the same handler. */
export interface HandlerWithMiddlewares<E, R> {
  (event: E, context: Context): Promise<R>;
  use(middleware: Middleware<E, R> | readonly Middleware<E, R>[]): HandlerWithMiddlewares<E, R>;
  use(middleware: MiddyMiddleware | readonly MiddyMiddleware[]): HandlerWithMiddlewares<E, R>;
}

/** How long before the invocation's deadline the handler is given up with a `TimeoutError` (middy's default). */
export const TIMEOUT_MARGIN_MS = 5;

/**
 * Wraps `base` in the middleware lifecycle described above.
 *
 * @example
 * export const handler = withMiddlewares(base).use(httpHeaderNormalizer()).use(problemErrorHandler('getProduct'));
 */
export function withMiddlewares<E, R>(base: (event: E, context: Context) => Promise<R>): HandlerWithMiddlewares<E, R> {
  const before: MiddlewareFn<E, R>[] = [];
  const after: MiddlewareFn<E, R>[] = [];
  const onError: MiddlewareFn<E, R>[] = [];

  const handler = (async (event: E = {} as E, context: Context = {} as Context): Promise<R> => {
    const request: MiddlewareRequest<E, R> = { event, context, response: undefined, error: undefined, internal: {} };
    return runRequest(request, base, before, after, onError);
  }) as HandlerWithMiddlewares<E, R>;

  handler.use = (input: Middleware<E, R> | MiddyMiddleware | readonly (Middleware<E, R> | MiddyMiddleware)[]) => {
    const list = (Array.isArray(input) ? input : [input]) as readonly Middleware<E, R>[];
    for (const middleware of list) {
      if (!middleware.before && !middleware.after && !middleware.onError) {
        throw new Error('A middleware must have at least one of "before", "after" or "onError".');
      }
      if (middleware.before) before.push(middleware.before);
      if (middleware.after) after.unshift(middleware.after);
      if (middleware.onError) onError.unshift(middleware.onError);
    }
    return handler;
  };
  return handler;
}

/** The error a handler gets when it would outlive its invocation (same name and message as middy's). */
function timeoutError(): Error {
  const error = new Error('[AbortError]: The operation was aborted.');
  error.name = 'TimeoutError';
  return error;
}

async function runRequest<E, R>(
  request: MiddlewareRequest<E, R>,
  base: (event: E, context: Context) => Promise<R>,
  before: readonly MiddlewareFn<E, R>[],
  after: readonly MiddlewareFn<E, R>[],
  onError: readonly MiddlewareFn<E, R>[],
): Promise<R> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await runPhase(request, before);
    if (!Object.hasOwn(request, 'earlyResponse')) {
      const handled = base(request.event, request.context);
      // Read after the call, as middy does: a handler's synchronous start counts against its deadline.
      const remaining = typeof request.context?.getRemainingTimeInMillis === 'function' ? request.context.getRemainingTimeInMillis() : undefined;
      if (remaining === undefined) {
        request.response = await handled;
      } else {
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(timeoutError()), remaining - TIMEOUT_MARGIN_MS);
        });
        request.response = await Promise.race([handled, deadline]);
        clearTimeout(timer);
      }
      await runPhase(request, after);
    }
  } catch (error) {
    if (timer !== undefined) clearTimeout(timer);
    request.response = undefined;
    request.error = error;
    try {
      await runPhase(request, onError);
    } catch (thrown) {
      if (thrown !== null && typeof thrown === 'object') (thrown as { originalError?: unknown }).originalError = request.error;
      request.error = thrown;
      throw thrown;
    }
    if (request.response === undefined) throw request.error;
  }
  return request.response as R;
}

async function runPhase<E, R>(request: MiddlewareRequest<E, R>, phase: readonly MiddlewareFn<E, R>[]): Promise<void> {
  for (const step of phase) {
    const answer = await step(request);
    if (answer !== undefined) request.earlyResponse = answer as R;
    if (Object.hasOwn(request, 'earlyResponse')) {
      request.response = request.earlyResponse;
      return;
    }
  }
}
