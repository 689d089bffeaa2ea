/**
 * KPI-3: the staff console's local sign-in — the dev stand-in for Cognito's managed login (authorization
 * code + PKCE S256) — on a real HTTP server, as the browser and the console's code talk to it.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalIssuer } from '../../../infra/local/local-issuer.ts';
import { createLocalSignIn, s256 } from '../../../infra/local/local-sign-in.ts';

const issuer = createLocalIssuer();
const staffPool = { poolId: 'local_StaffPool', clientId: 'staff-client', groups: ['ops', 'risk-analyst', 'cs-agent', 'analyst', 'marketer', 'content-reviewer', 'admin'] };
let server: http.Server;
let base = '';
let clock = Date.now();

beforeAll(async () => {
  const consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-test-'));
  fs.writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
  fs.writeFileSync(path.join(consoleDir, '.built'), 'x');
  const signIn = createLocalSignIn({ issuer, staffPool, stage: 'dev', consoleDir, now: () => clock });
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void signIn.handle(req, res, new URL(req.url ?? '/', 'http://localhost'), Buffer.concat(chunks)).then((answered) => {
        if (!answered) res.writeHead(404).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const verifier = () => crypto.randomBytes(32).toString('base64url');

function authorizeParams(challenge: string, overrides: Record<string, string> = {}) {
  return new URLSearchParams({
    client_id: staffPool.clientId,
    redirect_uri: `${base}/console/`,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'st4te',
    scope: 'openid',
    ...overrides,
  });
}

async function signIn(challenge: string, username = 'alice', roles = ['cs-agent']): Promise<string> {
  const form = authorizeParams(challenge);
  form.set('username', username);
  for (const role of roles) form.append('role', role);
  const res = await fetch(`${base}/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  expect(location.origin + location.pathname).toBe(`${base}/console/`);
  expect(location.searchParams.get('state')).toBe('st4te');
  return location.searchParams.get('code') ?? '';
}

function exchange(code: string, codeVerifier: string, overrides: Record<string, string> = {}) {
  return fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: staffPool.clientId,
      code,
      redirect_uri: `${base}/console/`,
      code_verifier: codeVerifier,
      ...overrides,
    }),
  });
}

describe('KPI-3 local sign-in for the staff console (authorization code + PKCE)', () => {
  it('shows a form that says it is the local stand-in for Cognito and offers the staff roles only', async () => {
    const res = await fetch(`${base}/oauth2/authorize?${authorizeParams(s256(verifier()))}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('stand-in for Cognito');
    expect(html).toContain('value="risk-analyst"');
    expect(html).not.toContain('value="customer"');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('refuses an authorization request without PKCE S256 or with another redirect', async () => {
    expect((await fetch(`${base}/oauth2/authorize?${authorizeParams(s256(verifier()), { code_challenge_method: 'plain' })}`)).status).toBe(400);
    expect((await fetch(`${base}/oauth2/authorize?${authorizeParams(s256(verifier()), { redirect_uri: 'https://evil.example/console/' })}`)).status).toBe(400);
    expect((await fetch(`${base}/oauth2/authorize?${authorizeParams(s256(verifier()), { client_id: 'other' })}`)).status).toBe(400);
  });

  it('exchanges a code for an ID token of the staff pool carrying the chosen groups', async () => {
    const v = verifier();
    const code = await signIn(s256(v), 'alice', ['cs-agent', 'ops']);
    const res = await exchange(code, v);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    const claims = await issuer.verify(body.id_token, [staffPool.poolId]);
    expect(claims).toMatchObject({ sub: 'alice', 'cognito:groups': ['cs-agent', 'ops'], aud: staffPool.clientId, token_use: 'id' });
  });

  it('a wrong code_verifier (PKCE failure) is a 400 invalid_grant', async () => {
    const code = await signIn(s256(verifier()));
    const res = await exchange(code, verifier());
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a code is single-use: the second exchange is a 400', async () => {
    const v = verifier();
    const code = await signIn(s256(v));
    expect((await exchange(code, v)).status).toBe(200);
    const again = await exchange(code, v);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a code expires after two minutes', async () => {
    const v = verifier();
    const code = await signIn(s256(v));
    clock += 2 * 60_000 + 1;
    expect((await exchange(code, v)).status).toBe(400);
  });

  it('refuses unknown roles, a customer role and a bad user name, issuing no code', async () => {
    for (const [username, role] of [
      ['alice', 'customer'],
      ['alice', 'root'],
      ['Alice Smith', 'ops'],
    ] as const) {
      const form = authorizeParams(s256(verifier()));
      form.set('username', username);
      form.append('role', role);
      const res = await fetch(`${base}/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('serves the console with its security headers and a generated config.json', async () => {
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'.*connect-src 'self'.*frame-ancestors 'none'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const config = (await (await fetch(`${base}/console/config.json`)).json()) as Record<string, unknown>;
    expect(config).toEqual({
      stage: 'dev',
      apiUrl: '',
      auth: {
        authorizeUrl: `${base}/oauth2/authorize`,
        tokenUrl: `${base}/oauth2/token`,
        logoutUrl: `${base}/logout`,
        clientId: 'staff-client',
        scopes: ['openid'],
      },
    });
    expect((await fetch(`${base}/console/..%2Fsecret`)).status).toBe(404);
    expect((await fetch(`${base}/console/.built`)).status).toBe(404);
  });

  it('logout returns to the console only', async () => {
    const ok = await fetch(`${base}/logout?client_id=staff-client&logout_uri=${encodeURIComponent(`${base}/console/`)}`, { redirect: 'manual' });
    expect(ok.status).toBe(302);
    const bad = await fetch(`${base}/logout?client_id=staff-client&logout_uri=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
    expect(bad.status).toBe(400);
  });
});
