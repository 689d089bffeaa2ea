/**
 * Why a checkout use case refuses a request, in checkout's words: the use cases throw these (and
 * nothing HTTP), and the HTTP handlers map each to its problem response in one place
 * (handlers/problems.ts: 400, 403, 404, 409, 422). Each carries a client-safe `detail` — never
 * personal data — and, where fields are at fault, which ones.
 */
import type { FieldIssue } from './order-request.ts';

/** Base of every refusal of a checkout use case. */
export abstract class CheckoutError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    // Each refusal is named after its class (in logs), without repeating the name in every class.
    this.name = new.target.name;
  }
}

/** The request is invalid: these fields, and optionally what is wrong in a sentence (a bad request rather than a plain validation failure). */
export class InvalidCheckoutRequestError extends CheckoutError {
  constructor(
    readonly fields: readonly FieldIssue[],
    readonly explanation?: string,
  ) {
    super(explanation ?? 'The request has invalid fields; see errors.');
  }
}

/** The caller may not do this (their own orders only). */
export class CheckoutAccessDeniedError extends CheckoutError {}

/** The order, coupon or group does not exist (or is not the caller's: existence does not leak). */
export class CheckoutNotFoundError extends CheckoutError {}

/** The Idempotency-Key was used before with a different request body (ORD-7). */
export class IdempotencyKeyReusedError extends CheckoutError {
  constructor() {
    super('This Idempotency-Key was already used with a different request body.');
  }
}

/** Base of the refusals because of the current state (the request may succeed later or changed). */
export abstract class CheckoutConflictError extends CheckoutError {}

/** The request conflicts with the order's or coupon's current state. */
export class StateConflictError extends CheckoutConflictError {}

/** Not enough stock (ORD-4): the short lines, and whether to retry shortly (stock changing fast). */
export class OutOfStockError extends CheckoutConflictError {
  constructor(
    detail: string,
    readonly fields: readonly FieldIssue[] = [],
    readonly retryShortly = false,
  ) {
    super(detail);
  }
}

/** A per-customer cap (SEC-5) would be exceeded. */
export class PurchaseLimitReachedError extends CheckoutConflictError {}

/** A payment limit (PAY-1) would be exceeded; the detail says which. */
export class PaymentLimitExceededError extends CheckoutConflictError {}

/** The coupon does not apply (or its limits were reached). */
export class CouponNotApplicableError extends CheckoutConflictError {}

/** No group-buy offer runs for the item. */
export class GroupBuyUnavailableError extends CheckoutConflictError {}

/** The group to join is complete, expired, or its offer ended. */
export class GroupBuyClosedError extends CheckoutConflictError {}

/** The items (or the group) are contended right now: retry shortly. */
export class CheckoutBusyError extends CheckoutConflictError {}

/** The order's shipping address can no longer be corrected. */
export class AddressNotCorrectableError extends CheckoutConflictError {}
