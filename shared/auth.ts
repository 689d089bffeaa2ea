/**
 * Who is calling, and may they (SEC-1: least-privilege RBAC). API Gateway's Cognito authorizer has
 * verified the JWT already; its claims arrive in `event.requestContext.authorizer.claims` as
 * strings. A role counts only when the pool that issued the token may grant it: staff roles only
 * from the staff pool's issuer (`iss`, compared with the `STAFF_POOL_ISSUER` the stack sets), the
 * `customer` role only from any other pool — so a `cognito:groups` claim naming `admin` in a
 * customer-pool token (a misconfigured group, a client-chosen attribute mapped into groups) gives
 * nothing, and without a known staff issuer no token is staff (fail closed). `cognito:groups` comes in several shapes depending on the API type and the number of
 * groups — `"ops"`, `"ops,admin"`, `"[ops, admin]"`, `"[ops admin]"`, a JSON array string, or a
 * real array — all of which are accepted here.
 */
import { forbidden, unauthorized } from './errors.ts';

/** Every role of API.md. */
export const ROLES = ['customer', 'ops', 'risk-analyst', 'cs-agent', 'analyst', 'marketer', 'content-reviewer', 'admin'] as const;

/** A role: a Cognito group the platform knows. */
export type Role = (typeof ROLES)[number];

/** Roles held by staff (everyone but customers). */
export const STAFF_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'customer');

/** The authenticated caller. */
export interface Principal {
  /** The token's `sub`. */
  readonly userId: string;
  /** The caller's known roles; unknown groups are ignored. */
  readonly roles: readonly Role[];
  /** True when the caller holds any staff role. */
  readonly isStaff: boolean;
}

/** What a route requires: `'public'`, or a signed-in caller holding one of `roles` (empty = any role). */
export type AuthRequirement = 'public' | { readonly roles: readonly Role[] };

const ROLE_SET: ReadonlySet<string> = new Set(ROLES);

/** True when `value` is a known {@link Role}. */
export function isRole(value: string): value is Role {
  return ROLE_SET.has(value);
}

/** Splits a `cognito:groups` claim in any of the shapes API Gateway produces into group names. */
export function parseGroupsClaim(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return raw.flatMap((item) => parseGroupsClaim(item));
  if (typeof raw !== 'string') return [];
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed))
        return parsed
          .filter((g): g is string => typeof g === 'string')
          .map((g) => g.trim())
          .filter(Boolean);
    } catch {
      // not JSON: "[ops, admin]" or "[ops admin]"
    }
  }
  return text
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.replace(/^["']|["']$/g, '').trim())
    .filter(Boolean);
}

/** Where staff tokens come from: the staff user pool's issuer (`https://cognito-idp.<region>.amazonaws.com/<poolId>`). */
export interface TrustedIssuers {
  /** Undefined = no staff pool is known: no token carries a staff role. */
  readonly staffIssuer: string | undefined;
}

/** An issuer URL without scheme and trailing slash (CloudFormation's ProviderURL may omit `https://`). */
function normalizeIssuer(issuer: string): string {
  return issuer
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/** True when `iss` is the staff pool's issuer. */
export function isStaffIssuer(iss: unknown, trust: TrustedIssuers): boolean {
  if (typeof iss !== 'string' || iss.trim() === '' || !trust.staffIssuer) return false;
  return normalizeIssuer(iss) === normalizeIssuer(trust.staffIssuer);
}

interface EventWithClaims {
  readonly requestContext?: { readonly authorizer?: { readonly claims?: unknown } | null } | null;
}

/**
 * The caller of a proxy event, or `undefined` when the event carries no authorizer claims or no
 * `sub` (a public route, or a request API Gateway did not authenticate). Roles the token's issuer
 * may not grant are dropped (see the module documentation).
 */
export function principalFromEvent(event: EventWithClaims, trust: TrustedIssuers): Principal | undefined {
  const claims = event.requestContext?.authorizer?.claims;
  if (!claims || typeof claims !== 'object') return undefined;
  const record = claims as Record<string, unknown>;
  const sub = record.sub;
  if (typeof sub !== 'string' || sub.trim() === '') return undefined;
  const fromStaffPool = isStaffIssuer(record.iss, trust);
  const grantable = (role: Role) => (fromStaffPool ? role !== 'customer' : role === 'customer');
  const roles = [...new Set(parseGroupsClaim(record['cognito:groups']).filter(isRole))].filter(grantable);
  return { userId: sub.trim(), roles, isStaff: roles.some((role) => role !== 'customer') };
}

/**
 * True when `principal` may call a route open to `allowed`. An empty list means any signed-in
 * caller. `admin` may do anything staff may: it passes every route that admits a staff role.
 */
export function isAllowed(principal: Principal, allowed: readonly Role[]): boolean {
  if (allowed.length === 0) return true;
  if (principal.roles.some((role) => allowed.includes(role))) return true;
  return principal.roles.includes('admin') && allowed.some((role) => role !== 'customer');
}

/**
 * Enforces a route's {@link AuthRequirement} on an event: returns the principal (or `undefined` on a
 * public route without claims); throws 401 when claims are missing and 403 when the role is wrong.
 */
export function authorize(event: EventWithClaims, requirement: AuthRequirement, trust: TrustedIssuers): Principal | undefined {
  const principal = principalFromEvent(event, trust);
  if (requirement === 'public') return principal;
  if (!principal) throw unauthorized();
  if (!isAllowed(principal, requirement.roles)) throw forbidden();
  return principal;
}
