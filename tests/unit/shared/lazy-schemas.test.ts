/// <reference types="vite/client" />
/**
 * Zod schemas are built when first used, not when their module is imported (issue 15's cold start):
 * a function's bundle holds its capability's whole route module, every event its capability
 * declares and the settings of the capabilities whose contracts it calls, and building all their
 * schemas at import was most of what a function's own code added to a cold start
 * (docs/performance.md). What must hold: nothing is built before it is read, what is read is built
 * once, and what is built is what it was before (the contracts and the OpenAPI document unchanged).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from '../../../shared/zod.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import { defineEvent } from '../../../events/event-definition.ts';
import { defineSettings, intSetting } from '../../../shared/config.ts';
import { lazily } from '../../../shared/lazily.ts';

/** Counts the zod schemas built while `run` runs (zod's own construction hook). */
async function schemasBuiltBy(run: () => unknown): Promise<number> {
  const config = (globalThis as { __zod_globalConfig?: { postProcessor?: (schema: unknown) => void } }).__zod_globalConfig;
  if (!config) throw new Error('zod is not loaded');
  let built = 0;
  config.postProcessor = () => void built++;
  try {
    await run();
  } finally {
    delete config.postProcessor;
  }
  return built;
}

afterEach(() => vi.resetModules());

describe('lazy schemas', () => {
  it('a route schema given as a function is built when its field is first read, once', () => {
    const build = vi.fn(() => z.strictObject({ name: z.string() }));
    const route = defineRoute({
      operation: 'lazyExample',
      method: 'post',
      pathTemplate: '/lazy',
      summary: 'lazy',
      auth: 'public',
      body: build,
      query: z.object({ q: z.optional(z.string()) }),
      responses: { 200: { description: 'ok', schema: () => z.object({ ok: z.boolean() }) }, 204: { description: 'none' } },
    });
    expect(build).not.toHaveBeenCalled();
    expect(route.operation).toBe('lazyExample');
    const body = route.body;
    expect(build).toHaveBeenCalledTimes(1);
    expect(route.body).toBe(body);
    expect(build).toHaveBeenCalledTimes(1);
    expect(route.body?.safeParse({ name: 'x' }).success).toBe(true);
    expect(route.body?.safeParse({ name: 'x', extra: 1 }).success).toBe(false);
    // eager schemas are kept as given; responses resolve the same way
    expect(route.query?.safeParse({}).success).toBe(true);
    expect(route.responses[200]?.schema).toBe(route.responses[200]?.schema);
    expect(route.responses[200]?.schema?.safeParse({ ok: true }).success).toBe(true);
    expect('schema' in (route.responses[204] ?? {})).toBe(true);
    expect(route.responses[204]?.schema).toBeUndefined();
    expect(Object.keys(route.responses[204] ?? {})).toEqual(['description']);
    expect(route.path).toBeUndefined();
    expect(Object.keys(route)).not.toContain('path');
  });

  it('importing every capability’s routes builds a small part of the schemas its routes use; reading them builds the rest', async () => {
    let routes: readonly import('../../../shared/http/route.ts').RouteContract[] = [];
    const atImport = await schemasBuiltBy(async () => {
      routes = (await import('../../../functions/platform/api-routes.ts')).apiRoutes;
    });
    const onRead = await schemasBuiltBy(() => {
      for (const route of routes) {
        void [route.body, route.path, route.query, route.headers, ...Object.values(route.responses).map((r) => r.schema)];
      }
    });
    expect(routes.length).toBeGreaterThan(80);
    // Before: every schema was built at import (≈ 3,500) and reading them built nothing.
    expect(onRead).toBeGreaterThan(1000);
    expect(atImport).toBeLessThan(onRead / 4);
    // read again: nothing new
    expect(
      await schemasBuiltBy(() => {
        for (const route of routes) void [route.body, route.path, route.query, route.headers, ...Object.values(route.responses).map((r) => r.schema)];
      }),
    ).toBe(0);
  }, 60_000);

  it('importing any module but a handler builds no schema: each is built by what reads it', async () => {
    // A handler builds its route's request schemas, or its events', at init (its bundle's import):
    // it reads them on its first request (a function serving several routes builds each route's
    // on that route's first request: route-handler-build.test.ts). Every other module only declares its schemas
    // (`lazily`, `defineRoute`, `defineEvent`, `defineSettings`); the syntax-tree rule in
    // pure-definitions.test.ts refuses a `z.…` call at load, and this catches a declared schema
    // called at load (`{ body: X() }` in a route, a shared object of fields in an events module).
    // A schema is counted against the first module here that loads it, directly or not.
    const modules = import.meta.glob(['../../../functions/**/*.ts', '../../../shared/**/*.ts', '../../../events/**/*.ts', '!**/handlers/**', '!**/*.d.ts']);
    vi.resetModules();
    const building: string[] = [];
    for (const [file, load] of Object.entries(modules)) {
      const built = await schemasBuiltBy(load);
      if (built > 0) building.push(`${file.replace('../../../', '')}: ${built}`);
    }
    expect(Object.keys(modules).length).toBeGreaterThan(300);
    expect(building).toEqual([]);
    // Transforming 300 modules takes ≈ 3–5 s on two busy cores: more than the unit project's default 5 s.
  }, 60_000);

  it('an event’s payload, strict and detail schemas are built on first use, once each', () => {
    const build = vi.fn(() => z.object({ orderId: z.string() }));
    const Example = defineEvent({ name: 'LazyExample', version: 2, source: 'commerce.checkout', description: 'x', schema: build, example: { orderId: 'o-1' } });
    expect(build).not.toHaveBeenCalled();
    expect(Example.name).toBe('LazyExample');
    expect(Example.schema).toBe(Example.schema);
    expect(Example.strictSchema).toBe(Example.strictSchema);
    expect(Example.detailSchema).toBe(Example.detailSchema);
    expect(build).toHaveBeenCalledTimes(1);
    expect(Example.schema.safeParse({ orderId: 'o-1', later: true }).success).toBe(true);
    expect(Example.strictSchema.safeParse({ orderId: 'o-1', later: true }).success).toBe(false);
    const detail = { orderId: 'o-1', version: 2, meta: { correlationId: 'c', occurredAt: '2026-12-06T00:00:00.000Z', eventId: 'e' } };
    expect(Example.detailSchema.safeParse(detail).success).toBe(true);
    expect(Example.detailSchema.safeParse({ ...detail, version: 1 }).success).toBe(false);
    expect(Object.isFrozen(Example)).toBe(true);
  });

  it('a capability’s settings schema is built when the settings are first read', () => {
    const shape = vi.fn(() => ({ LAZY_EXAMPLE_LIMIT: z._default(intSetting(1, 10), 3) }));
    const settings = defineSettings('lazy-example', shape, (env) => ({ limit: env.LAZY_EXAMPLE_LIMIT }));
    expect(shape).not.toHaveBeenCalled();
    expect(settings({})).toEqual({ limit: 3 });
    expect(settings({ LAZY_EXAMPLE_LIMIT: '7' })).toEqual({ limit: 7 });
    expect(() => settings({ LAZY_EXAMPLE_LIMIT: '11' })).toThrow(/Invalid lazy-example configuration: LAZY_EXAMPLE_LIMIT/);
    expect(shape).toHaveBeenCalledTimes(1);
  });

  it('lazily builds its value once', () => {
    const build = vi.fn(() => ({ built: true }));
    const value = lazily(build);
    expect(build).not.toHaveBeenCalled();
    expect(value()).toBe(value());
    expect(build).toHaveBeenCalledTimes(1);
  });
});
