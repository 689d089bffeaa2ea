/**
 * The foundation end to end, over HTTP against the local cloud as a client would use it:
 * health, the catalog (ORD-1), the OpenAPI document (API.md), authentication and roles (SEC-1),
 * and problem+json for bad input (SEC-5).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { api, tokenFor } from '../../support/e2e.ts';

const PROBLEM = 'application/problem+json';

describe('platform (e2e)', () => {
  it('GET /health answers ok', async () => {
    const res = await api('/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
    expect(res.headers.get('x-correlation-id')).toBeTruthy();
    expect(res.headers.get('strict-transport-security')).toBeTruthy();
  });

  it('serves a valid OpenAPI 3.1 document describing every API.md route', async () => {
    const res = await api('/openapi.json');
    expect(res.status).toBe(200);
    const result = await new Validator().validate(res.json as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const paths = Object.keys((res.json as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(['/health', '/openapi.json', '/products', '/products/{sku}', '/admin/products/{sku}']));
  });

  it('lists the seeded catalog a page at a time and serves one product with its stock (ORD-1)', async () => {
    const first = await api('/products?limit=5');
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(5);
    expect(typeof first.json.nextCursor).toBe('string');
    const second = await api(`/products?limit=5&cursor=${encodeURIComponent(String(first.json.nextCursor))}`);
    expect(second.status).toBe(200);
    const skus = [...(first.json.items as Array<{ sku: string }>), ...(second.json.items as Array<{ sku: string }>)].map((p) => p.sku);
    expect(new Set(skus).size).toBe(10);

    const lychee = await api('/products/FRESH-LYCHEE-1KG');
    expect(lychee.status).toBe(200);
    expect(lychee.json).toMatchObject({ sku: 'FRESH-LYCHEE-1KG', price: { amount: 5990, currency: 'CNY' }, category: 'fresh-food' });
    expect(typeof lychee.json.availableStock).toBe('number');
  });

  it('answers an unknown product and an unknown route with 404 problems', async () => {
    const product = await api('/products/NO-SUCH-SKU');
    expect(product.status).toBe(404);
    expect(product.headers.get('content-type')).toContain(PROBLEM);
    const route = await api('/no/such/route');
    expect(route.status).toBe(404);
    expect(route.headers.get('content-type')).toContain(PROBLEM);
    expect(route.json).toMatchObject({ status: 404, title: 'Not found' });
  });

  it('refuses a staff route without a token (401) and with a forged one (401)', async () => {
    const body = { name: 'X', category: 'tea', price: { amount: 100, currency: 'CNY' }, attributes: { weightGrams: 100, valueClass: 'low' } };
    const none = await api('/admin/products/E2E-TEA-1', { method: 'PUT', json: body });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain(PROBLEM);
    const forged = await api('/admin/products/E2E-TEA-1', { method: 'PUT', json: body, token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' });
    expect(forged.status).toBe(401);
  });

  it('refuses a customer on a staff route at the gateway (401: /admin/* accepts staff-pool tokens only), and a staff role the route does not admit (403)', async () => {
    const json = { name: 'X', category: 'tea', price: { amount: 100, currency: 'CNY' }, attributes: { weightGrams: 100, valueClass: 'low' } };
    const res = await api('/admin/products/E2E-TEA-1', { method: 'PUT', token: await tokenFor('e2e-customer', ['customer']), json });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain(PROBLEM);
    const marketer = await api('/admin/products/E2E-TEA-1', { method: 'PUT', token: await tokenFor('e2e-marketer', ['marketer']), json });
    expect(marketer.status).toBe(403);
    expect(marketer.json).toMatchObject({ type: 'https://errors.commerce.dev/forbidden', status: 403 });
  });

  it('answers malformed JSON and invalid bodies with 400 problems naming the fields (SEC-5)', async () => {
    const token = await tokenFor('e2e-ops', ['ops']);
    const malformed = await api('/admin/products/E2E-TEA-2', { method: 'PUT', token, headers: { 'content-type': 'application/json' }, body: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain(PROBLEM);
    expect(malformed.json).toMatchObject({ type: 'https://errors.commerce.dev/malformed-json' });

    const invalid = await api('/admin/products/E2E-TEA-2', { method: 'PUT', token, json: { name: '', category: 'Tea!', price: { amount: 1.5, currency: 'CNY' }, attributes: {} } });
    expect(invalid.status).toBe(400);
    const paths = ((invalid.json.errors ?? []) as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.category', 'body.price.amount']));
    expect((await api('/products/E2E-TEA-2')).status).toBe(404);
  });

  it('lets ops create a product that then shows in the public catalog', async () => {
    const token = await tokenFor('e2e-ops', ['ops']);
    const sku = `E2E-TEA-${Date.now()}`;
    const created = await api(`/admin/products/${sku}`, {
      method: 'PUT',
      token,
      json: { name: 'E2E oolong', category: 'tea', price: { amount: 8800, currency: 'CNY' }, attributes: { weightGrams: 250, valueClass: 'standard' } },
    });
    expect(created.status).toBe(201);
    const read = await api(`/products/${sku}`);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ sku, name: 'E2E oolong', availableStock: 0 });
  });
});
