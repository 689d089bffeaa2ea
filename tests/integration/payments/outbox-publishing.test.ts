/**
 * How payments publishes what a change causes (engine.ts). A transition commits its outbox item
 * already claimed by the committer, which publishes it from memory and deletes it without a claim
 * write, with what an earlier commit left behind: from the outbox the use case read with the payment
 * (`paymentAndOutbox`, one query), else queried. If publishing fails the commit stands and the item waits, held,
 * until its claim expires (OUTBOX_CLAIM_MS, shorter than every payments queue's visibility timeout:
 * tests/infra/payments-outbox.test.ts); then the retry's flush publishes it, once. A webhook
 * reads the order's payments and outbox in one query and publishes from that list.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { newId } from '../../../shared/ids.ts';
import { applyAuthorizationOutcome, handleRiskApproved } from '../../../functions/payments/authorization.ts';
import { signatureHeader } from '../../../functions/payments/domain/webhook-signature.ts';
import { sandboxWebhookEvent, sandboxWebhookVerifier } from '../../../functions/payments/provider/sandbox/sandbox-webhook.ts';
import { receiveWebhook } from '../../../functions/payments/webhook.ts';
import { authorizationFailed, authorizationSucceeded, startAuthorization, voidSucceeded } from '../../../functions/payments/domain/payment.ts';
import { domainEvent } from '../../../events/event-definition.ts';
import { ProblemOrderRaised } from '../../../events/problem-order-raised.ts';
import { commitTransition, flushOutbox, RetryLaterError, transitionContext, type ProviderDeps } from '../../../functions/payments/engine.ts';
import { OUTBOX_CLAIM_MS, PaymentsRepository } from '../../../functions/payments/payments-repository.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, WEBHOOK_SECRET, type PaymentsHarness } from './harness.ts';

let h: PaymentsHarness;

beforeAll(() => {
  useLocalDynamoDb();
  h = paymentsHarness();
});

/** Engine ports over the harness's table, counting every DynamoDB command, with a publisher that fails while `failing` is set. */
function countedDeps() {
  const { tables } = inject('dynamodb') as { tables: Record<string, string> };
  const commands: string[] = [];
  const client = {
    send: (command: { constructor: { name: string } }) => {
      commands.push(command.constructor.name.replace(/Command$/, ''));
      return documentClient().send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  const published: DomainEvent[] = [];
  const state = { failing: false };
  const deps: ProviderDeps = {
    repo: new PaymentsRepository(tables.payments as string, client, () => h.clock.now()),
    publisher: () => ({
      publish: async (events) => {
        if (state.failing) throw new Error('EventBridge unavailable');
        published.push(...events);
      },
    }),
    clock: h.clock,
    newId,
    provider: h.sandbox,
  };
  return { deps, commands, published, state };
}

/** Runs a commit while EventBridge refuses events: the commit stands, publishing it fails. */
async function commitWhilePublishingFails(state: { failing: boolean }, commit: () => Promise<unknown>) {
  state.failing = true;
  try {
    await expect(commit()).rejects.toThrow('EventBridge unavailable');
  } finally {
    state.failing = false;
  }
}

/** A card order whose payment payments recorded (status new). */
async function recordedPayment() {
  const order = h.newOrder('card');
  expect(await h.deliver('OrderPlaced', h.events.placed(order))).toBe(true);
  const stored = await h.repo.getPayment(order.orderId);
  if (!stored) throw new Error('no payment recorded');
  return { order, stored };
}

/** A recorded payment's authorisation committed while publishing failed, its item's claim since lapsed (engine ports counting from here). */
async function authorizedButUnpublished() {
  const { order, stored } = await recordedPayment();
  const counted = countedDeps();
  const authorized = authorizationSucceeded(
    stored.payment,
    { providerPaymentId: `pay_${newId()}`, amount: order.amount, at: h.clock.now().toISOString() },
    transitionContext(counted.deps),
  );
  await commitWhilePublishingFails(counted.state, () => commitTransition(counted.deps, authorized, stored.payment.version, { correlationId: `corr-${newId()}` }));
  h.clock.advance(OUTBOX_CLAIM_MS + 1_000);
  return { order, authorized, ...counted };
}

/** What a failed authorisation causes: one outbox item. */
const FAILED_EVENTS = ['PaymentFailed', 'CustomerNotificationRequested', 'ProblemOrderRaised'];

/** A card order and a signed sandbox notification authorising 100 fen more than its payment asks: held when received. */
async function mismatchedAuthorization() {
  const o = h.newOrder('card', 23_040);
  expect(await h.deliver('OrderPlaced', h.events.placed(o))).toBe(true);
  const sp = await h.authorizedAtProviderOnly(o);
  // The provider reports 100 fen more than asked: held.
  const body = JSON.stringify(
    sandboxWebhookEvent({ id: `evt_sbx_${newId()}`, type: 'payment.authorized', now: h.clock.now(), payment: { ...sp, amount: 23_140, amountCapturable: 23_140 } }),
  );
  const headers = () => ({ 'sandbox-signature': signatureHeader(WEBHOOK_SECRET, Math.floor(h.clock.now().getTime() / 1000), body) });
  return { o, body, headers };
}

/** {@link mismatchedAuthorization}, whose first delivery holds the notification and then fails to publish its problem order. */
async function heldWhilePublishingFails() {
  const { o, body, headers } = await mismatchedAuthorization();
  const { deps, published, state } = countedDeps();
  const webhookDeps = { ...deps, verifier: sandboxWebhookVerifier(WEBHOOK_SECRET, 300) };
  await commitWhilePublishingFails(state, () => receiveWebhook(webhookDeps, body, headers(), `corr-${newId()}`));
  return { o, body, headers, deps, published, webhookDeps };
}

describe('payments publishes what a transition causes', () => {
  it('from the item it committed: one transaction, the query of what else is pending, one delete — no claim write', async () => {
    const { order, stored } = await recordedPayment();
    const { deps, commands, published } = countedDeps();

    await commitTransition(deps, authorizationFailed(stored.payment, 'limit_exceeded', transitionContext(deps)), stored.payment.version, { correlationId: 'corr-1' });

    expect(commands).toEqual(['TransactWrite', 'Query', 'Delete']);
    expect(published.map((e) => e.definition.name)).toEqual(FAILED_EVENTS);
    expect(await h.repo.pendingOutbox(order.orderId)).toEqual([]);
  });

  it('a failed publish leaves the item held by its committer until the claim expires; then a flush publishes it, once', async () => {
    const { order, stored } = await recordedPayment();
    const { deps, commands, published, state } = countedDeps();

    await commitWhilePublishingFails(state, () =>
      commitTransition(deps, authorizationFailed(stored.payment, 'limit_exceeded', transitionContext(deps)), stored.payment.version, { correlationId: 'corr-2' }),
    );
    expect((await h.repo.getPayment(order.orderId))?.payment.status).toBe('failed'); // the commit stands
    const [held] = await h.repo.pendingOutbox(order.orderId);
    expect(held?.claimedUntil).toBe(h.clock.now().getTime() + OUTBOX_CLAIM_MS);

    // A flush meanwhile (a concurrent delivery, a webhook) leaves it to its holder, without a write.
    commands.length = 0;
    h.clock.advance(OUTBOX_CLAIM_MS - 1_000);
    expect(await flushOutbox(deps, order.orderId)).toBe(0);
    expect(commands).toEqual(['Query']);
    expect(published).toEqual([]);

    // The retry comes after the queue's visibility timeout, past the claim: it publishes the item.
    h.clock.advance(2_000);
    expect(await flushOutbox(deps, order.orderId)).toBe(FAILED_EVENTS.length);
    expect(await flushOutbox(deps, order.orderId)).toBe(0);
    expect(published.map((e) => e.definition.name)).toEqual(FAILED_EVENTS);
    expect(await h.repo.pendingOutbox(order.orderId)).toEqual([]);
  });

  it("an item an earlier commit failed to publish goes out with the order's next commit once its claim has expired (payments has no outbox sweep)", async () => {
    const { order, authorized, deps, published } = await authorizedButUnpublished();

    // The next change of the order (here a void) publishes its own events and the one left behind, oldest first.
    const voided = voidSucceeded(authorized.payment, 'order-cancelled', transitionContext(deps));
    await commitTransition(deps, voided, authorized.payment.version, { correlationId: 'corr-6' });
    expect(published.map((e) => e.definition.name)).toEqual(['PaymentAuthorized', ...voided.events.map((e) => e.definition.name)]);
    expect(voided.events.map((e) => e.definition.name)).toContain('PaymentVoided');
    expect(await h.repo.pendingOutbox(order.orderId)).toEqual([]);
  });

  it('a commit given the outbox read with its payment (paymentAndOutbox) publishes from that listing: the transaction and the delete, no query', async () => {
    const { order } = await recordedPayment();
    const { deps, commands, published } = countedDeps();
    const { stored, outbox } = await deps.repo.paymentAndOutbox(order.orderId);
    expect(commands).toEqual(['Query']);
    expect(outbox).toEqual([]);
    commands.length = 0;

    await commitTransition(deps, authorizationFailed(stored!.payment, 'limit_exceeded', transitionContext(deps)), stored!.payment.version, {
      correlationId: 'corr-7',
      listedOutbox: outbox,
    });

    expect(commands).toEqual(['TransactWrite', 'Delete']);
    expect(published.map((e) => e.definition.name)).toEqual(FAILED_EVENTS);
    expect(await h.repo.pendingOutbox(order.orderId)).toEqual([]);
  });

  it("an item an earlier commit failed to publish is in the listing read with the payment, and goes out with the order's next commit (claimed, published, deleted; no query)", async () => {
    const { order, deps, commands, published } = await authorizedButUnpublished();

    const read = await deps.repo.paymentAndOutbox(order.orderId);
    expect(read.stored?.payment.status).toBe('authorized');
    expect(read.outbox.map((item) => item.events.map((e) => e.name))).toEqual([['PaymentAuthorized']]);
    commands.length = 0;
    const voided = voidSucceeded(read.stored!.payment, 'order-cancelled', transitionContext(deps));
    await commitTransition(deps, voided, read.stored!.payment.version, { correlationId: 'corr-9', listedOutbox: read.outbox });

    expect(commands).toEqual(['TransactWrite', 'Update', 'Delete', 'Delete']); // the commit, the earlier item's claim and delete, the own item's delete
    expect(published.map((e) => e.definition.name)).toEqual(['PaymentAuthorized', ...voided.events.map((e) => e.definition.name)]);
    expect(await h.repo.pendingOutbox(order.orderId)).toEqual([]);
  });

  it("RiskApproved's authorisation reads the payment with the order's outbox once and publishes without querying again", async () => {
    const { order } = await recordedPayment();
    const { deps, commands, published } = countedDeps();
    const authorize = { ...deps, vault: h.vault, limits: h.settings.limits };

    expect(await handleRiskApproved(authorize, order.orderId, 'corr-10')).toBe('authorized');

    expect(commands).toEqual(['Query', 'TransactWrite', 'TransactWrite', 'Delete']); // read, start (limits counted), outcome, its outbox item deleted
    expect(published.map((e) => e.definition.name)).toEqual(['PaymentAuthorized']);
    expect((await h.repo.getPayment(order.orderId))?.payment.status).toBe('authorized');
    expect(await h.repo.pendingOutbox(order.orderId)).toEqual([]);
  });

  it('a retry after a write conflict reads the payment again and queries the outbox: the listing read with the stale payment is not reused', async () => {
    const { order, stored } = await recordedPayment();
    const { deps, commands, published } = countedDeps();
    const listed = await deps.repo.paymentAndOutbox(order.orderId);
    // Meanwhile another change of the payment (the authorisation's start) moves its version on.
    const started = startAuthorization(stored.payment, '2026-12-07', transitionContext(deps));
    await h.repo.commit({ payment: started.payment, expectedVersion: stored.payment.version });
    commands.length = 0;

    const outcome = { status: 'authorized' as const, providerPaymentId: `pay_${newId()}`, amount: order.amount, at: h.clock.now().toISOString() };
    expect(await applyAuthorizationOutcome(deps, { orderId: order.orderId, slot: 'primary' }, outcome, 'corr-11', listed.stored, listed.outbox)).toBe('authorized');

    // Attempt 1 on the stale payment is refused; attempt 2 reads the payment and its flush queries.
    expect(commands).toEqual(['TransactWrite', 'Get', 'TransactWrite', 'Query', 'Delete']);
    expect(published.map((e) => e.definition.name)).toEqual(['PaymentAuthorized']);
    expect(await h.repo.pendingOutbox(order.orderId)).toEqual([]);
  });

  it("a held notification's outbox item is written claimed by its webhook, as a transition's is: a concurrent flush leaves it, the webhook publishes it without a claim", async () => {
    const { order, stored } = await recordedPayment();
    const { deps, commands, published } = countedDeps();
    const held = {
      eventId: `evt_${newId()}`,
      provider: 'sandbox',
      notificationType: 'authorized',
      orderId: order.orderId,
      paymentId: stored.payment.paymentId,
      reasons: ['amount-mismatch' as const],
      expected: { amount: order.amount, currency: 'CNY' },
      reported: { amount: order.amount + 100, currency: 'CNY' },
      occurredAt: h.clock.now().toISOString(),
      heldAt: h.clock.now().toISOString(),
      bodySha256: '0'.repeat(64),
      correlationId: 'corr-12',
    };
    const event = domainEvent(ProblemOrderRaised, { orderId: order.orderId, problem: 'payment-amount-mismatch', raisedBy: 'payments', raisedAt: held.heldAt });
    const recorded = await deps.repo.holdNotification(held, [event]);
    if (!recorded || !recorded.outbox) throw new Error('the notification was not held with an outbox item');
    expect(recorded.outbox.claimedUntil).toBe(h.clock.now().getTime() + OUTBOX_CLAIM_MS);
    expect(await deps.repo.holdNotification(held, [event])).toBe(false); // a duplicate holds nothing

    commands.length = 0;
    expect(await flushOutbox(deps, order.orderId)).toBe(0); // another invocation's flush: held by the webhook
    expect(commands).toEqual(['Query']);
    expect(await flushOutbox(deps, order.orderId, { own: recorded.outbox })).toBe(1);
    expect(published.map((e) => e.definition.name)).toEqual(['ProblemOrderRaised']);
    expect(await h.repo.pendingOutbox(order.orderId)).toEqual([]);
  });

  it('a resent held notification publishes the problem order its first delivery left in the outbox (that delivery died after holding it)', async () => {
    // The first delivery holds it (record, marker and problem order in one transaction), then fails to publish.
    const { o, body, headers, published, webhookDeps } = await heldWhilePublishingFails();
    expect(await h.repo.listHeldNotifications(o.orderId)).toHaveLength(1);
    expect(await h.repo.pendingOutbox(o.orderId)).toHaveLength(1);

    // A resend while that delivery's claim lasts is not acknowledged: the delivery may yet fail (503, retried later).
    h.clock.advance(5_000);
    await expect(receiveWebhook(webhookDeps, body, headers(), 'corr-13b')).rejects.toBeInstanceOf(RetryLaterError);
    expect(published).toEqual([]);
    // The provider resends it once the claim has lapsed: a duplicate, and the problem order goes out.
    h.clock.advance(OUTBOX_CLAIM_MS);
    expect(await receiveWebhook(webhookDeps, body, headers(), 'corr-14')).toMatchObject({ duplicate: true, outcome: 'held' });
    expect(published.map((e) => e.definition.name)).toEqual(['ProblemOrderRaised']);
    expect(await h.repo.pendingOutbox(o.orderId)).toEqual([]);
    expect(await h.repo.listHeldNotifications(o.orderId)).toHaveLength(1);
  });

  it('a copy that loses the race to hold a notification is not acknowledged while the winner holds its problem order; once the claim lapses it publishes it', async () => {
    const { o, body, headers, deps, published, webhookDeps } = await heldWhilePublishingFails();

    // The loser read no webhook record before the winner's transaction committed, so its own hold finds the notification held.
    const racing = () => {
      let reads = 0;
      const repo = Object.create(deps.repo, {
        webhookRecord: { value: (eventId: string) => (reads++ === 0 ? Promise.resolve(undefined) : deps.repo.webhookRecord(eventId)) },
      }) as typeof deps.repo;
      return { ...webhookDeps, repo };
    };
    await expect(receiveWebhook(racing(), body, headers(), 'corr-16')).rejects.toBeInstanceOf(RetryLaterError);
    expect(published).toEqual([]);
    h.clock.advance(OUTBOX_CLAIM_MS + 1_000);
    expect(await receiveWebhook(racing(), body, headers(), 'corr-17')).toEqual({ received: true, eventId: (JSON.parse(body) as { id: string }).id, outcome: 'held' });
    expect(published.map((e) => e.definition.name)).toEqual(['ProblemOrderRaised']);
    expect(await h.repo.pendingOutbox(o.orderId)).toEqual([]);
    expect(await h.repo.listHeldNotifications(o.orderId)).toHaveLength(1);
  });

  it('an authorisation outcome already applied (the provider webhook after the call answered) is recognised from the payment and outbox the caller read: no second read', async () => {
    const order = h.newOrder('card');
    expect(await h.deliver('OrderPlaced', h.events.placed(order))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(order))).toBe(true);
    const {
      payments: [stored],
      outbox,
    } = await h.repo.paymentsAndOutbox(order.orderId);
    expect(stored?.payment.status).toBe('authorized');
    expect((await h.repo.paymentsAndOutbox(order.orderId)).payments).toHaveLength(1); // its ledger movements (sorted before) are not read as payments
    expect(outbox).toEqual([]);
    const { deps, commands } = countedDeps();

    const outcome = { status: 'authorized' as const, providerPaymentId: stored?.payment.providerPaymentId as string, amount: order.amount, at: h.clock.now().toISOString() };
    expect(await applyAuthorizationOutcome(deps, { orderId: order.orderId, slot: 'primary' }, outcome, 'corr-3', stored, outbox)).toBe('unchanged');
    expect(commands).toEqual([]);
  });

  it('what an earlier run left in the outbox, listed with the payments, is published by the already-applied path without querying it again', async () => {
    const { order, stored } = await recordedPayment();
    const { deps, commands, published, state } = countedDeps();
    await commitWhilePublishingFails(state, () =>
      commitTransition(deps, authorizationFailed(stored.payment, 'limit_exceeded', transitionContext(deps)), stored.payment.version, { correlationId: 'corr-4' }),
    );
    h.clock.advance(OUTBOX_CLAIM_MS + 1_000);
    const listed = await h.repo.paymentsAndOutbox(order.orderId);
    expect(listed.payments.map((p) => p.payment.status)).toEqual(['failed']);
    expect(listed.outbox).toHaveLength(1);
    commands.length = 0;

    const outcome = { status: 'declined' as const, providerPaymentId: `pay_${newId()}`, reason: 'declined' as const, at: h.clock.now().toISOString() };
    expect(await applyAuthorizationOutcome(deps, { orderId: order.orderId, slot: 'primary' }, outcome, 'corr-4', listed.payments[0], listed.outbox)).toBe('unchanged');
    expect(commands).toEqual(['Update', 'Delete']); // the claim and the delete: no query
    expect(published.map((e) => e.definition.name)).toEqual(FAILED_EVENTS);
    expect(await h.repo.pendingOutbox(order.orderId)).toEqual([]);
  });
});
