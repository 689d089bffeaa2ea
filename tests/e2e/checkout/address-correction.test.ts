/**
 * ORD-6 end to end on the local cloud: a customer corrects the shipping address of an order that
 * is still PLACED over HTTP; `OrderAddressCorrected` reaches fraud through the bus, which
 * re-assesses the order (the assessment says which correction it covers and keeps the first one);
 * the order goes on to fulfillment with the corrected address. Once approved, correcting it is a
 * 409; another customer's order is a 404; a bad address a 400.
 */
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { api, poll, tokenFor } from '../../support/e2e.ts';
import { customerToken, orderBody, postOrder, productWithStock } from './support.ts';

const corrected = { name: '李华', phone: '13800138001', line1: '中山东路 1 号', province: '江苏省', city: '南京市', district: '玄武区', postalCode: '210000', country: 'CN' };

describe('address correction before approval (ORD-6)', () => {
  it('the corrected address is re-assessed by fraud and shipped to', async () => {
    const sku = await productWithStock({ 'WH-EAST': 5 });
    const customerId = `e2e-fix-${ulid()}`;
    const token = await customerToken(customerId);
    const placed = await postOrder(token, orderBody([{ sku, quantity: 1 }]));
    expect(placed.status, placed.text).toBe(201);
    const orderId = String(placed.json.orderId);

    const fixed = await api(`/orders/${orderId}/shipping-address`, { method: 'PUT', token, json: { shippingAddress: corrected }, headers: { 'Idempotency-Key': ulid() } });
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.json).toMatchObject({ orderId, shippingAddress: { line1: '中山东路 1 号', province: '江苏省', region: 'east' } });
    expect((fixed.json.timeline as Array<{ reason: string }>).map((t) => t.reason)).toContain('address-corrected');

    const analyst = await tokenFor('e2e-analyst', ['risk-analyst']);
    const reassessed = await poll(
      () => api(`/admin/risk/assessments/${orderId}`, { token: analyst }),
      (r) => r.status === 200 && (r.json as { addressCorrections?: number }).addressCorrections === 1,
      60_000,
    );
    const first = (reassessed.json.previous as Array<{ decision: string }>)[0];
    expect(reassessed.json).toMatchObject({
      addressCorrections: 1,
      features: { addressCorrected: true },
      previous: [expect.objectContaining({ assessmentId: expect.any(String) })],
    });
    // Never relaxed: at least as strict as the decision at placement.
    if (first?.decision !== 'approve') expect(reassessed.json.decision).not.toBe('approve');
    if (reassessed.json.decision === 'review') {
      // The shared cloud's rules sent it to review (before or after the correction): an analyst approves it.
      const decided = await api(`/admin/reviews/${orderId}`, {
        method: 'POST',
        token: analyst,
        headers: { 'Idempotency-Key': ulid() },
        json: { decision: 'approve', note: 'address change confirmed with the customer' },
      });
      expect(decided.status, decided.text).toBe(200);
    }

    const moving = await poll(
      () => api(`/orders/${orderId}`, { token }),
      (r) => ['FULFILLING', 'SHIPPED', 'DELIVERED'].includes(String(r.json.status)),
      60_000,
    );
    expect(moving.json.shippingAddress).toMatchObject({ line1: '中山东路 1 号' });

    const late = await api(`/orders/${orderId}/shipping-address`, { method: 'PUT', token, json: { shippingAddress: corrected }, headers: { 'Idempotency-Key': ulid() } });
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ type: expect.stringContaining('address-not-correctable') });
  });

  it('another customer’s order → 404; a bad address → 400', async () => {
    const sku = await productWithStock({ 'WH-EAST': 5 });
    const token = await customerToken(`e2e-fix-${ulid()}`);
    const placed = await postOrder(token, orderBody([{ sku, quantity: 1 }]));
    const orderId = String(placed.json.orderId);
    const other = await api(`/orders/${orderId}/shipping-address`, {
      method: 'PUT',
      token: await customerToken(`e2e-other-${ulid()}`),
      json: { shippingAddress: corrected },
      headers: { 'Idempotency-Key': ulid() },
    });
    expect(other.status).toBe(404);
    const bad = await api(`/orders/${orderId}/shipping-address`, {
      method: 'PUT',
      token,
      json: { shippingAddress: { ...corrected, phone: '+1 415 555 0100' } },
      headers: { 'Idempotency-Key': ulid() },
    });
    expect(bad.status).toBe(400);
  });
});
