import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import * as z from '../../../shared/zod.ts';
import { notFound } from '../../../shared/errors.ts';
import { FieldEncryptionError } from '../../../shared/field-encryption.ts';
import { httpHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { logger } from '../../../shared/observability.ts';
import { handler as health } from '../../../functions/platform/handlers/get-health.ts';
import { apiEvent, claimsFor, jsonBody, lambdaContext, TEST_STAFF_ISSUER } from '../../support/http-events.ts';

const header = (result: { headers?: Record<string, unknown> }, name: string) => Object.entries(result.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

const calls: unknown[] = [];
const echo = httpHandler(
  {
    operation: 'echo',
    auth: { roles: ['ops'] },
    path: z.object({ sku: z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/)) }),
    query: z.object({ limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20) }),
    body: z.object({ name: z.string().check(z.minLength(1)), price: z.object({ amount: z.number().check(z.int()), currency: z.literal('CNY') }) }),
  },
  async (request) => {
    calls.push(request);
    return { statusCode: 200, body: { sku: request.path.sku, limit: request.query.limit, name: request.body.name, by: request.principal.userId } };
  },
);

const validEvent = (overrides: Parameters<typeof apiEvent>[0] = {}) =>
  apiEvent({
    method: 'PUT',
    path: '/things/ABC-1',
    pathParameters: { sku: 'ABC-1' },
    query: { limit: '5' },
    body: { name: 'Tea', price: { amount: 100, currency: 'CNY' } },
    claims: claimsFor('staff-1', 'ops'),
    ...overrides,
  });

const failing = httpHandler({ operation: 'boom', auth: 'public' }, async () => {
  throw new Error('DynamoDB table prod-Customers: phone 13800138000 failed at /var/task/handler.js:10');
});

const erasedCaller = httpHandler({ operation: 'erased', auth: 'public' }, async () => {
  const refusal = Object.assign(new Error('Customer c-1 was erased.'), { name: 'CustomerErasedError' });
  throw new FieldEncryptionError("Cannot encrypt field 'name' of order o-1: the customer was erased.", { cause: refusal });
});

describe('HTTP stack (SEC-1, SEC-5)', () => {
  it('SEC-3: a request by an erased customer (keys shredded, token still valid) is refused with 403, not a 500', async () => {
    const result = await erasedCaller(apiEvent({ method: 'POST', path: '/x' }), lambdaContext());
    expect(result.statusCode).toBe(403);
    expect(jsonBody(result)).toMatchObject({ detail: expect.stringContaining('erased') });
  });

  beforeAll(() => {
    calls.length = 0;
  });

  it('passes typed, validated input to the handler and serialises JSON', async () => {
    const result = await echo(validEvent(), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ sku: 'ABC-1', limit: 5, name: 'Tea', by: 'staff-1' });
    expect(header(result, 'content-type')).toMatch(/^application\/json/);
  });

  it('SEC-5: malformed JSON → 400 problem (not 415/500)', async () => {
    const result = await echo(validEvent({ body: '{"name": "Tea",', headers: { 'Content-Type': 'application/json' } }), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(header(result, 'content-type')).toBe('application/problem+json');
    expect(jsonBody(result)).toMatchObject({ type: 'https://errors.commerce.dev/malformed-json', status: 400 });
  });

  it('SEC-5: a body that is not JSON → 415 problem', async () => {
    const result = await echo(validEvent({ body: 'name=Tea', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), lambdaContext());
    expect(result.statusCode).toBe(415);
    expect(jsonBody(result)).toMatchObject({ type: 'https://errors.commerce.dev/unsupported-media-type' });
  });

  it('SEC-5: no body at all is not a media-type problem: a required body is a 400 naming it', async () => {
    const result = await echo(validEvent({ body: '', headers: {} }), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(jsonBody(result)).toMatchObject({ type: 'https://errors.commerce.dev/validation-failed' });
    expect((jsonBody(result) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain('body');
  });

  it('SEC-5: zod errors of body, path and query → one 400 problem with every offending path', async () => {
    const result = await echo(
      validEvent({ pathParameters: { sku: 'bad sku' }, query: { limit: '500' }, body: { name: '', price: { amount: 1.5, currency: 'USD' } } }),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(400);
    const problem = jsonBody<{ type: string; errors: Array<{ path: string; message: string }> }>(result);
    expect(problem.type).toBe('https://errors.commerce.dev/validation-failed');
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['body.name', 'body.price.amount', 'body.price.currency', 'path.sku', 'query.limit']);
    expect(problem.errors.every((e) => typeof e.message === 'string' && e.message.length > 0)).toBe(true);
  });

  it('SEC-5: an empty body on a route with a body → 400, and the handler never runs', async () => {
    const before = calls.length;
    const result = await echo(validEvent({ body: undefined, headers: { 'Content-Type': 'application/json' } }), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(calls.length).toBe(before);
  });

  it('SEC-1: no claims → 401; wrong role → 403; admin passes a staff route', async () => {
    const anonymous = await echo(validEvent({ claims: undefined }), lambdaContext());
    expect(anonymous.statusCode).toBe(401);
    expect(jsonBody(anonymous)).toMatchObject({ type: 'https://errors.commerce.dev/unauthorized' });
    const customer = await echo(validEvent({ claims: claimsFor('c-1', 'customer') }), lambdaContext());
    expect(customer.statusCode).toBe(403);
    expect(jsonBody(customer)).toMatchObject({ type: 'https://errors.commerce.dev/forbidden' });
    const admin = await echo(validEvent({ claims: { sub: 'a-1', 'cognito:groups': '[admin]', iss: TEST_STAFF_ISSUER } }), lambdaContext());
    expect(admin.statusCode).toBe(200);
  });

  it('SEC-1: 401 comes before validation (an anonymous caller learns nothing about the schema)', async () => {
    const result = await echo(validEvent({ claims: undefined, body: '{bad' }), lambdaContext());
    expect(result.statusCode).toBe(401);
  });

  it('problems thrown by the handler keep their status', async () => {
    const missing = httpHandler({ operation: 'missing', auth: 'public' }, async () => {
      throw notFound('There is no product X.');
    });
    const result = await missing(apiEvent(), lambdaContext());
    expect(result.statusCode).toBe(404);
    expect(jsonBody(result)).toEqual({ type: 'https://errors.commerce.dev/not-found', title: 'Not found', status: 404, detail: 'There is no product X.' });
  });

  it('an unknown error → 500 problem with no internals or personal data, logged instead', async () => {
    const spy = vi.spyOn(logger, 'error');
    const result = await failing(apiEvent(), lambdaContext());
    expect(result.statusCode).toBe(500);
    expect(header(result, 'content-type')).toBe('application/problem+json');
    expect(result.body).not.toMatch(/DynamoDB|Customers|13800138000|var\/task|stack/i);
    expect(jsonBody(result)).toMatchObject({ type: 'https://errors.commerce.dev/internal', status: 500, title: 'Internal server error' });
    expect(spy).toHaveBeenCalledWith('unhandled error', expect.objectContaining({ operation: 'boom' }));
    spy.mockRestore();
  });

  it('security headers and CORS are present on success and on problems', async () => {
    for (const result of [await echo(validEvent(), lambdaContext()), await echo(validEvent({ claims: undefined }), lambdaContext()), await failing(apiEvent(), lambdaContext())]) {
      expect(header(result, 'strict-transport-security')).toBeTruthy();
      expect(header(result, 'x-content-type-options')).toBe('nosniff');
      expect(header(result, 'access-control-allow-origin')).toBe('*');
    }
  });

  it('the correlation id is taken from x-correlation-id and echoed, else the API Gateway request id', async () => {
    const given = await echo(validEvent({ headers: { 'X-Correlation-Id': 'corr-123' } }), lambdaContext());
    expect(header(given, 'x-correlation-id')).toBe('corr-123');
    const fallback = await echo(validEvent({ requestId: 'apigw-req-9' }), lambdaContext());
    expect(header(fallback, 'x-correlation-id')).toBe('apigw-req-9');
    const hostile = await echo(validEvent({ requestId: 'apigw-req-10', headers: { 'x-correlation-id': 'a\nfake log line' } }), lambdaContext());
    expect(header(hostile, 'x-correlation-id')).toBe('apigw-req-10');
    const onError = await failing(apiEvent({ headers: { 'x-correlation-id': 'corr-err' } }), lambdaContext());
    expect(header(onError, 'x-correlation-id')).toBe('corr-err');
  });

  it('logs one summary line per request: operation, status, duration — never bodies or headers', async () => {
    const spy = vi.spyOn(logger, 'info');
    await echo(validEvent({ headers: { Authorization: 'Bearer secret-token' } }), lambdaContext());
    const lines = spy.mock.calls.map((call) => JSON.stringify(call));
    expect(spy).toHaveBeenCalledWith('request completed', expect.objectContaining({ operation: 'echo', status: 200, durationMs: expect.any(Number) }));
    expect(lines.join('\n')).not.toMatch(/Tea|secret-token|Bearer/);
    spy.mockRestore();
  });

  it('ORD-7: an idempotent route is built only with idempotentHttpHandler (the one bringing the idempotency records), which takes only idempotent routes', () => {
    const route = { operation: 'create', auth: { roles: ['customer'] }, idempotent: true, body: z.object({ a: z.number() }) } as const;
    expect(() => httpHandler(route, async () => ({ statusCode: 201, body: {} }))).toThrow(/create is an idempotent route: build its handler with idempotentHttpHandler/);
    expect(() => idempotentHttpHandler({ ...route, idempotent: false }, async () => ({ statusCode: 201, body: {} }))).toThrow(/create is not an idempotent route/);
  });

  it('ORD-7: an idempotent route without an Idempotency-Key → 400 before anything runs', async () => {
    let ran = false;
    const create = idempotentHttpHandler({ operation: 'create', auth: { roles: ['customer'] }, idempotent: true, body: z.object({ a: z.number() }) }, async () => {
      ran = true;
      return { statusCode: 201, body: {} };
    });
    const missing = await create(apiEvent({ method: 'POST', body: { a: 1 }, claims: claimsFor('c-1', 'customer') }), lambdaContext());
    expect(missing.statusCode).toBe(400);
    expect(jsonBody<{ errors: Array<{ path: string }> }>(missing).errors[0]?.path).toBe('headers.idempotency-key');
    const tooLong = await create(
      apiEvent({ method: 'POST', body: { a: 1 }, headers: { 'Idempotency-Key': 'k'.repeat(256) }, claims: claimsFor('c-1', 'customer') }),
      lambdaContext(),
    );
    expect(tooLong.statusCode).toBe(400);
    expect(ran).toBe(false);
  });

  it('GET /health → 200 {status: ok}, public, and a route without a body ignores one', async () => {
    const result = await health(apiEvent({ path: '/health' }), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ status: 'ok' });
    const withJunk = await health(apiEvent({ path: '/health', body: '{not json' }), lambdaContext());
    expect(withJunk.statusCode).toBe(200);
  });
});
