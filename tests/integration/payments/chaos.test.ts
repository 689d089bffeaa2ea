/**
 * Chaos run (PAY-2, PAY-3): the sandbox provider fails (503 before doing anything) or times out
 * (AFTER doing it) on a fraction of calls and sends some webhooks twice; every event is delivered
 * one to three times, in a shuffled order, several at once, and a failed record is redelivered
 * later, like SQS. Once the system settles:
 * - every order's ledger balances and agrees with its payment record and with the provider;
 * - nobody is charged twice (one capture per payment at the provider, never above the amount);
 * - no cancelled or rejected order keeps a capture or an open authorisation;
 * - completed orders are captured in full, declined ones never;
 * - the day's reconciliation reports zero mismatches.
 * Pre-sale orders (ORD-5) run alongside: their PreSaleBalanceDue is in the queue from the start
 * (so it may arrive before the deposit is secured, or after a cancellation); completed ones end with
 * deposit and balance captured, cancelled ones with neither holding money.
 * Seeded: the same seed replays the same run.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { balancesOf } from '../../../functions/payments/domain/ledger.ts';
import { seededRandom } from '../../../functions/payments/provider/sandbox/sandbox-rules.ts';
import type { SandboxMessage } from '../../../functions/payments/provider/sandbox/sandbox-provider.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, type PaymentsHarness, type TestOrder } from './harness.ts';

const SEED = Number(process.env.CHAOS_SEED ?? 20261123);
const ORDERS = Number(process.env.CHAOS_ORDERS ?? 42);
/** Fraction of provider calls that fail, and that time out (each). */
const RATE = Number(process.env.CHAOS_RATE ?? 0.2);

beforeAll(() => {
  useLocalDynamoDb();
});

type Scenario =
  | 'completed'
  | 'cancelled-before-approval'
  | 'cancelled-after-approval'
  | 'rejected'
  | 'declined'
  | 'transfer-completed'
  | 'transfer-timed-out'
  | 'cod-completed'
  | 'cod-cancelled'
  | 'cancelled-after-capture'
  | 'presale-completed'
  | 'presale-transfer-completed'
  | 'presale-cod-completed'
  | 'presale-cancelled';
const SCENARIOS: Scenario[] = [
  'completed',
  'cancelled-before-approval',
  'cancelled-after-approval',
  'rejected',
  'declined',
  'transfer-completed',
  'transfer-timed-out',
  'cod-completed',
  'cod-cancelled',
  'cancelled-after-capture',
  'presale-completed',
  'presale-transfer-completed',
  'presale-cod-completed',
  'presale-cancelled',
];
const RELEASED: Scenario[] = [
  'cancelled-before-approval',
  'cancelled-after-approval',
  'rejected',
  'transfer-timed-out',
  'cod-cancelled',
  'cancelled-after-capture',
  'presale-cancelled',
];

type Message = { kind: 'event'; name: string; detail: Record<string, unknown> } | { kind: 'sandbox'; message: SandboxMessage };

/** The events an order's producers publish in a scenario (their true order; delivery scrambles it). */
async function eventsFor(h: PaymentsHarness, o: TestOrder, scenario: Scenario): Promise<Array<[string, Record<string, unknown>]>> {
  const e = h.events;
  const placed: [string, Record<string, unknown>] = ['OrderPlaced', await e.placed(o)];
  const approved: [string, Record<string, unknown>] = ['RiskApproved', e.approved(o)];
  switch (scenario) {
    case 'completed':
    case 'transfer-completed':
    case 'cod-completed':
      return [placed, approved, ['OrderShipped', e.shipped(o)], ['OrderDelivered', e.delivered(o)]];
    case 'cancelled-before-approval':
      return [placed, ['OrderCancelled', e.cancelled(o, 'PLACED')], ['OrderStatusChanged', e.statusChanged(o, 'CANCELLED', 'PLACED')]];
    case 'cancelled-after-approval':
    case 'cod-cancelled':
    case 'transfer-timed-out':
      return [placed, approved, ['OrderCancelled', e.cancelled(o, 'APPROVED')], ['OrderStatusChanged', e.statusChanged(o, 'CANCELLED', 'APPROVED')]];
    case 'cancelled-after-capture':
      return [placed, approved, ['OrderShipped', e.shipped(o)], ['OrderCancelled', e.cancelled(o, 'SHIPPED')]];
    case 'rejected':
      return [placed, ['OrderStatusChanged', e.statusChanged(o, 'REJECTED')]];
    case 'declined':
      return [placed, approved, ['OrderStatusChanged', e.statusChanged(o, 'PAYMENT_FAILED')]];
    case 'presale-completed':
    case 'presale-transfer-completed':
    case 'presale-cod-completed':
      return [placed, approved, ['PreSaleBalanceDue', e.balanceDue(o)], ['OrderShipped', e.shipped(o)], ['OrderDelivered', e.delivered(o)]];
    case 'presale-cancelled':
      return [
        placed,
        approved,
        ['PreSaleBalanceDue', e.balanceDue(o)],
        ['OrderCancelled', e.cancelled(o, 'PLACED')],
        ['OrderStatusChanged', e.statusChanged(o, 'CANCELLED', 'PLACED')],
      ];
  }
}

describe('chaos run (PAY-2, PAY-3)', () => {
  it('with provider timeouts and failures, duplicated and reordered events: every ledger balances, nobody is charged twice, no released order keeps money', async () => {
    const h = paymentsHarness({ chaos: { failureRate: RATE, timeoutRate: RATE, duplicateWebhookRate: 0.3, seed: SEED } });
    const random = seededRandom(SEED);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
    const date = h.clock.now().toISOString().slice(0, 10);

    const orders = Array.from({ length: ORDERS }, (_, i) => {
      const scenario = SCENARIOS[i % SCENARIOS.length] as Scenario;
      const method = scenario.includes('transfer') ? 'bank_transfer' : scenario.includes('cod') ? 'cod' : i % 2 ? 'wallet' : 'card';
      // At most CNY 2,000.00: cash on delivery's per-order limit (of the order's total, also for a pre-sale).
      const amount = 1_000 + Math.floor(random() * 199_000);
      const o = scenario.startsWith('presale')
        ? h.newPresaleOrder(method, amount)
        : h.newOrder(method, amount, scenario === 'declined' ? pick(['tok_chargeDeclined', 'tok_insufficientFunds']) : undefined);
      return { o, scenario };
    });

    // Every event once, plus duplicates; the queue is consumed in random order.
    const queue: Message[] = [];
    for (const { o, scenario } of orders) {
      for (const [name, detail] of await eventsFor(h, o, scenario)) {
        const copies = 1 + Math.floor(random() * 3);
        for (let c = 0; c < copies; c++) queue.push({ kind: 'event', name, detail });
      }
    }
    const stats = { attempts: 0, failedAttempts: 0, sandboxMessages: 0 };
    const take = (): Message | undefined => queue.splice(Math.floor(random() * queue.length), 1)[0];
    for (let round = 0; queue.length > 0 || h.outbox.messages.length > 0; round++) {
      expect(round).toBeLessThan(2_000);
      for (const { message } of h.outbox.drain()) {
        stats.sandboxMessages++;
        queue.push({ kind: 'sandbox', message });
      }
      const batch = Array.from({ length: Math.min(queue.length, 1 + Math.floor(random() * 6)) }, take).filter((m): m is Message => m !== undefined);
      const results = await Promise.all(batch.map((m) => (m.kind === 'event' ? h.deliver(m.name, m.detail) : h.processSandbox(m.message))));
      stats.attempts += batch.length;
      results.forEach((ok, i) => {
        if (!ok) {
          stats.failedAttempts++;
          queue.push(batch[i] as Message); // redelivered later, like SQS after the visibility timeout
        }
      });
    }
    // Chaos really happened.
    expect(stats.failedAttempts).toBeGreaterThan(0);
    expect(stats.sandboxMessages).toBeGreaterThan(10);

    for (const { o, scenario } of orders) {
      const what = `${scenario} ${o.method} ${o.orderId}`;
      const payments = (await h.repo.listPayments(o.orderId)).map((p) => p.payment);
      expect(payments.length, what).toBeGreaterThan(0);
      const ledger = await h.repo.listMovements(o.orderId);
      const b = balancesOf(ledger, 'CNY');
      const sum = (f: (p: (typeof payments)[number]) => number) => payments.reduce((s, p) => s + f(p), 0);
      expect(b.balanced, what).toBe(true);
      expect(
        sum((p) => p.capturedAmount),
        what,
      ).toBe(b.captured);
      expect(
        sum((p) => p.refundedAmount),
        what,
      ).toBe(b.refunded);
      expect(
        sum((p) => p.refundPendingAmount),
        what,
      ).toBe(0);
      expect(await h.repo.pendingOutbox(o.orderId), what).toEqual([]);
      // Nobody is charged twice: at most the order's total, at most one capture per payment at the provider.
      expect(b.captured, what).toBeLessThanOrEqual(o.amount);
      for (const payment of payments) {
        const atProvider = payment.providerPaymentId ? await h.store.getPayment(payment.providerPaymentId) : undefined;
        if (!atProvider) continue;
        expect(atProvider.captures.length, what).toBeLessThanOrEqual(1);
        expect(atProvider.amountCaptured, what).toBe(payment.capturedAmount);
        expect(atProvider.amountRefunded, what).toBe(payment.refundedAmount);
        if (RELEASED.includes(scenario)) {
          expect(['canceled', 'succeeded', 'declined'], what).toContain(atProvider.status);
          if (atProvider.status === 'succeeded') expect(atProvider.amountRefunded, what).toBe(atProvider.amountCaptured);
        }
      }
      if (RELEASED.includes(scenario)) {
        expect(b.netPaid, what).toBe(0);
        expect(b.held, what).toBe(0);
        for (const payment of payments) expect(['cancelled', 'voided', 'refunded'], what).toContain(payment.status);
      } else if (scenario === 'declined') {
        // Declined — or cancelled, when the PAYMENT_FAILED status change overtook RiskApproved; never charged.
        expect(['failed', 'cancelled'], what).toContain(payments[0]!.status);
        expect(b.captured, what).toBe(0);
        expect(b.held, what).toBe(0);
      } else {
        // Completed: every payment captured — a pre-sale's deposit and balance — to the order's total.
        expect(
          payments.map((p) => p.status),
          what,
        ).toEqual(scenario.startsWith('presale') ? ['captured', 'captured'] : ['captured']);
        expect(b.captured, what).toBe(o.amount);
        expect(b.held, what).toBe(0);
      }
    }

    // Every payment event describes a state reached once: one PaymentCaptured per captured order.
    for (const { o } of orders) {
      const captures = (await h.repo.listMovements(o.orderId)).filter((m) => m.kind === 'capture').length;
      expect(h.eventsOf(o.orderId).filter((n) => n === 'PaymentCaptured').length, o.orderId).toBe(captures);
    }

    const summary = await h.handlers.reconcile({ date }, lambdaContext());
    const report = (await h.repo.getReconciliation(date))!;
    expect(report.mismatches).toEqual([]);
    expect(summary).toMatchObject({ status: 'clean', mismatchCount: 0 });
    console.log(
      `chaos run: ${ORDERS} orders, ${stats.attempts} deliveries, ${stats.failedAttempts} failed and redelivered, ${stats.sandboxMessages} sandbox messages, ${report.matched} provider transactions reconciled`,
    );
  });
});
