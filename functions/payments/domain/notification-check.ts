/**
 * Does a provider's notification say what the payment expects? (PAY-2, PAY-3, ORD-6)
 *
 * A verified webhook is only as trustworthy as the provider's side of the story: an authorisation,
 * capture, received transfer or refund whose amount or currency differs from what payments asked
 * for (a partial authorisation, an over- or under-paid bank transfer, a capture in another
 * currency, a refund of another amount) must never move the payment or the ledger on its own.
 * Such a notification is HELD: the payment does not change, the notification is stored with what
 * was expected and what was reported (ids, amounts and currencies — never personal data or the
 * raw body), and a problem order (`payment-amount-mismatch`) asks a human to look.
 *
 * What is expected:
 * - `authorized`, `captured`, `transfer-received`: the payment's amount (an order's payment is
 *   authorised and captured in full; a pre-sale's deposit and balance are each their own payment);
 * - `refunded`: the amount of the refund payments requested;
 * - every notification that states a currency: the payment's currency.
 *
 * Pure.
 */

/** Money as payments expects it; `amount` absent when the notification carries none to compare. */
export interface ExpectedMoney {
  readonly amount?: number;
  readonly currency: string;
}

/** Money as the provider reported it (either part may be absent). */
export interface ReportedMoney {
  readonly amount?: number;
  readonly currency?: string;
}

/** Why a notification is held. */
export type MismatchReason = 'amount-mismatch' | 'currency-mismatch';

/** A notification that does not say what the payment expects. */
export interface MoneyMismatch {
  readonly reasons: readonly MismatchReason[];
  readonly expected: ExpectedMoney;
  readonly reported: ReportedMoney;
}

/** The mismatch between what payments expects and what the provider reported, if any. */
export function moneyMismatch(expected: ExpectedMoney, reported: ReportedMoney): MoneyMismatch | undefined {
  const reasons: MismatchReason[] = [];
  if (expected.amount !== undefined && reported.amount !== undefined && reported.amount !== expected.amount) reasons.push('amount-mismatch');
  if (reported.currency !== undefined && reported.currency.toUpperCase() !== expected.currency.toUpperCase()) reasons.push('currency-mismatch');
  return reasons.length > 0 ? { reasons, expected, reported } : undefined;
}

/** A held notification, as stored for investigation (ids, amounts, currencies; no personal data, no raw body). */
export interface HeldNotification {
  /** The provider's event id (the webhook's idempotency key). */
  readonly eventId: string;
  readonly provider: string;
  /** The notification's type in the port's terms (`authorized`, `captured`, …). */
  readonly notificationType: string;
  readonly orderId: string;
  readonly paymentId: string;
  readonly providerPaymentId?: string;
  /** For a refund notification: our refund id. */
  readonly refundId?: string;
  readonly reasons: readonly MismatchReason[];
  readonly expected: ExpectedMoney;
  readonly reported: ReportedMoney;
  /** When the provider says it happened. */
  readonly occurredAt: string;
  readonly heldAt: string;
  /** SHA-256 (hex) of the raw body as received, to match it with the provider's own event log. */
  readonly bodySha256: string;
  readonly correlationId: string;
}
