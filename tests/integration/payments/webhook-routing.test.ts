/**
 * PAY-2: which payment a provider notification is about (webhook.ts). The provider's metadata names
 * our order (we set it when creating the payment; the notification is signed), so the order's
 * payments are listed directly; only a notification without it is routed through the lookup of the
 * provider payment id. Either way an outcome payments already applied changes nothing.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { receiveWebhook } from '../../../functions/payments/webhook.ts';
import type { ProviderNotification } from '../../../functions/payments/provider/port.ts';
import { newId } from '../../../shared/ids.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, type PaymentsHarness } from './harness.ts';

let h: PaymentsHarness;

beforeAll(() => {
  useLocalDynamoDb();
  h = paymentsHarness();
});

/** An authorised card order, and the provider's authorisation notification about it (as its verifier would return it). */
async function authorisedOrder() {
  const order = h.newOrder('card');
  expect(await h.deliver('OrderPlaced', h.events.placed(order))).toBe(true);
  expect(await h.deliver('RiskApproved', h.events.approved(order))).toBe(true);
  h.outbox.drain(); // the sandbox's own webhook: this test sends its own
  const payment = (await h.repo.getPayment(order.orderId))?.payment;
  expect(payment?.status).toBe('authorized');
  const notification: ProviderNotification = {
    eventId: `evt_${newId()}`,
    occurredAt: h.clock.now().toISOString(),
    providerPaymentId: payment?.providerPaymentId as string,
    orderId: order.orderId,
    paymentId: payment?.paymentId as string,
    currency: 'CNY',
    type: 'authorized',
    amount: order.amount,
  };
  return { order, notification };
}

async function receive(notification: ProviderNotification) {
  const lookups = vi.spyOn(h.repo, 'paymentOfProvider');
  try {
    const deps = { repo: h.repo, publisher: () => ({ publish: async () => {} }), clock: h.clock, newId, provider: h.sandbox };
    const answer = await receiveWebhook({ ...deps, verifier: { signatureHeader: 'x-test', verify: () => notification } }, '{}', {}, 'corr-webhook');
    return { answer, lookups: lookups.mock.calls.length };
  } finally {
    lookups.mockRestore();
  }
}

describe('the payment a provider notification is about (PAY-2)', () => {
  it('a notification naming its order: the order’s payments are listed, the provider-id lookup is not read', async () => {
    const { notification } = await authorisedOrder();
    expect(await receive(notification)).toEqual({ answer: { received: true, eventId: notification.eventId, outcome: 'already-applied' }, lookups: 0 });
  });

  it('a notification without our metadata is routed through the lookup of the provider payment id', async () => {
    const { notification } = await authorisedOrder();
    const { orderId: _orderId, paymentId: _paymentId, ...anonymous } = notification;
    expect(await receive(anonymous as ProviderNotification)).toEqual({ answer: { received: true, eventId: notification.eventId, outcome: 'already-applied' }, lookups: 1 });
  });

  it('a notification for a payment payments does not know is acknowledged and changes nothing', async () => {
    const { notification } = await authorisedOrder();
    const { orderId: _orderId, paymentId: _paymentId, ...anonymous } = notification;
    expect(await receive({ ...anonymous, providerPaymentId: `pay_unknown_${newId()}` } as ProviderNotification)).toEqual({
      answer: { received: true, eventId: notification.eventId, outcome: 'unknown-payment' },
      lookups: 1,
    });
  });
});
