/**
 * Order request rules beyond the JSON shape (SEC-5, PAY-1, ORD-5) and the pseudonymous risk
 * signals (RISK-2): card numbers are never accepted anywhere; tokens for card and wallet only.
 */
import { describe, expect, it } from 'vitest';
import { containsCardNumber, luhnValid, orderRequestIssues, type OrderRequest } from '../../../functions/checkout/domain/order-request.ts';
import { keyedHash, normaliseEmail, normalisePhone, riskSignals } from '../../../functions/checkout/risk-signals.ts';

const rules = { regions: ['east', 'north', 'south'], maxOrderLines: 3, maxLineQuantity: 5 };
const request = (overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  items: [{ sku: 'TEA-1', quantity: 1 }],
  shippingAddress: { name: '张三', phone: '+86 138 0013 8000', line1: '科技园路1号', city: '深圳', region: 'east', postalCode: '518000', country: 'CN' },
  contactEmail: 'zhang@example.com',
  payment: { method: 'card', token: 'tok_visa' },
  ...overrides,
});
const paths = (r: OrderRequest) => orderRequestIssues(r, rules).map((i) => i.path);

describe('order request rules', () => {
  it('accepts a valid request', () => {
    expect(orderRequestIssues(request(), rules)).toEqual([]);
  });

  it('checks limits from settings: lines, quantities, duplicates', () => {
    expect(paths(request({ items: [] }))).toEqual(['body.items']);
    expect(paths(request({ items: [1, 2, 3, 4].map((i) => ({ sku: `S-${i}0`, quantity: 1 })) }))).toEqual(['body.items']);
    expect(
      paths(
        request({
          items: [
            { sku: 'A-1', quantity: 6 },
            { sku: 'A-1', quantity: 0 },
          ],
        }),
      ),
    ).toEqual(['body.items[0].quantity', 'body.items[1].sku', 'body.items[1].quantity']);
  });

  it('the shipping (and billing) region must be a known region', () => {
    expect(paths(request({ shippingAddress: { ...request().shippingAddress, region: 'mars' }, billingRegion: 'venus' }))).toEqual([
      'body.shippingAddress.region',
      'body.billingRegion',
    ]);
  });

  it('card and wallet need a tok_ token; bank transfer and COD take none (PAY-1)', () => {
    expect(paths(request({ payment: { method: 'card' } }))).toEqual(['body.payment.token']);
    expect(paths(request({ payment: { method: 'wallet', token: 'abc' } }))).toEqual(['body.payment.token']);
    expect(paths(request({ payment: { method: 'cod', token: 'tok_visa' } }))).toEqual(['body.payment.token']);
    expect(paths(request({ payment: { method: 'bank_transfer' } }))).toEqual([]);
  });

  it('refuses anything that looks like a card number, in the token or in free text', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(containsCardNumber('4111 1111 1111 1111')).toBe(true);
    expect(containsCardNumber('5500-0000-0000-0004')).toBe(true);
    expect(containsCardNumber('+86 138 0013 8000')).toBe(false);
    expect(containsCardNumber('科技园路1号 518000')).toBe(false);
    const issues = orderRequestIssues(request({ payment: { method: 'card', token: 'tok_4111111111111111' } }), rules);
    expect(issues).toEqual([{ path: 'body.payment.token', message: 'Card numbers are never accepted; send the payment provider’s token' }]);
    expect(paths(request({ shippingAddress: { ...request().shippingAddress, line2: 'card 4111111111111111' } }))).toEqual(['body.shippingAddress.line2']);
  });

  it('a group-buy order buys one SKU; groupBuy only with orderType group-buy (ORD-5)', () => {
    expect(orderRequestIssues(request({ orderType: 'group-buy' }), rules)).toEqual([]);
    expect(orderRequestIssues(request({ orderType: 'group-buy', groupBuy: { code: '7KD3M9QX' } }), rules)).toEqual([]);
    expect(
      paths(
        request({
          orderType: 'group-buy',
          items: [
            { sku: 'TEA-1', quantity: 1 },
            { sku: 'TEA-2', quantity: 1 },
          ],
        }),
      ),
    ).toEqual(['body.items']);
    expect(paths(request({ groupBuy: { code: '7KD3M9QX' } }))).toEqual(['body.groupBuy']);
    expect(paths(request({ orderType: 'pre-sale' }))).toEqual([]);
  });
});

describe('risk signals (RISK-2): keyed hashes of normalised values', () => {
  it('normalises before hashing, so the same person matches across spellings', () => {
    expect(normaliseEmail(' Zhang+shop@Example.COM ')).toBe('zhang@example.com');
    expect(normalisePhone('+86 138-0013-8000')).toBe('13800138000');
    const a = riskSignals('k'.repeat(32), { email: 'Zhang+1@example.com', address: request().shippingAddress });
    const b = riskSignals('k'.repeat(32), { email: 'zhang@EXAMPLE.com', address: { ...request().shippingAddress, phone: '13800138000', line1: ' 科技园路1号 ' } });
    expect(a.emailHash).toBe(b.emailHash);
    expect(a.phoneHash).toBe(b.phoneHash);
    expect(a.addressHash).toBe(b.addressHash);
    expect(a.emailDomain).toBe('example.com');
  });

  it('depends on the key and the purpose, and never contains the value', () => {
    expect(keyedHash('k1'.repeat(16), 'email', 'a@b.c')).not.toBe(keyedHash('k2'.repeat(16), 'email', 'a@b.c'));
    expect(keyedHash('k1'.repeat(16), 'email', '1')).not.toBe(keyedHash('k1'.repeat(16), 'phone', '1'));
    const s = riskSignals('k'.repeat(32), { email: 'zhang@example.com', address: request().shippingAddress, deviceId: 'dev-1', sourceIp: '10.0.0.1', paymentToken: 'tok_visa' });
    const text = JSON.stringify(s);
    for (const secret of ['zhang@', '13800138000', '科技园', '10.0.0.1', 'tok_visa']) expect(text).not.toContain(secret);
    expect(s).toMatchObject({ deviceId: 'dev-1', ipHash: expect.stringMatching(/^[0-9a-f]{64}$/), paymentFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
