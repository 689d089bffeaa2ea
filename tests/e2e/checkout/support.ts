/**
 * Helpers for the checkout e2e tests against the shared local cloud: products and stock made
 * through the staff API (as ops would), order bodies, placing orders as a client does, and raw
 * reads of the catalog's stock and the order items.
 *
 * The other capabilities run too (fraud assesses every order, payments authorises, fulfillment
 * picks). So that stock moves only by what a test itself does, test products cost ¥3 000 by
 * default: with the default fraud rules a new customer's order of ¥2 000 or more waits for a risk
 * analyst (IN_REVIEW), so it is neither paid nor picked while the test runs. Orders pay by bank
 * transfer, and distinct emails, addresses and devices keep velocity rules from rejecting a burst.
 * (Polling, SDK clients and invoking functions: tests/support/e2e.ts.)
 */
import { ulid } from 'ulid';
import { api, getItem, tables, tokenFor } from '../../support/e2e.ts';

let opsTokenCache: Promise<string> | undefined;
/** A staff token (ops). */
export function opsToken(): Promise<string> {
  opsTokenCache ??= tokenFor('e2e-ops-checkout', ['ops']);
  return opsTokenCache;
}

/** A customer token. */
export function customerToken(sub: string): Promise<string> {
  return tokenFor(sub, ['customer']);
}

/** Creates a product through `PUT /admin/products/{sku}` and counts its stock per warehouse. */
export async function productWithStock(stock: Record<string, number>, options: { price?: number; category?: string } = {}): Promise<string> {
  const sku = `E2E-${ulid()}`;
  const token = await opsToken();
  const created = await api(`/admin/products/${sku}`, {
    method: 'PUT',
    token,
    json: {
      name: `端到端测试 ${sku}`,
      category: options.category ?? 'home',
      price: { amount: options.price ?? 300_000, currency: 'CNY' },
      attributes: { weightGrams: 400, valueClass: 'low' },
      reason: 'e2e fixture',
    },
  });
  if (created.status !== 201) throw new Error(`PUT /admin/products → ${created.status} ${created.text}`);
  for (const [warehouseId, onHand] of Object.entries(stock)) {
    const counted = await api(`/admin/stock/${sku}/${warehouseId}`, { method: 'PUT', token, json: { onHand, reason: 'e2e fixture' } });
    if (counted.status !== 200) throw new Error(`PUT /admin/stock → ${counted.status} ${counted.text}`);
  }
  return sku;
}

/** A valid `POST /orders` body for `items`, unique per call (email, address). */
export function orderBody(items: Array<{ sku: string; quantity: number }>, overrides: Record<string, unknown> = {}) {
  const n = ulid();
  return {
    items,
    shippingAddress: { name: '李华', phone: '+86 138 0013 8000', line1: `滨江区网商路${n}号`, city: '杭州', region: 'east', postalCode: '310052', country: 'CN' },
    contactEmail: `li.hua.${n.toLowerCase()}@example.cn`,
    payment: { method: 'bank_transfer' },
    ...overrides,
  };
}

/** `POST /orders` as a client sends it. */
export function postOrder(token: string, body: unknown, key: string = ulid(), headers: Record<string, string> = {}) {
  return api('/orders', { method: 'POST', token, json: body, headers: { 'Idempotency-Key': key, 'x-device-id': `dev-${ulid()}`, ...headers } });
}

/** The raw stock items of a SKU, straight from DynamoDB: warehouse → { onHand, reserved, available }. */
export async function rawStock(sku: string, warehouses: readonly string[]): Promise<Record<string, { onHand: number; reserved: number; available: number }>> {
  const out: Record<string, { onHand: number; reserved: number; available: number }> = {};
  for (const warehouseId of warehouses) {
    const Item = await getItem(tables().catalog, { pk: `PRODUCT#${sku}`, sk: `STOCK#${warehouseId}` });
    if (Item) out[warehouseId] = { onHand: Number(Item.onHand), reserved: Number(Item.reserved), available: Number(Item.available) };
  }
  return out;
}

/** The raw order item, straight from DynamoDB. */
export async function rawOrder(orderId: string): Promise<Record<string, unknown> | undefined> {
  return getItem(tables().orders, { pk: `ORDER#${orderId}`, sk: 'ORDER' });
}
