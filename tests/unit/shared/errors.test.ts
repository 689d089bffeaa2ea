import { describe, expect, it } from 'vitest';
import * as z from '../../../shared/zod.ts';
import {
  badRequest,
  conflict,
  forbidden,
  formatIssuePath,
  idempotencyKeyReused,
  notFound,
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  requestInProgress,
  throttled,
  toProblemResponse,
  unauthorized,
  validationFailed,
} from '../../../shared/errors.ts';

const body = (result: { body?: string }) => JSON.parse(result.body ?? '') as Record<string, unknown>;

describe('errors → problem+json (API.md errors)', () => {
  it.each([
    [badRequest('nope'), 400, 'bad-request'],
    [unauthorized(), 401, 'unauthorized'],
    [forbidden(), 403, 'forbidden'],
    [notFound('no such sku'), 404, 'not-found'],
    [conflict('out of stock'), 409, 'conflict'],
    [requestInProgress(), 409, 'request-in-progress'],
    [idempotencyKeyReused(), 422, 'idempotency-key-reused'],
    [throttled(3), 429, 'throttled'],
  ])('%s maps to status %i with a stable type URI', (error, status, slug) => {
    const response = toProblemResponse(error);
    expect(response.statusCode).toBe(status);
    expect(response.headers?.['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    const problem = body(response);
    expect(problem.type).toBe(`https://errors.commerce.dev/${slug}`);
    expect(problem.status).toBe(status);
    expect(typeof problem.title).toBe('string');
  });

  it('SEC-5: zod issues become errors[] with paths per location', () => {
    const schema = z.object({ price: z.object({ amount: z.number().check(z.int()) }), items: z.array(z.object({ sku: z.string() })) });
    const result = schema.safeParse({ price: { amount: 1.5 }, items: [{ sku: 1 }] });
    expect(result.success).toBe(false);
    const problem = body(toProblemResponse(validationFailed(result.error!.issues, 'body')));
    expect(problem.status).toBe(400);
    expect(problem.type).toBe('https://errors.commerce.dev/validation-failed');
    const paths = (problem.errors as Array<{ path: string }>).map((e) => e.path).sort();
    expect(paths).toEqual(['body.items[0].sku', 'body.price.amount']);
  });

  it('formats paths without a location and at the root', () => {
    expect(formatIssuePath(undefined, ['a', 0, 'b'])).toBe('a[0].b');
    expect(formatIssuePath('body', [])).toBe('body');
    expect(formatIssuePath(undefined, [])).toBe('(root)');
  });

  it('unknown errors become a generic 500 that leaks nothing', () => {
    const secret = new Error('ConditionalCheckFailed on table prod-CatalogTable for 13800138000 at /var/task/index.js:12');
    const response = toProblemResponse(secret);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/CatalogTable|13800138000|var\/task|ConditionalCheck/);
    expect(body(response)).toMatchObject({ type: 'https://errors.commerce.dev/internal', status: 500 });
    expect(toProblemResponse('a string').statusCode).toBe(500);
    expect(toProblemResponse(undefined).statusCode).toBe(500);
  });

  it('omits absent optional members, adds headers, never serialises the cause', () => {
    const error = new ProblemError('x', 'X', 409, { cause: new Error('internal detail') });
    expect(body(toProblemResponse(error))).toEqual({ type: 'https://errors.commerce.dev/x', title: 'X', status: 409 });
    expect(toProblemResponse(throttled(5)).headers?.['retry-after']).toBe('5');
    expect(toProblemResponse(unauthorized()).headers?.['www-authenticate']).toBe('Bearer');
  });
});
