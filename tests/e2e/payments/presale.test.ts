/**
 * A pre-sale order end to end through the local cloud (ORD-5, PAY-1…PAY-3): `POST /orders` with
 * `orderType: 'pre-sale'` → fraud approves → payments authorises the deposit → checkout keeps the
 * order PLACED and publishes `PreSaleBalanceDue` → payments authorises the balance (a second
 * authorisation with the stored token) → checkout adds both `PaymentAuthorized` amounts and
 * approves → fulfillment allocates → the carrier picks it up (signed webhook) → `OrderShipped` →
 * payments captures deposit and balance → the order's ledger balances and the day reconciles.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { api, invoke, poll, tokenFor } from '../../support/e2e.ts';
import { postCarrierWebhook, shipmentsOf } from '../fulfillment/support.ts';

/** `GET /admin/payments/{orderId}` with both payments (undefined while payments does not know the order). */
type PresaleView = {
  payments: Array<{ paymentId: string; part?: string; status: string; amount: number; capturedAmount: number; providerPaymentId?: string; captureOn?: string }>;
  balances: { held: number; captured: number; refunded: number; fees: number; netPaid: number; balanced: boolean };
  ledger: Array<{ kind: string; movementId: string; amount: number; paymentId: string }>;
};

async function view(orderId: string): Promise<PresaleView | undefined> {
  const res = await api(`/admin/payments/${orderId}`, { token: await tokenFor('e2e-payments-ops', ['ops']) });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET /admin/payments/${orderId} → ${res.status} ${res.text}`);
  return res.json as unknown as PresaleView;
}

const until = (orderId: string, done: (v: PresaleView) => boolean, deadlineMs = 45_000) =>
  poll(
    () => view(orderId),
    (v) => v !== undefined && done(v),
    deadlineMs,
  );

/** Creates a product with stock (ops) and places a pre-sale order of two for a new customer (small: fraud approves it without review). */
async function placePresale(method: 'card' | 'wallet', paymentToken: string) {
  const sku = `E2E-PRESALE-${ulid()}`;
  const ops = await tokenFor('e2e-ops-payments', ['ops']);
  expect(
    (
      await api(`/admin/products/${sku}`, {
        method: 'PUT',
        token: ops,
        json: {
          name: `预售测试 ${sku}`,
          category: 'groceries',
          price: { amount: 8_800, currency: 'CNY' },
          attributes: { weightGrams: 400, valueClass: 'low' },
          reason: 'e2e fixture',
        },
      })
    ).status,
  ).toBe(201);
  expect((await api(`/admin/stock/${sku}/WH-EAST`, { method: 'PUT', token: ops, json: { onHand: 5, reason: 'e2e fixture' } })).status).toBe(200);
  const token = await tokenFor(`e2e-presale-${ulid()}`, ['customer']);
  const placed = await api('/orders', {
    method: 'POST',
    token,
    headers: { 'Idempotency-Key': ulid(), 'x-device-id': `dev-${ulid()}` },
    json: {
      orderType: 'pre-sale',
      items: [{ sku, quantity: 2 }],
      shippingAddress: { name: '韩梅梅', phone: '+86 139 0000 0000', line1: `浦东新区预售路${ulid()}号`, city: '上海', region: 'east', postalCode: '200120', country: 'CN' },
      contactEmail: `presale.${ulid().toLowerCase()}@example.cn`,
      payment: { method, token: paymentToken },
    },
  });
  expect(placed.status, placed.text).toBe(201);
  expect(placed.json.orderType).toBe('pre-sale');
  const amountOf = (field: string) => (placed.json[field] as { amount: number }).amount;
  const [total, deposit] = [amountOf('total'), amountOf('amountDue')];
  // Checkout's default deposit: 20 % of the total (half-up); the balance is the rest.
  expect(deposit).toBe(Math.floor((total * 2000 + 5000) / 10_000));
  expect(amountOf('balanceDue')).toBe(total - deposit);
  return { orderId: String(placed.json.orderId), token, ops, total, deposit };
}

describe('pre-sale order through the local cloud (ORD-5)', () => {
  it('POST /orders (pre-sale, card) → deposit authorised → balance authorised → APPROVED → allocated → shipped (carrier webhook) → deposit and balance captured; the ledger balances and reconciles', async () => {
    const { orderId, token, ops, total, deposit } = await placePresale('card', 'tok_visa');

    // The deposit is authorised first (RiskApproved), then the balance (PreSaleBalanceDue) with the same token under its own key.
    const authorized = await until(orderId, (v) => v.payments.length === 2 && v.payments.every((p) => p.status === 'authorized'));
    expect(authorized?.payments.map((p) => [p.part, p.status, p.amount, p.captureOn])).toEqual([
      ['deposit', 'authorized', deposit, 'shipment'],
      ['balance', 'authorized', total - deposit, 'shipment'],
    ]);
    expect(authorized!.payments[0]!.providerPaymentId).not.toBe(authorized!.payments[1]!.providerPaymentId);
    expect(authorized?.balances).toMatchObject({ held: total, captured: 0, balanced: true });

    // Checkout added both PaymentAuthorized amounts: approved (and fulfillment allocates).
    const order = await poll(
      async () => (await api(`/orders/${orderId}`, { token })).json,
      (o) => ['APPROVED', 'FULFILLING'].includes(String(o?.status)),
      45_000,
    );
    expect(order?.status).toBeOneOf(['APPROVED', 'FULFILLING']);
    expect(order?.orderType).toBe('pre-sale');
    expect(order?.payment).toMatchObject({ status: 'authorized', authorized: { amount: total, currency: 'CNY' } });

    const allocated = await poll(
      () => shipmentsOf(orderId, ops).catch(() => undefined),
      (v) => v?.status === 'ALLOCATED',
      45_000,
    );
    expect(allocated?.status).toBe('ALLOCATED');
    for (const s of allocated!.items) expect((await postCarrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' })).status).toBe(200);

    // Shipped → both captured, each with the provider's fee; the order's ledger balances.
    const captured = await until(orderId, (v) => v.payments.every((p) => p.status === 'captured'));
    expect(captured?.payments.map((p) => [p.part, p.status, p.capturedAmount])).toEqual([
      ['deposit', 'captured', deposit],
      ['balance', 'captured', total - deposit],
    ]);
    expect(captured?.balances).toMatchObject({ held: 0, captured: total, refunded: 0, netPaid: total, balanced: true });
    expect(captured!.balances.fees).toBeGreaterThan(0);
    expect(
      captured?.ledger
        .filter((m) => m.kind === 'capture')
        .map((m) => m.paymentId)
        .sort(),
    ).toEqual(captured?.payments.map((p) => p.paymentId).sort());
    expect(
      captured?.ledger
        .map((m) => m.movementId)
        .filter((id) => !id.startsWith('CAPTURE#') && !id.startsWith('FEE#'))
        .sort(),
    ).toEqual(['AUTH', 'BALANCE#AUTH']);
    expect(
      await poll(
        async () => String((await api(`/orders/${orderId}`, { token })).json?.status),
        (s) => s === 'SHIPPED',
        45_000,
      ),
    ).toBe('SHIPPED');

    // PAY-3: today's reconciliation matches both captures of this order.
    const date = new Date().toISOString().slice(0, 10);
    await invoke('ReconcilePaymentsFunction', { date });
    const report = await api(`/admin/reconciliations/${date}`, { token: await tokenFor('e2e-analyst', ['analyst']) });
    expect(report.status, report.text).toBe(200);
    expect((report.json.mismatches as Array<{ orderId?: string }>).filter((m) => m.orderId === orderId)).toEqual([]);
  });

  it('POST /orders (pre-sale, wallet) → both authorised → APPROVED → the customer cancels → deposit and balance are voided at the provider (PAY-2)', async () => {
    const { orderId, token, total } = await placePresale('wallet', 'tok_wallet');
    await until(orderId, (v) => v.payments.length === 2 && v.payments.every((p) => p.status === 'authorized'));
    await poll(
      async () => String((await api(`/orders/${orderId}`, { token })).json?.status),
      (s) => ['APPROVED', 'FULFILLING'].includes(s),
      45_000,
    );
    const cancelled = await api(`/orders/${orderId}/cancel`, { method: 'POST', token, headers: { 'Idempotency-Key': ulid() }, json: {} });
    expect(cancelled.status, cancelled.text).toBe(200);
    const voided = await until(orderId, (v) => v.payments.every((p) => p.status === 'voided'));
    expect(voided?.payments.map((p) => [p.part, p.status])).toEqual([
      ['deposit', 'voided'],
      ['balance', 'voided'],
    ]);
    expect(voided?.balances).toMatchObject({ held: 0, captured: 0, balanced: true });
    expect(voided?.ledger.map((m) => m.movementId).sort()).toEqual(['AUTH', 'BALANCE#AUTH', 'BALANCE#VOID', 'VOID']);
    expect(voided?.ledger.find((m) => m.movementId === 'BALANCE#AUTH')?.amount).toBeLessThan(total);
  });
});
