/**
 * SEC-3 through the local cloud: place an order, export (the order and its address are there),
 * erase, export again (nothing personal), and staff read the order (amounts, no personal data).
 * Not here yet: the raw sweep of every table, the event archive and the queues
 * (tests/support/personal-data-sweep.ts) — the integration test proves the shredded ciphertexts no
 * longer decrypt.
 */
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { api, tokenFor } from '../../support/e2e.ts';
import { orderBody, postOrder, productWithStock } from '../checkout/support.ts';

describe('erasure by crypto-shredding over HTTP (SEC-3)', () => {
  it('SEC-3: export shows the order and address; DELETE /me is idempotent; the export after it and staff reads hold no personal data', async () => {
    const customer = await tokenFor(`e2e-erase-${ulid()}`, ['customer']);
    const sku = await productWithStock({ 'WH-EAST': 5 });
    const unique = `抹除${ulid().slice(-8)}`;
    const body = orderBody([{ sku, quantity: 1 }]);
    const placed = await postOrder(customer, { ...body, shippingAddress: { ...body.shippingAddress, name: unique, line1: `${unique}路1号` } });
    expect(placed.status, placed.text).toBe(201);
    const orderId = String(placed.json.orderId);

    const before = await api('/me/data', { token: customer });
    expect(before.status, before.text).toBe(200);
    expect(before.text).toContain(unique);
    expect(before.json.orders).toEqual([expect.objectContaining({ orderId })]);

    const erased = await api('/me', { method: 'DELETE', token: customer });
    expect(erased.status, erased.text).toBe(202);
    const again = await api('/me', { method: 'DELETE', token: customer });
    expect(again.status).toBe(202);
    expect(again.json.requestId).toBe(erased.json.requestId);

    const after = await api('/me/data', { token: customer });
    expect(after.status, after.text).toBe(200);
    expect(after.text).not.toContain(unique);
    expect(after.json.orders).toEqual([expect.objectContaining({ orderId, personalDataErasedAt: expect.any(String) })]);

    const staff = await tokenFor(`e2e-ops-${ulid()}`, ['ops']);
    const read = await api(`/orders/${orderId}`, { token: staff, headers: { 'X-Access-Reason': 'customer asked about an erased order' } });
    expect(read.status, read.text).toBe(200);
    expect(read.json.total).toBeDefined();
    expect(read.text).not.toContain(unique);

    const admin = await tokenFor(`e2e-admin-${ulid()}`, ['admin']);
    const requests = await api('/admin/privacy/requests?limit=100', { token: admin });
    expect(requests.status).toBe(200);
    expect(requests.json.items).toEqual(expect.arrayContaining([expect.objectContaining({ requestId: erased.json.requestId, kind: 'ERASURE', status: 'ERASED' })]));
  });
});
