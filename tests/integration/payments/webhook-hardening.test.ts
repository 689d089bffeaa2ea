/**
 * Webhooks and provider data (security hardening) on DynamoDB Local, through the real webhook
 * handler and use case:
 * - PAY-2, ORD-6: a signed notification whose amount or currency differs from what the payment
 *   expects is HELD, not applied — the payment and the ledger do not change, the notification is
 *   stored as held (ids, amounts, currencies; no personal data), a problem order
 *   (`payment-amount-mismatch`) is raised, the provider gets a 2xx (202) so it stops resending,
 *   and a duplicate stays idempotent;
 * - SEC-5: a body over 64 KB is refused with 413 before anything else; the signature is checked
 *   before the body is parsed; nothing is written for a refused request;
 * - PAY-2, SEC-2: outside the local cloud and tests, the sandbox's built-in webhook secret is never
 *   accepted — a deployed stage, dev included, must name its secret in Secrets Manager.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { signatureHeader } from '../../../functions/payments/domain/webhook-signature.ts';
import { makeReceivePaymentWebhookHandler } from '../../../functions/payments/handlers/receive-payment-webhook.ts';
import type { PaymentsRepository } from '../../../functions/payments/payments-repository.ts';
import { sandboxWebhookEvent, sandboxWebhookVerifier, type SandboxEventType } from '../../../functions/payments/provider/sandbox/sandbox-webhook.ts';
import type { SandboxPayment } from '../../../functions/payments/provider/sandbox/sandbox-rules.ts';
import { DEV_SANDBOX_WEBHOOK_SECRET, paymentsSettings } from '../../../functions/payments/settings.ts';
import { resetConfigForTests } from '../../../shared/config.ts';
import { newId } from '../../../shared/ids.ts';
import { apiEvent, jsonBody, lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, WEBHOOK_SECRET, type PaymentsHarness, type TestOrder } from './harness.ts';

let h: PaymentsHarness;

beforeAll(() => {
  useLocalDynamoDb();
  h = paymentsHarness();
});

const KB = 1024;
const now = () => Math.floor(h.clock.now().getTime() / 1000);
const post = (body: string, headers: Record<string, string>) => h.handlers.webhook(apiEvent({ method: 'POST', path: '/webhooks/payments', headers, body }), lambdaContext());
const signed = (body: string) => ({ 'content-type': 'application/json', 'sandbox-signature': signatureHeader(WEBHOOK_SECRET, now(), body) });

async function placed(o: TestOrder) {
  expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
  return o;
}

async function approved(o: TestOrder) {
  await placed(o);
  expect(await h.deliver('RiskApproved', h.events.approved(o))).toBe(true);
  h.outbox.drain(); // the sandbox's own webhooks are not delivered: each test posts its own
  return o;
}

/** The sandbox's record of an order's payment (as its webhooks describe it). */
async function sandboxPaymentOf(orderId: string): Promise<SandboxPayment> {
  const payment = (await h.repo.getPayment(orderId))!.payment;
  return (await h.store.getPayment(payment.providerPaymentId as string))!;
}

/** A signed sandbox webhook body about `payment`. */
function notification(type: SandboxEventType, payment: SandboxPayment, extra: { capture?: { id: string; amount: number; fee: number; at: string; final: boolean } } = {}) {
  return JSON.stringify(sandboxWebhookEvent({ id: `evt_sbx_${newId()}`, type, now: h.clock.now(), payment, ...extra }));
}

/** Everything payments stores about an order, to prove nothing changed. */
async function snapshot(orderId: string) {
  return { payments: await h.repo.listPayments(orderId), ledger: await h.repo.listMovements(orderId), refunds: await h.repo.listRefunds(orderId) };
}

describe('a notification whose amount or currency is not what the payment expects is held, not applied (PAY-2, ORD-6)', () => {
  it('an authorisation for another amount: 202 held, the payment stays new, the notification is stored, a problem order is raised; its duplicate is idempotent', async () => {
    const o = await placed(h.newOrder('card', 23_040));
    const ours = (await h.repo.getPayment(o.orderId))!.payment;
    // The provider authorised (its call's answer was lost) — but 100 fen more than asked.
    const sp = await h.authorizedAtProviderOnly(o);
    const body = notification('payment.authorized', { ...sp, amount: 23_140, amountCapturable: 23_140 });
    const eventId = (JSON.parse(body) as { id: string }).id;
    const before = await snapshot(o.orderId);

    const first = await post(body, signed(body));
    expect(first.statusCode).toBe(202);
    expect(jsonBody(first)).toEqual({ received: true, eventId, outcome: 'held' });
    expect(await snapshot(o.orderId)).toEqual(before);
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ status: 'new', authorizedAmount: 0 });
    expect(h.eventsOf(o.orderId)).toEqual(['ProblemOrderRaised']);
    expect(h.published.find((e) => e.definition.name === 'ProblemOrderRaised' && (e.payload as { orderId: string }).orderId === o.orderId)?.payload).toEqual({
      orderId: o.orderId,
      problem: 'payment-amount-mismatch',
      raisedBy: 'payments',
      raisedAt: expect.any(String),
    });
    const held = await h.repo.listHeldNotifications(o.orderId);
    expect(held).toEqual([
      expect.objectContaining({
        eventId,
        provider: 'sandbox',
        notificationType: 'authorized',
        orderId: o.orderId,
        paymentId: ours.paymentId,
        providerPaymentId: sp.id,
        reasons: ['amount-mismatch'],
        expected: { amount: 23_040, currency: 'CNY' },
        reported: { amount: 23_140, currency: 'CNY' },
        bodySha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    // Enough to investigate, no personal data: no customer id, no token, not the raw body.
    expect(JSON.stringify(held)).not.toContain(o.customerId);
    expect(JSON.stringify(held)).not.toContain('tok_visa');
    expect(JSON.stringify(held)).not.toContain('"object":"event"');

    // The provider resends it (same event id): acknowledged, nothing more happens.
    const again = await post(body, signed(body));
    expect(again.statusCode).toBe(202);
    expect(jsonBody(again)).toEqual({ received: true, eventId, duplicate: true, outcome: 'held' });
    expect(await h.repo.listHeldNotifications(o.orderId)).toHaveLength(1);
    expect(h.eventsOf(o.orderId)).toEqual(['ProblemOrderRaised']);
    expect(await snapshot(o.orderId)).toEqual(before);
    expect(await h.repo.pendingOutbox(o.orderId)).toEqual([]);
  });

  it('a capture in another currency: held; the payment stays authorised, no capture in the ledger', async () => {
    const o = await approved(h.newOrder('card', 18_800));
    const sp = await sandboxPaymentOf(o.orderId);
    const body = notification(
      'payment.captured',
      { ...sp, currency: 'USD', status: 'succeeded', amountCapturable: 0, amountCaptured: 18_800 },
      { capture: { id: `cap_sbx_${newId()}`, amount: 18_800, fee: 113, at: h.clock.now().toISOString(), final: true } },
    );
    const before = await snapshot(o.orderId);
    const result = await post(body, signed(body));
    expect(result.statusCode).toBe(202);
    expect(jsonBody(result)).toMatchObject({ outcome: 'held' });
    expect(await snapshot(o.orderId)).toEqual(before);
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ status: 'authorized', capturedAmount: 0 });
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentAuthorized', 'ProblemOrderRaised']);
    expect(await h.repo.listHeldNotifications(o.orderId)).toEqual([
      expect.objectContaining({
        notificationType: 'captured',
        reasons: ['currency-mismatch'],
        expected: { amount: 18_800, currency: 'CNY' },
        reported: { amount: 18_800, currency: 'USD' },
      }),
    ]);
  });

  it('an under-paid bank transfer: held; the payment stays pending, nothing captured', async () => {
    const o = await approved(h.newOrder('bank_transfer', 50_000));
    expect((await h.repo.getPayment(o.orderId))!.payment.status).toBe('pending');
    const sp = await sandboxPaymentOf(o.orderId);
    const body = notification(
      'payment.succeeded',
      { ...sp, status: 'succeeded', amountCaptured: 49_000 },
      { capture: { id: `cap_sbx_${newId()}`, amount: 49_000, fee: 0, at: h.clock.now().toISOString(), final: true } },
    );
    const before = await snapshot(o.orderId);
    const result = await post(body, signed(body));
    expect(result.statusCode).toBe(202);
    expect(await snapshot(o.orderId)).toEqual(before);
    expect(h.eventsOf(o.orderId)).toEqual(['PaymentPending', 'ProblemOrderRaised']);
    expect(await h.repo.listHeldNotifications(o.orderId)).toEqual([
      expect.objectContaining({
        notificationType: 'transfer-received',
        reasons: ['amount-mismatch'],
        expected: { amount: 50_000, currency: 'CNY' },
        reported: { amount: 49_000, currency: 'CNY' },
      }),
    ]);
  });

  it('a notification that matches is still applied (200), and nothing is held', async () => {
    const o = await approved(h.newOrder('bank_transfer', 30_000));
    const sp = await sandboxPaymentOf(o.orderId);
    const body = notification(
      'payment.succeeded',
      { ...sp, status: 'succeeded', amountCaptured: 30_000 },
      { capture: { id: `cap_sbx_${newId()}`, amount: 30_000, fee: 0, at: h.clock.now().toISOString(), final: true } },
    );
    const result = await post(body, signed(body));
    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toMatchObject({ outcome: 'applied' });
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ status: 'captured', capturedAmount: 30_000 });
    expect(await h.repo.listHeldNotifications(o.orderId)).toEqual([]);
  });
});

/** Payments handlers whose repository records every call: a refused request must not reach it. */
function untouchedRepository() {
  const calls: string[] = [];
  const repo = new Proxy(h.repo, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as PaymentsRepository;
  let wired = 0;
  const handler = makeReceivePaymentWebhookHandler({
    repo: () => repo,
    wiring: async () => {
      wired++;
      return { provider: h.sandbox, sandbox: h.sandbox, webhookVerifier: async () => sandboxWebhookVerifier(WEBHOOK_SECRET, 300) };
    },
    publisher: () => ({ publish: async () => void calls.push('publish') }),
    clock: h.clock,
    settings: () => h.settings,
  });
  return { calls, handler, wired: () => wired };
}

describe('POST /webhooks/payments refuses before it reads (SEC-5, PAY-2)', () => {
  const NOT_JSON = '{"id":"evt_sbx_x", this is not json';

  it('an unsigned or badly signed body that is also not JSON gets the signature error, not a parse error; nothing is read or written', async () => {
    const { calls, handler } = untouchedRepository();
    const send = (headers: Record<string, string>) => handler(apiEvent({ method: 'POST', path: '/webhooks/payments', headers, body: NOT_JSON }), lambdaContext());
    const unsigned = await send({ 'content-type': 'application/json' });
    expect(unsigned.statusCode).toBe(400);
    expect(jsonBody(unsigned)).toMatchObject({ type: 'https://errors.commerce.dev/webhook-missing-signature' });
    const wrong = await send({ 'sandbox-signature': signatureHeader('whsec_someone_else_0123456789', now(), NOT_JSON) });
    expect(jsonBody(wrong)).toMatchObject({ type: 'https://errors.commerce.dev/webhook-signature-mismatch', status: 400 });
    const otherBody = await send({ 'sandbox-signature': signatureHeader(WEBHOOK_SECRET, now(), '{}') });
    expect(jsonBody(otherBody)).toMatchObject({ type: 'https://errors.commerce.dev/webhook-signature-mismatch' });
    expect(calls).toEqual([]);
  });

  it('a 65 KB body → 413 before anything else (even correctly signed): no signature check, no provider, nothing written', async () => {
    const o = await placed(h.newOrder('card', 12_000));
    const ours = (await h.repo.getPayment(o.orderId))!.payment;
    const sp = await h.authorizedAtProviderOnly(o);
    const event = notification('payment.authorized', sp);
    const big = event.replace(/}$/, `${' '.repeat(65 * KB - event.length)}}`);
    expect(Buffer.byteLength(big)).toBe(65 * KB);
    expect(JSON.parse(big)).toEqual(JSON.parse(event)); // a valid, signed notification — only too big
    const { calls, handler, wired } = untouchedRepository();
    for (const headers of [signed(big), {}]) {
      const result = await handler(apiEvent({ method: 'POST', path: '/webhooks/payments', headers, body: big }), lambdaContext());
      expect(result.statusCode).toBe(413);
      expect(jsonBody(result)).toMatchObject({ type: 'https://errors.commerce.dev/payload-too-large', status: 413 });
    }
    expect(calls).toEqual([]);
    expect(wired()).toBe(0);
    expect(await h.repo.isWebhookProcessed((JSON.parse(event) as { id: string }).id)).toBe(false);
    expect((await h.repo.getPayment(o.orderId))!.payment).toMatchObject({ status: 'new', version: ours.version });
    // The same notification at its normal size is applied.
    expect((await handler(apiEvent({ method: 'POST', path: '/webhooks/payments', headers: signed(event), body: event }), lambdaContext())).statusCode).toBe(200);
  });
});

describe('the sandbox’s built-in webhook secret outside the local cloud (PAY-2, SEC-2)', () => {
  it('a deployed stage — dev included — without SANDBOX_WEBHOOK_SECRET_ID refuses to verify (500, nothing applied); in the local cloud the built-in secret works', async () => {
    const saved = { ...process.env };
    try {
      // The real provider wiring (providerFromEnv), as a deployed dev function has it — minus the secret id.
      Object.assign(process.env, { STAGE: 'dev', PAYMENT_PROVIDER: 'sandbox', SANDBOX_PROVIDER_QUEUE_URL: 'http://127.0.0.1:9/queue/unused' });
      delete process.env.SANDBOX_WEBHOOK_SECRET_ID;
      delete process.env.SANDBOX_WEBHOOK_SECRET;
      paymentsSettings.reset();
      const handler = makeReceivePaymentWebhookHandler({ repo: () => h.repo, publisher: () => ({ publish: async () => undefined }), clock: h.clock });
      const o = await approved(h.newOrder('card', 9_900));
      const body = notification('payment.authorized', await sandboxPaymentOf(o.orderId));
      const headers = { 'content-type': 'application/json', 'sandbox-signature': signatureHeader(DEV_SANDBOX_WEBHOOK_SECRET, now(), body) };
      const send = () => handler(apiEvent({ method: 'POST', path: '/webhooks/payments', headers, body }), lambdaContext());

      delete process.env.LOCAL_CLOUD; // a deployed function: the CDK template never sets the switch
      resetConfigForTests();
      const deployed = await send();
      expect(deployed.statusCode).toBe(500);
      expect(deployed.body).not.toContain(DEV_SANDBOX_WEBHOOK_SECRET);
      expect(await h.repo.isWebhookProcessed((JSON.parse(body) as { id: string }).id)).toBe(false);

      process.env.LOCAL_CLOUD = 'true';
      resetConfigForTests();
      const local = await send();
      expect(local.statusCode).toBe(200);
      expect(jsonBody(local)).toMatchObject({ outcome: 'already-applied' });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      paymentsSettings.reset();
      resetConfigForTests();
    }
  });
});
