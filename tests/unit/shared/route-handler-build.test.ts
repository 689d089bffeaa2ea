/**
 * When a route handler's stack (its schemas, middlewares) is built: at init for a function serving
 * one route, whose first request reads it; on each route's first request in a function serving
 * several (the dispatcher's first request reads one route's stack, not all of them). Issue 15's
 * cold start: docs/performance.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import * as z from '../../../shared/zod.ts';
import { httpHandler } from '../../../shared/http/handler.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import { apiEvent, jsonBody, lambdaContext } from '../../support/http-events.ts';

/** A route whose body schema records when it is built. */
function routeWithBody(name: string, built: string[]) {
  return defineRoute({
    operation: name,
    method: 'post',
    pathTemplate: `/${name}`,
    summary: name,
    auth: 'public',
    body: () => {
      built.push(name);
      return z.object({ n: z.number() });
    },
    responses: { 200: { description: 'ok' } },
  });
}

/** Lets the microtasks queued so far run (the end of a module graph's evaluation, at init). */
const afterInit = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('route handlers: stacks built at init, or on the first request of a dispatched route', () => {
  it('a one-route handler builds its stack at init, before any request', async () => {
    const built: string[] = [];
    const route = routeWithBody('one', built);
    const handler = httpHandler(route, async ({ body }) => ({ statusCode: 200, body: { n: body.n } }));
    expect(built).toEqual([]); // not in the call: a dispatcher evaluated next may defer it
    await afterInit();
    expect(built).toEqual(['one']);
    const response = await handler(apiEvent({ method: 'POST', path: '/one', resource: '/one', body: { n: 3 } }), lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(jsonBody(response)).toEqual({ n: 3 });
    expect(built).toEqual(['one']);
  });

  it("a dispatcher's routes build nothing at init, and each its own stack on its first request only", async () => {
    const built: string[] = [];
    const a = routeWithBody('alpha', built);
    const b = routeWithBody('beta', built);
    const dispatch = routeDispatcher([
      [a, httpHandler(a, async ({ body }) => ({ statusCode: 200, body: { route: 'alpha', n: body.n } }))],
      [b, httpHandler(b, async ({ body }) => ({ statusCode: 200, body: { route: 'beta', n: body.n } }))],
    ]);
    await afterInit();
    expect(built).toEqual([]);

    const first = await dispatch(apiEvent({ method: 'POST', path: '/alpha', resource: '/alpha', body: { n: 1 } }), lambdaContext());
    expect(jsonBody(first)).toEqual({ route: 'alpha', n: 1 });
    expect(built).toEqual(['alpha']);

    // The same validation as a route built at init: a bad body is a 400 problem, the function not run.
    const invalid = await dispatch(apiEvent({ method: 'POST', path: '/beta', resource: '/beta', body: { n: 'x' } }), lambdaContext());
    expect(invalid.statusCode).toBe(400);
    expect(jsonBody(invalid)).toMatchObject({ errors: [expect.objectContaining({ path: 'body.n' })] });
    expect(built).toEqual(['alpha', 'beta']);

    await dispatch(apiEvent({ method: 'POST', path: '/alpha', resource: '/alpha', body: { n: 2 } }), lambdaContext());
    expect(built).toEqual(['alpha', 'beta']); // built once each
  });

  it('a route given to the wrong builder is still refused when its handler is made, not at its first request', () => {
    const route = defineRoute({
      operation: 'pay',
      method: 'post',
      pathTemplate: '/pay',
      summary: 'pay',
      auth: 'public',
      idempotent: true,
      responses: { 200: { description: 'ok' } },
    });
    expect(() => httpHandler(route, async () => ({ statusCode: 200 }))).toThrow(/idempotent route/);
  });
});

describe('handler modules', () => {
  it('a handler module imports another only to dispatch to it: no function builds a handler it does not serve at init', () => {
    // A handler module makes its handler when it loads (`export const handler = …`), so a function
    // importing another's module for a helper built that function's handler too (the yearly
    // compliance report built the report route's HTTP stack). Shared wiring lives beside the handlers.
    const root = path.resolve(import.meta.dirname, '../../../functions');
    const sources = new Map(
      fs
        .readdirSync(root)
        .map((capability) => path.join(root, capability, 'handlers'))
        .filter((dir) => fs.existsSync(dir))
        .flatMap((dir) =>
          fs
            .readdirSync(dir)
            .filter((f) => f.endsWith('.ts'))
            .map((f) => path.join(dir, f)),
        )
        .map((file) => [file, fs.readFileSync(file, 'utf8')] as const),
    );
    const makesHandler = (file: string) => /^export const \w*[hH]andler = /m.test(sources.get(file) ?? '');
    const offenders = [...sources].flatMap(([file, source]) =>
      source.includes('routeDispatcher(')
        ? []
        : [...source.matchAll(/from '(\.{1,2}\/[^']+\.ts)'/g)]
            .map(([, imported]) => path.resolve(path.dirname(file), imported ?? ''))
            .filter(makesHandler)
            .map((imported) => `${path.relative(root, file)} → ${path.relative(root, imported)}`),
    );
    expect(offenders).toEqual([]);
  });
});
