import { describe, expect, it } from 'vitest';
import { authorize, isAllowed, parseGroupsClaim, principalFromEvent, type Principal } from '../../../shared/auth.ts';
import { ProblemError } from '../../../shared/errors.ts';

const STAFF_ISS = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Staff';
const CUSTOMER_ISS = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Customers';
const trust = { staffIssuer: STAFF_ISS };
const staffClaims = (claims: Record<string, unknown>) => ({ iss: STAFF_ISS, ...claims });

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
    [
      ['ops', 'risk-analyst'],
      ['ops', 'risk-analyst'],
    ],
    [undefined, []],
    [42, []],
  ])('parses %j', (raw, expected) => {
    expect(parseGroupsClaim(raw)).toEqual(expected);
  });

  it('builds a principal from sub and groups; unknown groups are ignored', () => {
    const principal = principalFromEvent(eventWith(staffClaims({ sub: 'u-1', 'cognito:groups': '[ops, us-east-1_pool_Google, admin]' })), trust);
    expect(principal).toEqual({ userId: 'u-1', roles: ['ops', 'admin'], isStaff: true });
    expect(principalFromEvent(eventWith({ iss: CUSTOMER_ISS, sub: 'c-1', 'cognito:groups': 'customer' }), trust)).toEqual({ userId: 'c-1', roles: ['customer'], isStaff: false });
    expect(principalFromEvent(eventWith({ iss: CUSTOMER_ISS, sub: 'c-2' }), trust)).toEqual({ userId: 'c-2', roles: [], isStaff: false });
  });

  it('no claims or no sub → no principal', () => {
    expect(principalFromEvent(eventWith(undefined), trust)).toBeUndefined();
    expect(principalFromEvent({}, trust)).toBeUndefined();
    expect(principalFromEvent(eventWith(staffClaims({ 'cognito:groups': 'ops' })), trust)).toBeUndefined();
    expect(principalFromEvent(eventWith(staffClaims({ sub: '  ' })), trust)).toBeUndefined();
  });
});

describe('auth: a role counts only from the pool that may grant it (SEC-1)', () => {
  it('staff roles in a token of the customer pool (or of any other issuer) give nothing', () => {
    for (const iss of [CUSTOMER_ISS, 'https://evil.example/eu-west-1_Staff', undefined, '']) {
      const principal = principalFromEvent(eventWith({ iss, sub: 'c-1', 'cognito:groups': 'admin,ops,customer' }), trust);
      expect(principal).toEqual({ userId: 'c-1', roles: ['customer'], isStaff: false });
    }
  });

  it('the customer role in a token of the staff pool gives nothing', () => {
    expect(principalFromEvent(eventWith(staffClaims({ sub: 's-1', 'cognito:groups': 'customer,ops' })), trust)).toEqual({ userId: 's-1', roles: ['ops'], isStaff: true });
  });

  it('the issuer compares without scheme, trailing slash or case (CloudFormation ProviderURL)', () => {
    const bare = { staffIssuer: 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Staff' };
    expect(principalFromEvent(eventWith(staffClaims({ sub: 's-1', 'cognito:groups': 'ops' })), bare)?.roles).toEqual(['ops']);
    expect(principalFromEvent(eventWith({ iss: `${STAFF_ISS}/`, sub: 's-1', 'cognito:groups': 'ops' }), trust)?.roles).toEqual(['ops']);
    expect(principalFromEvent(eventWith({ iss: `${STAFF_ISS}x`, sub: 's-1', 'cognito:groups': 'ops' }), trust)?.roles).toEqual([]);
  });

  it('fails closed: without a known staff issuer no token is staff', () => {
    expect(principalFromEvent(eventWith(staffClaims({ sub: 's-1', 'cognito:groups': 'admin' })), { staffIssuer: undefined })?.roles).toEqual([]);
    const status = (() => {
      try {
        authorize(eventWith(staffClaims({ sub: 's-1', 'cognito:groups': 'admin' })), { roles: ['ops'] }, { staffIssuer: undefined });
        return 200;
      } catch (error) {
        return (error as ProblemError).status;
      }
    })();
    expect(status).toBe(403);
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
    expect(status(() => authorize(eventWith(undefined), { roles: ['ops'] }, trust))).toBe(401);
    expect(status(() => authorize(eventWith({ iss: CUSTOMER_ISS, sub: 'u', 'cognito:groups': 'customer' }), { roles: ['ops'] }, trust))).toBe(403);
    expect(status(() => authorize(eventWith(staffClaims({ sub: 'u', 'cognito:groups': '[ops]' })), { roles: ['ops'] }, trust))).toBe(200);
    expect(authorize(eventWith(undefined), 'public', trust)).toBeUndefined();
    expect(authorize(eventWith({ iss: CUSTOMER_ISS, sub: 'u', 'cognito:groups': 'customer' }), 'public', trust)?.userId).toBe('u');
  });
});
