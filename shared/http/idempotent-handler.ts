/**
 * `idempotentHttpHandler`: {@link httpHandler} for a route declared `idempotent` (ORD-7). It is a
 * module of its own so that only the functions serving an idempotent route bundle the idempotency
 * records and the field encryption that seals their stored responses (≈ 20 KB of a bundle,
 * docs/performance.md); `httpHandler` refuses an idempotent route.
 */
import { createIdempotentExecutor, type ResponseSealer } from '../idempotency.ts';
import { buildHttpHandler, type HttpHandlerBuilder } from './handler.ts';

/** How the route's stored responses are kept. */
export interface IdempotencyOptions {
  /**
   * The field encryptor sealing stored responses; default one of the container's own. A route that
   * encrypts the same customer's data passes its own, so that a new customer's keys of both kinds
   * are created together (FieldEncryptorOptions.customerKeyCompanions).
   */
  readonly sealer?: () => ResponseSealer;
}

/**
 * Wraps an idempotent route's handler function in the HTTP stack, with the `Idempotency-Key`
 * check and the executor that runs a request at most once per (operation, user, key). Refuses a
 * route that is not idempotent.
 *
 * @example
 * export const handler = idempotentHttpHandler(placeOrderRoute, async ({ body, principal }) => ({ statusCode: 201, body: await placeOrder(…) }));
 */
export const idempotentHttpHandler: HttpHandlerBuilder<[idempotency?: IdempotencyOptions]> = (options, handlerFn, mapError, idempotency = {}) => {
  if (!options.idempotent) throw new Error(`${options.operation} is not an idempotent route: build its handler with httpHandler.`);
  const executor = (operation: string) => createIdempotentExecutor(operation, idempotency.sealer ? { sealer: idempotency.sealer } : {});
  return buildHttpHandler(options, handlerFn as Parameters<typeof buildHttpHandler>[1], mapError, executor);
};
