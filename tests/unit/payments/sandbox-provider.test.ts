/**
 * The sandbox payment provider behaves like a real one (PAY-1, PAY-2, API.md "Sandbox payment
 * provider"): tokens, authorisations with ids and an expiry, full/partial captures, voids,
 * full/partial/repeated refunds never above what was captured, idempotency keys on every call,
 * signed webhooks, its own settlement report, and a seeded chaos mode.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { manualClock, type ManualClock } from '../../../shared/clock.ts';
import { verifySignature } from '../../../functions/payments/domain/webhook-signature.ts';
import { ProviderRequestError, ProviderUnavailableError, WebhookVerificationError } from '../../../functions/payments/provider/port.ts';
import { InMemorySandboxOutbox } from '../../../functions/payments/provider/sandbox/sandbox-outbox.ts';
import { SandboxProvider, type SandboxSettings } from '../../../functions/payments/provider/sandbox/sandbox-provider.ts';
import { InMemorySandboxStore } from '../../../functions/payments/provider/sandbox/sandbox-store.ts';
import { processSandboxMessage, type WebhookEndpoint } from '../../../functions/payments/provider/sandbox/sandbox-worker.ts';
import { SANDBOX_SIGNATURE_HEADER, sandboxWebhookVerifier } from '../../../functions/payments/provider/sandbox/sandbox-webhook.ts';

const ORDER = '01JD7ZK3X2V8Q4N6M5R9T0W1YB';
const PAYMENT = '01JD7ZKB11V8Q4N6M5R9T0W1YE';
const SECRET = 'whsec_unit_test_secret_0123456789';
const behaviour: SandboxSettings = { feeBasisPoints: 60, authorizationTtlHours: 168, transferDelaySeconds: 5 };

let clock: ManualClock;
let store: InMemorySandboxStore;
let outbox: InMemorySandboxOutbox;
let ids = 0;

function sandbox(settings: Partial<SandboxSettings> = {}) {
  return new SandboxProvider({ store, outbox, clock, newId: () => `01JD7ZKF${String(++ids).padStart(18, '0')}`, settings: { ...behaviour, ...settings } });
}

const authorize = (p: SandboxProvider, token: string | undefined, extra: Partial<Parameters<SandboxProvider['authorize']>[0]> = {}) =>
  p.authorize({ idempotencyKey: `authorize-${PAYMENT}`, orderId: ORDER, paymentId: PAYMENT, method: 'card', amount: 23040, currency: 'CNY', token, ...extra });

beforeEach(() => {
  clock = manualClock('2026-11-23T08:00:00.000Z');
  store = new InMemorySandboxStore();
  outbox = new InMemorySandboxOutbox();
});

describe('sandbox tokens (API.md)', () => {
  it.each([
    ['tok_visa', 'authorized', undefined],
    ['tok_wallet', 'authorized', undefined],
    ['tok_chargeDeclined', 'declined', 'declined'],
    ['tok_insufficientFunds', 'declined', 'insufficient_funds'],
    ['tok_unknown', 'declined', 'unknown_token'],
    [undefined, 'declined', 'unknown_token'],
  ])('%s → %s', async (token, status, reason) => {
    const outcome = await authorize(sandbox(), token);
    expect(outcome.status).toBe(status);
    if (reason) expect(outcome).toMatchObject({ reason });
  });

  it('an authorisation has its own id and an expiry (7 days by default)', async () => {
    const outcome = await authorize(sandbox(), 'tok_visa');
    expect(outcome).toMatchObject({ status: 'authorized', amount: 23040, expiresAt: '2026-11-30T08:00:00.000Z', at: '2026-11-23T08:00:00.000Z' });
    expect(outcome.status === 'authorized' && outcome.providerPaymentId).toMatch(/^pay_sbx_/);
  });

  it('a bank transfer is pending until its funds arrive (a delayed timer), then captured in full', async () => {
    const p = sandbox();
    const outcome = await authorize(p, undefined, { method: 'bank_transfer' });
    expect(outcome.status).toBe('pending');
    const timer = outbox.messages.find((m) => m.message.kind === 'transfer-arrival');
    expect(timer?.delaySeconds).toBe(5);
    const id = (outcome as { providerPaymentId: string }).providerPaymentId;
    expect(await p.receiveTransfer(id)).toBe('received');
    expect(await p.receiveTransfer(id)).toBe('ignored');
    expect((await store.getPayment(id))?.status).toBe('succeeded');
    expect(outbox.messages.map((m) => (m.message.kind === 'webhook' ? m.message.event.type : m.message.kind))).toEqual([
      'payment.processing',
      'transfer-arrival',
      'payment.succeeded',
    ]);
    expect(await p.settlementReport('2026-11-23')).toMatchObject([{ type: 'capture', amount: 23040, fee: 138, reference: ORDER }]);
  });
});

describe('captures, voids and refunds', () => {
  let keys = 0;
  async function authorized(p = sandbox(), amount = 23040) {
    const o = await authorize(p, 'tok_visa', { amount, idempotencyKey: `authorize-${++keys}` });
    if (o.status !== 'authorized') throw new Error('not authorised');
    return o.providerPaymentId;
  }

  it('full capture keeps a 0.6 % fee (half-up) and appears in the settlement report', async () => {
    const p = sandbox();
    const id = await authorized(p);
    const c = await p.capture({ idempotencyKey: 'cap-1', providerPaymentId: id, amount: 23040, currency: 'CNY' });
    expect(c).toMatchObject({ status: 'captured', capture: { amount: 23040, fee: 138, final: true } });
    expect(await p.capture({ idempotencyKey: 'cap-2', providerPaymentId: id, amount: 1, currency: 'CNY' })).toEqual({ status: 'refused', reason: 'already_captured' });
    expect((await p.settlementReport('2026-11-23')).map((l) => [l.type, l.amount, l.fee])).toEqual([['capture', 23040, 138]]);
  });

  it('partial captures: non-final keeps the rest capturable; final releases it; never more than authorised', async () => {
    const p = sandbox();
    const id = await authorized(p, 10_000);
    expect(await p.capture({ idempotencyKey: 'c1', providerPaymentId: id, amount: 10_001, currency: 'CNY' })).toEqual({ status: 'refused', reason: 'amount_too_large' });
    expect(await p.capture({ idempotencyKey: 'c2', providerPaymentId: id, amount: 4000, currency: 'CNY', final: false })).toMatchObject({
      status: 'captured',
      capture: { amount: 4000 },
    });
    expect(await p.capture({ idempotencyKey: 'c3', providerPaymentId: id, amount: 3000, currency: 'CNY' })).toMatchObject({ status: 'captured', capture: { amount: 3000 } });
    expect(await store.getPayment(id)).toMatchObject({ status: 'succeeded', amountCaptured: 7000, amountCapturable: 0 });
  });

  it('voids an authorisation; a captured payment cannot be voided', async () => {
    const p = sandbox();
    const a = await authorized(p);
    expect(await p.void({ idempotencyKey: 'v1', providerPaymentId: a })).toMatchObject({ status: 'voided' });
    expect(await p.capture({ idempotencyKey: 'c1', providerPaymentId: a, amount: 1, currency: 'CNY' })).toEqual({ status: 'refused', reason: 'canceled' });
    const b = await authorized(p);
    await p.capture({ idempotencyKey: 'c2', providerPaymentId: b, amount: 23040, currency: 'CNY' });
    expect(await p.void({ idempotencyKey: 'v2', providerPaymentId: b })).toEqual({ status: 'refused', reason: 'already_captured' });
  });

  it('full, partial and repeated refunds never exceed what was captured', async () => {
    const p = sandbox();
    const id = await authorized(p);
    expect(await p.refund({ idempotencyKey: 'r0', providerPaymentId: id, orderId: ORDER, refundId: 'R0', amount: 1, currency: 'CNY' })).toEqual({
      status: 'refused',
      reason: 'not_captured',
    });
    await p.capture({ idempotencyKey: 'c', providerPaymentId: id, amount: 23040, currency: 'CNY' });
    expect(await p.refund({ idempotencyKey: 'r1', providerPaymentId: id, orderId: ORDER, refundId: 'R1', amount: 20000, currency: 'CNY' })).toMatchObject({
      status: 'refunded',
      amount: 20000,
    });
    expect(await p.refund({ idempotencyKey: 'r2', providerPaymentId: id, orderId: ORDER, refundId: 'R2', amount: 3041, currency: 'CNY' })).toEqual({
      status: 'refused',
      reason: 'exceeds_captured',
    });
    expect(await p.refund({ idempotencyKey: 'r3', providerPaymentId: id, orderId: ORDER, refundId: 'R3', amount: 3040, currency: 'CNY' })).toMatchObject({ status: 'refunded' });
    expect((await store.getPayment(id))?.amountRefunded).toBe(23040);
    expect((await p.settlementReport('2026-11-23')).filter((l) => l.type === 'refund').map((l) => l.amount)).toEqual([20000, 3040]);
  });

  it('an authorisation cannot be captured after it expires', async () => {
    const p = sandbox();
    const id = await authorized(p);
    clock.advance(168 * 3_600_000);
    expect(await p.capture({ idempotencyKey: 'c', providerPaymentId: id, amount: 23040, currency: 'CNY' })).toEqual({ status: 'refused', reason: 'authorization_expired' });
  });
});

describe('idempotency keys', () => {
  it('the same key and request return the first outcome and never move money twice', async () => {
    const p = sandbox();
    const first = await authorize(p, 'tok_visa');
    const again = await authorize(p, 'tok_visa');
    expect(again).toEqual(first);
    expect(store.payments.size).toBe(1);
    const id = (first as { providerPaymentId: string }).providerPaymentId;
    const c1 = await p.capture({ idempotencyKey: 'cap', providerPaymentId: id, amount: 23040, currency: 'CNY' });
    const c2 = await p.capture({ idempotencyKey: 'cap', providerPaymentId: id, amount: 23040, currency: 'CNY' });
    expect(c2).toEqual(c1);
    expect(store.lines).toHaveLength(1);
  });

  it('the same key with other parameters is refused (idempotency_key_reused)', async () => {
    const p = sandbox();
    await authorize(p, 'tok_visa');
    await expect(authorize(p, 'tok_visa', { amount: 1 })).rejects.toMatchObject({ name: 'ProviderRequestError', code: 'idempotency_key_reused' });
    await expect(authorize(p, 'tok_visa', { amount: 1 })).rejects.toBeInstanceOf(ProviderRequestError);
  });
});

describe('webhooks (asynchronous outcomes, signed)', () => {
  it('every outcome is also sent as a webhook, signed at delivery, verified by the webhook verifier', async () => {
    const p = sandbox();
    await authorize(p, 'tok_visa');
    const delivered: Array<{ body: string; headers: Record<string, string> }> = [];
    const endpoint: WebhookEndpoint = { deliver: async (body, headers) => (delivered.push({ body, headers }), { statusCode: 200 }) };
    for (const { message } of outbox.drain()) await processSandboxMessage({ provider: p, endpoint, webhookSecret: SECRET, clock }, message);
    expect(delivered).toHaveLength(1);
    const [{ body, headers }] = delivered as [(typeof delivered)[number]];
    expect(
      verifySignature({ header: headers[SANDBOX_SIGNATURE_HEADER], body, secret: SECRET, nowSeconds: Math.floor(clock.now().getTime() / 1000), toleranceSeconds: 300 }).ok,
    ).toBe(true);
    const notification = sandboxWebhookVerifier(SECRET, 300).verify(body, headers[SANDBOX_SIGNATURE_HEADER], clock.now());
    expect(notification).toMatchObject({ type: 'authorized', orderId: ORDER, amount: 23040 });
  });

  it('the verifier refuses bad signatures and replays older than 5 minutes', async () => {
    const p = sandbox();
    await authorize(p, 'tok_visa');
    const sent: Array<{ body: string; signature: string }> = [];
    const endpoint: WebhookEndpoint = { deliver: async (body, headers) => (sent.push({ body, signature: headers[SANDBOX_SIGNATURE_HEADER] as string }), { statusCode: 200 }) };
    for (const { message } of outbox.drain()) await processSandboxMessage({ provider: p, endpoint, webhookSecret: SECRET, clock }, message);
    const { body, signature } = sent[0] as { body: string; signature: string };
    const verifier = sandboxWebhookVerifier(SECRET, 300);
    expect(() => verifier.verify(body, signature.replace(/v1=./, 'v1=f'), clock.now())).toThrow(WebhookVerificationError);
    clock.advance(301_000);
    expect(() => verifier.verify(body, signature, clock.now())).toThrow(expect.objectContaining({ problem: 'timestamp-outside-tolerance' }));
  });

  it('a failed delivery is an error (the queue redelivers it)', async () => {
    const p = sandbox();
    await authorize(p, 'tok_visa');
    const [{ message }] = outbox.drain() as [{ message: Parameters<typeof processSandboxMessage>[1] }];
    await expect(processSandboxMessage({ provider: p, endpoint: { deliver: async () => ({ statusCode: 503 }) }, webhookSecret: SECRET, clock }, message)).rejects.toThrow(/503/);
  });
});

describe('chaos mode (seeded)', () => {
  it('fails some calls before doing anything and times out some after doing them; a retry with the same key converges', async () => {
    const p = sandbox({ chaos: { failureRate: 0.3, timeoutRate: 0.3, duplicateWebhookRate: 0.5, seed: 42 } });
    let failures = 0;
    let timeouts = 0;
    for (let i = 0; i < 40; i++) {
      const request = { idempotencyKey: `authorize-${i}`, orderId: ORDER, paymentId: PAYMENT, method: 'card' as const, amount: 100 + i, currency: 'CNY', token: 'tok_visa' };
      for (let attempt = 0; ; attempt++) {
        try {
          const outcome = await p.authorize(request);
          expect(outcome.status).toBe('authorized');
          break;
        } catch (error) {
          expect(error).toBeInstanceOf(ProviderUnavailableError);
          if ((error as ProviderUnavailableError).kind === 'timeout') timeouts++;
          else failures++;
          expect(attempt).toBeLessThan(30);
        }
      }
    }
    expect(failures).toBeGreaterThan(0);
    expect(timeouts).toBeGreaterThan(0);
    // One sandbox payment per key, however many attempts.
    expect(store.payments.size).toBe(40);
    const webhooks = outbox.messages.filter((m) => m.message.kind === 'webhook').length;
    expect(webhooks).toBeGreaterThan(40);
  });

  it('is deterministic for a seed', async () => {
    const run = async () => {
      store = new InMemorySandboxStore();
      outbox = new InMemorySandboxOutbox();
      const p = sandbox({ chaos: { failureRate: 0.5, timeoutRate: 0, duplicateWebhookRate: 0, seed: 7 } });
      const results: string[] = [];
      for (let i = 0; i < 20; i++)
        results.push(
          await p
            .settlementReport('x')
            .then(() => authorize(p, 'tok_visa', { idempotencyKey: `k${i}` }))
            .then(
              () => 'ok',
              () => 'fail',
            ),
        );
      return results.join(',');
    };
    expect(await run()).toBe(await run());
  });
});
