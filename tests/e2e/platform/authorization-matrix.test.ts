/**
 * The authorization matrix (SEC-1), generated from the route table and run end to end through the
 * local cloud: every route × every caller — no token, a token of each role from the pool that holds
 * it, and a customer-pool token that claims staff groups — against what the route contract allows.
 *
 * Expected, per route and caller:
 *  - a public route answers every caller alike (the role changes nothing), never with a 5xx;
 *  - no token on any other route → 401;
 *  - a staff-only route (all of `/admin/*`) refuses customer-pool tokens at the gateway → 401;
 *  - a role the route does not admit → 403 (before the body or the resource is looked at);
 *  - a role it admits → neither 401 nor 403, and no 5xx (the fixtures name resources that do not
 *    exist and send empty bodies, so nothing changes: 400 / 404 are the usual answers).
 * Then a customer on their own order vs another customer's, and what each staff role sees of it.
 */
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { postSandboxCarrierEventRoute } from '../../../functions/fulfillment/routes.ts';
import { apiRoutes } from '../../../functions/platform/api-routes.ts';
import { createLocalIssuer } from '../../../infra/local/local-issuer.ts';
import { ROLES, type Role } from '../../../shared/auth.ts';
import type { RouteContract } from '../../../shared/http/route.ts';
import { api, e2e, tokenFor } from '../../support/e2e.ts';
import { orderBody, postOrder, productWithStock } from '../checkout/support.ts';

/** A caller of the matrix: a role with a proper token, no token, or a forged-group customer token. */
type Caller = { name: string; role?: Role; token?: string; forgedStaff?: boolean };

const routes: readonly RouteContract[] = [...apiRoutes, postSandboxCarrierEventRoute as RouteContract];

/** Path parameter values for resources that do not exist (nothing a request does can change state). */
const PARAMS: Record<string, () => string> = {
  orderId: () => ulid(),
  refundId: () => ulid(),
  changeId: () => ulid(),
  ruleId: () => `matrix-rule-${ulid().toLowerCase()}`,
  sku: () => 'MATRIX-NO-SUCH-SKU',
  warehouseId: () => 'WH-EAST',
  customerId: () => `matrix-nobody-${ulid()}`,
  kind: () => 'device',
  value: () => `matrix-${ulid()}`,
  date: () => '2026-01-01',
  promotionId: () => `MATRIX-${ulid()}`,
  code: () => `MATRIX${ulid()}`.slice(0, 30),
  remittanceId: () => `MATRIX-${ulid()}`,
  ticketId: () => ulid(),
  returnId: () => ulid(),
  agentId: () => `matrix-agent-${ulid().toLowerCase()}`,
  supplierId: () => `matrix-supplier-${ulid().toLowerCase()}`,
  year: () => '2025',
  findingId: () => `matrix-scan~${Buffer.from(ulid()).toString('base64url')}`,
  segment: () => 'lost',
};

function pathFor(route: RouteContract): string {
  return route.pathTemplate.replace(/\{([^}+]+)\+?\}/g, (_m, name: string) => {
    const make = PARAMS[name];
    if (!make) throw new Error(`the matrix has no value for path parameter {${name}} (${route.operation})`);
    return encodeURIComponent(make());
  });
}

function call(route: RouteContract, caller: Caller) {
  const hasBody = route.method !== 'get' && route.method !== 'delete';
  return api(pathFor(route), {
    method: route.method.toUpperCase(),
    ...(caller.token ? { token: caller.token } : {}),
    ...(hasBody ? { json: {} } : {}),
    headers: { 'Idempotency-Key': ulid(), 'X-Access-Reason': 'authorization matrix e2e' },
  });
}

/** What the route table says `caller` gets from `route`. */
function expected(route: RouteContract, caller: Caller): 'same-for-all' | 401 | 403 | 'allowed' {
  if (route.auth === 'public') return 'same-for-all';
  if (!caller.token) return 401;
  const roles = route.auth.roles;
  const staffOnly = roles.length > 0 && !roles.includes('customer');
  const customerPool = caller.role === 'customer' || caller.forgedStaff;
  if (staffOnly && customerPool) return 401;
  // A forged staff group in a customer-pool token counts for nothing: the caller is a plain customer.
  const role: Role = caller.forgedStaff ? 'customer' : (caller.role as Role);
  const admits = roles.length === 0 || roles.includes(role) || (role === 'admin' && roles.some((r) => r !== 'customer'));
  return admits ? 'allowed' : 403;
}

let callers: Caller[];

beforeAll(async () => {
  const roleCallers = await Promise.all(ROLES.map(async (role) => ({ name: role, role, token: await tokenFor(`matrix-${role}-${ulid()}`, [role]) })));
  const { issuerSecret, pools } = e2e();
  const customerPool = pools.find((p) => p.groups.includes('customer'));
  if (!customerPool) throw new Error('no customer pool');
  // A customer-pool token whose groups claim every staff role (a misconfigured group, a mapped attribute).
  const forged = await createLocalIssuer({ secret: Buffer.from(issuerSecret, 'base64') }).mint({
    sub: `matrix-forged-${ulid()}`,
    roles: ['customer', 'admin', 'ops', 'risk-analyst'],
    poolId: customerPool.poolId,
    clientId: customerPool.clientId,
  });
  callers = [{ name: 'anonymous' }, ...roleCallers, { name: 'customer-pool token claiming admin', token: forged, forgedStaff: true }];
});

describe('authorization matrix: every route × every role (SEC-1)', () => {
  it('covers every route of the route table', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(new Set(routes.map((r) => `${r.method} ${r.pathTemplate}`)).size).toBe(routes.length);
  });

  it.each(routes.map((route) => [`${route.method.toUpperCase()} ${route.pathTemplate}`, route] as const))('%s', async (_name, route) => {
    // One caller after the other: the local cloud then answers from one warm function instance
    // instead of starting one per concurrent caller.
    const results: Array<{ caller: Caller; status: number }> = [];
    for (const caller of callers) results.push({ caller, status: (await call(route, caller)).status });
    const failures: string[] = [];
    const publicStatuses = new Set<number>();
    for (const { caller, status } of results) {
      const want = expected(route, caller);
      const line = `${caller.name}: ${status} (expected ${want})`;
      if (status >= 500) failures.push(line);
      else if (want === 'same-for-all') publicStatuses.add(status);
      else if (want === 'allowed') {
        if (status === 401 || status === 403) failures.push(line);
      } else if (status !== want) failures.push(line);
    }
    if (publicStatuses.size > 1) failures.push(`a public route answered callers differently: ${results.map((r) => `${r.caller.name} ${r.status}`).join(', ')}`);
    expect(failures, route.operation).toEqual([]);
  });
});

describe('own vs another customer’s order, and what each role sees of it (SEC-1, SEC-2)', () => {
  let orderId: string;
  let alice: string;
  let bob: string;
  const PERSONAL = ['李华', '+86 138 0013 8000'];

  beforeAll(async () => {
    const sku = await productWithStock({ 'WH-EAST': 5 });
    const aliceId = `matrix-alice-${ulid()}`;
    alice = await tokenFor(aliceId, ['customer']);
    bob = await tokenFor(`matrix-bob-${ulid()}`, ['customer']);
    const placed = await postOrder(alice, orderBody([{ sku, quantity: 1 }]));
    if (placed.status !== 201) throw new Error(`POST /orders → ${placed.status} ${placed.text}`);
    orderId = String(placed.json.orderId);
  });

  it('the owner reads it; another customer gets 404 for reading and cancelling it, and 403 for listing the owner’s orders', async () => {
    expect((await api(`/orders/${orderId}`, { token: alice })).status).toBe(200);
    expect((await api(`/orders/${orderId}`, { token: bob })).status).toBe(404);
    expect((await api(`/orders/${orderId}/cancel`, { method: 'POST', token: bob, json: {}, headers: { 'Idempotency-Key': ulid() } })).status).toBe(404);
    const owner = (await api(`/orders/${orderId}`, { token: alice })).json as { customerId: string };
    expect((await api(`/orders?customerId=${encodeURIComponent(owner.customerId)}`, { token: bob })).status).toBe(403);
    expect((await api(`/orders/${orderId}`, { token: alice })).json.status).not.toBe('CANCELLED');
  });

  it('marketers, analysts and content reviewers see the order without personal data; customer-serving staff see it with a reason', async () => {
    for (const role of ['marketer', 'analyst', 'content-reviewer'] as const) {
      const res = await api(`/orders/${orderId}`, { token: await tokenFor(`matrix-${role}-${ulid()}`, [role]) });
      expect(res.status, role).toBe(200);
      for (const value of PERSONAL) expect(res.text, role).not.toContain(value);
      expect(res.json.contactEmail, role).toBeUndefined();
    }
    const cs = await tokenFor(`matrix-cs-${ulid()}`, ['cs-agent']);
    expect((await api(`/orders/${orderId}`, { token: cs })).status).toBe(400);
    const read = await api(`/orders/${orderId}`, { token: cs, headers: { 'X-Access-Reason': 'customer called about delivery' } });
    expect(read.status).toBe(200);
    expect(read.text).toContain(PERSONAL[0]);
  });

  it('after staff cancel it, the customer sees who acted as `staff`, never the staff user id', async () => {
    const opsId = `matrix-ops-${ulid()}`;
    const cancelled = await api(`/orders/${orderId}/cancel`, {
      method: 'POST',
      token: await tokenFor(opsId, ['ops']),
      json: { reason: 'matrix: staff cancellation' },
      headers: { 'Idempotency-Key': ulid() },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.text).toContain(opsId);
    const seen = await api(`/orders/${orderId}`, { token: alice });
    expect(seen.json.status).toBe('CANCELLED');
    expect(seen.text).not.toContain(opsId);
    expect((seen.json.cancellation as { actor: string }).actor).toBe('staff');
    expect((seen.json.timeline as Array<{ actor: string }>).at(-1)?.actor).toBe('staff');
  });
});
