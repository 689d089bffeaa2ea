/**
 * Drives the payments handlers against DynamoDB Local the way the cloud does — SQS records with
 * EventBridge envelopes for the consumers, API Gateway proxy events for the routes — with the real
 * repositories, the real sandbox provider on its own table, real field encryption (over a fake KMS)
 * and the real audit log. What the cloud would do asynchronously is explicit here: published events
 * are collected, and the sandbox's outbound messages (webhooks, transfer timers) are delivered by
 * {@link PaymentsHarness.deliverSandbox} to the webhook handler, signed.
 */
import crypto from 'node:crypto';
import type { SQSBatchResponse } from 'aws-lambda';
import { inject } from 'vitest';
import { OrderCancelled } from '../../../events/order-cancelled.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { PreSaleBalanceDue } from '../../../events/pre-sale-balance-due.ts';
import { OrderDelivered, OrderShipped } from '../../../events/fulfillment-events.ts';
import { RiskApproved } from '../../../events/risk-assessed.ts';
import { ReturnRefundRequested } from '../../../events/return-events.ts';
import type { AnyEventDefinition, DomainEvent } from '../../../events/event-definition.ts';
import type { PaymentMethod } from '../../../events/common.ts';
import { DynamoDbAuditLog } from '../../../shared/audit.ts';
import { manualClock, type ManualClock } from '../../../shared/clock.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { FieldEncryptor, type KmsKeyPort } from '../../../shared/field-encryption.ts';
import { newId } from '../../../shared/ids.ts';
import { fieldEncryptionVault } from '../../../functions/payments/engine.ts';
import { makeApproveRefundHandler } from '../../../functions/payments/handlers/approve-refund.ts';
import { makeAuthorizePaymentHandler } from '../../../functions/payments/handlers/authorize-payment.ts';
import { makeCapturePaymentHandler } from '../../../functions/payments/handlers/capture-payment.ts';
import { makeGetOrderPaymentHandler } from '../../../functions/payments/handlers/get-order-payment.ts';
import { makeRecordCodRemittanceHandler } from '../../../functions/payments/handlers/record-cod-remittance.ts';
import { makeGetCodRemittanceHandler } from '../../../functions/payments/handlers/get-cod-remittance.ts';
import { makeGetShopperPaymentHandler } from '../../../functions/payments/handlers/get-shopper-payment.ts';
import { makeGetReconciliationHandler } from '../../../functions/payments/handlers/get-reconciliation.ts';
import { makeReceivePaymentWebhookHandler } from '../../../functions/payments/handlers/receive-payment-webhook.ts';
import { makeReconcilePaymentsHandler } from '../../../functions/payments/handlers/reconcile-payments.ts';
import { makeRecordOrderPaymentHandler } from '../../../functions/payments/handlers/record-order-payment.ts';
import { makeRejectRefundHandler } from '../../../functions/payments/handlers/reject-refund.ts';
import { makeReleasePaymentHandler } from '../../../functions/payments/handlers/release-payment.ts';
import { makeRequestRefundHandler } from '../../../functions/payments/handlers/request-refund.ts';
import { makeRefundReturnHandler } from '../../../functions/payments/handlers/refund-return.ts';
import { PaymentsRepository } from '../../../functions/payments/payments-repository.ts';
import { InMemorySandboxOutbox } from '../../../functions/payments/provider/sandbox/sandbox-outbox.ts';
import { SandboxProvider, type SandboxChaos, type SandboxMessage } from '../../../functions/payments/provider/sandbox/sandbox-provider.ts';
import { DynamoDbSandboxStore } from '../../../functions/payments/provider/sandbox/sandbox-store.ts';
import type { SandboxPayment } from '../../../functions/payments/provider/sandbox/sandbox-rules.ts';
import { sandboxWebhookVerifier } from '../../../functions/payments/provider/sandbox/sandbox-webhook.ts';
import { processSandboxMessage, type WebhookEndpoint } from '../../../functions/payments/provider/sandbox/sandbox-worker.ts';
import type { ProviderWiring } from '../../../functions/payments/provider/from-env.ts';
import type { PaymentsPorts } from '../../../functions/payments/runtime.ts';
import { paymentsSettings } from '../../../functions/payments/settings.ts';
import { apiEvent, claimsFor, eventBridgeEvent, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';

export const WEBHOOK_SECRET = 'whsec_integration_secret_0123456789';

/** A KMS stand-in: AES data keys "encrypted" with a fixed wrapping key bound to the context. */
export function fakeKms(): KmsKeyPort {
  const wrap = crypto.createHash('sha256').update('fake-kms').digest();
  const seal = (plain: Uint8Array, context: Readonly<Record<string, string>>) => {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', wrap, iv);
    c.setAAD(Buffer.from(JSON.stringify(context)));
    return Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
  };
  return {
    async generateDataKey(_keyId, context) {
      const plaintext = crypto.randomBytes(32);
      return { plaintext: Uint8Array.from(plaintext), ciphertextBlob: seal(plaintext, context) };
    },
    async decrypt(blob, context) {
      const b = Buffer.from(blob);
      const d = crypto.createDecipheriv('aes-256-gcm', wrap, b.subarray(0, 12));
      d.setAAD(Buffer.from(JSON.stringify(context)));
      d.setAuthTag(b.subarray(b.length - 16));
      return Uint8Array.from(Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]));
    },
  };
}

/** A random day far from today, so a test's ledger and settlement days are its own in the shared table. */
export function uniqueDay(): Date {
  const days = 3650 + crypto.randomInt(0, 365 * 50);
  return new Date(Date.UTC(2030, 0, 1) + days * 86_400_000 + 8 * 3_600_000);
}

/** Facts of a test order. */
export interface TestOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly method: PaymentMethod;
  /** The order's total. */
  readonly amount: number;
  readonly token?: string;
  /** A pre-sale order (ORD-5): the deposit due now (the balance is `amount − deposit`). */
  readonly deposit?: number;
}

/** Checkout's pre-sale deposit: 20 % of the total, half-up, at least one fen (functions/checkout/domain/pricing.ts presaleDeposit). */
export const depositOf = (total: number) => Math.max(1, Math.floor((total * 2000 + 5000) / 10_000));

export interface HarnessOptions {
  readonly start?: Date | string;
  readonly chaos?: SandboxChaos;
  readonly env?: Record<string, string>;
  /** Another provider than the sandbox (e.g. the Stripe adapter on a fake client). */
  readonly wiring?: () => ProviderWiring;
}

export type PaymentsHarness = ReturnType<typeof paymentsHarness>;

/** See the module documentation. Call `useLocalDynamoDb()` in the test file first. */
export function paymentsHarness(options: HarnessOptions = {}) {
  const { tables } = inject('dynamodb') as { tables: Record<string, string> };
  const clock: ManualClock = manualClock(options.start ?? uniqueDay());
  const settings = paymentsSettings({ ...(options.env ?? {}) });
  const repo = new PaymentsRepository(tables.payments as string, documentClient(), () => clock.now());
  const store = new DynamoDbSandboxStore(tables.paymentProviderSandbox as string);
  const outbox = new InMemorySandboxOutbox();
  const sandbox = new SandboxProvider({ store, outbox, clock, newId: () => newId(), settings: { ...settings.sandbox.behaviour, chaos: options.chaos } });
  const published: DomainEvent[] = [];
  const vault = fieldEncryptionVault(new FieldEncryptor({ kms: fakeKms(), keyId: 'alias/test', clock }));
  const audit = new DynamoDbAuditLog(tables.audit as string, documentClient(), clock);
  const ports: PaymentsPorts = {
    repo: () => repo,
    wiring: async () => options.wiring?.() ?? { provider: sandbox, sandbox, webhookVerifier: async () => sandboxWebhookVerifier(WEBHOOK_SECRET, settings.webhookToleranceSeconds) },
    publisher: () => ({ publish: async (events) => void published.push(...events) }),
    clock,
    vault: () => vault,
    audit: () => audit,
    settings: () => settings,
    deferRetries: false,
  };
  const handlers = {
    record: makeRecordOrderPaymentHandler(ports),
    authorize: makeAuthorizePaymentHandler(ports),
    capture: makeCapturePaymentHandler(ports),
    release: makeReleasePaymentHandler(ports),
    webhook: makeReceivePaymentWebhookHandler(ports),
    requestRefund: makeRequestRefundHandler(ports),
    approveRefund: makeApproveRefundHandler(ports),
    rejectRefund: makeRejectRefundHandler(ports),
    getPayment: makeGetOrderPaymentHandler(ports),
    getShopperPayment: makeGetShopperPaymentHandler(ports),
    recordRemittance: makeRecordCodRemittanceHandler(ports),
    getRemittance: makeGetCodRemittanceHandler(ports),
    getReconciliation: makeGetReconciliationHandler(ports),
    reconcile: makeReconcilePaymentsHandler(ports),
    refundReturn: makeRefundReturnHandler(ports),
  };

  const detailOf = (definition: AnyEventDefinition, payload: Record<string, unknown>, eventId = newId()) => ({
    version: definition.version,
    ...payload,
    meta: { correlationId: `corr-${eventId}`, occurredAt: clock.now().toISOString(), eventId },
  });
  const money = (amount: number) => ({ amount, currency: 'CNY' });

  /** Events of an order, as their producers publish them. */
  const events = {
    /** OrderPlaced as checkout publishes it: the token sealed for payments (PAYMENT_TOKEN_SEAL). */
    placed: async (o: TestOrder) =>
      detailOf(OrderPlaced, {
        ...OrderPlaced.example,
        orderId: o.orderId,
        customerId: o.customerId,
        orderType: o.deposit !== undefined ? 'pre-sale' : 'regular',
        paymentMethod: o.method,
        ...(o.token ? { sealedPaymentToken: await vault.seal(o.orderId, o.token) } : {}),
        lines: [{ sku: 'TEA-LONGJING-250G', quantity: 1, category: 'tea', unitPrice: money(o.amount), lineTotal: money(o.amount) }],
        subtotal: money(o.amount),
        discountTotal: money(0),
        total: money(o.amount),
        amountDue: money(o.deposit ?? o.amount),
        placedAt: clock.now().toISOString(),
        paymentDueBy: new Date(clock.now().getTime() + 30 * 60_000).toISOString(),
      }),
    /** Checkout's PreSaleBalanceDue, published once it counted the deposit's PaymentAuthorized. */
    balanceDue: (o: TestOrder, dueBy = new Date(clock.now().getTime() + 7 * 86_400_000).toISOString()) =>
      detailOf(PreSaleBalanceDue, {
        orderId: o.orderId,
        customerId: o.customerId,
        paymentMethod: o.method,
        total: money(o.amount),
        authorized: money(o.deposit ?? 0),
        balance: money(o.amount - (o.deposit ?? 0)),
        dueBy,
      }),
    approved: (o: TestOrder) =>
      detailOf(RiskApproved, { ...RiskApproved.example, orderId: o.orderId, customerId: o.customerId, assessmentId: newId(), decidedAt: clock.now().toISOString() }),
    shipped: (o: TestOrder) => detailOf(OrderShipped, { orderId: o.orderId, shipmentIds: [newId()], shippedAt: clock.now().toISOString() }),
    delivered: (o: TestOrder) => detailOf(OrderDelivered, { orderId: o.orderId, shipmentIds: [newId()], deliveredAt: clock.now().toISOString() }),
    cancelled: (o: TestOrder, from: string = 'APPROVED') =>
      detailOf(OrderCancelled, {
        orderId: o.orderId,
        customerId: o.customerId,
        paymentMethod: o.method,
        from,
        cancelledBy: 'customer',
        actor: o.customerId,
        reason: 'customer-request',
        total: money(o.amount),
        cancelledAt: clock.now().toISOString(),
      }),
    statusChanged: (o: TestOrder, to: string, from = 'PLACED') =>
      detailOf(OrderStatusChanged, {
        ...OrderStatusChanged.example,
        orderId: o.orderId,
        customerId: o.customerId,
        paymentMethod: o.method,
        from,
        to,
        reason: to.toLowerCase(),
        actor: 'system:checkout',
        total: money(o.amount),
        reservations: [],
        changedAt: clock.now().toISOString(),
      }),
    /** Returns' ReturnRefundRequested (AFT-1); the same `eventId` twice is a redelivery. */
    returnRefund: (o: TestOrder, r: { returnId: string; amount: number; requestedBy?: string; eventId?: string }) =>
      detailOf(
        ReturnRefundRequested,
        {
          returnId: r.returnId,
          orderId: o.orderId,
          customerId: o.customerId,
          amount: money(r.amount),
          reason: 'damaged',
          express: false,
          requestedBy: r.requestedBy ?? 'ops-returns',
          requestedAt: clock.now().toISOString(),
        },
        r.eventId,
      ),
  };

  const definitionOf: Record<string, AnyEventDefinition> = {
    OrderPlaced,
    RiskApproved,
    PreSaleBalanceDue,
    OrderShipped,
    OrderDelivered,
    OrderCancelled,
    OrderStatusChanged,
    ReturnRefundRequested,
  };
  const handlerOf: Record<string, (e: ReturnType<typeof sqsEvent>, c: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>> = {
    OrderPlaced: handlers.record,
    RiskApproved: handlers.authorize,
    PreSaleBalanceDue: handlers.authorize,
    OrderShipped: handlers.capture,
    OrderDelivered: handlers.capture,
    OrderCancelled: handlers.release,
    OrderStatusChanged: handlers.release,
    ReturnRefundRequested: handlers.refundReturn,
  };

  /** Delivers one event to its consumer (one SQS record); true when the record succeeded. */
  async function deliver(name: string, detail: Record<string, unknown> | Promise<Record<string, unknown>>): Promise<boolean> {
    const definition = definitionOf[name] as AnyEventDefinition;
    const record = sqsRecord(eventBridgeEvent(name, definition.source, await detail));
    const result = await (handlerOf[name] as NonNullable<(typeof handlerOf)[string]>)(sqsEvent(record), lambdaContext());
    return (result?.batchItemFailures ?? []).length === 0;
  }

  /** The webhook endpoint: the real handler behind a proxy event. */
  const endpoint: WebhookEndpoint = {
    async deliver(body, headers) {
      const result = await handlers.webhook(apiEvent({ method: 'POST', path: '/webhooks/payments', headers, body }), lambdaContext());
      return { statusCode: result.statusCode };
    },
  };

  /** Processes one sandbox message (a webhook delivery or a transfer timer); true on success. */
  async function processSandbox(message: SandboxMessage): Promise<boolean> {
    try {
      await processSandboxMessage({ provider: sandbox, endpoint, webhookSecret: WEBHOOK_SECRET, clock }, message);
      return true;
    } catch {
      return false;
    }
  }

  /** Delivers everything the sandbox queued (and what that queues), like its worker would. */
  async function deliverSandbox(maxRounds = 20): Promise<void> {
    for (let round = 0; round < maxRounds && outbox.messages.length > 0; round++) {
      for (const { message } of outbox.drain()) if (!(await processSandbox(message))) outbox.messages.push({ message });
    }
  }

  /** A staff HTTP request to a route handler. */
  async function http(
    handler: (typeof handlers)[keyof typeof handlers],
    init: { method?: string; path: string; resource: string; pathParameters: Record<string, string>; body?: unknown; sub: string; roles: string[]; key?: string },
  ) {
    const result = await (handler as (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string; headers?: Record<string, unknown> }>)(
      apiEvent({
        method: init.method ?? 'POST',
        path: init.path,
        resource: init.resource,
        pathParameters: init.pathParameters,
        body: init.body,
        claims: claimsFor(init.sub, ...init.roles),
        headers: init.key ? { 'Idempotency-Key': init.key } : {},
      }),
      lambdaContext(),
    );
    return {
      status: result.statusCode,
      json: (result.body ? JSON.parse(result.body) : undefined) as Record<string, unknown> & { [k: string]: unknown },
      headers: result.headers ?? {},
    };
  }

  const newOrder = (method: PaymentMethod, amount = 23040, token?: string, customerId = `cust-${newId()}`): TestOrder => ({
    orderId: newId(),
    customerId,
    method,
    amount,
    token: token ?? (method === 'card' ? 'tok_visa' : method === 'wallet' ? 'tok_wallet' : undefined),
  });

  /** A pre-sale order of `total` (ORD-5): the deposit is checkout's default 20 %. */
  const newPresaleOrder = (method: PaymentMethod, total = 100_000, token?: string, customerId?: string): TestOrder => ({
    ...newOrder(method, total, token, customerId),
    deposit: depositOf(total),
  });

  /**
   * The provider authorised a recorded card order's payment, but its answer never reached payments
   * (the payment stays new): the sandbox's record of it, for a test's own webhook about it. The
   * sandbox's outbound messages are dropped.
   */
  async function authorizedAtProviderOnly(o: TestOrder): Promise<SandboxPayment> {
    const ours = (await repo.getPayment(o.orderId))?.payment;
    if (!ours) throw new Error(`order ${o.orderId}: no payment recorded`);
    const answer = await sandbox.authorize({
      idempotencyKey: `authorize-${ours.paymentId}`,
      orderId: o.orderId,
      paymentId: ours.paymentId,
      method: 'card',
      amount: ours.amount,
      currency: ours.currency,
      token: o.token ?? 'tok_visa',
    });
    outbox.drain();
    const recorded = 'providerPaymentId' in answer && answer.providerPaymentId ? await store.getPayment(answer.providerPaymentId) : undefined;
    if (!recorded) throw new Error(`order ${o.orderId}: the sandbox did not authorise it`);
    return recorded;
  }

  const eventsOf = (orderId: string) => published.filter((e) => (e.payload as { orderId?: string }).orderId === orderId).map((e) => e.definition.name);

  return {
    clock,
    settings,
    repo,
    store,
    outbox,
    sandbox,
    published,
    audit,
    vault,
    handlers,
    events,
    deliver,
    deliverSandbox,
    processSandbox,
    http,
    newOrder,
    newPresaleOrder,
    authorizedAtProviderOnly,
    eventsOf,
    tables,
  };
}
