import { describe, expect, it } from 'vitest';
import { authorize, isAllowed, parseGroupsClaim, principalFromEvent, type Principal } from '../../../shared/auth.ts';
import { ProblemError } from '../../../shared/errors.ts';

const eventWith = (claims: Record<string, unknown> | undefined) => ({ requestContext: { authorizer: claims ? { claims } : null } });

describe('auth: cognito:groups claim formats (SEC-1)', () => {
  it.each([
    ['ops', ['ops']],
    ['ops,admin', ['ops', 'admin']],
    ['ops, admin', ['ops', 'admin']],
    ['[ops, admin]', ['ops', 'admin']],
    ['[ops admin]', ['ops', 'admin']],
    ['["ops","admin"]', ['ops', 'admin']],
    ['[]', []],
    ['', []],
    [['ops', 'risk-analyst'], ['ops', 'risk-analyst']],
    [undefined, []],
    [42, []],
  ])('parses %j', (raw, expected) => {
    expect(parseGroupsClaim(raw)).toEqual(expected);
  });

  it('builds a principal from sub and groups; unknown groups are ignored', () => {
    const principal = principalFromEvent(eventWith({ sub: 'u-1', 'cognito:groups': '[ops, us-east-1_pool_Google, admin]' }));
    expect(principal).toEqual({ userId: 'u-1', roles: ['ops', 'admin'], isStaff: true });
    expect(principalFromEvent(eventWith({ sub: 'c-1', 'cognito:groups': 'customer' }))).toEqual({ userId: 'c-1', roles: ['customer'], isStaff: false });
    expect(principalFromEvent(eventWith({ sub: 'c-2' }))).toEqual({ userId: 'c-2', roles: [], isStaff: false });
  });

  it('no claims or no sub → no principal', () => {
    expect(principalFromEvent(eventWith(undefined))).toBeUndefined();
    expect(principalFromEvent({})).toBeUndefined();
    expect(principalFromEvent(eventWith({ 'cognito:groups': 'ops' }))).toBeUndefined();
    expect(principalFromEvent(eventWith({ sub: '  ' }))).toBeUndefined();
  });
});

describe('auth: RBAC (SEC-1)', () => {
  const p = (...roles: Principal['roles']): Principal => ({ userId: 'u', roles, isStaff: roles.some((r) => r !== 'customer') });

  it('allows a listed role, refuses others', () => {
    expect(isAllowed(p('ops'), ['ops'])).toBe(true);
    expect(isAllowed(p('cs-agent'), ['ops', 'cs-agent'])).toBe(true);
    expect(isAllowed(p('marketer'), ['ops'])).toBe(false);
    expect(isAllowed(p('customer'), ['ops'])).toBe(false);
    expect(isAllowed(p(), ['ops'])).toBe(false);
  });

  it('admin may do anything staff may, but is not a customer', () => {
    expect(isAllowed(p('admin'), ['ops'])).toBe(true);
    expect(isAllowed(p('admin'), ['risk-analyst'])).toBe(true);
    expect(isAllowed(p('admin'), ['customer', 'ops'])).toBe(true);
    expect(isAllowed(p('admin'), ['customer'])).toBe(false);
  });

  it('an empty role list admits any signed-in caller', () => {
    expect(isAllowed(p(), [])).toBe(true);
  });

  it('authorize: missing claims → 401, wrong role → 403, public → optional principal', () => {
    const status = (fn: () => unknown) => {
      try {
        fn();
        return 200;
      } catch (error) {
        return (error as ProblemError).status;
      }
    };
    expect(status(() => authorize(eventWith(undefined), { roles: ['ops'] }))).toBe(401);
    expect(status(() => authorize(eventWith({ sub: 'u', 'cognito:groups': 'customer' }), { roles: ['ops'] }))).toBe(403);
    expect(status(() => authorize(eventWith({ sub: 'u', 'cognito:groups': '[ops]' }), { roles: ['ops'] }))).toBe(200);
    expect(authorize(eventWith(undefined), 'public')).toBeUndefined();
    expect(authorize(eventWith({ sub: 'u', 'cognito:groups': 'customer' }), 'public')?.userId).toBe('u');
  });
});
