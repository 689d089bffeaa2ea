/**
 * The staff console locally: the built console at `/console/`, its generated `config.json`, and a
 * dev-only stand-in for Cognito's managed login — OAuth 2.0 authorization code with PKCE (S256) at
 * `/oauth2/authorize` (a form: user name and staff roles, no password), `/oauth2/token` (code →
 * tokens minted by the local issuer for the staff pool; PKCE verified, each code single-use and
 * valid 2 minutes) and `/logout`. On AWS, Cognito's hosted domain answers these paths and the CDK
 * app deploys the same console build behind CloudFront.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import type http from 'node:http';
import { STAFF_ROLES } from '../../shared/auth.ts';
import type { LocalIssuer } from './local-issuer.ts';

/** How long an authorization code may be exchanged (Cognito: 5 minutes; shorter here). */
const CODE_TTL_MS = 2 * 60_000;
/** Lifetime of the ID and access tokens (Cognito's default: 1 hour). */
const TOKEN_TTL_SECONDS = 3600;
const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface StaffPool {
  poolId: string;
  clientId: string;
  groups: Iterable<string>;
}

export interface LocalSignInOptions {
  issuer: LocalIssuer;
  staffPool: StaffPool;
  stage: string;
  /** The built console (index.html and its assets). */
  consoleDir: string;
  now?: () => number;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  sub: string;
  roles: string[];
  expiresAt: number;
}

export interface LocalSignIn {
  /** Answers the request if it is one of the console's or the sign-in's paths; false otherwise. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer): Promise<boolean>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** The console's Content-Security-Policy: its own scripts and styles only; the API and the sign-in origin for fetches. */
export function consoleCsp(authOrigin: string): string {
  const extra = authOrigin ? ` ${authOrigin}` : '';
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'${extra}; form-action 'self'${extra}; base-uri 'none'; object-src 'none'; frame-ancestors 'none'`;
}

const SIGN_IN_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function base64url(buffer: Buffer): string {
  return buffer.toString('base64url');
}

/** RFC 7636: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(verifier: string): string {
  return base64url(crypto.createHash('sha256').update(verifier, 'ascii').digest());
}

function origin(req: http.IncomingMessage): string {
  return `http://${req.headers.host ?? 'localhost'}`;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...COMMON_HEADERS, ...extra });
  res.end(JSON.stringify(body));
}

function oauthError(res: http.ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description });
}

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': SIGN_IN_CSP, ...COMMON_HEADERS });
  res.end(html);
}

/** The authorization request's parameters, checked as Cognito checks them; a string is the error. */
function readAuthorizeRequest(params: URLSearchParams, clientId: string, expectedRedirect: string) {
  const get = (name: string) => params.get(name) ?? '';
  if (get('client_id') !== clientId) return 'unknown client_id';
  if (get('redirect_uri') !== expectedRedirect) return `redirect_uri must be ${expectedRedirect}`;
  if (get('response_type') !== 'code') return 'response_type must be code';
  if (get('code_challenge_method') !== 'S256') return 'code_challenge_method must be S256 (PKCE)';
  if (!/^[A-Za-z0-9_-]{43}$/.test(get('code_challenge'))) return 'code_challenge must be a base64url SHA-256 (43 characters)';
  return { clientId: get('client_id'), redirectUri: get('redirect_uri'), challenge: get('code_challenge'), state: get('state'), scope: get('scope') };
}

function signInPage(request: { clientId: string; redirectUri: string; challenge: string; state: string; scope: string }, roles: string[], error?: string): string {
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const boxes = roles.map((role) => `<label class="role"><input type="checkbox" name="role" value="${escapeHtml(role)}"> ${escapeHtml(role)}</label>`).join('\n        ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Local sign-in (development stand-in for Cognito)</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; }
    .note { background: #fff4d6; border: 1px solid #8a6100; padding: .75rem; border-radius: 4px; }
    .error { background: #fde8e8; border: 1px solid #a01b1b; padding: .75rem; border-radius: 4px; }
    fieldset { border: 1px solid #888; margin: 1rem 0; } .role { display: block; margin: .25rem 0; }
    input[type=text] { font-size: 1rem; padding: .4rem; width: 100%; box-sizing: border-box; }
    button { font-size: 1rem; padding: .5rem 1.2rem; background: #0b5394; color: #fff; border: 0; border-radius: 4px; }
  </style>
</head>
<body>
  <main>
    <h1>Local sign-in</h1>
    <p class="note">This is the local cloud's development stand-in for Cognito's sign-in page. There is no password:
      pick a user name and the staff roles (Cognito groups) the token should carry. On AWS, the staff user pool's managed login signs you in.</p>
    ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="/oauth2/authorize">
      ${hidden('client_id', request.clientId)}${hidden('redirect_uri', request.redirectUri)}${hidden('response_type', 'code')}
      ${hidden('code_challenge', request.challenge)}${hidden('code_challenge_method', 'S256')}${hidden('state', request.state)}${hidden('scope', request.scope)}
      <label for="username">User name</label>
      <input type="text" id="username" name="username" required pattern="[a-z0-9][a-z0-9._\\-]{0,63}" autocomplete="username" aria-describedby="username-help">
      <p id="username-help">Lower-case letters, digits, dot, dash or underscore; it becomes the token's subject.</p>
      <fieldset>
        <legend>Staff roles</legend>
        ${boxes}
      </fieldset>
      <button type="submit">Sign in</button>
    </form>
  </main>
</body>
</html>`;
}

/** Builds the console into a directory if it is missing or older than its sources; returns the directory. */
export async function ensureConsoleBuilt(dir?: string, log: (line: string) => void = () => {}): Promise<string> {
  const outdir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'console-'));
  const { buildConsoleWithReport, consoleSourcesModifiedAt } = await import('../../console/build.ts');
  const marker = path.join(outdir, '.built');
  const builtAt = fs.existsSync(marker) && fs.existsSync(path.join(outdir, 'index.html')) ? fs.statSync(marker).mtimeMs : 0;
  if (builtAt < (await consoleSourcesModifiedAt())) {
    const report = await buildConsoleWithReport(outdir);
    fs.writeFileSync(marker, new Date().toISOString());
    log(`staff console built: ${(report.gzipBytes / 1024).toFixed(1)} KB gzipped (${Object.keys(report.files).join(', ')})`);
  }
  return outdir;
}

export function createLocalSignIn(options: LocalSignInOptions): LocalSignIn {
  const now = options.now ?? Date.now;
  const codes = new Map<string, PendingCode>();
  const roles = STAFF_ROLES.filter((role) => [...options.staffPool.groups].includes(role));
  const { clientId } = options.staffPool;

  const sweep = () => {
    for (const [code, pending] of codes) if (pending.expiresAt <= now()) codes.delete(code);
  };

  async function serveConsole(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const base = origin(req);
    const csp = consoleCsp(base);
    if (url.pathname === '/console') {
      res.writeHead(302, { location: '/console/', ...COMMON_HEADERS });
      res.end();
      return;
    }
    const name = url.pathname.slice('/console/'.length) || 'index.html';
    if (name === 'config.json') {
      sendJson(
        res,
        200,
        {
          stage: options.stage,
          apiUrl: '',
          auth: { authorizeUrl: `${base}/oauth2/authorize`, tokenUrl: `${base}/oauth2/token`, logoutUrl: `${base}/logout`, clientId, scopes: ['openid'] },
        },
        { 'content-security-policy': csp },
      );
      return;
    }
    const file = /^[A-Za-z0-9._-]+$/.test(name) && !name.startsWith('.') ? path.join(options.consoleDir, name) : undefined;
    const content = file && fs.existsSync(file) ? await fs.promises.readFile(file) : undefined;
    if (!content) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...COMMON_HEADERS, 'content-security-policy': csp });
      res.end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream',
      'cache-control': name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      'content-security-policy': csp,
      ...COMMON_HEADERS,
    });
    res.end(content);
  }

  async function authorize(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer): Promise<void> {
    const expectedRedirect = `${origin(req)}/console/`;
    if (req.method === 'GET') {
      const request = readAuthorizeRequest(url.searchParams, clientId, expectedRedirect);
      if (typeof request === 'string') return oauthError(res, 400, 'invalid_request', request);
      return sendHtml(res, 200, signInPage(request, roles));
    }
    if (req.method !== 'POST') return oauthError(res, 405, 'invalid_request', 'GET or POST');
    const form = new URLSearchParams(body.toString('utf8'));
    const request = readAuthorizeRequest(form, clientId, expectedRedirect);
    if (typeof request === 'string') return oauthError(res, 400, 'invalid_request', request);
    const username = (form.get('username') ?? '').trim().toLowerCase();
    const chosen = form.getAll('role');
    if (!USER_NAME.test(username)) return sendHtml(res, 400, signInPage(request, roles, 'The user name must be 1–64 lower-case letters, digits, dots, dashes or underscores.'));
    if (chosen.length === 0 || chosen.some((role) => !roles.includes(role as (typeof roles)[number])))
      return sendHtml(res, 400, signInPage(request, roles, 'Choose at least one staff role.'));
    sweep();
    const code = base64url(crypto.randomBytes(32));
    codes.set(code, { clientId, redirectUri: request.redirectUri, challenge: request.challenge, sub: username, roles: [...new Set(chosen)], expiresAt: now() + CODE_TTL_MS });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    if (request.state) target.searchParams.set('state', request.state);
    res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store', ...COMMON_HEADERS });
    res.end();
  }

  async function token(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    if (req.method !== 'POST') return oauthError(res, 405, 'invalid_request', 'POST only');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return oauthError(res, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== 'authorization_code') return oauthError(res, 400, 'unsupported_grant_type', 'authorization_code only');
    const code = form.get('code') ?? '';
    const pending = codes.get(code);
    // single use: the code is gone whatever the outcome of this exchange
    codes.delete(code);
    if (!pending || pending.expiresAt <= now()) return oauthError(res, 400, 'invalid_grant', 'unknown, used or expired code');
    if (form.get('client_id') !== pending.clientId) return oauthError(res, 400, 'invalid_client', 'client_id does not match the code');
    if (form.get('redirect_uri') !== pending.redirectUri) return oauthError(res, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    const verifier = form.get('code_verifier') ?? '';
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || s256(verifier) !== pending.challenge) return oauthError(res, 400, 'invalid_grant', 'PKCE verification failed');
    const minted = await options.issuer.mint({
      sub: pending.sub,
      roles: pending.roles,
      poolId: options.staffPool.poolId,
      clientId: pending.clientId,
      expiresInSeconds: TOKEN_TTL_SECONDS,
    });
    sendJson(res, 200, { id_token: minted, access_token: minted, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS }, { pragma: 'no-cache' });
  }

  function logout(res: http.ServerResponse, url: URL, req: http.IncomingMessage): void {
    const target = url.searchParams.get('logout_uri') ?? '';
    if (url.searchParams.get('client_id') !== clientId || target !== `${origin(req)}/console/`)
      return oauthError(res, 400, 'invalid_request', 'client_id and logout_uri must be the console’s');
    res.writeHead(302, { location: target, 'cache-control': 'no-store', ...COMMON_HEADERS });
    res.end();
  }

  return {
    async handle(req, res, url, body) {
      if (url.pathname === '/console' || url.pathname.startsWith('/console/')) {
        if (req.method !== 'GET' && req.method !== 'HEAD') oauthError(res, 405, 'invalid_request', 'GET only');
        else await serveConsole(req, res, url);
      } else if (url.pathname === '/oauth2/authorize') await authorize(req, res, url, body);
      else if (url.pathname === '/oauth2/token') await token(req, res, body);
      else if (url.pathname === '/logout') logout(res, url, req);
      else return false;
      return true;
    },
  };
}
