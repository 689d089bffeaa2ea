/**
 * The part of the official `stripe` package (stripe-node) the Stripe adapter uses, as a structural
 * interface: the adapter compiles and is tested without the package (recorded fixtures and a fake
 * client), and production passes its client over fetch (./stripe-http-client.ts, see
 * stripe-client.ts; the official client `new Stripe(apiKey)` has the same methods, and the client's
 * tests compare the two request for request):
 *
 * - `stripe.paymentIntents.create(params, { idempotencyKey })` — `capture_method: 'manual'`, `confirm: true`
 * - `stripe.paymentIntents.capture(id, { amount_to_capture, expand }, { idempotencyKey })`
 * - `stripe.paymentIntents.cancel(id, params, { idempotencyKey })`
 * - `stripe.refunds.create({ payment_intent, amount, metadata }, { idempotencyKey })`
 * - `stripe.balanceTransactions.list({ created: { gte, lt }, limit, starting_after, expand })`
 * - `stripe.webhooks.constructEvent(rawBody, signatureHeader, endpointSecret, toleranceSeconds)` —
 *   verifies `Stripe-Signature` (HMAC-SHA256, `t=…,v1=…`) and throws
 *   `StripeSignatureVerificationError` otherwise.
 *
 * Errors thrown by the client carry `type` (`StripeCardError`, `StripeInvalidRequestError`,
 * `StripeAPIError`, `StripeConnectionError`, `StripeRateLimitError`, `StripeIdempotencyError`,
 * `StripeAuthenticationError`, `StripePermissionError`, `StripeSignatureVerificationError`), `code`,
 * `decline_code` and, for payment errors, `payment_intent`.
 */

/** stripe-node's per-request options (the subset used). */
export interface StripeRequestOptions {
  readonly idempotencyKey?: string;
}

export type StripeMetadata = Record<string, string>;

/** A balance transaction (a movement of the Stripe balance: a charge, a refund, …). */
export interface StripeBalanceTransactionLike {
  readonly id: string;
  readonly object: 'balance_transaction';
  readonly amount: number;
  readonly fee: number;
  readonly net: number;
  readonly currency: string;
  readonly type: string;
  readonly created: number;
  readonly source: string | { readonly id: string; readonly object?: string; readonly payment_intent?: string | null; readonly metadata?: StripeMetadata } | null;
}

/** A charge (the money movement of a PaymentIntent). */
export interface StripeChargeLike {
  readonly id: string;
  readonly object: 'charge';
  readonly amount: number;
  readonly amount_captured: number;
  readonly captured: boolean;
  readonly created: number;
  readonly balance_transaction?: string | StripeBalanceTransactionLike | null;
  readonly payment_method_details?: { readonly card?: { readonly capture_before?: number | null } | null } | null;
}

/** A PaymentIntent. */
export interface StripePaymentIntentLike {
  readonly id: string;
  readonly object: 'payment_intent';
  readonly amount: number;
  readonly amount_capturable: number;
  readonly amount_received: number;
  readonly currency: string;
  readonly status: 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'canceled' | 'succeeded';
  readonly created: number;
  readonly canceled_at?: number | null;
  readonly metadata: StripeMetadata;
  readonly latest_charge?: string | StripeChargeLike | null;
  readonly last_payment_error?: { readonly code?: string; readonly decline_code?: string } | null;
  readonly capture_method?: 'automatic' | 'automatic_async' | 'manual';
  readonly payment_method_types?: readonly string[];
  /** What the customer must do (status `requires_action`): Alipay's redirect, WeChat Pay's QR code. */
  readonly next_action?: {
    readonly type: string;
    readonly redirect_to_url?: { readonly url?: string | null; readonly return_url?: string | null } | null;
    readonly alipay_handle_redirect?: { readonly url?: string | null; readonly native_url?: string | null; readonly return_url?: string | null } | null;
    readonly wechat_pay_display_qr_code?: { readonly data?: string | null; readonly image_url_png?: string | null; readonly hosted_instructions_url?: string | null } | null;
  } | null;
}

/** A refund. */
export interface StripeRefundLike {
  readonly id: string;
  readonly object: 'refund';
  readonly amount: number;
  readonly currency: string;
  readonly created: number;
  readonly status: string | null;
  readonly payment_intent: string | null;
  readonly metadata: StripeMetadata | null;
}

/** A webhook event. */
export interface StripeEventLike {
  readonly id: string;
  readonly object: 'event';
  readonly type: string;
  readonly created: number;
  readonly data: { readonly object: unknown };
}

/** A page of a list. */
export interface StripeListLike<T> {
  readonly object: 'list';
  readonly data: T[];
  readonly has_more: boolean;
}

/** The client, structurally. */
export interface StripeLike {
  readonly paymentIntents: {
    create(params: Record<string, unknown>, options?: StripeRequestOptions): Promise<StripePaymentIntentLike>;
    capture(id: string, params?: Record<string, unknown>, options?: StripeRequestOptions): Promise<StripePaymentIntentLike>;
    cancel(id: string, params?: Record<string, unknown>, options?: StripeRequestOptions): Promise<StripePaymentIntentLike>;
  };
  readonly refunds: {
    create(params: Record<string, unknown>, options?: StripeRequestOptions): Promise<StripeRefundLike>;
  };
  readonly balanceTransactions: {
    list(params: Record<string, unknown>): Promise<StripeListLike<StripeBalanceTransactionLike>>;
  };
  readonly webhooks: {
    constructEvent(payload: string | Buffer, header: string, secret: string, tolerance?: number): StripeEventLike;
  };
}

/** The shape of errors stripe-node throws (the fields the adapter reads). */
export interface StripeErrorLike {
  readonly type?: string;
  readonly code?: string;
  readonly decline_code?: string;
  readonly statusCode?: number;
  readonly payment_intent?: { readonly id?: string; readonly status?: string } | null;
  readonly message?: string;
}
