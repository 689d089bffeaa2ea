/**
 * The house middleware runner (shared/middleware.ts) keeps middy's lifecycle: every scenario below
 * runs on it and on `@middy/core` itself, and both must leave the same trace and the same outcome.
 * The official middlewares the HTTP stack uses (CORS preflight answers early) behave the same on it.
 */
import { describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- the reference the runner is compared with, never bundled
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import { TIMEOUT_MARGIN_MS, withMiddlewares, type Middleware } from '../../../shared/middleware.ts';

type Trace = string[];
type Scenario = (trace: Trace) => { base: (event: unknown) => Promise<unknown>; middlewares: Middleware[] };

/** A middleware that records each phase it runs in, and optionally answers or throws there. */
function step(name: string, trace: Trace, behaviour: { before?: unknown; after?: unknown; onError?: unknown; throwIn?: 'before' | 'after' | 'onError' } = {}): Middleware {
  const phase = (which: 'before' | 'after' | 'onError') => (request: { response?: unknown; error?: unknown }) => {
    trace.push(`${name}.${which}${which === 'onError' ? `(${(request.error as Error | undefined)?.message})` : ''}`);
    if (behaviour.throwIn === which) throw new Error(`${name} failed in ${which}`);
    if (which === 'onError' && behaviour.onError === 'answer') {
      request.response = { answeredBy: name };
      return undefined;
    }
    return behaviour[which];
  };
  return { before: phase('before'), after: phase('after'), onError: phase('onError') };
}

const scenarios: Record<string, Scenario> = {
  'before in order, the handler, after in reverse': (trace) => ({
    base: async () => (trace.push('handler'), { ok: true }),
    middlewares: [step('a', trace), step('b', trace), step('c', trace)],
  }),
  'a before that returns a value answers: no handler, no after': (trace) => ({
    base: async () => (trace.push('handler'), { ok: true }),
    middlewares: [step('a', trace), step('b', trace, { before: { early: 'b' } }), step('c', trace)],
  }),
  'an after that returns a value ends the after phase': (trace) => ({
    base: async () => (trace.push('handler'), { ok: true }),
    middlewares: [step('a', trace), step('b', trace, { after: { late: 'b' } }), step('c', trace)],
  }),
  'a handler error runs onError in reverse; a response set there is the answer': (trace) => ({
    base: async () => {
      trace.push('handler');
      throw new Error('handler broke');
    },
    middlewares: [step('a', trace), step('b', trace, { onError: 'answer' }), step('c', trace)],
  }),
  'an error nobody answers is rethrown after every onError': (trace) => ({
    base: async () => {
      trace.push('handler');
      throw new Error('handler broke');
    },
    middlewares: [step('a', trace), step('b', trace)],
  }),
  'an error in before skips the handler and goes to onError': (trace) => ({
    base: async () => (trace.push('handler'), { ok: true }),
    middlewares: [step('a', trace), step('b', trace, { throwIn: 'before' }), step('c', trace, { onError: 'answer' })],
  }),
  'an error in after resets the response and goes to onError': (trace) => ({
    base: async () => (trace.push('handler'), { ok: true }),
    middlewares: [step('a', trace), step('b', trace, { throwIn: 'after' })],
  }),
  'an onError that throws replaces the error': (trace) => ({
    base: async () => {
      trace.push('handler');
      throw new Error('handler broke');
    },
    middlewares: [step('a', trace), step('b', trace, { throwIn: 'onError' })],
  }),
};

async function outcome(handler: (event: unknown, context: Context) => Promise<unknown>, context: Context) {
  try {
    return { response: await handler({}, context) };
  } catch (error) {
    return { error: (error as Error).message, originalError: ((error as { originalError?: Error }).originalError as Error | undefined)?.message };
  }
}

describe('withMiddlewares runs middy’s lifecycle (shared/middleware.ts)', () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const ours: Trace = [];
      const theirs: Trace = [];
      const a = scenario(ours);
      const b = scenario(theirs);
      const house = withMiddlewares(a.base).use(a.middlewares);
      const reference = middy(b.base).use(b.middlewares as never);
      const context = {} as Context;
      const [got, expected] = [await outcome(house, context), await outcome(reference, context)];
      expect(ours).toEqual(theirs);
      expect(got).toEqual(expected);
      expect(ours.length).toBeGreaterThan(1);
    });
  }

  it('the orders, spelled out: before a→c, after c→a, onError c→a', async () => {
    const trace: Trace = [];
    const { base, middlewares } = scenarios['before in order, the handler, after in reverse']!(trace);
    await withMiddlewares(base).use(middlewares)({}, {} as Context);
    expect(trace).toEqual(['a.before', 'b.before', 'c.before', 'handler', 'c.after', 'b.after', 'a.after']);
    const failing: Trace = [];
    const second = scenarios['a handler error runs onError in reverse; a response set there is the answer']!(failing);
    await expect(withMiddlewares(second.base).use(second.middlewares)({}, {} as Context)).resolves.toEqual({ answeredBy: 'b' });
    expect(failing).toEqual(['a.before', 'b.before', 'c.before', 'handler', 'c.onError(handler broke)', 'b.onError(handler broke)', 'a.onError(handler broke)']);
  });

  it('the deadline counts the handler’s synchronous start, as middy’s does: a busy start then a wait past the deadline times out, on both runners', async () => {
    const outcomes: unknown[] = [];
    for (const wrap of [withMiddlewares, middy] as const) {
      const deadline = Date.now() + 45;
      const context = { getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
      const base = async () => {
        const until = Date.now() + 30;
        while (Date.now() < until); // a synchronous start longer than the margin
        await new Promise((resolve) => setTimeout(resolve, 40));
        return 'done';
      };
      const handler = (wrap as typeof withMiddlewares)(base).use({
        onError: (request) => {
          request.response = (request.error as Error).name;
        },
      });
      outcomes.push(await handler({}, context));
    }
    expect(outcomes).toEqual(['TimeoutError', 'TimeoutError']);
  });

  it('a handler that would outlive its invocation fails with a TimeoutError just before the deadline, through onError', async () => {
    const seen: string[] = [];
    const handler = withMiddlewares(() => new Promise<string>((resolve) => setTimeout(() => resolve('too late'), 2_000))).use({
      onError: (request) => {
        seen.push((request.error as Error).name);
        request.response = 'timed out';
      },
    });
    const started = Date.now();
    const context = { getRemainingTimeInMillis: () => 60 + TIMEOUT_MARGIN_MS } as Context;
    await expect(handler({}, context)).resolves.toBe('timed out');
    expect(seen).toEqual(['TimeoutError']);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a handler that answers in time is not disturbed by the deadline timer', async () => {
    const handler = withMiddlewares(async () => 'in time');
    await expect(handler({}, { getRemainingTimeInMillis: () => 10_000 } as Context)).resolves.toBe('in time');
  });

  it('refuses a middleware with no phase', () => {
    expect(() => withMiddlewares(async () => 1).use({} as Middleware)).toThrow(/at least one of/);
  });

  it('runs the official middlewares as middy does: headers normalised, a CORS preflight answered early with 204', async () => {
    const calls: unknown[] = [];
    const handler = withMiddlewares(async (event: { headers: Record<string, string> }) => {
      calls.push(event.headers);
      return { statusCode: 200, body: 'ok' };
    })
      .use(httpHeaderNormalizer())
      .use(httpCors({ origin: 'https://shop.example', disableBeforePreflightResponse: false }));
    const get = await handler({ httpMethod: 'GET', headers: { 'Content-Type': 'application/json' } } as never, {} as Context);
    expect(calls).toEqual([{ 'content-type': 'application/json' }]);
    expect(get).toMatchObject({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://shop.example' } });
    const preflight = await handler({ httpMethod: 'OPTIONS', headers: {} } as never, {} as Context);
    expect(preflight).toMatchObject({ statusCode: 204, headers: { 'Access-Control-Allow-Origin': 'https://shop.example' } });
    expect(calls).toHaveLength(1);
  });
});
