/**
 * Daily reconciliation (PAY-3): the ledger, the orders' payments and the provider's settlement
 * report of one day must agree to the cent. Every disagreement is a mismatch:
 *
 * - `missing-capture` / `missing-refund`: a capture or refund on one side only — the provider
 *   settled it but the ledger has no such movement (`side: 'ledger'`), or the ledger has it but
 *   the provider does not (`side: 'provider'`).
 * - `double-capture`: an order captured more than its amount through more than one capture (in
 *   the ledger, or a second provider capture for it).
 * - `amount-mismatch`: both sides know the transaction but disagree on its amount or fee; an order
 *   captured more than its amount in one capture; or the payment record disagrees with its ledger.
 * - `unknown-provider-transaction`: a provider transaction that matches no order.
 * - `unbalanced-entry`: a ledger movement whose debits and credits differ (or that is malformed).
 *
 * An order may have two payments (a pre-sale's deposit and balance, ORD-5), each its own provider
 * authorisation and capture: the order may be captured up to its total (both together), each
 * payment record must agree with its own movements (by `paymentId`), and each provider payment may
 * be captured up to its payment's amount.
 *
 * Cash on delivery is settled through the carrier, not the provider: its movements are checked
 * for balance and against the order, never against the provider's report. Its remittance is
 * checked instead (PAY-4): a COD order collected N days before the day (`COD_REMITTANCE_DAYS`)
 * whose cash the carrier still owes is a `cod-not-remitted` mismatch (`side: 'carrier'`). Movements carry the
 * provider's own timestamps, so both sides of a transaction fall on the same UTC day.
 *
 * Pure: no I/O.
 */
import { balancesOf, checkMovement, type LedgerMovement } from './ledger.ts';
import type { CodNotRemitted } from './cod-remittance.ts';
import { orderAmountOf, type Payment } from './payment.ts';
import type { SettlementLine } from '../provider/port.ts';

/** Kinds of mismatch. */
export type MismatchKind = 'missing-capture' | 'missing-refund' | 'double-capture' | 'amount-mismatch' | 'unknown-provider-transaction' | 'unbalanced-entry' | 'cod-not-remitted';

/** One disagreement. Ids and amounts only. */
export interface Mismatch {
  readonly kind: MismatchKind;
  /** Which source lacks or contradicts the other. */
  readonly side?: 'ledger' | 'provider' | 'payment' | 'carrier';
  readonly orderId?: string;
  readonly providerPaymentId?: string;
  readonly transactionId?: string;
  readonly movementId?: string;
  readonly expected?: number;
  readonly actual?: number;
  readonly detail: string;
}

/** A day's reconciliation. */
export interface ReconciliationReport {
  readonly date: string;
  readonly generatedAt: string;
  readonly provider: string;
  readonly currency: string;
  readonly status: 'clean' | 'mismatches';
  readonly totals: {
    readonly ledgerCaptured: number;
    readonly ledgerRefunded: number;
    readonly ledgerFees: number;
    readonly codCaptured: number;
    readonly providerCaptured: number;
    readonly providerRefunded: number;
    readonly providerFees: number;
    readonly orders: number;
    readonly providerTransactions: number;
    readonly ledgerMovements: number;
  };
  /** Provider transactions matched to a ledger movement with the same amount and fee. */
  readonly matched: number;
  readonly mismatchCount: number;
  readonly mismatches: readonly Mismatch[];
  /** True when more mismatches exist than are stored. */
  readonly truncated: boolean;
}

/** Everything one day's reconciliation looks at. */
export interface ReconciliationInput {
  readonly date: string;
  readonly currency: string;
  /** Ledger movements whose money moved that day. */
  readonly dayMovements: readonly LedgerMovement[];
  /** The provider's settlement report of that day. */
  readonly providerLines: readonly SettlementLine[];
  /** Payments of every order involved (by order id): its payment, or all of them (a pre-sale's deposit and balance). */
  readonly payments: ReadonlyMap<string, Payment | readonly Payment[]>;
  /** The whole ledger of every order involved (by order id). */
  readonly orderMovements: ReadonlyMap<string, readonly LedgerMovement[]>;
  /** Provider payment id → order id, as payments recorded it. */
  readonly orderOfProviderPayment: ReadonlyMap<string, string>;
  /** COD orders collected `codRemittanceDays` before the day whose cash the carrier still owes (PAY-4). */
  readonly codNotRemitted?: readonly CodNotRemitted[];
  readonly codRemittanceDays?: number;
}

const isProviderMovement = (m: LedgerMovement) => (m.kind === 'capture' || m.kind === 'refund') && m.method !== 'cod' && m.providerTransactionId !== undefined;

/** The order a provider line belongs to, if any source knows it. */
export function orderOfLine(
  line: SettlementLine,
  input: Pick<ReconciliationInput, 'dayMovements' | 'orderOfProviderPayment'>,
  byTransaction?: ReadonlyMap<string, LedgerMovement>,
): string | undefined {
  const movement = byTransaction?.get(line.transactionId) ?? input.dayMovements.find((m) => m.providerTransactionId === line.transactionId && isProviderMovement(m));
  return movement?.orderId ?? (line.providerPaymentId ? input.orderOfProviderPayment.get(line.providerPaymentId) : undefined) ?? line.reference;
}

/** Reconciles one day (see the module documentation). */
export function reconcile(input: ReconciliationInput, options: { generatedAt: string; provider: string; maxStoredMismatches: number }): ReconciliationReport {
  const mismatches: Mismatch[] = [];
  const seen = new Set<string>();
  const add = (m: Mismatch, key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    mismatches.push(m);
  };

  // 1. Every movement of the day is well-formed and balanced.
  for (const m of input.dayMovements) {
    const problems = checkMovement(m);
    if (problems.length > 0)
      add(
        {
          kind: 'unbalanced-entry',
          side: 'ledger',
          orderId: m.orderId,
          movementId: m.movementId,
          detail: `Ledger movement ${m.movementId} of order ${m.orderId}: ${problems.join('; ')}.`,
        },
        `unbalanced:${m.orderId}:${m.movementId}`,
      );
  }

  const ledgerByTransaction = new Map<string, LedgerMovement>();
  for (const m of input.dayMovements) if (isProviderMovement(m)) ledgerByTransaction.set(m.providerTransactionId as string, m);
  const providerByTransaction = new Map(input.providerLines.map((l) => [l.transactionId, l]));
  const touched = new Set<string>(input.dayMovements.map((m) => m.orderId));
  const paymentsOf = (orderId: string): readonly Payment[] => {
    const value = input.payments.get(orderId);
    return value === undefined ? [] : Array.isArray(value) ? value : [value as Payment];
  };
  const feeOf = (orderId: string, captureId: string) =>
    (input.orderMovements.get(orderId) ?? input.dayMovements.filter((m) => m.orderId === orderId))
      .filter((m) => m.kind === 'fee' && m.movementId === `FEE#${captureId}`)
      .reduce((s, m) => s + m.amount, 0);

  // 2. Every provider transaction has its ledger movement, with the same amount and fee.
  let matched = 0;
  for (const line of input.providerLines) {
    const orderId = orderOfLine(line, input, ledgerByTransaction);
    const payments = orderId ? paymentsOf(orderId) : [];
    if (!orderId || payments.length === 0) {
      add(
        {
          kind: 'unknown-provider-transaction',
          side: 'ledger',
          providerPaymentId: line.providerPaymentId,
          transactionId: line.transactionId,
          actual: line.amount,
          detail: `Provider ${line.type} ${line.transactionId} of ${line.amount} matches no order.`,
        },
        `unknown:${line.transactionId}`,
      );
      continue;
    }
    touched.add(orderId);
    const movement = ledgerByTransaction.get(line.transactionId);
    if (!movement) {
      if (line.type === 'refund') {
        add(
          {
            kind: 'missing-refund',
            side: 'ledger',
            orderId,
            providerPaymentId: line.providerPaymentId,
            transactionId: line.transactionId,
            actual: line.amount,
            detail: `The provider refunded ${line.amount} (${line.transactionId}) on order ${orderId}; the ledger has no such refund.`,
          },
          `missing:${line.transactionId}`,
        );
        continue;
      }
      const ledgerCaptured = balancesOf(input.orderMovements.get(orderId) ?? []).captured;
      const orderAmount = orderAmountOf(payments);
      const double = ledgerCaptured > 0 && ledgerCaptured + line.amount > orderAmount;
      add(
        double
          ? {
              kind: 'double-capture',
              side: 'provider',
              orderId,
              providerPaymentId: line.providerPaymentId,
              transactionId: line.transactionId,
              expected: orderAmount,
              actual: ledgerCaptured + line.amount,
              detail: `The provider captured ${line.amount} again (${line.transactionId}) on order ${orderId}, already captured ${ledgerCaptured} of ${orderAmount}.`,
            }
          : {
              kind: 'missing-capture',
              side: 'ledger',
              orderId,
              providerPaymentId: line.providerPaymentId,
              transactionId: line.transactionId,
              actual: line.amount,
              detail: `The provider captured ${line.amount} (${line.transactionId}) on order ${orderId}; the ledger has no such capture.`,
            },
        `missing:${line.transactionId}`,
      );
      continue;
    }
    let ok = true;
    if (movement.amount !== line.amount) {
      ok = false;
      add(
        {
          kind: 'amount-mismatch',
          side: 'provider',
          orderId,
          transactionId: line.transactionId,
          expected: movement.amount,
          actual: line.amount,
          detail: `${line.type} ${line.transactionId} of order ${orderId}: ledger ${movement.amount}, provider ${line.amount}.`,
        },
        `amount:${line.transactionId}`,
      );
    }
    if (line.type === 'capture') {
      const fee = feeOf(orderId, line.transactionId);
      if (fee !== line.fee) {
        ok = false;
        add(
          {
            kind: 'amount-mismatch',
            side: 'provider',
            orderId,
            transactionId: line.transactionId,
            expected: fee,
            actual: line.fee,
            detail: `Fee of capture ${line.transactionId} of order ${orderId}: ledger ${fee}, provider ${line.fee}.`,
          },
          `fee:${line.transactionId}`,
        );
      }
    }
    if (ok) matched++;
  }

  // 3. Every provider movement of the ledger is in the provider's report.
  for (const [transactionId, m] of ledgerByTransaction) {
    if (providerByTransaction.has(transactionId)) continue;
    add(
      {
        kind: m.kind === 'refund' ? 'missing-refund' : 'missing-capture',
        side: 'provider',
        orderId: m.orderId,
        providerPaymentId: m.providerPaymentId,
        transactionId,
        movementId: m.movementId,
        expected: m.amount,
        detail: `The ledger records ${m.kind} ${transactionId} of ${m.amount} on order ${m.orderId}; the provider's report has no such transaction.`,
      },
      `missing:${transactionId}`,
    );
  }

  // 4. Each order involved: captured at most its total, each payment record = its ledger movements, ledger balanced.
  for (const orderId of touched) {
    const payments = paymentsOf(orderId);
    const movements = input.orderMovements.get(orderId) ?? [];
    for (const m of movements) {
      const problems = checkMovement(m);
      if (problems.length > 0)
        add(
          { kind: 'unbalanced-entry', side: 'ledger', orderId, movementId: m.movementId, detail: `Ledger movement ${m.movementId} of order ${orderId}: ${problems.join('; ')}.` },
          `unbalanced:${orderId}:${m.movementId}`,
        );
    }
    if (payments.length === 0) {
      add({ kind: 'amount-mismatch', side: 'payment', orderId, detail: `Order ${orderId} has ledger movements but no payment record.` }, `nopayment:${orderId}`);
      continue;
    }
    const currency = payments[0]!.currency;
    const orderAmount = orderAmountOf(payments);
    const balances = balancesOf(movements, currency);
    const captures = movements.filter((m) => m.kind === 'capture');
    if (balances.captured > orderAmount) {
      add(
        captures.length >= 2 && payments.length === 1
          ? {
              kind: 'double-capture',
              side: 'ledger',
              orderId,
              expected: orderAmount,
              actual: balances.captured,
              detail: `Order ${orderId} was captured ${captures.length} times for ${balances.captured}, more than its ${orderAmount}.`,
            }
          : captures.length > payments.length
            ? {
                kind: 'double-capture',
                side: 'ledger',
                orderId,
                expected: orderAmount,
                actual: balances.captured,
                detail: `Order ${orderId} was captured ${captures.length} times for ${balances.captured}, more than its ${orderAmount} (${payments.length} payments).`,
              }
            : {
                kind: 'amount-mismatch',
                side: 'ledger',
                orderId,
                expected: orderAmount,
                actual: balances.captured,
                detail: `Order ${orderId} was captured ${balances.captured}, more than its ${orderAmount}.`,
              },
        `over:${orderId}`,
      );
    }
    // With two payments each record is compared with its own movements: one of neither is reported.
    const known = new Set(payments.map((p) => p.paymentId));
    const stray = payments.length > 1 ? movements.filter((m) => !known.has(m.paymentId)) : [];
    if (stray.length > 0) {
      add(
        {
          kind: 'amount-mismatch',
          side: 'payment',
          orderId,
          movementId: stray[0]!.movementId,
          detail: `Order ${orderId} has ${stray.length} ledger movement(s) of no payment it records (${stray[0]!.paymentId}).`,
        },
        `straypayment:${orderId}`,
      );
    }
    for (const payment of payments) {
      // With one payment, its ledger is the order's (also movements of an id it does not know, reported above); with two, its own movements.
      const own = payments.length === 1 ? movements : movements.filter((m) => m.paymentId === payment.paymentId);
      const paid = balancesOf(own, payment.currency);
      const which = payments.length === 1 ? `Payment of order ${orderId}` : `Payment ${payment.paymentId} (${payment.part ?? 'payment'}) of order ${orderId}`;
      const key = payments.length === 1 ? orderId : `${orderId}:${payment.paymentId}`;
      if (payment.capturedAmount !== paid.captured) {
        add(
          {
            kind: 'amount-mismatch',
            side: 'payment',
            orderId,
            expected: paid.captured,
            actual: payment.capturedAmount,
            detail: `${which} records ${payment.capturedAmount} captured; its ledger ${paid.captured}.`,
          },
          `paycap:${key}`,
        );
      }
      if (payment.refundedAmount !== paid.refunded) {
        add(
          {
            kind: 'amount-mismatch',
            side: 'payment',
            orderId,
            expected: paid.refunded,
            actual: payment.refundedAmount,
            detail: `${which} records ${payment.refundedAmount} refunded; its ledger ${paid.refunded}.`,
          },
          `payref:${key}`,
        );
      }
      const providerCaptures = input.providerLines.filter(
        (l) => l.type === 'capture' && payment.providerPaymentId !== undefined && l.providerPaymentId === payment.providerPaymentId,
      );
      const providerCaptured = providerCaptures.reduce((s, l) => s + l.amount, 0);
      if (providerCaptures.length >= 2 && providerCaptured > payment.amount) {
        add(
          {
            kind: 'double-capture',
            side: 'provider',
            orderId,
            providerPaymentId: payment.providerPaymentId,
            expected: payment.amount,
            actual: providerCaptured,
            detail: `The provider captured ${payments.length === 1 ? `order ${orderId}` : `payment ${payment.paymentId} of order ${orderId}`} ${providerCaptures.length} times for ${providerCaptured}, more than its ${payment.amount}.`,
          },
          `pdouble:${key}`,
        );
      }
    }
  }

  // 5. Cash on delivery collected N days ago and still owed by the carrier (PAY-4).
  for (const c of input.codNotRemitted ?? []) {
    add(
      {
        kind: 'cod-not-remitted',
        side: 'carrier',
        orderId: c.orderId,
        expected: 0,
        actual: c.owed,
        detail: `The carrier collected cash on delivery for order ${c.orderId} on ${c.collectedAt.slice(0, 10)} and still owes ${c.owed} after ${input.codRemittanceDays ?? 'N'} days: no remittance report booked it.`,
      },
      `codnotremitted:${c.orderId}`,
    );
  }

  const sum = (xs: readonly { amount: number }[]) => xs.reduce((s, x) => s + x.amount, 0);
  const provider = (type: SettlementLine['type']) => input.providerLines.filter((l) => l.type === type);
  const day = (kind: LedgerMovement['kind'], cod: boolean) => input.dayMovements.filter((m) => m.kind === kind && (m.method === 'cod') === cod);
  const stored = mismatches.slice(0, options.maxStoredMismatches);
  return {
    date: input.date,
    generatedAt: options.generatedAt,
    provider: options.provider,
    currency: input.currency,
    status: mismatches.length === 0 ? 'clean' : 'mismatches',
    totals: {
      ledgerCaptured: sum(day('capture', false)),
      ledgerRefunded: sum(day('refund', false)),
      ledgerFees: sum(day('fee', false)),
      codCaptured: sum(day('capture', true)),
      providerCaptured: sum(provider('capture')),
      providerRefunded: sum(provider('refund')),
      providerFees: input.providerLines.reduce((s, l) => s + l.fee, 0),
      orders: touched.size,
      providerTransactions: input.providerLines.length,
      ledgerMovements: input.dayMovements.length,
    },
    matched,
    mismatchCount: mismatches.length,
    mismatches: stored,
    truncated: stored.length < mismatches.length,
  };
}
