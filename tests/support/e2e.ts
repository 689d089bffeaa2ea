/** Helpers for end-to-end tests: the shared local cloud's URL and tokens for any user and role. */
import { inject } from 'vitest';
import { createLocalIssuer } from '../../infra/local/local-issuer.ts';

export function e2e() {
  return inject('e2e');
}

/** A token as Cognito would issue it to `sub` in the pool that holds all of `roles`. */
export async function tokenFor(sub: string, roles: string[]): Promise<string> {
  const { issuerSecret, pools } = e2e();
  const pool = pools.find((p) => roles.every((r) => p.groups.includes(r)));
  if (!pool) throw new Error(`no pool holds ${roles.join(', ')}`);
  return createLocalIssuer({ secret: Buffer.from(issuerSecret, 'base64') }).mint({ sub, roles, poolId: pool.poolId, clientId: pool.clientId });
}

/** fetch against the local API with JSON in and out. */
export async function api(path: string, init: RequestInit & { token?: string; json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(`${e2e().apiUrl}${path}`, { ...init, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as Record<string, unknown> & { items?: unknown[] } };
}
