/**
 * Type tests of the HTTP stack's generics (shared/http/handler.ts, shared/http/route.ts): what a
 * route declares is what its handler function receives — the parsed body, path and query types
 * from the zod schemas, `undefined` where nothing is declared, a principal that is always there on
 * a protected route and may be missing on a public one. `npm run typecheck` (part of `npm test`)
 * checks these (the tests directory is part of tsconfig.json), and the unit project runs them; a
 * `@ts-expect-error` that stops being an error fails the type check too.
 */
import { describe, expectTypeOf, it } from 'vitest';
import * as z from '../../../shared/zod.ts';
import type { Principal } from '../../../shared/auth.ts';
import { checkoutHttpHandler } from '../../../functions/checkout/handlers/problems.ts';
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
  query: z.object({ limit: z._default(z.coerce.number().check(z.int()), 10) }),
  body: z.strictObject({ name: z.string(), count: z.optional(z.number().check(z.int())) }),
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
    expectTypeOf<Parsed<z.ZodMiniString>>().toEqualTypeOf<string>();
    expectTypeOf<Parsed<undefined>>().toEqualTypeOf<undefined>();
    expectTypeOf<PrincipalFor<'public'>>().toEqualTypeOf<Principal | undefined>();
    expectTypeOf<PrincipalFor<{ roles: ['ops'] }>>().toEqualTypeOf<Principal>();
    expectTypeOf<HttpRequest<undefined, undefined, undefined, 'public'>['idempotencyKey']>().toEqualTypeOf<string | undefined>();
    // @ts-expect-error a handler must return a status code
    httpHandler(publicRoute, async () => ({ body: {} }));
  });

  it('the body type follows the zod schema’s output (transforms, defaults), not its input', () => {
    const transforming = defineRoute({
      operation: 'typeTestTransform',
      method: 'post',
      pathTemplate: '/type-tests/transform',
      summary: 'type test',
      tags: ['test'],
      auth: { roles: [] },
      body: z.object({
        amount: z.pipe(
          z.string(),
          z.transform((v) => Number(v)),
        ),
        tags: z._default(z.array(z.string()), []),
      }),
      responses: { 201: { description: 'created' } },
    });
    httpHandler(transforming, async ({ body }) => {
      expectTypeOf(body).toEqualTypeOf<{ amount: number; tags: string[] }>();
      // @ts-expect-error the parsed amount is a number, not the string the client sent
      const sent: string = body.amount;
      void sent;
      return { statusCode: 201, body: { amount: body.amount } };
    });
  });

  it('a wrong response type does not compile', () => {
    // @ts-expect-error the status code is a number
    httpHandler(publicRoute, async () => ({ statusCode: '200' }));
    // @ts-expect-error response headers are strings
    httpHandler(publicRoute, async () => ({ statusCode: 200, headers: { 'retry-after': 1 } }));
    // @ts-expect-error the handler function is async: it returns a promise of the result
    httpHandler(publicRoute, () => ({ statusCode: 200 }));
  });

  it('a capability’s handler factory (checkout’s, with its error mapping) keeps the same typing', () => {
    checkoutHttpHandler(protectedRoute, async (request) => {
      expectTypeOf(request.body).toEqualTypeOf<{ name: string; count?: number | undefined }>();
      expectTypeOf(request.principal).toEqualTypeOf<Principal>();
      return { statusCode: 200 };
    });
    expectTypeOf(httpHandler).parameter(2).toEqualTypeOf<((error: unknown) => unknown) | undefined>();
    // @ts-expect-error a handler must return a status code
    checkoutHttpHandler(publicRoute, async () => ({ body: {} }));
  });
});
