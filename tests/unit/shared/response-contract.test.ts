/**
 * The e2e response contract check: a concrete request finds its route (a literal segment beats a
 * parameter), and a 2xx body is held to the route's declared schema — paths in the message, never
 * the values.
 */
import { describe, expect, it } from 'vitest';
import { responseContractViolation, routeOf } from '../../support/response-contract.ts';

describe('response contract (e2e helper)', () => {
  it('finds the route of a concrete request; literal segments win over parameters', () => {
    expect(routeOf('GET', '/orders/01JD7ZK3X2V8Q4N6M5R9T0W1YB?x=1')?.operation).toBe('getOrder');
    expect(routeOf('POST', '/orders/01JD7ZK3X2V8Q4N6M5R9T0W1YB/cancel')?.operation).toBe('cancelOrder');
    expect(routeOf('GET', '/me/coupons')?.operation).toBe('listMyCoupons');
    expect(routeOf('GET', '/no/such/route')).toBeUndefined();
  });

  it('a body off its declared schema is a violation naming the route and the field; problems and undeclared bodies are not checked', () => {
    const good = {
      provider: 'sandbox',
      items: [{ method: 'card', needsToken: true, charged: 'at-shipment', perOrderMax: { amount: 1, currency: 'CNY' }, dailyMax: { amount: 1, currency: 'CNY' } }],
    };
    expect(responseContractViolation('GET', '/payment-methods', 200, good)).toBeUndefined();
    const bad = { provider: 'sandbox', items: [{ ...good.items[0], method: 'bitcoin-secret-value' }] };
    const violation = responseContractViolation('GET', '/payment-methods', 200, bad);
    expect(violation).toMatch(/^GET \/payment-methods → 200 does not match its declared response: items\.0\.method/);
    expect(violation).not.toContain('bitcoin-secret-value');
    expect(responseContractViolation('GET', '/payment-methods', 400, { anything: true })).toBeUndefined();
  });
});
