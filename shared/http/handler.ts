/**
 * `httpHandler`: the one way to write an API Gateway (REST, proxy integration) Lambda handler.
 *
 * The middleware stack, in `use` order (shared/middleware.ts runs `before` in this order, `after`/`onError`
 * in reverse, as middy does):
 *  1. Powertools Tracer, Metrics (cold start) and Logger (Lambda context; keys reset per request)
 *  2. request observability — correlation id; one summary log line and metrics per request
 *     (routes with `maxBodyBytes`: a larger body → 413 here, before anything below runs)
 *  3. `@middy/http-header-normalizer` — lower-case header names
 *  4. authorization — 401/403 before anything else is looked at (SEC-1)
 *  5. `@middy/http-json-body-parser` — only for routes with a body; malformed JSON → 400 problem
 *  6. zod validation of body, path and query → 400 problem with `errors[]` (SEC-5)
 *  7. `Idempotency-Key` header check on idempotent routes → 400 problem (ORD-7)
 *  8. `@middy/http-security-headers`
 *  9. `@middy/http-cors`
 * 10. problem+json error handler — last, so its `onError` runs first and the middlewares above
 *     decorate the problem response too.
 * The handler function then runs (through the idempotency wrapper on idempotent routes) and its
 * result is serialised to JSON. A capability whose use cases throw domain errors passes `mapError`,
 * its one mapping of those errors to problems (applied before the idempotency layer sees them).
 */
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from '../zod.ts';
import type { AuthRequirement } from '../auth.ts';
import { getConfig, requireStage } from '../config.ts';
import { ANONYMOUS, type IdempotentExecutor } from '../idempotency-key.ts';
import { lazily } from '../lazily.ts';
import { observedHandler } from '../observability.ts';
import {
  authorization,
  bodySizeLimit,
  CORRELATION_ID_HEADER,
  idempotencyKeyHeader,
  jsonBody,
  problemErrorHandler,
  requestObservability,
  requestState,
  zodValidation,
} from './middlewares.ts';
import type { HttpHandlerOptions, Parsed, PrincipalFor } from './route.ts';

/** What a route's handler function receives: validated, typed input. */
export interface HttpRequest<B, P, Q, A> {
  readonly body: Parsed<B>;
  readonly path: Parsed<P>;
  readonly query: Parsed<Q>;
  readonly principal: PrincipalFor<A>;
  readonly correlationId: string;
  /** The `Idempotency-Key` on idempotent routes. */
  readonly idempotencyKey?: string;
  /** The raw event (headers normalised, body parsed). Prefer the typed fields above. */
  readonly event: APIGatewayProxyEvent;
  readonly context: Context;
}

/** What a route's handler function returns; `body` is serialised as JSON. */
export interface HttpResult {
  readonly statusCode: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A Lambda handler for API Gateway proxy events. */
export type HttpLambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Serialises a handler result to an API Gateway proxy result. */
export function toProxyResult(result: HttpResult): APIGatewayProxyResult {
  const hasBody = result.body !== undefined && result.statusCode !== 204;
  return {
    statusCode: result.statusCode,
    headers: { ...(hasBody ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...(result.headers ?? {}) },
    body: hasBody ? JSON.stringify(result.body) : '',
  };
}

/** The executor of an idempotent operation's requests (shared/idempotency.ts `createIdempotentExecutor`). */
export type IdempotentExecutorFactory = (operation: string) => IdempotentExecutor;

/**
 * A route's handler function and how its domain errors become problems: how {@link httpHandler} and
 * `idempotentHttpHandler` are called (`Extra`: the further arguments a builder takes).
 */
export type HttpHandlerBuilder<Extra extends unknown[] = []> = <
  B extends z.ZodMiniType | undefined = undefined,
  P extends z.ZodMiniType | undefined = undefined,
  Q extends z.ZodMiniType | undefined = undefined,
  A extends AuthRequirement = { roles: [] },
>(
  options: HttpHandlerOptions<B, P, Q, A>,
  handlerFn: (request: HttpRequest<B, P, Q, A>) => Promise<HttpResult>,
  /** A capability's mapping of its domain errors to problems (what it does not know it returns unchanged). */
  mapError?: (error: unknown) => unknown,
  ...extra: Extra
) => HttpLambdaHandler;

/**
 * Wraps a route's handler function in the HTTP stack and returns the Lambda handler. An idempotent
 * route's handler is built with `idempotentHttpHandler` (shared/http/idempotent-handler.ts) instead,
 * which brings the idempotency records and the field encryption sealing them; this one refuses an
 * idempotent route when the handler is built (a cold-start error, never a request served without
 * its idempotency).
 *
 * @example
 * export const handler = httpHandler(getProductRoute, async ({ path }) => ({ statusCode: 200, body: await getProduct(repo, path.sku) }));
 */
export const httpHandler: HttpHandlerBuilder = (options, handlerFn, mapError) => buildHttpHandler(options, handlerFn as AnyHandlerFn, mapError);

/** A handler function, its input's types erased (the builders above keep them for their callers). */
type AnyHandlerFn = (request: HttpRequest<z.ZodMiniType | undefined, z.ZodMiniType | undefined, z.ZodMiniType | undefined, AuthRequirement>) => Promise<HttpResult>;

/** Handlers whose stack waits for their route's first request ({@link deferBuild}). */
const deferred = new WeakSet<HttpLambdaHandler>();

/**
 * Makes a route handler build its stack (the route's schemas and middlewares) on its route's
 * first request instead of at init. For a function serving several routes
 * (shared/http/route-dispatcher.ts), whose first request reads one route's stack, not all of them.
 * A handler not built by {@link buildHttpHandler}, or whose stack is already built, is left as it is.
 */
export function deferBuild(handler: HttpLambdaHandler): void {
  deferred.add(handler);
}

/**
 * The HTTP stack of {@link httpHandler}, with the idempotency executor of an idempotent route.
 *
 * The stack is built at init: in a microtask queued now, which runs once the code being loaded has
 * finished evaluating — for a function's bundle (esbuild puts its whole module graph in one file,
 * evaluated at once), before the runtime takes its first request. A function's first request reads
 * its route's stack, so the work belongs in init (which provisioned concurrency runs ahead of any
 * request). Not in the call itself, so that a dispatcher in the same bundle can ask for its routes'
 * stacks to wait for their first request ({@link deferBuild}). Where modules are evaluated one
 * import at a time (vitest's module runner, a graph with top-level await) the microtask may run
 * before the dispatcher asks: the stack is then simply built at load, as before. What can be
 * refused without building throws here: a route given to the wrong builder, a function without its
 * configuration.
 */
export function buildHttpHandler(
  options: HttpHandlerOptions,
  handlerFn: AnyHandlerFn,
  mapError: ((error: unknown) => unknown) | undefined,
  idempotency?: IdempotentExecutorFactory,
): HttpLambdaHandler {
  if (options.idempotent && !idempotency) {
    throw new Error(`${options.operation} is an idempotent route: build its handler with idempotentHttpHandler (shared/http/idempotent-handler.ts).`);
  }
  // Read now, so that a function without its configuration refuses to start when its handler is
  // made, as every handler does (observedHandler), even one whose stack waits for a request.
  requireStage();
  const corsOrigin = getConfig().http.corsAllowOrigin;
  const executor = options.idempotent ? idempotency?.(options.operation) : undefined;
  const stack = lazily(() => buildStack(options, handlerFn, mapError, corsOrigin, executor));
  // Async, so that a stack failing to build on a request rejects like any handler error.
  const handler: HttpLambdaHandler = async (event, context) => stack()(event, context);
  queueMicrotask(() => {
    if (!deferred.has(handler)) stack();
  });
  return handler;
}

/** The middlewares around the handler function, with the route's schemas. */
function buildStack(
  options: HttpHandlerOptions,
  handlerFn: AnyHandlerFn,
  mapError: ((error: unknown) => unknown) | undefined,
  corsOrigin: string,
  executor: IdempotentExecutor | undefined,
): HttpLambdaHandler {
  const auth: AuthRequirement = options.auth ?? { roles: [] };

  const base = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const state = requestState(event);
    const input = {
      body: state.body,
      path: state.path,
      query: state.query,
      principal: state.principal,
      correlationId: state.correlationId,
      idempotencyKey: state.idempotencyKey,
      event,
      context,
    } as Parameters<AnyHandlerFn>[0];
    const call = mapError
      ? () =>
          handlerFn(input).catch((error: unknown) => {
            throw mapError(error);
          })
      : () => handlerFn(input);
    const run = async () => toProxyResult(await call());
    if (!executor || state.idempotencyKey === undefined) return run();
    return executor.run({ userId: state.principal?.userId ?? ANONYMOUS, key: state.idempotencyKey, body: event.body, path: event.pathParameters ?? null }, context, run);
  };

  const stack = observedHandler<APIGatewayProxyEvent, APIGatewayProxyResult>(base).use(requestObservability(options.operation));
  if (options.maxBodyBytes !== undefined) stack.use(bodySizeLimit(options.maxBodyBytes));
  stack.use(httpHeaderNormalizer()).use(authorization(auth));
  if (options.body) stack.use(jsonBody());
  stack.use(zodValidation({ body: options.body, path: options.path, query: options.query }));
  if (options.idempotent) stack.use(idempotencyKeyHeader());
  stack
    .use(httpSecurityHeaders())
    .use(
      httpCors({
        origin: corsOrigin,
        headers: 'authorization,content-type,idempotency-key,x-correlation-id,x-access-reason',
        exposeHeaders: `${CORRELATION_ID_HEADER},idempotent-replayed,retry-after`,
      }),
    )
    .use(problemErrorHandler(options.operation));
  return stack as unknown as HttpLambdaHandler;
}
