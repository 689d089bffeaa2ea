/**
 * Type tests of the HTTP stack's generics (shared/http/handler.ts, shared/http/route.ts): what a
 * route declares is what its handler function receives — the parsed body, path and query types
 * from the zod schemas, `undefined` where nothing is declared, a principal that is always there on
 * a protected route and may be missing on a public one. `npm run typecheck` (part of `npm test`)
 * checks these; a `@ts-expect-error` that stops being an error fails it too.
 */
import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import type { Principal } from '../../../shared/auth.ts';
import { httpHandler, type HttpRequest } from '../../../shared/http/handler.ts';
import { defineRoute, type Parsed, type PrincipalFor } from '../../../shared/http/route.ts';

const protectedRoute = defineRoute({
  operation: 'typeTestProtected',
  method: 'put',
  pathTemplate: '/type-tests/{id}',
  summary: 'type test',
  tags: ['test'],
  auth: { roles: ['ops'] },
  path: z.object({ id: z.string() }),
  query: z.object({ limit: z.coerce.number().int().default(10) }),
  body: z.strictObject({ name: z.string(), count: z.number().int().optional() }),
  responses: { 200: { description: 'ok' } },
});

const publicRoute = defineRoute({
  operation: 'typeTestPublic',
  method: 'get',
  pathTemplate: '/type-tests',
  summary: 'type test',
  tags: ['test'],
  auth: 'public',
  responses: { 200: { description: 'ok' } },
});

describe('HTTP handler generics (types)', () => {
  it('a handler receives what its route declares, parsed', () => {
    httpHandler(protectedRoute, async (request) => {
      expectTypeOf(request.body).toEqualTypeOf<{ name: string; count?: number | undefined }>();
      expectTypeOf(request.path).toEqualTypeOf<{ id: string }>();
      // The query after parsing: the default filled in, the string coerced.
      expectTypeOf(request.query).toEqualTypeOf<{ limit: number }>();
      expectTypeOf(request.principal).toEqualTypeOf<Principal>();
      // @ts-expect-error a field the body schema does not declare
      void request.body.other;
      return { statusCode: 200 };
    });
  });

  it('nothing declared is undefined; a public route’s principal may be missing', () => {
    httpHandler(publicRoute, async (request) => {
      expectTypeOf(request.body).toEqualTypeOf<undefined>();
      expectTypeOf(request.path).toEqualTypeOf<undefined>();
      expectTypeOf(request.query).toEqualTypeOf<undefined>();
      expectTypeOf(request.principal).toEqualTypeOf<Principal | undefined>();
      // @ts-expect-error the principal must be checked before use on a public route
      void request.principal.userId;
      return { statusCode: 200 };
    });
  });

  it('the helper types and the handler’s result', () => {
    expectTypeOf<Parsed<z.ZodString>>().toEqualTypeOf<string>();
    expectTypeOf<Parsed<undefined>>().toEqualTypeOf<undefined>();
    expectTypeOf<PrincipalFor<'public'>>().toEqualTypeOf<Principal | undefined>();
    expectTypeOf<PrincipalFor<{ roles: ['ops'] }>>().toEqualTypeOf<Principal>();
    expectTypeOf<HttpRequest<undefined, undefined, undefined, 'public'>['idempotencyKey']>().toEqualTypeOf<string | undefined>();
    // @ts-expect-error a handler must return a status code
    httpHandler(publicRoute, async () => ({ body: {} }));
  });
});
