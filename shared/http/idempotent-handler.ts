/**
 * `idempotentHttpHandler`: {@link httpHandler} for a route declared `idempotent` (ORD-7). It is a
 * module of its own so that only the functions serving an idempotent route bundle the idempotency
 * records and the field encryption that seals their stored responses (≈ 20 KB of a bundle,
 * docs/performance.md); `httpHandler` refuses an idempotent route.
 */
import type * as z from 'zod';
import type { AuthRequirement } from '../auth.ts';
import { createIdempotentExecutor } from '../idempotency.ts';
import { buildHttpHandler, type HttpLambdaHandler, type HttpRequest, type HttpResult } from './handler.ts';
import type { HttpHandlerOptions } from './route.ts';

/**
 * Wraps an idempotent route's handler function in the HTTP stack, with the `Idempotency-Key`
 * check and the executor that runs a request at most once per (operation, user, key).
 *
 * @example
 * export const handler = idempotentHttpHandler(placeOrderRoute, async ({ body, principal }) => ({ statusCode: 201, body: await placeOrder(…) }));
 */
export function idempotentHttpHandler<
  B extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  A extends AuthRequirement = { roles: [] },
>(
  options: HttpHandlerOptions<B, P, Q, A>,
  handlerFn: (request: HttpRequest<B, P, Q, A>) => Promise<HttpResult>,
  /** A capability's mapping of its domain errors to problems (what it does not know it returns unchanged). */
  mapError?: (error: unknown) => unknown,
): HttpLambdaHandler {
  if (!options.idempotent) throw new Error(`${options.operation} is not an idempotent route: build its handler with httpHandler.`);
  return buildHttpHandler(options, handlerFn, mapError, (operation) => createIdempotentExecutor(operation));
}
