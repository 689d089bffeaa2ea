/**
 * `POST /orders/{orderId}/cancel` may be sent without a body (API.md): the body then parses to `{}`
 * — a fresh one each time, so nothing a request does to its parsed body reaches the next request
 * of the same container (zod/mini: a check added after a default would keep one default object).
 */
import { describe, expect, it } from 'vitest';
import { CancelBodySchema } from '../../../functions/checkout/routes.ts';

describe('the cancel body', () => {
  it('is {} when absent, a new object at every parse; a reason is kept; unknown fields are refused', () => {
    const first = CancelBodySchema().parse(undefined) as Record<string, unknown>;
    expect(first).toEqual({});
    first.reason = 'left over from an earlier request';
    expect(CancelBodySchema().parse(undefined)).toEqual({});
    expect(CancelBodySchema().parse({ reason: 'changed my mind' })).toEqual({ reason: 'changed my mind' });
    expect(CancelBodySchema().safeParse({ refund: 'everything' }).success).toBe(false);
  });
});
