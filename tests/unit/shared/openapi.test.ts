import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { buildOpenApiDocument } from '../../../shared/openapi.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import * as z from '../../../shared/zod.ts';
import { apiRoutes } from '../../../functions/platform/api-routes.ts';
import { handler as getOpenApi } from '../../../functions/platform/handlers/get-openapi.ts';
import { apiEvent, jsonBody, lambdaContext } from '../../support/http-events.ts';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        security: unknown[];
        responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
        requestBody?: unknown;
        parameters?: Array<{ name: string; in: string }>;
      }
    >
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

describe('OpenAPI document (API.md)', () => {
  const doc = buildOpenApiDocument(apiRoutes) as unknown as Doc;

  it('is OpenAPI 3.1 and covers every registered route', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const route of apiRoutes) {
      expect(doc.paths[route.pathTemplate]?.[route.method]?.operationId).toBe(route.operation);
    }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/openapi.json', '/products', '/products/{sku}', '/admin/products/{sku}']));
  });

  it('documents PUT /admin/products/{sku}: bearer auth, path parameter, body, 200/201 and problem+json errors', () => {
    const put = doc.paths['/admin/products/{sku}']!.put!;
    expect(put.security).toEqual([{ bearerAuth: [] }]);
    expect(put.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'sku', in: 'path' })]));
    expect(put.requestBody).toMatchObject({ required: true });
    // An optional body is documented as optional: a cancellation may be sent without one.
    expect(doc.paths['/orders/{orderId}/cancel']!.post!.requestBody).toMatchObject({ required: false });
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '409', '500']));
    expect(put.responses['403']!.content!['application/problem+json']!.schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(doc.components.schemas.Problem).toBeTruthy();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('public routes have no security requirement; list has limit/cursor/category query parameters', () => {
    expect(doc.paths['/health']!.get!.security).toEqual([]);
    const list = doc.paths['/products']!.get!;
    expect(list.security).toEqual([]);
    expect(list.parameters?.map((p) => p.name).sort()).toEqual(['category', 'cursor', 'limit']);
    expect(doc.paths['/products/{sku}']!.get!.responses['404']).toBeTruthy();
  });

  it('documents the headers a route reads: X-Access-Reason on GET /orders/{orderId} (SEC-4), Idempotency-Key on idempotent routes', () => {
    const get = doc.paths['/orders/{orderId}']!.get!;
    expect(get.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'x-access-reason', in: 'header' })]));
    const cancel = doc.paths['/orders/{orderId}/cancel']!.post!;
    expect(cancel.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header' })]));
  });

  it('integers carry only the bounds their schemas state; parameters with a default are optional', () => {
    const list = doc.paths['/products']!.get!;
    expect(list.parameters?.find((p) => p.name === 'limit')).toMatchObject({ required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } });
    // zod's safe-integer range is not repeated on every integer…
    const problem = doc.components.schemas.Problem as { properties: { status: Record<string, unknown> } };
    expect(problem.properties.status).toEqual({ type: 'integer', description: 'The HTTP status code' });
    // …but an amount that states it keeps it, optional or not.
    const payment = doc.components.schemas.Payment as { properties: Record<string, { maximum?: number }> };
    expect(payment.properties.amount?.maximum).toBe(Number.MAX_SAFE_INTEGER);
    expect(payment.properties.orderTotal?.maximum).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses a component that reads differently as a request and as a response (one id, one schema)', () => {
    const Named = () => z.object({ size: z._default(z.number(), 1) }).register(z.globalRegistry, { id: 'TwoFacedForTest' });
    const route = defineRoute({
      operation: 'twoFaced',
      method: 'post',
      pathTemplate: '/two-faced',
      summary: 'test',
      auth: 'public',
      body: Named,
      responses: { 200: { description: 'ok', schema: Named } },
    });
    expect(() => buildOpenApiDocument([route])).toThrow(/TwoFacedForTest converts differently/);
  });

  it('can be built repeatedly (one registry per build)', () => {
    expect(buildOpenApiDocument(apiRoutes)).toEqual(buildOpenApiDocument(apiRoutes));
  });

  it('GET /openapi.json serves it publicly', async () => {
    const result = await getOpenApi(apiEvent({ path: '/openapi.json' }), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(jsonBody<Doc>(result).paths['/admin/products/{sku}']).toBeTruthy();
  });
});
