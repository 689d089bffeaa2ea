/**
 * What can stop a change of orders from committing, as the use cases see it: the order store port
 * (orders-repository.ts) reports these, whatever stores the orders (DynamoDB, or a test double),
 * and the use cases decide what each means — another attempt, or an answer to the client. Plain
 * errors, no storage or HTTP types.
 */

/** A per-customer cap (open unpaid orders, units of one SKU reserved) would be exceeded (SEC-5). */
export class CustomerHoldsExceededError extends Error {
  override readonly name = 'CustomerHoldsExceededError';
}

/** Stock ran out between reading and writing: these (sku, warehouse) reservations failed. */
export class StockConflictError extends Error {
  override readonly name = 'StockConflictError';
  constructor(readonly failed: ReadonlyArray<{ sku: string; warehouseId: string }>) {
    super(`stock changed for ${failed.map((f) => `${f.sku}@${f.warehouseId}`).join(', ')}`);
  }
}

/** The request (customer + Idempotency-Key) already placed an order. */
export class RequestAlreadyPlacedError extends Error {
  override readonly name = 'RequestAlreadyPlacedError';
  constructor(
    readonly orderId: string,
    readonly bodyHash: string,
  ) {
    super(`request already placed order ${orderId}`);
  }
}

/** A coupon limit was reached between pricing and writing. */
export class CouponExhaustedError extends Error {
  override readonly name = 'CouponExhaustedError';
  constructor(readonly limit: 'total' | 'customer') {
    super(`coupon ${limit} limit reached`);
  }
}

/** The group-buy group changed since it was read (another member joined, it filled or ended), or a new group's code is taken: read it again. */
export class GroupChangedError extends Error {
  override readonly name = 'GroupChangedError';
}

/** Another transaction touched the same items at the same time (retry with jitter). */
export class TransientConflictError extends Error {
  override readonly name = 'TransientConflictError';
}

/** The order changed since it was read (retry from a fresh read). */
export class StaleOrderError extends Error {
  override readonly name = 'StaleOrderError';
}

/** A release could not be applied: the stock item holds less than the order's reservation. */
export class StockReleaseError extends Error {
  override readonly name = 'StockReleaseError';
}

/**
 * A release found the order's reservation no longer `reserved`: fulfillment picked it (allocation
 * won the race with a cancellation) or it was released before. Nothing of it is to be released.
 */
export class ReservationsNotHeldError extends Error {
  override readonly name = 'ReservationsNotHeldError';
  constructor(readonly reservations: ReadonlyArray<{ sku: string; warehouseId: string }>) {
    super(`reservations no longer held: ${reservations.map((r) => `${r.sku}@${r.warehouseId}`).join(', ')}`);
  }
}

/** A coupon's new total limit is below its usage (a race with orders using it). */
export class CouponTotalBelowUsageError extends Error {
  override readonly name = 'CouponTotalBelowUsageError';
}
