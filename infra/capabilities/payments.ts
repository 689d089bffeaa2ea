/**
 * Payments (PAY-1…PAY-4, ORD-6, ORD-7, RISK-7): see functions/payments/.
 *
 * - PaymentsTable: payments, the append-only ledger, refunds, outbox, processed-event markers,
 *   limit counters, reconciliation reports (index `byGroup`: ledger movements by day, open
 *   refunds by status; TTL `expiresAt` for markers and counters).
 * - Event consumers: OrderPlaced → record; RiskApproved → authorise; PreSaleBalanceDue → collect a
 *   pre-sale's balance (same function, its own queue); OrderShipped/OrderDelivered → capture; OrderCancelled and OrderStatusChanged (CANCELLED, REJECTED, PAYMENT_FAILED) → void or
 *   refund; ReturnRefundRequested → refund a return (AFT-1).
 * - Routes: `POST /webhooks/payments` (public, signed), refunds with maker-checker approval, staff
 *   views of a payment and of a day's reconciliation.
 * - A daily reconciliation (01:30 UTC, the previous UTC day).
 * - The provider, by stage: the sandbox (its own table `PaymentProviderSandboxTable`, and an
 *   outbound queue whose worker delivers its signed webhooks and bank-transfer timers), or Stripe
 *   (API key and webhook secret in Secrets Manager `commerce/<stage>/stripe`). A deployed sandbox
 *   stage (dev) reads the sandbox's webhook signing secret from `commerce/<stage>/stripe` too
 *   (`SANDBOX_WEBHOOK_SECRET_ID`; only the webhook function and the sandbox's worker): built-in
 *   sandbox secrets exist only in the local cloud and tests.
 */
import { getCodRemittanceRoute, recordCodRemittanceRoute } from '../../functions/payments/cod-remittance-routes.ts';
import { getShopperPaymentRoute } from '../../functions/payments/shopper-payment-routes.ts';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { CustomerNotificationRequested } from '../../events/customer-notification-requested.ts';
import type { AnyEventDefinition } from '../../events/event-definition.ts';
import { OrderDelivered, OrderShipped } from '../../events/fulfillment-events.ts';
import { OrderCancelled } from '../../events/order-cancelled.ts';
import { OrderPlaced, PAYMENT_TOKEN_SEAL } from '../../events/order-placed.ts';
import { OrderStatusChanged } from '../../events/order-status-changed.ts';
import { PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentPending, PaymentRefunded, PaymentVoided } from '../../events/payment-events.ts';
import { PreSaleBalanceDue } from '../../events/pre-sale-balance-due.ts';
import { ProblemOrderRaised } from '../../events/problem-order-raised.ts';
import { RiskApproved } from '../../events/risk-assessed.ts';
import { ReturnRefundRequested } from '../../events/return-events.ts';
import {
  approveRefundRoute,
  getPaymentRoute,
  listPaymentMethodsRoute,
  getReconciliationRoute,
  receivePaymentWebhookRoute,
  rejectRefundRoute,
  requestRefundRoute,
} from '../../functions/payments/routes.ts';
import { STRIPE_WORST_CASE_MS } from '../../functions/payments/provider/stripe/stripe-client.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { EncryptedQueue, EventConsumer, ScheduledJob, stableLogicalId } from '../constructs/messaging.ts';
import { acknowledge } from '../constructs/nag.ts';
import type { ServiceFunction } from '../constructs/service-function.ts';
import type { Platform } from '../platform.ts';

/** Tables of other capabilities this one uses through their documented contracts. */
export interface PaymentsDependencies {
  readonly catalog: CommerceTable;
}

/**
 * The event types payments publishes: its PutEvents grants name their sources only. Besides its
 * own (`commerce.payments`), the shared problem-order and customer-notification types, whose
 * sources (`commerce.operations`, `commerce.notifications`) fulfillment publishes under too.
 */
export const PAYMENTS_PUBLISHES: readonly AnyEventDefinition[] = [
  PaymentAuthorized,
  PaymentPending,
  PaymentFailed,
  PaymentCaptured,
  PaymentVoided,
  PaymentRefunded,
  ProblemOrderRaised,
  CustomerNotificationRequested,
];

/** See the module documentation. */
export class Payments extends Construct {
  readonly table: CommerceTable;
  /** The sandbox provider's own table (sandbox stages only). */
  readonly sandboxTable?: CommerceTable;

  constructor(scope: Construct, id: string, platform: Platform, dependencies: PaymentsDependencies) {
    super(scope, id);
    void dependencies;
    const stage = platform.stage;
    this.table = new CommerceTable(this, 'PaymentsTable', { stage, indexes: [{ name: 'byGroup', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }], timeToLiveAttribute: 'expiresAt' });
    stableLogicalId(this.table.table, 'PaymentsTable');

    // The provider of this stage; its secret (Stripe: API key and webhook secret; the sandbox: its webhook signing secret) in Secrets Manager.
    const secretName = `commerce/${stage.name}/stripe`;
    const secretArn = Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${secretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const useSandboxWebhookSecret = (fn: ServiceFunction) => {
      fn.addEnvironment('SANDBOX_WEBHOOK_SECRET_ID', secretName);
      fn.allow(['secretsmanager:GetSecretValue'], [secretArn]);
    };
    let providerEnv: Record<string, string>;
    let useProvider: (fn: ServiceFunction) => void;
    let sandboxQueue: EncryptedQueue | undefined;
    if (stage.paymentProvider === 'sandbox') {
      const sandboxTable = new CommerceTable(this, 'PaymentProviderSandboxTable', { stage });
      stableLogicalId(sandboxTable.table, 'PaymentProviderSandboxTable');
      this.sandboxTable = sandboxTable;
      const queue = new EncryptedQueue(this, 'PaymentSandboxOutbox', { removalPolicy: stage.removalPolicy, visibilityTimeout: Duration.seconds(60), maxReceiveCount: 8 });
      sandboxQueue = queue;
      providerEnv = { PAYMENT_PROVIDER: 'sandbox', PAYMENT_PROVIDER_SANDBOX_TABLE_NAME: sandboxTable.tableName, SANDBOX_PROVIDER_QUEUE_URL: queue.queue.queueUrl };
      useProvider = (fn) => {
        sandboxTable.grant(fn, 'readWrite');
        fn.allow(['sqs:SendMessage'], [queue.queue.queueArn]);
      };
    } else {
      providerEnv = { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_ID: secretName, PAYMENT_RETURN_URL: `${stage.corsAllowOrigin}/orders/{orderId}` };
      useProvider = (fn) => fn.allow(['secretsmanager:GetSecretValue'], [secretArn]);
    }

    const env = { PAYMENTS_TABLE_NAME: this.table.tableName };
    // A function calling the provider outlives its slowest call (every attempt timing out), so a slow
    // provider ends in a retryable error, not a Lambda timeout mid-retry.
    const providerCallTimeout = Duration.seconds(Math.ceil(STRIPE_WORST_CASE_MS / 1000) + 4);
    const fnWithProvider = (fnId: string, props: { entry: string; description: string; timeout?: Duration }) => {
      const fn = platform.function(this, fnId, { timeout: providerCallTimeout, ...props, environment: { ...env, ...providerEnv } });
      this.table.grant(fn, 'readWrite');
      platform.publishEvents(fn, PAYMENTS_PUBLISHES);
      useProvider(fn);
      return fn;
    };
    const consumer = (consumerId: string, fn: ServiceFunction, events: readonly AnyEventDefinition[], detail?: Record<string, unknown>) =>
      new EventConsumer(this, consumerId, { bus: platform.bus, events, detail, handler: fn, deliveryDlq: platform.eventDeliveryFailures, removalPolicy: stage.removalPolicy });

    // OrderPlaced → the payment is recorded, its token stored as checkout sealed it (no field key needed).
    const record = platform.function(this, 'RecordOrderPaymentFunction', {
      entry: 'functions/payments/handlers/record-order-payment.ts',
      description: 'OrderPlaced → record the order’s payment (PAY-1)',
      environment: env,
    });
    this.table.grant(record, 'readWrite');
    consumer('RecordOrderPayment', record, [OrderPlaced]);

    // RiskApproved → authorise / await transfer / accept cash on delivery; PreSaleBalanceDue → the same for a pre-sale's balance (ORD-5).
    const authorize = fnWithProvider('AuthorizePaymentFunction', {
      entry: 'functions/payments/handlers/authorize-payment.ts',
      description: 'RiskApproved / PreSaleBalanceDue → authorise the payment or the pre-sale balance (PAY-1, PAY-2, ORD-5)',
    });
    // SEC-2: opens only the payment tokens checkout sealed (OrderPlaced's PAYMENT_TOKEN_SEAL).
    platform.useFieldEncryption(authorize, { encrypt: false, decrypt: true, entities: [PAYMENT_TOKEN_SEAL.entity] });
    consumer('AuthorizePayment', authorize, [RiskApproved]);
    consumer('CollectPreSaleBalance', authorize, [PreSaleBalanceDue]);

    // OrderShipped / OrderDelivered → capture.
    const capture = fnWithProvider('CapturePaymentFunction', {
      entry: 'functions/payments/handlers/capture-payment.ts',
      description: 'OrderShipped/OrderDelivered → capture (PAY-2)',
    });
    consumer('CapturePayment', capture, [OrderShipped, OrderDelivered]);

    // Cancelled or rejected → void or refund.
    const release = fnWithProvider('ReleasePaymentFunction', {
      entry: 'functions/payments/handlers/release-payment.ts',
      description: 'Cancelled/rejected orders → void or refund (PAY-2)',
    });
    consumer('ReleasePaymentOnCancel', release, [OrderCancelled]);
    consumer('ReleasePaymentOnStatus', release, [OrderStatusChanged], { to: ['CANCELLED', 'REJECTED', 'PAYMENT_FAILED'] });

    // AFT-1: a return's refund → refunded to the original payment method once per return (large ones wait for a second approver).
    const refundReturn = fnWithProvider('RefundReturnFunction', {
      entry: 'functions/payments/handlers/refund-return.ts',
      description: 'ReturnRefundRequested → refund the return once (AFT-1, RISK-7)',
    });
    consumer('RefundReturn', refundReturn, [ReturnRefundRequested]);
    // A return's refund refused (more than refundable) or refused by the provider: operations settle it (RETURN_REFUNDS_REFUSED_METRIC in functions/payments/return-refunds.ts).
    platform.alarms.alarm(this, 'ReturnRefundRefusedAlarm', {
      severity: 'high',
      runbook: 'return-refund-refused',
      name: 'return-refund-refused',
      summary:
        "A return's refund was not made: more than refundable on the order, or refused by the provider (AFT-1). The refund (status failed, failureReason) is in GET /admin/payments/{orderId}; ProblemOrderRaised return-refund-refused names the order.",
      metric: new Metric({
        namespace: 'Commerce',
        metricName: 'ReturnRefundsRefused',
        dimensionsMap: { service: 'RefundReturnFunction' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
    });

    // The provider's webhooks.
    const webhook = fnWithProvider('ReceivePaymentWebhookFunction', {
      entry: 'functions/payments/handlers/receive-payment-webhook.ts',
      description: 'POST /webhooks/payments (signed provider notifications)',
    });
    platform.api.addRoute(receivePaymentWebhookRoute, webhook);
    if (stage.paymentProvider === 'sandbox') useSandboxWebhookSecret(webhook);

    // Refunds (maker-checker) — audited, idempotent.
    for (const [fnId, entry, route, description] of [
      ['RequestRefundFunction', 'request-refund', requestRefundRoute, 'POST /orders/{orderId}/refunds'],
      ['ApproveRefundFunction', 'approve-refund', approveRefundRoute, 'POST /orders/{orderId}/refunds/{refundId}/approve'],
    ] as const) {
      const fn = fnWithProvider(fnId, { entry: `functions/payments/handlers/${entry}.ts`, description });
      platform.useAuditLog(fn);
      platform.useIdempotency(fn);
      platform.api.addRoute(route, fn);
    }
    const reject = platform.function(this, 'RejectRefundFunction', {
      entry: 'functions/payments/handlers/reject-refund.ts',
      description: 'POST /orders/{orderId}/refunds/{refundId}/reject',
      environment: env,
    });
    this.table.grant(reject, 'readWrite');
    platform.useAuditLog(reject);
    platform.useIdempotency(reject);
    platform.api.addRoute(rejectRefundRoute, reject);

    // PAY-1: what checkout accepts with this stage's provider (public; no data access).
    const methods = platform.function(this, 'ListPaymentMethodsFunction', {
      entry: 'functions/payments/handlers/list-payment-methods.ts',
      description: 'GET /payment-methods',
      environment: { PAYMENT_PROVIDER: stage.paymentProvider },
    });
    platform.api.addRoute(listPaymentMethodsRoute, methods);

    // The shopper's view (PAY-1): a wallet payment's next step.
    const getShopperPayment = platform.function(this, 'GetShopperPaymentFunction', {
      entry: 'functions/payments/handlers/get-shopper-payment.ts',
      description: 'GET /orders/{orderId}/payment',
      environment: env,
    });
    this.table.grant(getShopperPayment, 'read');
    platform.api.addRoute(getShopperPaymentRoute, getShopperPayment);

    // PAY-4: carriers' cash-on-delivery remittance reports (ops, audited); the daily reconciliation flags cash still owed.
    const recordRemittance = platform.function(this, 'RecordCodRemittanceFunction', {
      entry: 'functions/payments/handlers/record-cod-remittance.ts',
      description: 'POST /admin/cod-remittances (PAY-4), audited',
      environment: env,
    });
    this.table.grant(recordRemittance, 'readWrite');
    platform.useAuditLog(recordRemittance);
    platform.api.addRoute(recordCodRemittanceRoute, recordRemittance);
    const getRemittance = platform.function(this, 'GetCodRemittanceFunction', {
      entry: 'functions/payments/handlers/get-cod-remittance.ts',
      description: 'GET /admin/cod-remittances/{remittanceId} (PAY-4)',
      environment: env,
    });
    this.table.grantActions(getRemittance, ['dynamodb:GetItem']);
    platform.api.addRoute(getCodRemittanceRoute, getRemittance);

    // Staff views.
    const getPayment = platform.function(this, 'GetOrderPaymentFunction', {
      entry: 'functions/payments/handlers/get-order-payment.ts',
      description: 'GET /admin/payments/{orderId}',
      environment: env,
    });
    this.table.grant(getPayment, 'read');
    platform.api.addRoute(getPaymentRoute, getPayment);
    const getReconciliation = platform.function(this, 'GetReconciliationFunction', {
      entry: 'functions/payments/handlers/get-reconciliation.ts',
      description: 'GET /admin/reconciliations/{date}',
      environment: env,
    });
    this.table.grant(getReconciliation, 'read');
    platform.api.addRoute(getReconciliationRoute, getReconciliation);

    // Daily reconciliation (PAY-3).
    const reconcile = fnWithProvider('ReconcilePaymentsFunction', {
      entry: 'functions/payments/handlers/reconcile-payments.ts',
      description: 'Daily reconciliation of ledger, orders and the provider’s settlement report (PAY-3)',
      timeout: Duration.minutes(5),
    });
    // PAY-3: any mismatch between ledger, orders and the provider's settlement report is money unaccounted for.
    platform.alarms.alarm(this, 'ReconciliationMismatchAlarm', {
      severity: 'critical',
      runbook: 'reconciliation-mismatch',
      name: 'reconciliation-mismatch',
      summary: 'The daily reconciliation found payments whose ledger, order and provider settlement do not agree (PAY-3); the report is in GET /admin/reconciliations/{date}.',
      metric: new Metric({
        namespace: 'Commerce',
        metricName: 'ReconciliationMismatches',
        dimensionsMap: { service: 'ReconcilePaymentsFunction' },
        statistic: 'Sum',
        period: Duration.days(1),
      }),
      threshold: 1,
    });
    new ScheduledJob(this, 'ReconcilePayments', {
      schedule: 'cron(30 1 * * ? *)',
      handler: reconcile,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Daily payments reconciliation of the previous UTC day, 01:30 UTC',
    });

    // The sandbox's worker: delivers its webhooks to the webhook function's live alias (what API Gateway
    // invokes: after a rolled-back deploy the bare function may hold the bad code), fires its transfer timers.
    if (sandboxQueue && this.sandboxTable) {
      const worker = platform.function(this, 'RunPaymentSandboxFunction', {
        entry: 'functions/payments/handlers/run-payment-sandbox.ts',
        description: 'Sandbox payment provider: signed webhook delivery and bank-transfer timers (sandbox stages only)',
        environment: { ...providerEnv, PAYMENT_WEBHOOK_FUNCTION_NAME: webhook.live.functionArn },
      });
      this.sandboxTable.grant(worker, 'readWrite');
      useSandboxWebhookSecret(worker);
      worker.allow(['sqs:SendMessage'], [sandboxQueue.queue.queueArn]);
      worker.allow(['lambda:InvokeFunction'], [webhook.live.functionArn]);
      worker.live.addEventSource(new SqsEventSource(sandboxQueue.queue, { batchSize: 10, reportBatchItemFailures: true }));
      acknowledge(
        worker,
        'Serverless-LambdaEventSourceMappingDestination',
        'SQS event sources do not support on-failure destinations; undeliverable sandbox messages go to the queue’s own DLQ after maxReceiveCount (redrive policy).',
      );
    }
  }
}
