/**
 * The Stripe adapter of the {@link PaymentProvider} port (production): PaymentIntents with manual
 * capture (authorise at risk approval, capture at shipment), cancel to void, refunds, the balance
 * transactions of a day as the settlement report, and webhooks verified by `webhooks.constructEvent`
 * (Stripe's documented scheme). It depends on {@link StripeLike}, the structural subset of the
 * official `stripe` client, so it is tested offline against recorded responses; production passes
 * our client over fetch (./stripe-http-client.ts), which sends what stripe-node sends.
 *
 * Mapping:
 * - authorise: `paymentIntents.create({ amount, currency, capture_method: 'manual', confirm: true,
 *   payment_method | payment_method_data: { type: 'card', card: { token } }, metadata: { orderId,
 *   paymentId } }, { idempotencyKey })`; `requires_capture` → authorised (expiry from the charge's
 *   `capture_before`, else 7 days); a `StripeCardError` → declined (`insufficient_funds` from
 *   `decline_code`); an unknown token (`resource_missing`) → `unknown_token`. Bank transfers
 *   (Stripe `customer_balance`) need a Stripe Customer per shopper and are not supported yet:
 *   declined with `provider_error`.
 * - wallet (Alipay, WeChat Pay — what Stripe offers Chinese shoppers besides cards): the token is a
 *   Stripe PaymentMethod (`pm_…`) of type `alipay` or `wechat_pay` the storefront created with
 *   Stripe.js; `paymentIntents.create({ payment_method_types: ['alipay', 'wechat_pay'],
 *   payment_method, confirm: true, return_url, payment_method_options: { wechat_pay: { client: 'web' } } })`
 *   with automatic capture (Stripe supports no manual capture for either). `requires_action` →
 *   pending with the shopper's next step (Alipay: open `alipay_handle_redirect.url`; WeChat Pay: scan
 *   `wechat_pay_display_qr_code`), shown by `GET /orders/{orderId}/payment`; the money arrives with
 *   `payment_intent.succeeded`, applied like a received bank transfer (captured at once). Its fee is
 *   not in the event: the day's settlement report (PAY-3) carries it.
 * - capture: `paymentIntents.capture(id, { amount_to_capture, expand: ['latest_charge.balance_transaction'] })`;
 *   the capture id is the charge id, the fee comes from its balance transaction.
 * - void: `paymentIntents.cancel(id)`.
 * - refund: `refunds.create({ payment_intent, amount, metadata: { orderId, refundId } })`.
 * - settlement report: `balanceTransactions.list({ created: { gte, lt }, expand: ['data.source'] })`,
 *   charges as captures (`charge`/`payment`), refunds as refunds (`refund`/`payment_refund`).
 * - Network errors, 5xx, rate limits → {@link ProviderUnavailableError} (retry with the same key).
 *
 * Webhooks: `payment_intent.amount_capturable_updated` → authorised, `payment_intent.payment_failed`
 * → declined, `payment_intent.processing` → pending, `payment_intent.canceled` → voided,
 * `refund.created`/`refund.updated` (succeeded) → refunded. `payment_intent.succeeded` is
 * acknowledged but not applied: captures converge through the capture call itself (a retry with
 * the same idempotency key replays Stripe's response, fee included).
 */
import type { Clock } from '../../../../shared/clock.ts';
import {
  ProviderRequestError,
  ProviderUnavailableError,
  WebhookVerificationError,
  type AuthorizeOutcome,
  type AuthorizeRequest,
  type PaymentAction,
  type CaptureOutcome,
  type CaptureRequest,
  type DeclineReason,
  type PaymentProvider,
  type ProviderNotification,
  type RefundOutcome,
  type RefundRequest,
  type SettlementLine,
  type VoidOutcome,
  type VoidRequest,
  type WebhookVerifier,
} from '../port.ts';
import type { StripeBalanceTransactionLike, StripeChargeLike, StripeErrorLike, StripeLike, StripePaymentIntentLike, StripeRefundLike } from './stripe-like.ts';

/** The header Stripe signs webhooks with. */
export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';

/** Uncaptured card authorisations last 7 days at Stripe unless the charge says otherwise. */
const DEFAULT_AUTHORIZATION_DAYS = 7;

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

function stripeError(error: unknown): StripeErrorLike | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as StripeErrorLike;
  return typeof e.type === 'string' && e.type.startsWith('Stripe') ? e : undefined;
}

const TRANSIENT = new Set(['StripeConnectionError', 'StripeAPIError', 'StripeRateLimitError', 'StripeLockTimeoutError']);

/** Turns a client error into the port's errors; returns the StripeErrorLike for business errors the caller maps. */
function classify(operation: string, error: unknown): StripeErrorLike {
  const e = stripeError(error);
  if (!e) throw new ProviderUnavailableError(`stripe ${operation}: ${error instanceof Error ? error.name : 'unknown error'}`, 'unavailable', { cause: error });
  if (TRANSIENT.has(e.type ?? '') || (e.statusCode !== undefined && e.statusCode >= 500)) {
    throw new ProviderUnavailableError(`stripe ${operation}: ${e.type}`, e.type === 'StripeConnectionError' ? 'timeout' : 'unavailable', { cause: error });
  }
  if (e.type === 'StripeIdempotencyError')
    throw new ProviderRequestError(`stripe ${operation}: idempotency key reused with other parameters`, 'idempotency_key_reused', { cause: error });
  if (e.type === 'StripeAuthenticationError' || e.type === 'StripePermissionError')
    throw new ProviderRequestError(`stripe ${operation}: ${e.type}`, e.code ?? e.type, { cause: error });
  return e;
}

function declineReason(code: string | undefined, declineCode: string | undefined): DeclineReason {
  if (declineCode === 'insufficient_funds' || code === 'insufficient_funds') return 'insufficient_funds';
  return 'declined';
}

function chargeOf(pi: StripePaymentIntentLike): StripeChargeLike | undefined {
  return pi.latest_charge && typeof pi.latest_charge === 'object' ? pi.latest_charge : undefined;
}

/** See the module documentation. */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe' as const;

  constructor(
    private readonly stripe: StripeLike,
    private readonly clock: Clock,
    /** Where Alipay returns the shopper (`{orderId}` replaced); wallets need it. */
    private readonly returnUrl?: string,
  ) {}

  async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const at = this.clock.now().toISOString();
    if (request.method === 'bank_transfer') return { status: 'declined', reason: 'provider_error', at };
    if (!request.token) return { status: 'declined', reason: 'unknown_token', at };
    if (request.method === 'wallet') return this.authorizeWallet(request, request.token, at);
    const method = request.token.startsWith('pm_') ? { payment_method: request.token } : { payment_method_data: { type: 'card', card: { token: request.token } } };
    let pi: StripePaymentIntentLike;
    try {
      pi = await this.stripe.paymentIntents.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          capture_method: 'manual',
          confirm: true,
          payment_method_types: ['card'],
          ...method,
          metadata: { orderId: request.orderId, paymentId: request.paymentId },
          expand: ['latest_charge'],
        },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (error) {
      const e = classify('authorize', error);
      if (e.type === 'StripeCardError') return { status: 'declined', providerPaymentId: e.payment_intent?.id, reason: declineReason(e.code, e.decline_code), at };
      if (e.type === 'StripeInvalidRequestError' && e.code === 'resource_missing') return { status: 'declined', reason: 'unknown_token', at };
      if (e.type === 'StripeInvalidRequestError') return { status: 'declined', providerPaymentId: e.payment_intent?.id, reason: 'provider_error', at };
      throw new ProviderUnavailableError(`stripe authorize: ${e.type}`, 'unavailable', { cause: error });
    }
    if (pi.status === 'requires_capture') {
      const captureBefore = chargeOf(pi)?.payment_method_details?.card?.capture_before;
      const expiresAt = captureBefore ? iso(captureBefore) : iso(pi.created + DEFAULT_AUTHORIZATION_DAYS * 86_400);
      return { status: 'authorized', providerPaymentId: pi.id, amount: pi.amount_capturable, expiresAt, at: iso(pi.created) };
    }
    if (pi.status === 'processing') return { status: 'pending', providerPaymentId: pi.id, at: iso(pi.created) };
    return {
      status: 'declined',
      providerPaymentId: pi.id,
      reason: pi.last_payment_error ? declineReason(pi.last_payment_error.code, pi.last_payment_error.decline_code) : 'provider_error',
      at,
    };
  }

  /** Alipay / WeChat Pay: automatic capture, the shopper's next step returned with `pending`. */
  private async authorizeWallet(request: AuthorizeRequest, token: string, at: string): Promise<AuthorizeOutcome> {
    if (!token.startsWith('pm_')) return { status: 'declined', reason: 'unknown_token', at };
    if (!this.returnUrl) throw new ProviderRequestError('stripe authorize: wallet payments need PAYMENT_RETURN_URL (where Alipay returns the shopper)', 'configuration');
    let pi: StripePaymentIntentLike;
    try {
      pi = await this.stripe.paymentIntents.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          confirm: true,
          payment_method_types: ['alipay', 'wechat_pay'],
          payment_method: token,
          return_url: this.returnUrl.replaceAll('{orderId}', encodeURIComponent(request.orderId)),
          payment_method_options: { wechat_pay: { client: 'web' } },
          metadata: { orderId: request.orderId, paymentId: request.paymentId },
        },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (error) {
      const e = classify('authorize', error);
      if (e.type === 'StripeInvalidRequestError' && e.code === 'resource_missing') return { status: 'declined', reason: 'unknown_token', at };
      if (e.type === 'StripeCardError' || e.type === 'StripeInvalidRequestError')
        return { status: 'declined', providerPaymentId: e.payment_intent?.id, reason: 'provider_error', at };
      throw new ProviderUnavailableError(`stripe authorize: ${e.type}`, 'unavailable', { cause: error });
    }
    if (pi.status === 'requires_action' || pi.status === 'processing' || pi.status === 'succeeded') {
      // Succeeded at once or not: the money is applied when payment_intent.succeeded arrives (one path).
      const action = walletAction(pi);
      return { status: 'pending', providerPaymentId: pi.id, at: iso(pi.created), ...(action ? { action } : {}) };
    }
    return {
      status: 'declined',
      providerPaymentId: pi.id,
      reason: pi.last_payment_error ? declineReason(pi.last_payment_error.code, pi.last_payment_error.decline_code) : 'provider_error',
      at,
    };
  }

  async capture(request: CaptureRequest): Promise<CaptureOutcome> {
    let pi: StripePaymentIntentLike;
    try {
      pi = await this.stripe.paymentIntents.capture(
        request.providerPaymentId,
        { amount_to_capture: request.amount, ...(request.final === false ? { final_capture: false } : {}), expand: ['latest_charge.balance_transaction'] },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (error) {
      const e = classify('capture', error);
      if (e.code === 'charge_expired_for_capture') return { status: 'refused', reason: 'authorization_expired' };
      if (e.code === 'amount_too_large') return { status: 'refused', reason: 'amount_too_large' };
      if (e.code === 'payment_intent_unexpected_state') {
        const status = e.payment_intent?.status;
        return { status: 'refused', reason: status === 'canceled' ? 'canceled' : status === 'succeeded' ? 'already_captured' : 'not_capturable' };
      }
      return { status: 'refused', reason: 'not_capturable' };
    }
    const charge = chargeOf(pi);
    if (!charge) throw new ProviderUnavailableError('stripe capture: the response has no expanded charge; retry');
    const tx = typeof charge.balance_transaction === 'object' && charge.balance_transaction ? charge.balance_transaction : undefined;
    return {
      status: 'captured',
      capture: { captureId: charge.id, amount: pi.amount_received, fee: tx?.fee ?? 0, at: iso(tx?.created ?? charge.created), final: request.final ?? true },
    };
  }

  async void(request: VoidRequest): Promise<VoidOutcome> {
    try {
      const pi = await this.stripe.paymentIntents.cancel(request.providerPaymentId, {}, { idempotencyKey: request.idempotencyKey });
      return { status: 'voided', at: iso(pi.canceled_at ?? Math.floor(this.clock.now().getTime() / 1000)) };
    } catch (error) {
      const e = classify('void', error);
      return { status: 'refused', reason: e.payment_intent?.status === 'succeeded' ? 'already_captured' : 'not_voidable' };
    }
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    let refund: StripeRefundLike;
    try {
      refund = await this.stripe.refunds.create(
        { payment_intent: request.providerPaymentId, amount: request.amount, metadata: { orderId: request.orderId, refundId: request.refundId } },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (error) {
      const e = classify('refund', error);
      if (e.code === 'charge_already_refunded' || e.code === 'amount_too_large') return { status: 'refused', reason: 'exceeds_captured' };
      return { status: 'refused', reason: 'not_captured' };
    }
    return { status: 'refunded', providerRefundId: refund.id, amount: refund.amount, at: iso(refund.created) };
  }

  async settlementReport(date: string): Promise<SettlementLine[]> {
    const gte = Math.floor(Date.parse(`${date}T00:00:00.000Z`) / 1000);
    const lt = gte + 86_400;
    const lines: SettlementLine[] = [];
    let startingAfter: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.stripe.balanceTransactions.list({
          created: { gte, lt },
          limit: 100,
          expand: ['data.source'],
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        });
      } catch (error) {
        classify('settlementReport', error);
        throw new ProviderUnavailableError('stripe settlementReport: failed', 'unavailable', { cause: error });
      }
      for (const tx of page.data) {
        const line = toSettlementLine(tx);
        if (line) lines.push(line);
      }
      const last = page.data.at(-1);
      if (!page.has_more || !last) break;
      startingAfter = last.id;
    }
    return lines;
  }
}

/** The shopper's next step of a wallet PaymentIntent (`requires_action`), if Stripe gave one. */
export function walletAction(pi: Pick<StripePaymentIntentLike, 'next_action'>): PaymentAction | undefined {
  const next = pi.next_action;
  if (!next) return undefined;
  const qr = next.wechat_pay_display_qr_code;
  if (next.type === 'wechat_pay_display_qr_code' && qr?.data) return { type: 'qr-code', data: qr.data, ...(qr.image_url_png ? { imageUrl: qr.image_url_png } : {}) };
  const url = next.alipay_handle_redirect?.url ?? next.redirect_to_url?.url;
  return url ? { type: 'redirect', url } : undefined;
}

/** A balance transaction as a settlement line (captures and refunds only). */
export function toSettlementLine(tx: StripeBalanceTransactionLike): SettlementLine | undefined {
  const type = tx.type === 'charge' || tx.type === 'payment' ? 'capture' : tx.type === 'refund' || tx.type === 'payment_refund' ? 'refund' : undefined;
  if (!type) return undefined;
  const source = tx.source;
  const sourceId = typeof source === 'string' ? source : source?.id;
  if (!sourceId) return undefined;
  const providerPaymentId = typeof source === 'object' && source?.payment_intent ? source.payment_intent : '';
  const reference = typeof source === 'object' ? source?.metadata?.orderId : undefined;
  return {
    transactionId: sourceId,
    type,
    providerPaymentId,
    ...(reference ? { reference } : {}),
    amount: Math.abs(tx.amount),
    fee: tx.fee,
    currency: tx.currency.toUpperCase(),
    at: iso(tx.created),
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Maps a verified Stripe event to the port's notification. */
export function stripeNotification(event: { id: string; type: string; created: number; data: { object: unknown } }): ProviderNotification {
  const object = (event.data.object ?? {}) as Record<string, unknown>;
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  const occurredAt = iso(event.created);
  const orderId = str(metadata.orderId);
  const paymentId = str(metadata.paymentId);
  // Stripe's currencies are lower case ISO 4217 codes.
  const currency = str(object.currency)?.toUpperCase();
  if (event.type.startsWith('payment_intent.')) {
    const providerPaymentId = str(object.id) ?? '';
    const common = { eventId: event.id, occurredAt, providerPaymentId, ...(orderId ? { orderId } : {}), ...(paymentId ? { paymentId } : {}), ...(currency ? { currency } : {}) };
    switch (event.type) {
      case 'payment_intent.amount_capturable_updated':
        return { ...common, type: 'authorized', amount: Number(object.amount_capturable ?? 0) };
      case 'payment_intent.payment_failed': {
        const lastError = (object.last_payment_error ?? {}) as Record<string, unknown>;
        return { ...common, type: 'declined', reason: declineReason(str(lastError.code), str(lastError.decline_code)) };
      }
      case 'payment_intent.processing':
        return { ...common, type: 'pending' };
      case 'payment_intent.canceled':
        return { ...common, type: 'voided' };
      case 'payment_intent.succeeded': {
        // Cards are captured by our capture call (manual capture) and converge through it; a wallet
        // (automatic capture: Alipay, WeChat Pay) is paid now — applied like a received transfer.
        if (object.capture_method === 'manual') return { ...common, type: 'ignored', providerType: event.type };
        const charge = object.latest_charge;
        const captureId = typeof charge === 'string' ? charge : (str((charge as Record<string, unknown> | null | undefined)?.id) ?? `${common.providerPaymentId}-capture`);
        return { ...common, type: 'transfer-received', capture: { captureId, amount: Number(object.amount_received ?? 0), fee: 0, at: occurredAt } };
      }
      default:
        return { ...common, type: 'ignored', providerType: event.type };
    }
  }
  if ((event.type === 'refund.created' || event.type === 'refund.updated') && object.status === 'succeeded') {
    return {
      eventId: event.id,
      occurredAt,
      providerPaymentId: str(object.payment_intent) ?? '',
      ...(orderId ? { orderId } : {}),
      ...(currency ? { currency } : {}),
      type: 'refunded',
      refundId: str(metadata.refundId),
      providerRefundId: str(object.id) ?? '',
      amount: Number(object.amount ?? 0),
    };
  }
  return { eventId: event.id, occurredAt, providerPaymentId: str(object.payment_intent) ?? str(object.id) ?? '', type: 'ignored', providerType: event.type };
}

/**
 * The Stripe {@link WebhookVerifier}: the library checks the `Stripe-Signature` header and the
 * tolerance (`stripe.webhooks.constructEvent(rawBody, header, secret, toleranceSeconds)`); this only
 * maps its errors and the event.
 */
export function stripeWebhookVerifier(stripe: StripeLike, endpointSecret: string, toleranceSeconds: number): WebhookVerifier {
  return {
    signatureHeader: STRIPE_SIGNATURE_HEADER,
    verify(rawBody, signature) {
      if (!signature) throw new WebhookVerificationError('missing-signature');
      let event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, endpointSecret, toleranceSeconds);
      } catch (error) {
        const message = error instanceof Error ? error.message : '';
        // stripe-node's StripeSignatureVerificationError messages (Webhooks.js verifyHeader).
        if (/tolerance/i.test(message)) throw new WebhookVerificationError('timestamp-outside-tolerance');
        if (/matching the expected signature/i.test(message)) throw new WebhookVerificationError('signature-mismatch');
        if (/unable to extract timestamp|expected scheme/i.test(message)) throw new WebhookVerificationError('malformed-signature');
        if (error instanceof SyntaxError) throw new WebhookVerificationError('malformed-body', 'body is not JSON');
        throw new WebhookVerificationError('signature-mismatch');
      }
      if (!event || typeof event.id !== 'string' || typeof event.type !== 'string' || typeof event.created !== 'number')
        throw new WebhookVerificationError('malformed-body', 'not a Stripe event');
      return stripeNotification(event);
    },
  };
}
