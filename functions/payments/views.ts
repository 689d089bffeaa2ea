/**
 * Read models for staff: an order's payment(s) with its ledger, balances and refunds
 * (`GET /admin/payments/{orderId}`), and a day's reconciliation report
 * (`GET /admin/reconciliations/{date}`). Ids and amounts only; the payment token is never returned.
 */
import { notFound } from '../../shared/errors.ts';
import { balancesOf, type LedgerMovement, type OrderBalances } from './domain/ledger.ts';
import type { Payment, PaymentAction } from './domain/payment.ts';
import type { ReconciliationReport } from './domain/reconciliation.ts';
import type { Refund } from './domain/refund.ts';
import type { PaymentsRepository } from './payments-repository.ts';

/** An order's payment as staff see it. */
export interface PaymentView {
  /** The order's (first) payment: the whole amount, or a pre-sale's deposit. */
  readonly payment: Payment;
  /** Every payment of the order: the first, then a pre-sale's balance (ORD-5). */
  readonly payments: readonly Payment[];
  readonly balances: Omit<OrderBalances, 'accounts'> & { readonly accounts: Readonly<Record<string, number>> };
  readonly ledger: readonly LedgerMovement[];
  readonly refunds: readonly Refund[];
}

/** The payment view of an order; 404 when payments does not know it. */
export async function getPaymentView(repo: PaymentsRepository, orderId: string): Promise<PaymentView> {
  const payments = (await repo.listPayments(orderId)).map((s) => s.payment);
  const first = payments[0];
  if (!first) throw notFound(`No payment for order ${orderId}.`);
  const [ledger, refunds] = await Promise.all([repo.listMovements(orderId), repo.listRefunds(orderId)]);
  const ordered = [...ledger].sort((a, b) => a.at.localeCompare(b.at) || a.movementId.localeCompare(b.movementId));
  return { payment: first, payments, balances: balancesOf(ordered, first.currency), ledger: ordered, refunds: refunds.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)) };
}

/** An order's payment as its shopper sees it (amounts, status, the next step; no ledger, no provider ids). */
export interface ShopperPaymentView {
  readonly orderId: string;
  readonly payments: ReadonlyArray<{
    readonly paymentId: string;
    readonly part?: Payment['part'];
    readonly method: Payment['method'];
    readonly status: Payment['status'];
    readonly amount: { readonly amount: number; readonly currency: string };
    readonly captured: number;
    readonly refunded: number;
    readonly nextAction?: PaymentAction;
  }>;
}

/** The shopper's view of an order's payment; 404 for an order payments does not know or another customer's. */
export async function getShopperPaymentView(repo: PaymentsRepository, orderId: string, reader: { readonly customerId?: string }): Promise<ShopperPaymentView> {
  const payments = (await repo.listPayments(orderId)).map((s) => s.payment).filter((p) => p.orderKnown);
  if (payments.length === 0 || (reader.customerId !== undefined && payments[0]?.customerId !== reader.customerId)) throw notFound(`No payment for order ${orderId}.`);
  return {
    orderId,
    payments: payments.map((p) => ({
      paymentId: p.paymentId,
      ...(p.part ? { part: p.part } : {}),
      method: p.method,
      status: p.status,
      amount: { amount: p.amount, currency: p.currency },
      captured: p.capturedAmount,
      refunded: p.refundedAmount,
      ...(p.status === 'pending' && p.nextAction ? { nextAction: p.nextAction } : {}),
    })),
  };
}

/** The stored reconciliation report of a day; 404 when there is none. */
export async function getReconciliationReport(repo: PaymentsRepository, date: string): Promise<ReconciliationReport> {
  const report = await repo.getReconciliation(date);
  if (!report) throw notFound(`No reconciliation report for ${date}.`);
  return report;
}
