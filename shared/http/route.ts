/**
 * Route contracts: what an HTTP operation accepts and returns, declared once next to its
 * capability (`functions/<capability>/routes.ts`). The same object drives request validation in
 * {@link ./handler.ts httpHandler} and the OpenAPI document ({@link ../openapi.ts}), so the two
 * cannot drift. This module is free of middy and Powertools: the OpenAPI builder imports it.
 */
import type * as z from '../zod.ts';
import type { AuthRequirement, Principal } from '../auth.ts';
import { lazily } from '../lazily.ts';

/** What the HTTP stack validates and enforces for an operation. */
export interface HttpHandlerOptions<
  B extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  P extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  Q extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  A extends AuthRequirement = AuthRequirement,
> {
  /** Stable operation name (camelCase), used in logs, metrics, OpenAPI `operationId` and idempotency keys. */
  readonly operation: string;
  /**
   * Who may call (SEC-1), required so that no route is open by omission: `'public'` (said
   * explicitly: no token needed), or the roles allowed (`admin` passes any route open to staff;
   * `{ roles: [] }` = any signed-in caller). Routes open only to staff roles are served behind the
   * staff pool's authorizer (infra/constructs/commerce-api.ts).
   */
  readonly auth: A;
  /** Schema of the JSON body. Omitted = the body is ignored and not parsed. */
  readonly body?: B;
  /** Schema of the path parameters. */
  readonly path?: P;
  /** Schema of the query string parameters. */
  readonly query?: Q;
  /** Requires an `Idempotency-Key` header and replays the first response for a repeated key (ORD-7). */
  readonly idempotent?: boolean;
  /**
   * The largest request body accepted, in bytes (after base64 decoding). A larger one is refused
   * with 413 before anything else — authorisation, signature checks, parsing, the handler (SEC-5).
   * Webhooks use {@link WEBHOOK_MAX_BODY_BYTES}.
   */
  readonly maxBodyBytes?: number;
}

/** The body size cap of the public webhook routes (64 KB): a provider's or carrier's notification is far smaller. */
export const WEBHOOK_MAX_BODY_BYTES = 64 * 1024;

/** HTTP methods the API uses. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One documented success response. */
export interface RouteResponse {
  readonly description: string;
  /** Schema of the JSON body; omitted for responses without one. */
  readonly schema?: z.ZodMiniType;
}

/** An operation's full contract: the handler options plus what OpenAPI needs. */
export interface RouteContract<
  B extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  P extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  Q extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  A extends AuthRequirement = AuthRequirement,
> extends HttpHandlerOptions<B, P, Q, A> {
  readonly method: HttpMethod;
  /** The API Gateway resource path, e.g. `/products/{sku}`. */
  readonly pathTemplate: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  /** Success responses by status code. */
  readonly responses: Readonly<Record<number, RouteResponse>>;
  /** Request headers the operation reads, documented in OpenAPI (the handler checks them itself). */
  readonly headers?: z.ZodMiniObject;
  /** Problem statuses specific to this operation (e.g. 404, 409). 400/401/403/422/500 are added automatically. */
  readonly problems?: readonly number[];
}

/** A schema, or a function building it on first use. */
export type LazySchema<S> = S | (() => S);

/**
 * A route as declared: its schemas may be given as functions that build them. A capability's route
 * module is bundled whole into each of its functions, which serves one or two of its routes; the
 * schemas of the others were built at import all the same (hundreds of zod schemas, a large part of
 * a cold start: docs/performance.md).
 */
export interface RouteDeclaration<
  B extends z.ZodMiniType | undefined,
  P extends z.ZodMiniType | undefined,
  Q extends z.ZodMiniType | undefined,
  A extends AuthRequirement,
> extends Omit<RouteContract<B, P, Q, A>, 'body' | 'path' | 'query' | 'headers' | 'responses'> {
  readonly body?: LazySchema<B>;
  readonly path?: LazySchema<P>;
  readonly query?: LazySchema<Q>;
  readonly headers?: LazySchema<z.ZodMiniObject>;
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: LazySchema<z.ZodMiniType> }>>;
}

/** Resolves a {@link LazySchema} once, on first read. */
const memoized = <S>(value: LazySchema<S> | undefined): (() => S | undefined) => (typeof value === 'function' ? lazily(value as () => S) : () => value);

/**
 * Declares a route contract, keeping the literal types. Schemas given as functions are built the
 * first time the contract's field is read — by the function serving the route (when its handler is
 * built), the OpenAPI document or a test — and never by a function serving another route.
 */
export function defineRoute<
  B extends z.ZodMiniType | undefined = undefined,
  P extends z.ZodMiniType | undefined = undefined,
  Q extends z.ZodMiniType | undefined = undefined,
  const A extends AuthRequirement = AuthRequirement,
>(route: RouteDeclaration<B, P, Q, A>): RouteContract<B, P, Q, A> {
  const { body, path, query, headers, responses, ...rest } = route;
  const lazy = { body: memoized(body), path: memoized(path), query: memoized(query), headers: memoized(headers) };
  const resolvedResponses = Object.fromEntries(
    Object.entries(responses).map(([status, { description, schema }]) => {
      const resolve = memoized(schema);
      return [status, Object.defineProperties({ description }, { schema: { enumerable: schema !== undefined, get: resolve } })];
    }),
  );
  const contract = { ...rest, responses: resolvedResponses };
  for (const [field, resolve] of Object.entries(lazy)) {
    if (route[field as keyof typeof lazy] !== undefined) Object.defineProperty(contract, field, { enumerable: true, get: resolve });
  }
  return contract as unknown as RouteContract<B, P, Q, A>;
}

/** The parsed value of an optional schema. */
export type Parsed<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

/** The principal a handler gets: optional on public routes, always present otherwise. */
export type PrincipalFor<A> = A extends 'public' ? Principal | undefined : Principal;
