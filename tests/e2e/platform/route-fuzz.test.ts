/**
 * SEC-5 end to end, for every route of the route table (the back office's included): hostile input
 * — random JSON of every shape (fast-check, fixed seed), wrong media types, bodies over the size
 * cap, malformed JSON, and hostile path parameters and query strings — sent with a role the route
 * admits. Whatever a client sends, the answer is never a 5xx, and every 4xx is a problem document
 * (`application/problem+json` with its status). Path parameters name resources that do not exist
 * and random bodies fail the strict schemas, so nothing is created.
 */
import fc from 'fast-check';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { postSandboxCarrierEventRoute } from '../../../functions/fulfillment/routes.ts';
import { apiRoutes } from '../../../functions/platform/api-routes.ts';
import type { Role } from '../../../shared/auth.ts';
import type { RouteContract } from '../../../shared/http/route.ts';
import { e2e, tokenFor } from '../../support/e2e.ts';

const routes: readonly RouteContract[] = [...apiRoutes, postSandboxCarrierEventRoute as RouteContract];

/** Hostile path parameter values (each a resource that cannot exist). */
const HOSTILE_PARAMS = [
  '..%2F..%2Fetc%2Fpasswd',
  encodeURIComponent("' OR '1'='1"),
  encodeURIComponent('😀\u202e'),
  'x'.repeat(300),
  ulid(),
  '%00',
  encodeURIComponent('<script>'),
];

/** Random JSON bodies, the same on every run. */
const BODIES: unknown[] = fc.sample(fc.jsonValue({ maxDepth: 4 }), { seed: 20261205, numRuns: 12 });

type Case = { label: string; path: string; body?: string; contentType?: string };

function casesFor(route: RouteContract): Case[] {
  const path = (i: number) => route.pathTemplate.replace(/\{([^}+]+)\+?\}/g, () => HOSTILE_PARAMS[i % HOSTILE_PARAMS.length] as string);
  const cases: Case[] = [];
  for (let i = 0; i < HOSTILE_PARAMS.length; i++)
    cases.push({ label: `path ${i}`, path: `${path(i)}?limit=${encodeURIComponent(['-1', '1e9', 'abc', '', '%00'][i % 5] as string)}&cursor=${encodeURIComponent('{"pk":')}` });
  if (route.method === 'get' || route.method === 'delete') return cases;
  const p = path(4);
  BODIES.forEach((body, i) => cases.push({ label: `random JSON ${i}`, path: p, body: JSON.stringify(body), contentType: 'application/json' }));
  cases.push({ label: 'malformed JSON', path: p, body: '{"a":', contentType: 'application/json' });
  cases.push({ label: 'form body', path: p, body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' });
  cases.push({ label: 'over the size cap', path: p, body: JSON.stringify({ blob: 'x'.repeat(1_100_000) }), contentType: 'application/json' });
  cases.push({ label: 'deep nesting', path: p, body: `${'['.repeat(5000)}${']'.repeat(5000)}`, contentType: 'application/json' });
  return cases;
}

/** A role the route admits (staff roles from the staff pool), or none for a public route. */
function roleFor(route: RouteContract): Role | undefined {
  if (route.auth === 'public') return undefined;
  return (route.auth.roles[0] ?? 'customer') as Role;
}

const tokens = new Map<Role, string>();

beforeAll(async () => {
  for (const route of routes) {
    const role = roleFor(route);
    if (role && !tokens.has(role)) tokens.set(role, await tokenFor(`fuzz-${role}-${ulid()}`, [role]));
  }
});

async function send(route: RouteContract, c: Case) {
  const role = roleFor(route);
  const headers: Record<string, string> = { 'Idempotency-Key': ulid(), 'x-access-reason': 'route fuzz e2e' };
  if (role) headers.authorization = `Bearer ${tokens.get(role)}`;
  if (c.contentType) headers['content-type'] = c.contentType;
  const response = await fetch(`${e2e().apiUrl}${c.path}`, { method: route.method.toUpperCase(), headers, ...(c.body !== undefined ? { body: c.body } : {}) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', text };
}

describe('hostile input on every route (SEC-5)', () => {
  it('covers every route', () => {
    expect(routes.length).toBeGreaterThan(60);
  });

  it.each(routes.map((route) => [`${route.method.toUpperCase()} ${route.pathTemplate}`, route] as const))('%s', async (_name, route) => {
    const failures: string[] = [];
    const seen = new Set<number>();
    for (const c of casesFor(route)) {
      const { status, type, text } = await send(route, c);
      seen.add(status);
      if (status >= 500) failures.push(`${c.label}: ${status} ${text.slice(0, 200)}`);
      else if (status >= 400 && status !== 404 && !type.includes('application/problem+json')) failures.push(`${c.label}: ${status} without a problem document (${type})`);
      else if (status >= 400 && type.includes('application/problem+json') && (JSON.parse(text) as { status?: number }).status !== status)
        failures.push(`${c.label}: problem status differs from ${status}`);
    }
    expect(failures, route.operation).toEqual([]);
    // The requests reached the route's validation, not only the gateway: a body route refused bodies.
    if (route.method !== 'get' && route.method !== 'delete')
      expect(
        [...seen].some((s) => s === 400 || s === 413 || s === 415 || s === 401),
        `${route.operation}: ${[...seen].join(', ')}`,
      ).toBe(true);
  });
});
