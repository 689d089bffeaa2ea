/**
 * Daily reconciliation against DynamoDB Local (PAY-3, CMP-1): the ledger, the orders' payments and
 * the sandbox provider's own settlement report agree to the cent on clean data (zero
 * mismatches); each kind of deliberately injected discrepancy — written directly into the ledger
 * or the provider's records — is found; the report is stored and served by
 * `GET /admin/reconciliations/{date}`.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../shared/dynamodb.ts';
import { newId } from '../../../shared/ids.ts';
import { ACCOUNTS } from '../../../functions/payments/domain/ledger.ts';
import type { ReconciliationReport } from '../../../functions/payments/domain/reconciliation.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { paymentsHarness, type PaymentsHarness, type TestOrder } from './harness.ts';

beforeAll(() => {
  useLocalDynamoDb();
});

/** A day of business: captured, partly refunded, bank transfer, cash on delivery, voided, declined, cancelled after capture. */
async function businessDay(h: PaymentsHarness) {
  const flow = async (o: TestOrder, steps: Array<[string, Record<string, unknown> | Promise<Record<string, unknown>>]>) => {
    for (const [name, detail] of steps) expect(await h.deliver(name, detail)).toBe(true);
    await h.deliverSandbox();
    return o;
  };
  const ev = h.events;
  const card = h.newOrder('card', 23040);
  const refunded = h.newOrder('wallet', 50_000);
  const transfer = h.newOrder('bank_transfer', 120_000);
  const cod = h.newOrder('cod', 8_800);
  const voided = h.newOrder('card', 9_900);
  const declined = h.newOrder('card', 1_000, 'tok_chargeDeclined');
  const cancelledAfterCapture = h.newOrder('card', 4_321);
  await flow(card, [
    ['OrderPlaced', ev.placed(card)],
    ['RiskApproved', ev.approved(card)],
    ['OrderShipped', ev.shipped(card)],
  ]);
  await flow(refunded, [
    ['OrderPlaced', ev.placed(refunded)],
    ['RiskApproved', ev.approved(refunded)],
    ['OrderShipped', ev.shipped(refunded)],
  ]);
  await flow(transfer, [
    ['OrderPlaced', ev.placed(transfer)],
    ['RiskApproved', ev.approved(transfer)],
  ]);
  await flow(cod, [
    ['OrderPlaced', ev.placed(cod)],
    ['RiskApproved', ev.approved(cod)],
    ['OrderShipped', ev.shipped(cod)],
    ['OrderDelivered', ev.delivered(cod)],
  ]);
  await flow(voided, [
    ['OrderPlaced', ev.placed(voided)],
    ['RiskApproved', ev.approved(voided)],
    ['OrderCancelled', ev.cancelled(voided)],
  ]);
  await flow(declined, [
    ['OrderPlaced', ev.placed(declined)],
    ['RiskApproved', ev.approved(declined)],
  ]);
  await flow(cancelledAfterCapture, [
    ['OrderPlaced', ev.placed(cancelledAfterCapture)],
    ['RiskApproved', ev.approved(cancelledAfterCapture)],
    ['OrderShipped', ev.shipped(cancelledAfterCapture)],
    ['OrderCancelled', ev.cancelled(cancelledAfterCapture, 'SHIPPED')],
  ]);
  const refund = await h.http(h.handlers.requestRefund, {
    path: `/orders/${refunded.orderId}/refunds`,
    resource: '/orders/{orderId}/refunds',
    pathParameters: { orderId: refunded.orderId },
    body: { amount: { amount: 12_345, currency: 'CNY' }, reason: 'goodwill' },
    sub: 'cs-1',
    roles: ['cs-agent'],
    key: newId(),
  });
  expect(refund.status).toBe(201);
  await h.deliverSandbox();
  return { card, refunded, transfer, cod, voided, declined, cancelledAfterCapture };
}

async function reconcile(h: PaymentsHarness, date: string): Promise<ReconciliationReport> {
  const summary = await h.handlers.reconcile({ date }, lambdaContext());
  const stored = await h.http(h.handlers.getReconciliation, {
    method: 'GET',
    path: `/admin/reconciliations/${date}`,
    resource: '/admin/reconciliations/{date}',
    pathParameters: { date },
    sub: 'ops-1',
    roles: ['ops'],
  });
  expect(stored.status).toBe(200);
  expect(summary).toMatchObject({ date, mismatchCount: stored.json.mismatchCount });
  return stored.json as unknown as ReconciliationReport;
}

describe('daily reconciliation (PAY-3)', () => {
  it('clean data: zero mismatches, every provider transaction matched, totals to the cent', async () => {
    const h = paymentsHarness();
    const date = h.clock.now().toISOString().slice(0, 10);
    await businessDay(h);
    const report = await reconcile(h, date);
    expect(report.mismatches).toEqual([]);
    expect(report).toMatchObject({ status: 'clean', provider: 'sandbox', mismatchCount: 0, truncated: false });
    // Captures: 23040 + 50000 + 120000 + 4321; refunds: 12345 + 4321; fees 0.6 % each; COD 8800 apart.
    expect(report.totals).toMatchObject({
      ledgerCaptured: 197_361,
      providerCaptured: 197_361,
      ledgerRefunded: 16_666,
      providerRefunded: 16_666,
      codCaptured: 8_800,
      ledgerFees: 138 + 300 + 720 + 26,
      providerFees: 138 + 300 + 720 + 26,
    });
    expect(report.matched).toBe(report.totals.providerTransactions);
  });

  it('finds each injected discrepancy: missing capture, double capture, amount mismatch, provider transaction with no order, unbalanced entry', async () => {
    const h = paymentsHarness();
    const date = h.clock.now().toISOString().slice(0, 10);
    const { card, refunded, cod } = await businessDay(h);
    const client = documentClient();
    const at = h.clock.now().toISOString();
    const cardPayment = (await h.repo.getPayment(card.orderId))!.payment;
    const refundedPayment = (await h.repo.getPayment(refunded.orderId))!.payment;

    // Missing capture: an order authorised (not captured) that the provider says it captured.
    const authorizedOnly = h.newOrder('card', 7_000);
    expect(await h.deliver('OrderPlaced', h.events.placed(authorizedOnly))).toBe(true);
    expect(await h.deliver('RiskApproved', h.events.approved(authorizedOnly))).toBe(true);
    const authorizedPayment = (await h.repo.getPayment(authorizedOnly.orderId))!.payment;
    const line = (transactionId: string, providerPaymentId: string, reference: string, amount: number, fee = 0) => ({
      transactionId,
      type: 'capture' as const,
      providerPaymentId,
      reference,
      amount,
      fee,
      currency: 'CNY',
      at,
    });
    await h.store.commit({ settlement: [line('cap_sbx_injected_missing', authorizedPayment.providerPaymentId as string, authorizedOnly.orderId, 7_000, 42)] });
    // Double capture: the provider captured the card order a second time.
    await h.store.commit({ settlement: [line('cap_sbx_injected_double', cardPayment.providerPaymentId as string, card.orderId, 23_040, 138)] });
    // Amount mismatch: the provider's line of the wallet capture is one fen short.
    const walletCapture = (await h.repo.listMovements(refunded.orderId)).find((m) => m.kind === 'capture')!;
    const [walletLine] = (await h.sandbox.settlementReport(date)).filter((l) => l.transactionId === walletCapture.providerTransactionId);
    await client.send(
      new PutCommand({
        TableName: h.tables.paymentProviderSandbox,
        Item: { pk: `SETTLEMENT#${date}`, sk: `${walletLine!.at}#${walletLine!.transactionId}`, ...walletLine, amount: walletLine!.amount - 1 },
      }),
    );
    // A provider transaction with no order.
    await h.store.commit({ settlement: [line('cap_sbx_injected_orphan', 'pay_sbx_ORPHAN', newId(), 5_555, 33)] });
    // An unbalanced ledger record, written directly.
    await client.send(
      new PutCommand({
        TableName: h.tables.payments,
        Item: {
          pk: `ORDER#${cod.orderId}`,
          sk: 'LEDGER#INJECTED',
          itemType: 'ledger',
          gsi1pk: `LEDGER#${date}`,
          gsi1sk: `${at}#${cod.orderId}#INJECTED`,
          movementId: 'INJECTED',
          orderId: cod.orderId,
          paymentId: refundedPayment.paymentId,
          method: 'cod',
          kind: 'fee',
          currency: 'CNY',
          amount: 100,
          at,
          postings: [
            { account: ACCOUNTS.providerFees, side: 'debit', amount: 100 },
            { account: ACCOUNTS.codReceivable, side: 'credit', amount: 99 },
          ],
        },
      }),
    );

    const report = await reconcile(h, date);
    const find = (kind: string) => report.mismatches.filter((m) => m.kind === kind);
    expect(find('missing-capture')).toEqual([
      expect.objectContaining({ side: 'ledger', orderId: authorizedOnly.orderId, transactionId: 'cap_sbx_injected_missing', actual: 7_000 }),
    ]);
    expect(find('double-capture')).toEqual(expect.arrayContaining([expect.objectContaining({ orderId: card.orderId, transactionId: 'cap_sbx_injected_double' })]));
    expect(find('amount-mismatch')).toEqual([
      expect.objectContaining({ orderId: refunded.orderId, transactionId: walletCapture.providerTransactionId, expected: 50_000, actual: 49_999 }),
    ]);
    expect(find('unknown-provider-transaction')).toEqual([expect.objectContaining({ transactionId: 'cap_sbx_injected_orphan', actual: 5_555 })]);
    expect(find('unbalanced-entry')).toEqual([expect.objectContaining({ orderId: cod.orderId, movementId: 'INJECTED' })]);
    expect(report.status).toBe('mismatches');
    expect(report.mismatchCount).toBe(report.mismatches.length);
  });

  it('GET /admin/reconciliations/{date}: 404 for a day never reconciled, 400 for a malformed date, 403 for a customer', async () => {
    const h = paymentsHarness();
    const get = (date: string, roles = ['analyst']) =>
      h.http(h.handlers.getReconciliation, {
        method: 'GET',
        path: `/admin/reconciliations/${date}`,
        resource: '/admin/reconciliations/{date}',
        pathParameters: { date },
        sub: 'x',
        roles,
      });
    expect((await get('1999-01-01')).status).toBe(404);
    expect((await get('2026-02-30')).status).toBe(400);
    expect((await get('yesterday')).status).toBe(400);
    expect((await get('2026-01-01', ['customer'])).status).toBe(403);
  });
});
