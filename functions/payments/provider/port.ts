/**
 * The payment-provider port (PAY-1, PAY-2): what payments asks of a provider, and what a provider's
 * webhook means. Two adapters implement it: the sandbox (local and test stages; behaves like a real
 * provider, see `sandbox/`) and Stripe (`stripe/`, the official `stripe` package).
 *
 * Rules every adapter follows:
 * - Every call carries an idempotency key; the same key with the same request returns the first
 *   outcome again and never moves money twice. Use cases derive keys from their own ids
 *   (`authorize-<paymentId>`, `capture-<paymentId>-<trigger>`, `void-<paymentId>`, `refund-<refundId>`).
 * - A business refusal (declined card, capture of an expired authorisation, refund above what was
 *   captured) is an outcome, not an error.
 * - A network failure, timeout or provider outage is a {@link ProviderUnavailableError}: the
 *   outcome is unknown and the caller retries with the same key (SQS redelivery for consumers).
 */
import type { PaymentMethod } from '../../../events/common.ts';
import type { CaptureResult, PaymentAction } from '../domain/payment.ts';

export type { PaymentAction } from '../domain/payment.ts';

/** Which adapter. */
export type ProviderName = 'sandbox' | 'stripe';

/** Authorise `amount` for an order (card, wallet) or open an awaited bank transfer. */
export interface AuthorizeRequest {
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly paymentId: string;
  readonly method: Exclude<PaymentMethod, 'cod'>;
  readonly amount: number;
  readonly currency: string;
  /** The provider token for card and wallet. */
  readonly token?: string;
}

/** Why an authorisation was declined. */
export type DeclineReason = 'declined' | 'insufficient_funds' | 'unknown_token' | 'provider_error';

/** The provider's answer to an authorisation. */
export type AuthorizeOutcome =
  | { readonly status: 'authorized'; readonly providerPaymentId: string; readonly amount: number; readonly expiresAt?: string; readonly at: string }
  | { readonly status: 'pending'; readonly providerPaymentId: string; readonly at: string; readonly action?: PaymentAction }
  | { readonly status: 'declined'; readonly providerPaymentId?: string; readonly reason: DeclineReason; readonly at: string };

/** Capture (part of) an authorisation. */
export interface CaptureRequest {
  readonly idempotencyKey: string;
  readonly providerPaymentId: string;
  readonly amount: number;
  readonly currency: string;
  /** Release whatever is left of the authorisation after this capture (default true). */
  readonly final?: boolean;
}

/** Why a capture was refused. */
export type CaptureRefusal = 'authorization_expired' | 'canceled' | 'already_captured' | 'amount_too_large' | 'not_capturable';

export type CaptureOutcome = { readonly status: 'captured'; readonly capture: CaptureResult } | { readonly status: 'refused'; readonly reason: CaptureRefusal };

/** Release an authorisation (or an awaited transfer). */
export interface VoidRequest {
  readonly idempotencyKey: string;
  readonly providerPaymentId: string;
}

export type VoidOutcome = { readonly status: 'voided'; readonly at: string } | { readonly status: 'refused'; readonly reason: 'already_captured' | 'not_voidable' };

/** Return (part of) a captured payment. */
export interface RefundRequest {
  readonly idempotencyKey: string;
  readonly providerPaymentId: string;
  readonly orderId: string;
  /** Our refund id, echoed by the provider's webhook. */
  readonly refundId: string;
  readonly amount: number;
  readonly currency: string;
}

export type RefundOutcome =
  | { readonly status: 'refunded'; readonly providerRefundId: string; readonly amount: number; readonly at: string }
  | { readonly status: 'refused'; readonly reason: 'exceeds_captured' | 'not_captured' };

/** One transaction of the provider's settlement report (PAY-3). */
export interface SettlementLine {
  readonly transactionId: string;
  readonly type: 'capture' | 'refund';
  readonly providerPaymentId: string;
  /** Our order id, as the provider recorded it (metadata). */
  readonly reference?: string;
  readonly amount: number;
  readonly fee: number;
  readonly currency: string;
  readonly at: string;
}

/** A payment provider. */
export interface PaymentProvider {
  readonly name: ProviderName;
  authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome>;
  capture(request: CaptureRequest): Promise<CaptureOutcome>;
  void(request: VoidRequest): Promise<VoidOutcome>;
  refund(request: RefundRequest): Promise<RefundOutcome>;
  /** Every capture and refund the provider settled on `date` (`YYYY-MM-DD`, UTC). */
  settlementReport(date: string): Promise<SettlementLine[]>;
}

/** What a verified webhook says, in the port's terms. */
export type ProviderNotification = {
  /** The provider's event id (duplicates carry the same id). */
  readonly eventId: string;
  readonly occurredAt: string;
  readonly providerPaymentId: string;
  /** Our order id (metadata), when the provider has it. */
  readonly orderId?: string;
  /** Our payment id (metadata), when the provider has it: which payment of the order (a pre-sale has two). */
  readonly paymentId?: string;
  /** The currency (ISO 4217, upper case) of the notification's amounts, when the provider states it. */
  readonly currency?: string;
} & (
  | { readonly type: 'authorized'; readonly amount: number; readonly expiresAt?: string }
  | { readonly type: 'declined'; readonly reason: DeclineReason }
  | { readonly type: 'pending' }
  | { readonly type: 'transfer-received'; readonly capture: CaptureResult }
  | { readonly type: 'captured'; readonly capture: CaptureResult }
  | { readonly type: 'voided' }
  | { readonly type: 'refunded'; readonly refundId?: string; readonly providerRefundId: string; readonly amount: number }
  | { readonly type: 'ignored'; readonly providerType: string }
);

/** Verifies and decodes a provider's webhook. */
export interface WebhookVerifier {
  /** The (lower-case) header carrying the signature. */
  readonly signatureHeader: string;
  /** Verifies the raw body against the signature at `now`; throws {@link WebhookVerificationError}. */
  verify(rawBody: string, signature: string | undefined, now: Date): ProviderNotification;
}

/** The provider could not be reached or did not answer in time; the outcome is unknown. Retry with the same idempotency key. */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
  constructor(
    message: string,
    readonly kind: 'unavailable' | 'timeout' = 'unavailable',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The provider refused the request itself (e.g. an idempotency key reused with other parameters): a bug, not retryable. */
export class ProviderRequestError extends Error {
  override readonly name = 'ProviderRequestError';
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A webhook whose signature, timestamp or body is not acceptable. The message names the problem, never the payload. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly problem: 'missing-signature' | 'malformed-signature' | 'signature-mismatch' | 'timestamp-outside-tolerance' | 'malformed-body',
    message: string = problem,
  ) {
    super(message);
  }
}
