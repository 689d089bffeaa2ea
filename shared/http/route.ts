/**
 * Route contracts: what an HTTP operation accepts and returns, declared once next to its
 * capability (`functions/<capability>/routes.ts`). The same object drives request validation in
 * {@link ./handler.ts httpHandler} and the OpenAPI document ({@link ../openapi.ts}), so the two
 * cannot drift. This module is free of middy and Powertools: the OpenAPI builder imports it.
 */
import type * as z from 'zod';
import type { AuthRequirement, Principal } from '../auth.ts';

/** What the HTTP stack validates and enforces for an operation. */
export interface HttpHandlerOptions<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
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
  readonly schema?: z.ZodType;
}

/** An operation's full contract: the handler options plus what OpenAPI needs. */
export interface RouteContract<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
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
  readonly headers?: z.ZodObject;
  /** Problem statuses specific to this operation (e.g. 404, 409). 400/401/403/422/500 are added automatically. */
  readonly problems?: readonly number[];
}

/** Declares a route contract (an identity function that keeps the literal types). */
export function defineRoute<
  B extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  const A extends AuthRequirement = AuthRequirement,
>(route: RouteContract<B, P, Q, A>): RouteContract<B, P, Q, A> {
  return route;
}

/** The parsed value of an optional schema. */
export type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** The principal a handler gets: optional on public routes, always present otherwise. */
export type PrincipalFor<A> = A extends 'public' ? Principal | undefined : Principal;
