/**
 * Sign-in: OAuth 2.0 authorization code with PKCE (S256), as Cognito's managed login does it. Tokens live in
 * sessionStorage only (gone with the tab); the ID token is the API's bearer (API Gateway's Cognito authorizer)
 * and its `cognito:groups` claim holds the roles.
 */
export interface ConsoleConfig {
  stage: string;
  apiUrl: string;
  auth: { authorizeUrl: string; tokenUrl: string; logoutUrl: string; clientId: string; scopes: string[] };
}

export interface Session {
  idToken: string;
  expiresAt: number;
  sub: string;
  name: string;
  roles: string[];
}

const TOKEN_KEY = 'console.session';
const PKCE_KEY = 'console.pkce';

export const redirectUri = () => `${location.origin}/console/`;

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('./config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  return (await res.json()) as ConsoleConfig;
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** Sends the browser to the authorization server; the current hash is restored after sign-in. */
export async function signIn(config: ConsoleConfig): Promise<void> {
  const verifier = randomString(48);
  const state = randomString(16);
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, hash: location.hash }));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.auth.clientId,
    redirect_uri: redirectUri(),
    scope: config.auth.scopes.join(' '),
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  });
  location.assign(`${config.auth.authorizeUrl}?${params}`);
}

export function decodeClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = decodeURIComponent(Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''));
  return JSON.parse(json) as Record<string, unknown>;
}

function sessionFrom(idToken: string): Session {
  const claims = decodeClaims(idToken);
  const groups = claims['cognito:groups'];
  return {
    idToken,
    expiresAt: Number(claims.exp ?? 0) * 1000,
    sub: String(claims.sub ?? ''),
    name: String(claims['cognito:username'] ?? claims.sub ?? ''),
    roles: Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' ? groups.split(',') : [],
  };
}

/** Completes a sign-in when the URL carries `?code=&state=`; returns the error text if it failed. */
export async function completeSignIn(config: ConsoleConfig): Promise<string | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as { verifier: string; state: string; hash: string } | null;
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', `${location.pathname}${pending?.hash ?? ''}`);
  // the state first: an error in a link this console did not start is not shown as if it were one
  if (!pending || pending.state !== params.get('state')) return 'state mismatch: sign in again';
  if (error) return `${error}: ${params.get('error_description') ?? ''}`;
  const res = await fetch(config.auth.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.auth.clientId,
      code: code ?? '',
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string; error_description?: string };
    return `${body.error ?? `HTTP ${res.status}`}${body.error_description ? `: ${body.error_description}` : ''}`;
  }
  const tokens = (await res.json()) as { id_token: string };
  sessionStorage.setItem(TOKEN_KEY, tokens.id_token);
  return undefined;
}

export function currentSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return undefined;
  try {
    const session = sessionFrom(token);
    if (session.expiresAt <= Date.now()) throw new Error('expired');
    return session;
  } catch {
    sessionStorage.removeItem(TOKEN_KEY);
    return undefined;
  }
}

export function forgetSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export function signOut(config: ConsoleConfig): void {
  forgetSession();
  location.assign(`${config.auth.logoutUrl}?${new URLSearchParams({ client_id: config.auth.clientId, logout_uri: redirectUri() })}`);
}
