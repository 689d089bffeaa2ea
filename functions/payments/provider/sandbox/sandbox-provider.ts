/**
 * The sandbox payment provider: a {@link PaymentProvider} that behaves like a real one, for local
 * and test stages (API.md "Sandbox payment provider").
 *
 * - Its own records and ids (`pay_sbx_…`, `cap_sbx_…`, `re_sbx_…`, `evt_sbx_…`) in its own store,
 *   its own settlement report (every capture and refund, by UTC day). Rules: sandbox-rules.ts.
 * - Idempotency keys: the first call with a key stores its response together with the change it
 *   made (one transaction); the same key and request return that response again; the same key
 *   with another request is refused (`idempotency_key_reused`), like Stripe.
 * - Outcomes are also delivered asynchronously as webhooks through its outbox (an SQS queue in the
 *   cloud; see sandbox-worker.ts), signed when they are sent. A bank transfer's funds "arrive"
 *   after `transferDelaySeconds` (a delayed outbox message).
 * - Chaos mode (settings, seeded): a fraction of calls fail before doing anything (503), a
 *   fraction time out AFTER doing it (the caller cannot know the outcome and must retry with the
 *   same key), and a fraction of webhooks are delivered twice.
 */
import crypto from 'node:crypto';
import type { Clock } from '../../../../shared/clock.ts';
import { canonicalJson } from '../../../../shared/audit.ts';
import {
  ProviderRequestError,
  ProviderUnavailableError,
  type AuthorizeOutcome,
  type AuthorizeRequest,
  type CaptureOutcome,
  type CaptureRequest,
  type PaymentProvider,
  type RefundOutcome,
  type RefundRequest,
  type SettlementLine,
  type VoidOutcome,
  type VoidRequest,
} from '../port.ts';
import {
  cancelSandboxPayment,
  captureLine,
  captureSandboxPayment,
  createSandboxPayment,
  receiveSandboxTransfer,
  refundLine,
  refundSandboxPayment,
  seededRandom,
  type SandboxBehaviour,
  type SandboxPayment,
} from './sandbox-rules.ts';
import { SandboxConflictError, type SandboxChange, type SandboxStore } from './sandbox-store.ts';
import { sandboxWebhookEvent, type SandboxEventType, type SandboxWebhookEvent } from './sandbox-webhook.ts';

/** A message on the sandbox's outbound queue. */
export type SandboxMessage = { readonly kind: 'webhook'; readonly event: SandboxWebhookEvent } | { readonly kind: 'transfer-arrival'; readonly providerPaymentId: string };

/** Where the sandbox sends its webhooks and timers. */
export interface SandboxOutbox {
  send(message: SandboxMessage, delaySeconds?: number): Promise<void>;
}

/** Chaos mode: rates in [0, 1]. */
export interface SandboxChaos {
  readonly failureRate: number;
  readonly timeoutRate: number;
  readonly duplicateWebhookRate: number;
  readonly seed: number;
}

/** Settings of the sandbox. */
export interface SandboxSettings extends SandboxBehaviour {
  /** How long after an awaited transfer is opened its funds arrive. */
  readonly transferDelaySeconds: number;
  readonly chaos?: SandboxChaos;
}

/** Ports of the sandbox. */
export interface SandboxDeps {
  readonly store: SandboxStore;
  readonly outbox: SandboxOutbox;
  readonly clock: Clock;
  /** A ULID source. */
  readonly newId: () => string;
  readonly settings: SandboxSettings;
}

interface Performed<R> {
  readonly response: R;
  readonly change: SandboxChange;
  readonly messages: ReadonlyArray<{ message: SandboxMessage; delaySeconds?: number }>;
}

const MAX_ATTEMPTS = 6;

/** See the module documentation. */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox' as const;
  private readonly random: () => number;

  constructor(private readonly deps: SandboxDeps) {
    this.random = seededRandom(deps.settings.chaos?.seed ?? 1);
  }

  private id(prefix: string): string {
    return `${prefix}_sbx_${this.deps.newId()}`;
  }

  private webhook(type: SandboxEventType, payment: SandboxPayment, extra: { capture?: SandboxPayment['captures'][number]; refund?: SandboxPayment['refunds'][number] } = {}) {
    return { message: { kind: 'webhook' as const, event: sandboxWebhookEvent({ id: this.id('evt'), type, now: this.deps.clock.now(), payment, ...extra }) } };
  }

  private chance(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.random() < rate;
  }

  /** Runs one idempotent call (see the module documentation). */
  private async call<R>(operation: string, key: string, request: object, perform: () => Promise<Performed<R>>): Promise<R> {
    const chaos = this.deps.settings.chaos;
    if (this.chance(chaos?.failureRate)) throw new ProviderUnavailableError(`sandbox ${operation}: 503 service unavailable (chaos)`);
    const requestHash = crypto
      .createHash('sha256')
      .update(canonicalJson({ operation, ...request, idempotencyKey: undefined }))
      .digest('hex');
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const stored = await this.deps.store.getIdempotency(key);
      if (stored) {
        if (stored.requestHash !== requestHash)
          throw new ProviderRequestError(`sandbox ${operation}: idempotency key was used with different parameters`, 'idempotency_key_reused');
        return this.answer(operation, stored.response as R);
      }
      const performed = await perform();
      try {
        await this.deps.store.commit({
          ...performed.change,
          idempotency: { key, operation, requestHash, response: performed.response, createdAt: this.deps.clock.now().toISOString() },
        });
      } catch (error) {
        if (error instanceof SandboxConflictError) continue;
        throw error;
      }
      await this.deliver(performed.messages);
      return this.answer(operation, performed.response);
    }
    throw new ProviderUnavailableError(`sandbox ${operation}: too much contention, retry`);
  }

  /** The response, unless chaos makes the caller time out after the work was done. */
  private answer<R>(operation: string, response: R): R {
    if (this.chance(this.deps.settings.chaos?.timeoutRate)) throw new ProviderUnavailableError(`sandbox ${operation}: timed out (chaos)`, 'timeout');
    return response;
  }

  private async deliver(messages: Performed<unknown>['messages']): Promise<void> {
    for (const { message, delaySeconds } of messages) {
      await this.deps.outbox.send(message, delaySeconds);
      if (message.kind === 'webhook' && this.chance(this.deps.settings.chaos?.duplicateWebhookRate)) await this.deps.outbox.send(message, delaySeconds);
    }
  }

  private async load(id: string): Promise<SandboxPayment | undefined> {
    return id.startsWith('pay_sbx_') ? this.deps.store.getPayment(id) : undefined;
  }

  authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    return this.call<AuthorizeOutcome>('authorize', request.idempotencyKey, request, async () => {
      const now = this.deps.clock.now();
      const payment = createSandboxPayment(
        {
          id: this.id('pay'),
          reference: request.orderId,
          merchantPaymentId: request.paymentId,
          method: request.method,
          amount: request.amount,
          currency: request.currency,
          token: request.token,
        },
        this.deps.settings,
        now,
      );
      const at = now.toISOString();
      const change: SandboxChange = { payment: { value: payment, expectedVersion: null } };
      switch (payment.status) {
        case 'declined':
          return {
            response: { status: 'declined', providerPaymentId: payment.id, reason: payment.declineReason ?? 'declined', at },
            change,
            messages: [this.webhook('payment.declined', payment)],
          };
        case 'processing':
          return {
            response: { status: 'pending', providerPaymentId: payment.id, at },
            change,
            messages: [
              this.webhook('payment.processing', payment),
              { message: { kind: 'transfer-arrival', providerPaymentId: payment.id }, delaySeconds: this.deps.settings.transferDelaySeconds },
            ],
          };
        default:
          return {
            response: { status: 'authorized', providerPaymentId: payment.id, amount: payment.amount, expiresAt: payment.expiresAt, at },
            change,
            messages: [this.webhook('payment.authorized', payment)],
          };
      }
    });
  }

  capture(request: CaptureRequest): Promise<CaptureOutcome> {
    return this.call<CaptureOutcome>('capture', request.idempotencyKey, request, async () => {
      const payment = await this.load(request.providerPaymentId);
      if (!payment) return { response: { status: 'refused', reason: 'not_capturable' }, change: {}, messages: [] };
      if (request.currency !== payment.currency) return { response: { status: 'refused', reason: 'not_capturable' }, change: {}, messages: [] };
      const result = captureSandboxPayment(payment, { amount: request.amount, final: request.final ?? true, captureId: this.id('cap') }, this.deps.settings, this.deps.clock.now());
      if (!result.ok) return { response: { status: 'refused', reason: result.reason }, change: {}, messages: [] };
      const c = result.capture;
      return {
        response: { status: 'captured', capture: { captureId: c.id, amount: c.amount, fee: c.fee, at: c.at, final: c.final } },
        change: { payment: { value: result.payment, expectedVersion: payment.version }, settlement: [captureLine(result.payment, c)] },
        messages: [this.webhook('payment.captured', result.payment, { capture: c })],
      };
    });
  }

  void(request: VoidRequest): Promise<VoidOutcome> {
    return this.call<VoidOutcome>('void', request.idempotencyKey, request, async () => {
      const payment = await this.load(request.providerPaymentId);
      if (!payment) return { response: { status: 'refused', reason: 'not_voidable' }, change: {}, messages: [] };
      const result = cancelSandboxPayment(payment, this.deps.clock.now());
      if (!result.ok) return { response: { status: 'refused', reason: result.reason }, change: {}, messages: [] };
      return {
        response: { status: 'voided', at: result.payment.canceledAt ?? this.deps.clock.now().toISOString() },
        change: { payment: { value: result.payment, expectedVersion: payment.version } },
        messages: [this.webhook('payment.canceled', result.payment)],
      };
    });
  }

  refund(request: RefundRequest): Promise<RefundOutcome> {
    return this.call<RefundOutcome>('refund', request.idempotencyKey, request, async () => {
      const payment = await this.load(request.providerPaymentId);
      if (!payment || request.currency !== payment.currency) return { response: { status: 'refused', reason: 'not_captured' }, change: {}, messages: [] };
      const result = refundSandboxPayment(payment, { amount: request.amount, refundId: this.id('re'), reference: request.refundId }, this.deps.clock.now());
      if (!result.ok) return { response: { status: 'refused', reason: result.reason }, change: {}, messages: [] };
      const r = result.refund;
      return {
        response: { status: 'refunded', providerRefundId: r.id, amount: r.amount, at: r.at },
        change: { payment: { value: result.payment, expectedVersion: payment.version }, settlement: [refundLine(result.payment, r)] },
        messages: [this.webhook('payment.refunded', result.payment, { refund: r })],
      };
    });
  }

  settlementReport(date: string): Promise<SettlementLine[]> {
    return this.deps.store.settlement(date);
  }

  /**
   * The customer's bank transfer arrived (the sandbox's timer): an awaited payment is captured in
   * full and `payment.succeeded` is sent. Idempotent: anything but an awaited payment is left alone.
   */
  async receiveTransfer(providerPaymentId: string): Promise<'received' | 'ignored'> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const payment = await this.load(providerPaymentId);
      if (!payment) return 'ignored';
      const result = receiveSandboxTransfer(payment, this.id('cap'), this.deps.settings, this.deps.clock.now());
      if (!result) return 'ignored';
      try {
        await this.deps.store.commit({ payment: { value: result.payment, expectedVersion: payment.version }, settlement: [captureLine(result.payment, result.capture)] });
      } catch (error) {
        if (error instanceof SandboxConflictError) continue;
        throw error;
      }
      await this.deliver([this.webhook('payment.succeeded', result.payment, { capture: result.capture })]);
      return 'received';
    }
    throw new ProviderUnavailableError('sandbox transfer: too much contention, retry');
  }
}
