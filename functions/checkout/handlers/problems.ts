/**
 * The one place checkout's refusals become HTTP: every checkout route's handler is built with
 * {@link checkoutHttpHandler} — or, for an idempotent route, with `idempotentHttpHandler(route, fn,
 * checkoutProblem)` — whose error mapping ({@link checkoutProblem}) turns each domain error of
 * domain/checkout-errors.ts into its problem+json response. Anything else passes unchanged (a
 * kernel ProblemError as itself, an unexpected error as the stack's generic 500).
 */
import type * as z from '../../../shared/zod.ts';
import type { AuthRequirement } from '../../../shared/auth.ts';
import { badRequest, conflict, forbidden, idempotencyKeyReused, invalidFields, notFound, ProblemError } from '../../../shared/errors.ts';
import { httpHandler, type HttpLambdaHandler, type HttpRequest, type HttpResult } from '../../../shared/http/handler.ts';
import type { HttpHandlerOptions } from '../../../shared/http/route.ts';
import {
  AddressNotCorrectableError,
  CheckoutAccessDeniedError,
  CheckoutBusyError,
  CheckoutNotFoundError,
  CouponNotApplicableError,
  GroupBuyClosedError,
  GroupBuyUnavailableError,
  IdempotencyKeyReusedError,
  InvalidCheckoutRequestError,
  OutOfStockError,
  PaymentLimitExceededError,
  PurchaseLimitReachedError,
  StateConflictError,
} from '../domain/checkout-errors.ts';

const RETRY_SHORTLY = { 'retry-after': '1' } as const;

/** The problem response of a checkout domain error; any other error is returned unchanged. */
export function checkoutProblem(error: unknown): unknown {
  if (error instanceof InvalidCheckoutRequestError) return error.explanation === undefined ? invalidFields(error.fields) : badRequest(error.explanation, error.fields);
  if (error instanceof CheckoutAccessDeniedError) return forbidden(error.detail);
  if (error instanceof CheckoutNotFoundError) return notFound(error.detail);
  if (error instanceof IdempotencyKeyReusedError) return idempotencyKeyReused();
  if (error instanceof StateConflictError) return conflict(error.detail);
  if (error instanceof OutOfStockError) {
    return new ProblemError('out-of-stock', 'Out of stock', 409, {
      detail: error.detail,
      ...(error.fields.length > 0 ? { errors: error.fields } : {}),
      ...(error.retryShortly ? { headers: RETRY_SHORTLY } : {}),
    });
  }
  if (error instanceof PurchaseLimitReachedError) return new ProblemError('purchase-limit-reached', 'Purchase limit reached', 409, { detail: error.detail });
  if (error instanceof PaymentLimitExceededError) return new ProblemError('payment-limit-exceeded', 'Payment limit exceeded', 409, { detail: error.detail });
  if (error instanceof CouponNotApplicableError) return new ProblemError('coupon-not-applicable', 'Coupon not applicable', 409, { detail: error.detail });
  if (error instanceof GroupBuyUnavailableError) return new ProblemError('group-buy-unavailable', 'No group-buy offer', 409, { detail: error.detail });
  if (error instanceof GroupBuyClosedError) return new ProblemError('group-buy-closed', 'Group closed', 409, { detail: error.detail });
  if (error instanceof CheckoutBusyError) return new ProblemError('busy', 'Busy', 409, { detail: error.detail, headers: RETRY_SHORTLY });
  if (error instanceof AddressNotCorrectableError) return new ProblemError('address-not-correctable', 'Address cannot be corrected', 409, { detail: error.detail });
  return error;
}

/** `httpHandler` with checkout's error mapping: how every checkout route that is not idempotent is built. */
export function checkoutHttpHandler<
  B extends z.ZodMiniType | undefined = undefined,
  P extends z.ZodMiniType | undefined = undefined,
  Q extends z.ZodMiniType | undefined = undefined,
  A extends AuthRequirement = { roles: [] },
>(options: HttpHandlerOptions<B, P, Q, A>, handlerFn: (request: HttpRequest<B, P, Q, A>) => Promise<HttpResult>): HttpLambdaHandler {
  return httpHandler(options, handlerFn, checkoutProblem);
}
