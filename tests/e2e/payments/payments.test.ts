/**
 * Payments end to end through the local cloud (PAY-1…PAY-4, ORD-6, ORD-7, RISK-7): the deployed
 * stack — EventBridge rules → SQS → Lambda consumers, the sandbox provider with its own table, its
 * outbound queue and worker delivering signed webhooks to the webhook function, the refund and
 * admin routes over HTTP, the reconciliation function invoked through the Lambda API.
 *
 * Most tests stand in for checkout, fraud and fulfillment by putting their events on the bus (ids
 * unique per test; other capabilities ignore orders they do not know) and observe payments through
 * `GET /admin/payments/{orderId}`; the last one drives the whole flow through checkout's
 * `POST /orders`.
 */
import crypto from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { OrderDelivered, OrderShipped } from '../../../events/fulfillment-events.ts';
import { OrderCancelled } from '../../../events/order-cancelled.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { RiskApproved } from '../../../events/risk-assessed.ts';
import { signatureHeader } from '../../../functions/payments/domain/webhook-signature.ts';
import type { SandboxPayment } from '../../../functions/payments/provider/sandbox/sandbox-rules.ts';
import { sandboxWebhookEvent } from '../../../functions/payments/provider/sandbox/sandbox-webhook.ts';
import { DEV_SANDBOX_WEBHOOK_SECRET } from '../../../functions/payments/settings.ts';
import { api, dynamo, getItem, invoke, poll, putEvent, tables, tokenFor } from '../../support/e2e.ts';
import { postCarrierWebhook, shipmentsOf } from '../fulfillment/support.ts';
import { newOrder, orderPlaced, paymentView, untilPayment, type E2eOrder } from './support.ts';

const approve = (o: E2eOrder) =>
  putEvent(RiskApproved, { ...RiskApproved.example, orderId: o.orderId, customerId: o.customerId, assessmentId: ulid(), decidedAt: new Date().toISOString() });
const ship = (o: E2eOrder) => putEvent(OrderShipped, { orderId: o.orderId, shipmentIds: [ulid()], shippedAt: new Date().toISOString() });
const deliver = (o: E2eOrder) => putEvent(OrderDelivered, { orderId: o.orderId, shipmentIds: [ulid()], deliveredAt: new Date().toISOString() });
const cancel = (o: E2eOrder, from: 'PLACED' | 'APPROVED' | 'SHIPPED' = 'APPROVED') =>
  putEvent(OrderCancelled, {
    orderId: o.orderId,
    customerId: o.customerId,
    paymentMethod: o.method,
    from,
    cancelledBy: 'customer',
    actor: o.customerId,
    reason: 'customer-request',
    total: { amount: o.amount, currency: 'CNY' },
    cancelledAt: new Date().toISOString(),
  });

/** Places the order (OrderPlaced) and approves it once payments knows it (RiskApproved), like fraud after checkout. */
async function placedAndApproved(o: E2eOrder, expected: string[]) {
  await putEvent(OrderPlaced, await orderPlaced(o));
  expect((await untilPayment(o.orderId, ['new', ...expected]))?.payment.status).toBeOneOf(['new', ...expected]);
  await approve(o);
  const view = await untilPayment(o.orderId, expected);
  expect(view?.payment.status).toBeOneOf(expected);
  return view!;
}

const sandboxPayment = async (id: string) => (await getItem(tables().paymentProviderSandbox!, { pk: `PAYMENT#${id}`, sk: 'PAYMENT' })) as SandboxPayment | undefined;

describe('payments by events (e2e, local cloud)', () => {
  it('card: authorised on RiskApproved, captured on OrderShipped with the provider’s fee; the ledger balances; replays change nothing (PAY-1, PAY-2, PAY-3)', async () => {
    const o = newOrder('card', 23_040);
    const authorized = await placedAndApproved(o, ['authorized']);
    expect(authorized.payment).toMatchObject({ captureOn: 'shipment', providerPaymentId: expect.stringMatching(/^pay_sbx_/) });
    expect(authorized.balances.held).toBe(23_040);
    await ship(o);
    const captured = await untilPayment(o.orderId, ['captured']);
    expect(captured?.balances).toMatchObject({ held: 0, captured: 23_040, fees: 138, netPaid: 23_040, balanced: true });
    expect(captured?.ledger.map((m) => m.kind).sort()).toEqual(['authorization', 'capture', 'fee']);
    // Duplicates and replays: nothing more is captured, at the provider or in the ledger.
    await ship(o);
    await approve(o);
    await deliver(o);
    await new Promise((r) => setTimeout(r, 3000));
    const after = await paymentView(o.orderId);
    expect(after?.ledger).toHaveLength(3);
    expect((await sandboxPayment(after!.payment.providerPaymentId!))?.captures).toHaveLength(1);
  });

  it('declined card (tok_chargeDeclined) → payment failed (PaymentFailed, problem order, customer notified) and nothing on the ledger (ORD-6)', async () => {
    const o = newOrder('card', 5_000, 'tok_chargeDeclined');
    const view = await placedAndApproved(o, ['failed']);
    expect(view.payment.failureReason).toBe('declined');
    expect(view.ledger).toEqual([]);
  });

  it('bank transfer: pending until the sandbox’s funds arrive; its signed webhook (queue → worker → webhook function) captures it', async () => {
    const o = newOrder('bank_transfer', 88_800);
    await placedAndApproved(o, ['pending', 'captured']);
    const captured = await untilPayment(o.orderId, ['captured'], 45_000);
    expect(captured?.payment).toMatchObject({ status: 'captured', captureOn: 'already-captured', capturedAmount: 88_800 });
    expect(captured?.balances).toMatchObject({ captured: 88_800, fees: 533, held: 0, balanced: true });
  });

  it('cash on delivery: accepted without the provider, captured when delivered (PAY-1)', async () => {
    const o = newOrder('cod', 19_900);
    const view = await placedAndApproved(o, ['authorized']);
    expect(view.payment).toMatchObject({ captureOn: 'delivery' });
    expect(view.payment.providerPaymentId).toBeUndefined();
    await deliver(o);
    const captured = await untilPayment(o.orderId, ['captured']);
    expect(captured?.balances).toMatchObject({ captured: 19_900, fees: 0, balanced: true });
  });

  it('cancelled after authorisation → voided at the provider; cancelled after capture → refunded in full (PAY-2)', async () => {
    const voided = newOrder('wallet', 12_000);
    await placedAndApproved(voided, ['authorized']);
    await cancel(voided);
    const v = await untilPayment(voided.orderId, ['voided']);
    expect(v?.balances).toMatchObject({ held: 0, captured: 0, balanced: true });
    expect((await sandboxPayment(v!.payment.providerPaymentId!))?.status).toBe('canceled');

    const refunded = newOrder('card', 34_500);
    await placedAndApproved(refunded, ['authorized']);
    await ship(refunded);
    await untilPayment(refunded.orderId, ['captured']);
    await cancel(refunded, 'SHIPPED');
    const r = await untilPayment(refunded.orderId, ['refunded']);
    expect(r?.balances).toMatchObject({ captured: 34_500, refunded: 34_500, netPaid: 0, balanced: true });
    expect(r?.refunds).toEqual([expect.objectContaining({ status: 'succeeded' })]);
  });
});

describe('refunds over HTTP (PAY-2, RISK-7, ORD-7)', () => {
  it('a small refund is made at once; a large one waits for a second, different approver; every step is audited', async () => {
    // Below fraud's new-account-high-value review threshold (CNY 2,000.00), so fraud approves it too.
    const o = newOrder('card', 199_000);
    await placedAndApproved(o, ['authorized']);
    await ship(o);
    await untilPayment(o.orderId, ['captured']);
    const cs = await tokenFor('e2e-cs-1', ['cs-agent']);
    const ops = await tokenFor('e2e-ops-2', ['ops']);
    const refund = (amount: number, token: string, key = ulid()) =>
      api(`/orders/${o.orderId}/refunds`, {
        method: 'POST',
        token,
        headers: { 'Idempotency-Key': key },
        json: { amount: { amount, currency: 'CNY' }, reason: 'damaged-or-defective' },
      });

    const key = ulid();
    const small = await refund(5_000, cs, key);
    expect(small.status, small.text).toBe(201);
    expect(small.json).toMatchObject({ status: 'succeeded', amount: 5_000 });
    const replay = await refund(5_000, cs, key);
    expect(replay.status).toBe(201);
    expect(replay.json).toEqual(small.json);

    const large = await refund(150_000, cs);
    expect(large.status, large.text).toBe(202);
    expect(large.json).toMatchObject({ status: 'pending_approval' });
    const refundId = String(large.json.refundId);
    const approve = (token: string) => api(`/orders/${o.orderId}/refunds/${refundId}/approve`, { method: 'POST', token, headers: { 'Idempotency-Key': ulid() } });
    const self = await approve(cs);
    expect(self.status).toBe(403);
    expect(self.headers.get('content-type')).toContain('application/problem+json');
    const approved = await approve(ops);
    expect(approved.status, approved.text).toBe(201);
    expect(approved.json).toMatchObject({ status: 'succeeded', approvedBy: 'e2e-ops-2', requestedBy: 'e2e-cs-1' });

    const over = await refund(44_001, cs);
    expect(over.status).toBe(409);
    const view = await paymentView(o.orderId);
    expect(view?.balances).toMatchObject({ captured: 199_000, refunded: 155_000, balanced: true });
    expect(view?.payment.status).toBe('partially_refunded');
    expect(
      (
        await api(`/orders/${o.orderId}/refunds`, {
          method: 'POST',
          token: await tokenFor('e2e-customer', ['customer']),
          headers: { 'Idempotency-Key': ulid() },
          json: { amount: { amount: 1, currency: 'CNY' }, reason: 'x' },
        })
      ).status,
    ).toBe(401);
    // SEC-4 / RISK-7: every staff step is in the tamper-evident audit trail (the requester, the approver).
    const trail = await dynamo().send(
      new QueryCommand({
        TableName: tables().audit,
        IndexName: 'byResource',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `RESOURCE#order#${o.orderId}` },
      }),
    );
    expect((trail.Items ?? []).map((e) => [e.action, e.actor])).toEqual([
      ['refund.request', 'e2e-cs-1'],
      ['refund.request', 'e2e-cs-1'],
      ['refund.approve', 'e2e-ops-2'],
    ]);
  });
});

describe('POST /webhooks/payments over HTTP (PAY-2)', () => {
  it('a signed notification is accepted once and its duplicate acknowledged; bad signatures and replays older than 5 minutes are refused', async () => {
    const o = newOrder('card', 7_700);
    const view = await placedAndApproved(o, ['authorized']);
    const sp = (await sandboxPayment(view.payment.providerPaymentId!))!;
    const body = JSON.stringify(sandboxWebhookEvent({ id: `evt_sbx_${ulid()}`, type: 'payment.authorized', now: new Date(), payment: sp }));
    const post = (signature: string, raw = body) =>
      api('/webhooks/payments', { method: 'POST', headers: { 'content-type': 'application/json', 'Sandbox-Signature': signature }, body: raw });
    const now = () => Math.floor(Date.now() / 1000);
    const first = await post(signatureHeader(DEV_SANDBOX_WEBHOOK_SECRET, now(), body));
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({ received: true });
    const again = await post(signatureHeader(DEV_SANDBOX_WEBHOOK_SECRET, now(), body));
    expect(again.json).toMatchObject({ received: true, duplicate: true });
    const forged = await post(signatureHeader('whsec_not_the_secret_0000000000', now(), body));
    expect(forged.status).toBe(400);
    expect(forged.json).toMatchObject({ type: 'https://errors.commerce.dev/webhook-signature-mismatch' });
    const replay = await post(signatureHeader(DEV_SANDBOX_WEBHOOK_SECRET, now() - 600, body));
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ type: 'https://errors.commerce.dev/webhook-timestamp-outside-tolerance' });
    expect((await post('')).status).toBe(400);
  });
});

describe('reconciliation (PAY-3)', () => {
  it('the daily job reconciles a day; nothing about these orders is a mismatch; GET /admin/reconciliations/{date} serves the report', async () => {
    const orders = [newOrder('card', 11_111), newOrder('wallet', 22_222)];
    for (const o of orders) {
      await placedAndApproved(o, ['authorized']);
      await ship(o);
      await untilPayment(o.orderId, ['captured']);
    }
    const date = new Date().toISOString().slice(0, 10);
    const summary = await invoke('ReconcilePaymentsFunction', { date });
    expect(summary).toMatchObject({ date });
    const report = await api(`/admin/reconciliations/${date}`, { token: await tokenFor('e2e-analyst', ['analyst']) });
    expect(report.status, report.text).toBe(200);
    const mismatches = report.json.mismatches as Array<{ orderId?: string }>;
    expect(mismatches.filter((m) => orders.some((o) => o.orderId === m.orderId))).toEqual([]);
    expect(report.json.matched).toBeGreaterThanOrEqual(2);
  });

  it('an injected provider transaction with no order is reported (on a day of its own)', async () => {
    const date = `19${String(crypto.randomInt(10, 99))}-0${crypto.randomInt(1, 9)}-1${crypto.randomInt(0, 9)}`;
    const at = `${date}T10:00:00.000Z`;
    const transactionId = `cap_sbx_${ulid()}`;
    await dynamo().send(
      new PutCommand({
        TableName: tables().paymentProviderSandbox,
        Item: {
          pk: `SETTLEMENT#${date}`,
          sk: `${at}#${transactionId}`,
          transactionId,
          type: 'capture',
          providerPaymentId: `pay_sbx_${ulid()}`,
          reference: ulid(),
          amount: 4_321,
          fee: 26,
          currency: 'CNY',
          at,
        },
      }),
    );
    await invoke('ReconcilePaymentsFunction', { date });
    const report = await api(`/admin/reconciliations/${date}`, { token: await tokenFor('e2e-ops', ['ops']) });
    expect(report.status).toBe(200);
    expect(report.json).toMatchObject({
      status: 'mismatches',
      mismatchCount: 1,
      mismatches: [expect.objectContaining({ kind: 'unknown-provider-transaction', transactionId, actual: 4_321 })],
    });
    expect((await api(`/admin/reconciliations/${date}`, { token: await tokenFor('e2e-customer', ['customer']) })).status).toBe(401);
  });
});

describe('through checkout (POST /orders) — the whole flow', () => {
  async function placeOrder(method: 'card' | 'cod', paymentToken?: string) {
    const sku = `E2E-PAY-${ulid()}`;
    const ops = await tokenFor('e2e-ops-payments', ['ops']);
    expect(
      (
        await api(`/admin/products/${sku}`, {
          method: 'PUT',
          token: ops,
          json: {
            name: `支付测试 ${sku}`,
            category: 'groceries',
            price: { amount: 6_800, currency: 'CNY' },
            attributes: { weightGrams: 300, valueClass: 'low' },
            reason: 'e2e fixture',
          },
        })
      ).status,
    ).toBe(201);
    expect((await api(`/admin/stock/${sku}/WH-EAST`, { method: 'PUT', token: ops, json: { onHand: 5, reason: 'e2e fixture' } })).status).toBe(200);
    const customer = `e2e-pay-${ulid()}`;
    const token = await tokenFor(customer, ['customer']);
    const placed = await api('/orders', {
      method: 'POST',
      token,
      headers: { 'Idempotency-Key': ulid(), 'x-device-id': `dev-${ulid()}` },
      json: {
        items: [{ sku, quantity: 1 }],
        shippingAddress: { name: '李雷', phone: '+86 138 0000 0000', line1: `浦东新区支付路${ulid()}号`, city: '上海', region: 'east', postalCode: '200120', country: 'CN' },
        contactEmail: `buyer.${ulid().toLowerCase()}@example.cn`,
        payment: { method, ...(paymentToken ? { token: paymentToken } : {}) },
      },
    });
    expect(placed.status, placed.text).toBe(201);
    return { orderId: String(placed.json.orderId), token, amount: Number((placed.json.totals as { total?: { amount: number } } | undefined)?.total?.amount ?? 0) };
  }
  const orderStatus = async (orderId: string, token: string) => String((await api(`/orders/${orderId}`, { token })).json?.status);

  it('POST /orders (card) → fraud approves → payments authorises → APPROVED; the customer cancels → the authorisation is voided', async () => {
    const { orderId, token } = await placeOrder('card', 'tok_visa');
    const authorized = await untilPayment(orderId, ['authorized'], 45_000);
    expect(authorized?.payment).toMatchObject({ status: 'authorized', captureOn: 'shipment' });
    expect(
      await poll(
        () => orderStatus(orderId, token),
        (s) => ['APPROVED', 'FULFILLING'].includes(s),
        45_000,
      ),
    ).toBeOneOf(['APPROVED', 'FULFILLING']);
    const cancelled = await api(`/orders/${orderId}/cancel`, { method: 'POST', token, headers: { 'Idempotency-Key': ulid() }, json: {} });
    expect(cancelled.status, cancelled.text).toBe(200);
    const voided = await untilPayment(orderId, ['voided'], 45_000);
    expect(voided?.balances).toMatchObject({ held: 0, captured: 0, balanced: true });
  });

  it('POST /orders (card) → … → allocated → the carrier picks it up (signed webhook) → OrderShipped → captured → delivered; the ledger balances', async () => {
    const { orderId, token } = await placeOrder('card', 'tok_visa');
    await untilPayment(orderId, ['authorized'], 45_000);
    const opsToken = await tokenFor('e2e-ops-payments', ['ops']);
    const allocated = await poll(
      () => shipmentsOf(orderId, opsToken).catch(() => undefined),
      (v) => v?.status === 'ALLOCATED',
      45_000,
    );
    expect(allocated?.status).toBe('ALLOCATED');
    for (const s of allocated!.items) expect((await postCarrierWebhook({ carrier: s.carrier, waybill: s.waybill, status: 'PICKED_UP' })).status).toBe(200);
    const captured = await untilPayment(orderId, ['captured'], 45_000);
    expect(captured?.balances).toMatchObject({ held: 0, captured: captured?.payment.amount, balanced: true });
    expect(captured!.balances.fees).toBeGreaterThan(0);
    for (const s of allocated!.items)
      for (const status of ['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'] as const)
        expect((await postCarrierWebhook({ carrier: s.carrier, waybill: s.waybill, status })).status).toBe(200);
    expect(
      await poll(
        () => orderStatus(orderId, token),
        (s) => s === 'DELIVERED',
        45_000,
      ),
    ).toBe('DELIVERED');
    expect((await paymentView(orderId))?.ledger.filter((m) => m.kind === 'capture')).toHaveLength(1);
  });
});
