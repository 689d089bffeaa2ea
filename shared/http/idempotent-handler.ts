/**
 * `idempotentHttpHandler`: {@link httpHandler} for a route declared `idempotent` (ORD-7). It is a
 * module of its own so that only the functions serving an idempotent route bundle the idempotency
 * records and the field encryption that seals their stored responses (≈ 20 KB of a bundle,
 * docs/performance.md); `httpHandler` refuses an idempotent route.
 */
import { createIdempotentExecutor } from '../idempotency.ts';
import { buildHttpHandler, type HttpHandlerBuilder } from './handler.ts';

/**
 * Wraps an idempotent route's handler function in the HTTP stack, with the `Idempotency-Key`
 * check and the executor that runs a request at most once per (operation, user, key). Refuses a
 * route that is not idempotent.
 *
 * @example
 * export const handler = idempotentHttpHandler(placeOrderRoute, async ({ body, principal }) => ({ statusCode: 201, body: await placeOrder(…) }));
 */
export const idempotentHttpHandler: HttpHandlerBuilder = (options, handlerFn, mapError) => {
  if (!options.idempotent) throw new Error(`${options.operation} is not an idempotent route: build its handler with httpHandler.`);
  return buildHttpHandler(options, handlerFn as Parameters<typeof buildHttpHandler>[1], mapError, createIdempotentExecutor);
};
