/**
 * Refunds with maker-checker approval (PAY-2, RISK-7, SEC-4, ORD-7) and the provider webhook
 * endpoint (PAY-2: signature-checked, 5-minute replay window, duplicates acknowledged) through the
 * real handlers against DynamoDB Local.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { newId } from '../../../shared/ids.ts';
import { signatureHeader } from '../../../functions/payments/domain/webhook-signature.ts';
import { sandboxWebhookEvent } from '../../../functions/payments/provider/sandbox/sandbox-webhook.ts';
import { apiEvent, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, WEBHOOK_SECRET, type PaymentsHarness, type TestOrder } from './harness.ts';

let h: PaymentsHarness;

beforeAll(() => {
  useLocalDynamoDb();
  h = paymentsHarness();
});

async function capturedOrder(amount = 300_000): Promise<TestOrder> {
  const o = h.newOrder('card', amount);
  expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
  expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
  expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
  return o;
}

const refundPath = (orderId: string) => ({ path: `/orders/${orderId}/refunds`, resource: '/orders/{orderId}/refunds', pathParameters: { orderId } });
const requestRefund = (orderId: string, amount: number, sub = 'cs-1', key = newId(), roles = ['cs-agent']) =>
  h.http(h.handlers.requestRefund, { ...refundPath(orderId), body: { amount: { amount, currency: 'CNY' }, reason: 'damaged-or-defective' }, sub, roles, key });
const decide = (verb: 'approve' | 'reject', orderId: string, refundId: string, sub: string, roles = ['ops'], key = newId()) =>
  h.http(verb === 'approve' ? h.handlers.approveRefund : h.handlers.rejectRefund, {
    path: `/orders/${orderId}/refunds/${refundId}/${verb}`,
    resource: `/orders/{orderId}/refunds/{refundId}/${verb}`,
    pathParameters: { orderId, refundId },
    body: verb === 'reject' ? { note: 'not covered by the policy' } : undefined,
    sub,
    roles,
    key,
  });

describe('POST /orders/{orderId}/refunds (PAY-2, AFT-1)', () => {
  it('below the threshold: refunded at once (201), PaymentRefunded, ledger and provider agree; audited', async () => {
    const o = await capturedOrder();
    const response = await requestRefund(o.orderId, 5000);
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ status: 'succeeded', amount: 5000, origin: 'staff', requestedBy: 'cs-1' });
    const payment = (await h.repo.getPayment(o.orderId))!.payment;
    expect(payment).toMatchObject({ status: 'partially_refunded', refundedAmount: 5000, refundPendingAmount: 0 });
    const atProvider = await h.store.getPayment(payment.providerPaymentId as string);
    expect(atProvider?.amountRefunded).toBe(5000);
    expect(h.eventsOf(o.orderId)).toContain('PaymentRefunded');
    const trail = await h.audit.forResource('order', o.orderId);
    expect(trail.map((e) => [e.action, e.actor, e.details?.refundId])).toEqual([['refund.request', 'cs-1', response.json.refundId]]);
  });

  it('partial, repeated refunds never exceed captured minus refunded (409 with how much is left)', async () => {
    const o = await capturedOrder(50_000);
    expect((await requestRefund(o.orderId, 30_000)).status).toBe(201);
    const over = await requestRefund(o.orderId, 20_001);
    expect(over.status).toBe(409);
    expect(over.json.detail).toBe('At most CNY 200.00 can be refunded (captured minus refunded and pending refunds); CNY 200.01 was requested.');
    expect((await requestRefund(o.orderId, 20_000)).status).toBe(201);
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ status: 'refunded', refundedAmount: 50_000 });
    expect((await requestRefund(o.orderId, 1)).status).toBe(409);
  });

  it('a retried request (same Idempotency-Key) returns the first response and refunds once (ORD-7)', async () => {
    const o = await capturedOrder();
    const key = newId();
    const first = await requestRefund(o.orderId, 7000, 'cs-1', key);
    const again = await requestRefund(o.orderId, 7000, 'cs-1', key);
    expect(again.status).toBe(first.status);
    expect(again.json).toEqual(first.json);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await h.repo.listRefunds(o.orderId)).toHaveLength(1);
    expect((await requestRefund(o.orderId, 7001, 'cs-1', key)).status).toBe(422);
  });

  it('unknown order → 404; wrong role → 403; bad body → 400; missing Idempotency-Key → 400', async () => {
    expect((await requestRefund(newId(), 100)).status).toBe(404);
    expect((await requestRefund(newId(), 100, 'alice', newId(), ['customer'])).status).toBe(403);
    const o = await capturedOrder();
    const bad = await h.http(h.handlers.requestRefund, {
      ...refundPath(o.orderId),
      body: { amount: { amount: 10.5, currency: 'CNY' }, reason: '' },
      sub: 'cs-1',
      roles: ['cs-agent'],
      key: newId(),
    });
    expect(bad.status).toBe(400);
    expect([...new Set((bad.json.errors as Array<{ path: string }>).map((e) => e.path))].sort()).toEqual(['body.amount.amount', 'body.reason']);
    const noKey = await h.http(h.handlers.requestRefund, {
      ...refundPath(o.orderId),
      body: { amount: { amount: 1, currency: 'CNY' }, reason: 'x' },
      sub: 'cs-1',
      roles: ['cs-agent'],
    });
    expect(noKey.status).toBe(400);
    expect(await h.repo.listRefunds(o.orderId)).toEqual([]);
  });
});

describe('maker-checker for refunds (RISK-7)', () => {
  it('a split refund cannot skip the second approver: the threshold counts what is already refunded and pending on the order', async () => {
    // The review's attack: a CNY 5,000 order refunded as CNY 999.99 pieces, each under the threshold.
    const o = await capturedOrder(500_000);
    const staff = `cs-split-${newId()}`;
    const first = await requestRefund(o.orderId, 99_999, staff);
    expect(first.status).toBe(201);
    const second = await requestRefund(o.orderId, 99_999, staff);
    expect(second.status).toBe(202);
    expect(second.json).toMatchObject({ status: 'pending_approval', approvalRequiredBy: 'order-threshold' });
    // …and so does every further piece, by anyone, while the first pieces stand.
    expect((await requestRefund(o.orderId, 1, `cs-other-${newId()}`)).status).toBe(202);
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundedAmount: 99_999, refundPendingAmount: 100_000 });
  });

  it('a staff member above their daily cap (CNY 5,000.00) needs a second approver even for small refunds on many orders', async () => {
    const staff = `cs-cap-${newId()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await requestRefund((await capturedOrder(300_000)).orderId, 90_000, staff)).status);
    // 5 × 900.00 = 4,500.00 alone; the sixth would make 5,400.00 → waits.
    expect(statuses).toEqual([201, 201, 201, 201, 201, 202]);
    const o = await capturedOrder(300_000);
    const over = await requestRefund(o.orderId, 50_001, staff);
    expect(over.json).toMatchObject({ status: 'pending_approval', approvalRequiredBy: 'staff-daily-cap' });
    expect((await h.audit.forResource('order', o.orderId)).map((e) => e.details?.approvalRequiredBy)).toEqual(['staff-daily-cap']);
    expect((await requestRefund((await capturedOrder(300_000)).orderId, 50_000, staff)).status).toBe(201); // exactly at the cap
    expect((await requestRefund((await capturedOrder(300_000)).orderId, 1, staff)).status).toBe(202);
    // Another staff member's day is their own.
    expect((await requestRefund((await capturedOrder(300_000)).orderId, 90_000, `cs-fresh-${newId()}`)).status).toBe(201);
  });

  it("'fraud' as a refund reason is for risk analysts only; free-text reasons are refused", async () => {
    const o = await capturedOrder(300_000);
    const asAgent = await h.http(h.handlers.requestRefund, {
      ...refundPath(o.orderId),
      body: { amount: { amount: 1000, currency: 'CNY' }, reason: 'fraud' },
      sub: 'cs-1',
      roles: ['cs-agent'],
      key: newId(),
    });
    expect(asAgent.status).toBe(403);
    const freeText = await h.http(h.handlers.requestRefund, {
      ...refundPath(o.orderId),
      body: { amount: { amount: 1000, currency: 'CNY' }, reason: 'customer is a fraudster' },
      sub: 'cs-1',
      roles: ['cs-agent'],
      key: newId(),
    });
    expect(freeText.status).toBe(400);
    expect(await h.repo.listRefunds(o.orderId)).toEqual([]);
    const asAnalyst = await h.http(h.handlers.requestRefund, {
      ...refundPath(o.orderId),
      body: { amount: { amount: 1000, currency: 'CNY' }, reason: 'fraud' },
      sub: `risk-${newId()}`,
      roles: ['risk-analyst'],
      key: newId(),
    });
    expect(asAnalyst.status).toBe(201);
    expect(asAnalyst.json).toMatchObject({ reason: 'fraud' });
  });

  it('an ops cancellation of a captured order refunds through the same rule: above the threshold it waits for another staff member', async () => {
    const o = await capturedOrder(300_000);
    const opsUser = `ops-${newId()}`;
    expect(await h.deliver('OrderCancelled', { ...h.events.cancelled(o, 'SHIPPED'), cancelledBy: 'staff', actor: opsUser, reason: 'ops-cancel' })).toBe(true);
    const [refund] = await h.repo.listRefunds(o.orderId);
    expect(refund).toMatchObject({ origin: 'cancellation', status: 'pending_approval', requestedBy: opsUser, amount: 300_000, approvalRequiredBy: 'order-threshold' });
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundedAmount: 0, refundPendingAmount: 300_000 });
    // A replay of the event changes nothing; the canceller cannot approve it; another staff member can.
    expect(await h.deliver('OrderCancelled', { ...h.events.cancelled(o, 'SHIPPED'), cancelledBy: 'staff', actor: opsUser, reason: 'ops-cancel' })).toBe(true);
    expect(await h.repo.listRefunds(o.orderId)).toHaveLength(1);
    expect((await decide('approve', o.orderId, refund!.refundId, opsUser)).status).toBe(403);
    const approved = await decide('approve', o.orderId, refund!.refundId, `ops-${newId()}`);
    expect(approved.status).toBe(201);
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundedAmount: 300_000, refundPendingAmount: 0 });
  });

  it("a customer's cancellation of a captured order is refunded at once (no staff decided it)", async () => {
    const o = await capturedOrder(300_000);
    expect(await h.deliver('OrderCancelled', h.events.cancelled(o, 'SHIPPED'))).toBe(true);
    expect(await h.repo.listRefunds(o.orderId)).toMatchObject([{ origin: 'cancellation', status: 'succeeded', amount: 300_000 }]);
  });

  it('at or above CNY 1,000.00 a refund waits (202); the requester cannot approve it (403); another staff member approves → refunded; both steps audited', async () => {
    const o = await capturedOrder(300_000);
    const pending = await requestRefund(o.orderId, 100_000, 'cs-1');
    expect(pending.status).toBe(202);
    expect(pending.json).toMatchObject({ status: 'pending_approval' });
    const refundId = pending.json.refundId as string;
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundPendingAmount: 100_000, refundedAmount: 0 });
    // The reservation counts: only 200,000 is left to request.
    expect((await requestRefund(o.orderId, 200_001, 'cs-1')).status).toBe(409);

    const self = await decide('approve', o.orderId, refundId, 'cs-1', ['cs-agent']);
    expect(self.status).toBe(403);
    expect(self.json.detail).toMatch(/different staff member/);

    const approved = await decide('approve', o.orderId, refundId, 'ops-2');
    expect(approved.status).toBe(201);
    expect(approved.json).toMatchObject({ status: 'succeeded', approvedBy: 'ops-2', requestedBy: 'cs-1' });
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundedAmount: 100_000, refundPendingAmount: 0 });
    expect((await decide('approve', o.orderId, refundId, 'ops-3')).status).toBe(409);
    const trail = await h.audit.forResource('order', o.orderId);
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['refund.request', 'cs-1'],
      ['refund.approve', 'ops-2'],
    ]);
  });

  it('rejected by another staff member: the reservation is released, nothing refunded, audited', async () => {
    const o = await capturedOrder(300_000);
    const pending = await requestRefund(o.orderId, 250_000, 'cs-1');
    const refundId = pending.json.refundId as string;
    expect((await decide('reject', o.orderId, refundId, 'cs-1', ['cs-agent'])).status).toBe(403);
    const rejected = await decide('reject', o.orderId, refundId, 'admin-1', ['admin']);
    expect(rejected.status).toBe(200);
    expect(rejected.json).toMatchObject({ status: 'rejected', rejectedBy: 'admin-1', rejectionNote: 'not covered by the policy' });
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundPendingAmount: 0, refundedAmount: 0 });
    expect((await decide('approve', o.orderId, refundId, 'ops-2')).status).toBe(409);
    expect((await h.audit.forResource('order', o.orderId)).map((e) => e.action)).toEqual(['refund.request', 'refund.reject']);
  });

  it('two staff deciding one pending refund at once: one decision stands, the other is a 409 — never a 500; the reservation is released or refunded once', async () => {
    for (const [first, second] of [
      ['reject', 'reject'],
      ['approve', 'reject'],
    ] as const) {
      const o = await capturedOrder(300_000);
      const refundId = (await requestRefund(o.orderId, 150_000, 'cs-1')).json.refundId as string;
      const answers = await Promise.all([decide(first, o.orderId, refundId, 'ops-2'), decide(second, o.orderId, refundId, 'admin-1', ['admin'])]);
      const statuses = answers.map((a) => a.status).sort();
      expect(
        statuses.filter((status) => status === 409),
        `${first} ‖ ${second}: ${statuses.join(', ')}`,
      ).toHaveLength(1);
      expect(
        statuses.filter((status) => status === 200 || status === 201),
        `${first} ‖ ${second}: ${statuses.join(', ')}`,
      ).toHaveLength(1);
      const payment = (await h.repo.getPayment(o.orderId))!.payment;
      const refund = await h.repo.getRefund(o.orderId, refundId);
      if (refund?.status === 'rejected') expect(payment).toMatchObject({ refundPendingAmount: 0, refundedAmount: 0 });
      else expect(payment).toMatchObject({ refundPendingAmount: 0, refundedAmount: 150_000 });
      // The trail never reads as if both stood: the winner's decision, and the loser's either not audited
      // (it found the refund decided) or audited and then marked not applied.
      const winner = refund?.status === 'rejected' ? refund.rejectedBy : refund?.approvedBy;
      const trail = (await h.audit.forResource('order', o.orderId)).filter((e) => e.action !== 'refund.request').map((e) => `${e.actor} ${e.action}`);
      const loser = winner === 'ops-2' ? 'admin-1' : 'ops-2';
      const loserAction = loser === 'ops-2' ? first : second;
      expect(
        trail.filter((line) => line.startsWith(`${winner} `)),
        trail.join('; '),
      ).toEqual([`${winner} refund.${refund?.status === 'rejected' ? 'reject' : 'approve'}`]);
      expect([[], [`${loser} refund.${loserAction}`, `${loser} refund.${loserAction}.not-applied`]], trail.join('; ')).toContainEqual(
        trail.filter((line) => line.startsWith(`${loser} `)),
      );
    }
  });
});

describe('the audit trail of a refund decision that was not applied (RISK-7, SEC-4)', () => {
  it('a decision whose write fails is followed in the trail by a note that it was not applied; the refund stays pending', async () => {
    const o = await capturedOrder(300_000);
    const refundId = (await requestRefund(o.orderId, 150_000, 'cs-1')).json.refundId as string;
    const original = h.repo.putRefund.bind(h.repo);
    h.repo.putRefund = async () => {
      throw new Error('DynamoDB unavailable (test)');
    };
    try {
      expect((await decide('approve', o.orderId, refundId, 'ops-2')).status).toBe(500);
    } finally {
      h.repo.putRefund = original;
    }
    expect((await h.repo.getRefund(o.orderId, refundId))?.status).toBe('pending_approval');
    const trail = (await h.audit.forResource('order', o.orderId)).map((e) => [e.actor, e.action, e.reason]);
    expect(trail).toEqual([
      ['cs-1', 'refund.request', expect.any(String)],
      ['ops-2', 'refund.approve', expect.any(String)],
      ['ops-2', 'refund.approve.not-applied', 'the decision could not be written'],
    ]);
    // The decision is then made and stands.
    expect((await decide('approve', o.orderId, refundId, 'ops-2')).status).toBe(201);
    expect((await h.audit.forResource('order', o.orderId)).map((e) => e.action).slice(-1)).toEqual(['refund.approve']);
  });
});

describe('refund execution (PAY-2)', () => {
  /** A refund of `amount` requested while the provider cannot be reached: it stays processing (202). */
  async function processingRefund(o: TestOrder, amount: number) {
    const { ProviderUnavailableError } = await import('../../../functions/payments/provider/port.ts');
    const original = h.sandbox.refund.bind(h.sandbox);
    h.sandbox.refund = async () => {
      throw new ProviderUnavailableError('down');
    };
    try {
      const response = await requestRefund(o.orderId, amount);
      expect(response.status).toBe(202);
      expect(response.json.status).toBe('processing');
      return response.json.refundId as string;
    } finally {
      h.sandbox.refund = original;
    }
  }
  const providerDeps = (provider = h.sandbox) => ({ repo: h.repo, publisher: () => ({ publish: async () => {} }), clock: h.clock, newId: () => newId(), provider });
  /** The repository as a run sees it that read the refund `staleReads` times before another run's commit. */
  const readingStale = (stale: Awaited<ReturnType<typeof h.repo.getRefund>>, staleReads: number) => {
    let reads = 0;
    return new Proxy(h.repo, {
      get(target, name) {
        if (name === 'getRefund') return async (orderId: string, id: string) => (reads++ < staleReads ? stale : target.getRefund(orderId, id));
        const value = Reflect.get(target, name) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };

  it('provider unreachable: the refund stays processing (202) and completes on the next attempt with the same key', async () => {
    const o = await capturedOrder(50_000);
    const refundId = await processingRefund(o, 1000);
    const { executeRefund } = await import('../../../functions/payments/refunds.ts');
    expect((await executeRefund(providerDeps(), o.orderId, refundId, 'c')).status).toBe('succeeded');
  });

  it("the call's answer and the webhook recording one refund at once: the run that read the refund before the other's commit finds it recorded, and nothing is counted twice", async () => {
    const o = await capturedOrder(50_000);
    const refundId = await processingRefund(o, 1000);
    const { applyRefundOutcome } = await import('../../../functions/payments/refunds.ts');
    const stale = await h.repo.getRefund(o.orderId, refundId);
    expect(stale?.status).toBe('processing');
    const at = h.clock.now().toISOString();
    expect((await applyRefundOutcome(providerDeps(), o.orderId, refundId, { amount: 1000, at }, 'call')).status).toBe('succeeded');

    // The webhook's run read the refund before that commit, and the payment after it.
    const late = await applyRefundOutcome({ ...providerDeps(), repo: readingStale(stale, 1) }, o.orderId, refundId, { amount: 1000, at }, 'webhook');
    expect(late.status).toBe('succeeded');
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundedAmount: 1000, refundPendingAmount: 0 });
    expect((await h.repo.listMovements(o.orderId)).filter((m) => m.kind === 'refund')).toHaveLength(1);
  });

  it('a refund the provider refused, recorded by two runs at once: the one that read the refund before the other’s commit finds it failed, and the reservation is released once', async () => {
    const o = await capturedOrder(50_000);
    const refundId = await processingRefund(o, 1000);
    const { executeRefund } = await import('../../../functions/payments/refunds.ts');
    const refusing = Object.create(h.sandbox) as typeof h.sandbox;
    refusing.refund = async () => ({ status: 'refused', reason: 'exceeds_captured' });
    const stale = await h.repo.getRefund(o.orderId, refundId);
    expect(stale?.status).toBe('processing');
    expect((await executeRefund(providerDeps(refusing), o.orderId, refundId, 'first')).status).toBe('failed');

    // The second run read the refund (twice: before the provider call and in its commit) before that commit, the payment after it.
    expect((await executeRefund({ ...providerDeps(refusing), repo: readingStale(stale, 2) }, o.orderId, refundId, 'second')).status).toBe('failed');
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ refundPendingAmount: 0, refundedAmount: 0 });
  });
});

describe('POST /webhooks/payments (PAY-2)', () => {
  const post = (body: string, headers: Record<string, string>) => h.handlers.webhook(apiEvent({ method: 'POST', path: '/webhooks/payments', headers, body }), lambdaContext());
  const now = () => Math.floor(h.clock.now().getTime() / 1000);

  async function authorizedEvent() {
    const o = h.newOrder('card');
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    const payment = (await h.repo.getPayment(o.orderId))!.payment;
    h.outbox.drain();
    const sp = (await h.store.getPayment(payment.providerPaymentId as string))!;
    return { o, body: JSON.stringify(sandboxWebhookEvent({ id: `evt_sbx_${newId()}`, type: 'payment.authorized', now: h.clock.now(), payment: sp })) };
  }

  it('a signed notification is applied once; its duplicate is acknowledged with 200 and changes nothing', async () => {
    const { body } = await authorizedEvent();
    const headers = { 'content-type': 'application/json', 'sandbox-signature': signatureHeader(WEBHOOK_SECRET, now(), body) };
    const first = await post(body, headers);
    expect(first.statusCode).toBe(200);
    expect(jsonBody(first)).toMatchObject({ received: true, outcome: 'already-applied' });
    const again = await post(body, headers);
    expect(again.statusCode).toBe(200);
    expect(jsonBody(again)).toMatchObject({ duplicate: true });
  });

  it('bad signature, tampered body, missing header and replays older than 5 minutes → 400, nothing applied', async () => {
    const { body } = await authorizedEvent();
    const bad = await post(body, { 'sandbox-signature': signatureHeader('whsec_wrong_secret_000000000000', now(), body) });
    expect(bad.statusCode).toBe(400);
    expect(jsonBody(bad)).toMatchObject({ type: 'https://errors.commerce.dev/webhook-signature-mismatch', status: 400 });
    expect((await post(body.replace('"amount":23040', '"amount":1'), { 'sandbox-signature': signatureHeader(WEBHOOK_SECRET, now(), body) })).statusCode).toBe(400);
    expect(jsonBody(await post(body, {}))).toMatchObject({ type: 'https://errors.commerce.dev/webhook-missing-signature' });
    const replay = await post(body, { 'sandbox-signature': signatureHeader(WEBHOOK_SECRET, now() - 301, body) });
    expect(replay.statusCode).toBe(400);
    expect(jsonBody(replay)).toMatchObject({ type: 'https://errors.commerce.dev/webhook-timestamp-outside-tolerance' });
    expect(jsonBody(await post('not json', { 'sandbox-signature': signatureHeader(WEBHOOK_SECRET, now(), 'not json') }))).toMatchObject({
      type: 'https://errors.commerce.dev/webhook-malformed-body',
    });
  });

  it('a capture the synchronous call never recorded (it timed out) is applied from the webhook; the retry then finds it done', async () => {
    const o = h.newOrder('card', 12_345);
    expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
    const payment = (await h.repo.getPayment(o.orderId))!.payment;
    h.outbox.drain();
    await h.sandbox.capture({ idempotencyKey: `capture-${payment.paymentId}`, providerPaymentId: payment.providerPaymentId as string, amount: 12_345, currency: 'CNY' });
    await h.deliverSandbox();
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ status: 'captured', capturedAmount: 12_345 });
    expect(await h.deliver('OrderShipped', h.events.shipped(o))).toBe(true);
    expect((await h.repo.listMovements(o.orderId)).filter((m) => m.kind === 'capture')).toHaveLength(1);
  });

  it('a notification for a payment payments does not know is acknowledged (reconciliation reports it)', async () => {
    const body = JSON.stringify({
      id: `evt_sbx_${newId()}`,
      object: 'event',
      type: 'payment.captured',
      created: now(),
      data: {
        payment: {
          id: 'pay_sbx_UNKNOWN',
          reference: newId(),
          merchantPaymentId: newId(),
          method: 'card',
          amount: 1,
          currency: 'CNY',
          status: 'succeeded',
          amountCapturable: 0,
          amountCaptured: 1,
          amountRefunded: 0,
        },
        capture: { id: 'cap_sbx_x', amount: 1, fee: 0, at: h.clock.now().toISOString(), final: true },
      },
    });
    const result = await post(body, { 'sandbox-signature': signatureHeader(WEBHOOK_SECRET, now(), body) });
    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toMatchObject({ outcome: 'unknown-payment' });
  });
});

describe('GET /admin/payments/{orderId}', () => {
  it('shows payment, ledger, balances and refunds to staff; never the token; 404 for an unknown order', async () => {
    const o = await capturedOrder(10_000);
    const view = await h.http(h.handlers.getPayment, {
      method: 'GET',
      path: `/admin/payments/${o.orderId}`,
      resource: '/admin/payments/{orderId}',
      pathParameters: { orderId: o.orderId },
      sub: 'an-1',
      roles: ['analyst'],
    });
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ payment: { status: 'captured' }, balances: { captured: 10_000, balanced: true } });
    expect(JSON.stringify(view.json)).not.toMatch(/tok_visa|tokenCiphertext/);
    expect(
      (
        await h.http(h.handlers.getPayment, {
          method: 'GET',
          path: '/admin/payments/x',
          resource: '/admin/payments/{orderId}',
          pathParameters: { orderId: newId() },
          sub: 'an-1',
          roles: ['analyst'],
        })
      ).status,
    ).toBe(404);
  });
});
