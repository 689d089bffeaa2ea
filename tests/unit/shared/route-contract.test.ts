/**
 * Authorization by default (SEC-1): a route contract says who may call it, or it does not compile;
 * `/admin/*` is for staff roles only.
 */
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../functions/platform/api-routes.ts';
import { isStaffOnly } from '../../../infra/constructs/commerce-api.ts';
import { STAFF_ROLES } from '../../../shared/auth.ts';
import { defineRoute } from '../../../shared/http/route.ts';

describe('route contracts: auth is required (SEC-1)', () => {
  it('a contract without `auth` is a type error (public routes say so explicitly)', () => {
    // `npm run typecheck` fails if this line compiles: `auth` must be required.
    // @ts-expect-error — a route must say who may call it: 'public' or { roles }
    const route = defineRoute({ operation: 'noAuth', method: 'get', pathTemplate: '/no-auth', summary: 'no auth', responses: { 200: { description: 'ok' } } });
    expect(route.auth).toBeUndefined();
  });

  it('every route of the API says who may call it', () => {
    for (const route of apiRoutes) {
      expect(route.auth === 'public' || Array.isArray(route.auth.roles), route.operation).toBe(true);
    }
  });

  it('every /admin/* route is open to staff roles only, never to customers or any signed-in caller', () => {
    const admin = apiRoutes.filter((r) => r.pathTemplate.startsWith('/admin/'));
    expect(admin.length).toBeGreaterThan(20);
    for (const route of admin) {
      expect(isStaffOnly(route), route.operation).toBe(true);
      if (route.auth !== 'public')
        expect(
          route.auth.roles.every((role) => STAFF_ROLES.includes(role)),
          route.operation,
        ).toBe(true);
    }
  });

  it('the public routes are exactly the ones meant to be public', () => {
    expect(
      apiRoutes
        .filter((r) => r.auth === 'public')
        .map((r) => `${r.method.toUpperCase()} ${r.pathTemplate}`)
        .sort(),
    ).toEqual(['GET /health', 'GET /openapi.json', 'GET /payment-methods', 'GET /products', 'GET /products/{sku}', 'POST /webhooks/carriers', 'POST /webhooks/payments']);
  });
});
