/**
 * Checkout's use cases refuse with domain errors (functions/checkout/domain/checkout-errors.ts) and
 * the HTTP handlers map each to its problem in one place (handlers/problems.ts): SEC-5 (a clear 4xx
 * for bad input), ORD-4 (409 out-of-stock), ORD-7 (422 for a reused Idempotency-Key).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as errors from '../../../functions/checkout/domain/checkout-errors.ts';
import { checkoutProblem } from '../../../functions/checkout/handlers/problems.ts';
import { ProblemError } from '../../../shared/errors.ts';

const field = { path: 'body.items[0].sku', message: 'Unknown SKU' };

/** Every concrete domain error, an instance, and the problem it must become. */
const CASES: ReadonlyArray<[name: string, error: Error, status: number, slug: string]> = [
  ['InvalidCheckoutRequestError', new errors.InvalidCheckoutRequestError([field]), 400, 'validation-failed'],
  ['CheckoutAccessDeniedError', new errors.CheckoutAccessDeniedError('Customers can list only their own orders.'), 403, 'forbidden'],
  ['CheckoutNotFoundError', new errors.CheckoutNotFoundError('There is no order X.'), 404, 'not-found'],
  ['IdempotencyKeyReusedError', new errors.IdempotencyKeyReusedError(), 422, 'idempotency-key-reused'],
  ['StateConflictError', new errors.StateConflictError('The order is already cancelled.'), 409, 'conflict'],
  ['OutOfStockError', new errors.OutOfStockError('Not enough stock for: A.', [field]), 409, 'out-of-stock'],
  ['PurchaseLimitReachedError', new errors.PurchaseLimitReachedError('at most 5 units'), 409, 'purchase-limit-reached'],
  ['PaymentLimitExceededError', new errors.PaymentLimitExceededError('per-order limit'), 409, 'payment-limit-exceeded'],
  ['CouponNotApplicableError', new errors.CouponNotApplicableError('The coupon has expired.'), 409, 'coupon-not-applicable'],
  ['GroupBuyUnavailableError', new errors.GroupBuyUnavailableError('No group-buy offer runs for A now.'), 409, 'group-buy-unavailable'],
  ['GroupBuyClosedError', new errors.GroupBuyClosedError('The group is already complete.'), 409, 'group-buy-closed'],
  ['CheckoutBusyError', new errors.CheckoutBusyError('retry'), 409, 'busy'],
  ['AddressNotCorrectableError', new errors.AddressNotCorrectableError('The order is SHIPPED.'), 409, 'address-not-correctable'],
];

describe('checkout domain errors → HTTP problems, in one place (SEC-5, ORD-4, ORD-7)', () => {
  it.each(CASES)('%s → %i %s, with its detail', (name, error, status, slug) => {
    expect(error.name).toBe(name);
    const problem = checkoutProblem(error);
    expect(problem).toBeInstanceOf(ProblemError);
    expect(problem).toMatchObject({ status, slug });
    expect((problem as ProblemError).toJSON().detail).toBe((error as errors.CheckoutError).detail);
  });

  it('every concrete error the domain module exports has a case (a new one cannot be forgotten)', () => {
    const exported = Object.entries(errors)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
      .map(([name]) => name)
      .filter((name) => !['CheckoutError', 'CheckoutConflictError'].includes(name));
    expect(new Set(exported)).toEqual(new Set(CASES.map(([name]) => name)));
  });

  it('every conflict maps to 409, field errors are kept, and a bad request keeps its explanation', () => {
    for (const [, error, status] of CASES) expect(status === 409).toBe(error instanceof errors.CheckoutConflictError);
    expect(checkoutProblem(new errors.OutOfStockError('short', [field]))).toMatchObject({ errors: [field] });
    expect(checkoutProblem(new errors.OutOfStockError('changing fast', [], true))).toMatchObject({ headers: { 'retry-after': '1' } });
    expect(checkoutProblem(new errors.CheckoutBusyError('retry'))).toMatchObject({ headers: { 'retry-after': '1' } });
    const bad = checkoutProblem(new errors.InvalidCheckoutRequestError([field], 'The cursor is not valid; start again without one.')) as ProblemError;
    expect(bad.toJSON()).toEqual({
      type: 'https://errors.commerce.dev/bad-request',
      title: 'Bad request',
      status: 400,
      detail: 'The cursor is not valid; start again without one.',
      errors: [field],
    });
  });

  it('anything else passes unchanged (a kernel problem as itself, an unexpected error to the generic 500)', () => {
    const unexpected = new Error('boom');
    expect(checkoutProblem(unexpected)).toBe(unexpected);
    const kernel = new ProblemError('throttled', 'Too many requests', 429);
    expect(checkoutProblem(kernel)).toBe(kernel);
  });

  it('no checkout use case or domain module imports HTTP errors, and every checkout route handler maps through checkoutProblem', () => {
    const dir = path.resolve(import.meta.dirname, '../../../functions/checkout');
    const modules = [...fs.readdirSync(dir).map((f) => path.join(dir, f)), ...fs.readdirSync(path.join(dir, 'domain')).map((f) => path.join(dir, 'domain', f))].filter((f) =>
      f.endsWith('.ts'),
    );
    for (const file of modules) expect(fs.readFileSync(file, 'utf8'), path.relative(dir, file)).not.toMatch(/shared\/errors\.ts|ProblemError/);
    const handlers = path.join(dir, 'handlers');
    for (const file of fs.readdirSync(handlers).filter((f) => f.endsWith('.ts') && f !== 'problems.ts')) {
      const source = fs.readFileSync(path.join(handlers, file), 'utf8');
      // checkoutHttpHandler, or — an idempotent route — idempotentHttpHandler(route, fn, checkoutProblem[, idempotency options])
      if (source.includes('../routes.ts')) expect(source, file).toMatch(/checkoutHttpHandler\(|idempotentHttpHandler\([\s\S]*checkoutProblem,(\s*\{[^}]*\},?)?\s*\)/);
      expect(source, file).not.toMatch(/\bhttpHandler\(/);
    }
  });
});
