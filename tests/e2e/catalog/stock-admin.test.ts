/**
 * Staff catalog routes end to end (FUL-4, SEC-1, SEC-4): ops create a product and count its stock
 * over HTTP; the counts show per warehouse with what placed orders reserved; a count below the
 * reserved quantity is refused; other roles are refused.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { api, tokenFor } from '../../support/e2e.ts';
import { customerToken, opsToken, orderBody, postOrder } from '../checkout/support.ts';

describe('staff stock routes (e2e)', () => {
  it('PUT /admin/products then PUT /admin/stock per warehouse; GET /admin/stock shows on hand, reserved, available', async () => {
    const sku = `E2E-STOCK-${ulid()}`;
    const ops = await opsToken();
    const product = await api(`/admin/products/${sku}`, {
      method: 'PUT',
      token: ops,
      json: { name: '盘点测试', category: 'home', price: { amount: 1990, currency: 'CNY' }, attributes: { weightGrams: 100, valueClass: 'low' }, reason: 'new listing' },
    });
    expect(product.status).toBe(201);
    expect((await api(`/admin/stock/${sku}/WH-EAST`, { method: 'PUT', token: ops, json: { onHand: 12, reason: 'goods received' } })).json).toEqual({
      warehouseId: 'WH-EAST',
      onHand: 12,
      reserved: 0,
      available: 12,
    });
    const order = await postOrder(await customerToken(`e2e-stock-${ulid()}`), orderBody([{ sku, quantity: 5 }]));
    expect(order.status).toBe(201);
    const counted = await api(`/admin/stock/${sku}/WH-EAST`, { method: 'PUT', token: ops, json: { onHand: 10, reason: 'cycle count: 2 missing' } });
    expect(counted.json).toEqual({ warehouseId: 'WH-EAST', onHand: 10, reserved: 5, available: 5 });
    const below = await api(`/admin/stock/${sku}/WH-EAST`, { method: 'PUT', token: ops, json: { onHand: 4, reason: 'count' } });
    expect(below.status).toBe(409);
    const view = await api(`/admin/stock/${sku}`, { token: ops });
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ sku });
    expect(view.json.items).toEqual(
      expect.arrayContaining([
        { warehouseId: 'WH-EAST', onHand: 10, reserved: 5, available: 5 },
        { warehouseId: 'WH-NORTH', onHand: 0, reserved: 0, available: 0 },
      ]),
    );
    const publicView = await api(`/products/${sku}`);
    expect(publicView.json).toMatchObject({ sku, availableStock: 5 });
  });

  it('SEC-1: only ops (or admin) count stock', async () => {
    const customer = await customerToken(`e2e-stock-${ulid()}`);
    expect((await api('/admin/stock/ELEC-EARBUDS-PRO', { token: customer })).status).toBe(401); // staff-only authorizer
    expect((await api('/admin/stock/ELEC-EARBUDS-PRO/WH-EAST', { method: 'PUT', token: await tokenFor('e2e-mkt', ['marketer']), json: { onHand: 1, reason: 'x' } })).status).toBe(
      403,
    );
    expect((await api('/admin/stock/ELEC-EARBUDS-PRO')).status).toBe(401);
    const admin = await api('/admin/stock/ELEC-EARBUDS-PRO', { token: await tokenFor('e2e-admin', ['admin']) });
    expect(admin.status).toBe(200);
  });
});
