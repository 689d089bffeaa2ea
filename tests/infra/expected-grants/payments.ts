import { audit, consume, fieldKey, idempotency, publish, read, readWrite, secret } from './helpers.ts';

// PutEvents only under payments' own source and the shared problem-order and notification sources (events:source);
// field keys only to open the payment tokens checkout sealed (`payment-token`).
const publishes = publish('commerce.payments', 'commerce.operations', 'commerce.notifications');

const payments = readWrite('PaymentsTable', ['byGroup']);
/** The sandbox provider (dev stage): its own table and its outbound queue. */
const sandbox = [...readWrite('PaymentProviderSandboxTable'), 'sqs:SendMessage → PaymentSandboxOutboxQueue'];
/** The sandbox's webhook signing secret (dev is deployed too): only the function verifying its webhooks and the worker signing them. */
const sandboxWebhookSecret = secret('commerce/dev/stripe');
/** Functions that change payments and talk to the provider. */
const withProvider = [...payments, ...publishes, ...sandbox];

export const paymentsGrants: Record<string, string[]> = {
  RecordOrderPaymentFunction: [...payments, ...consume('RecordOrderPaymentQueue')],
  AuthorizePaymentFunction: [
    ...withProvider,
    ...fieldKey({ decrypt: true, entities: ['payment-token'] }),
    ...consume('AuthorizePaymentQueue'),
    ...consume('CollectPreSaleBalanceQueue'),
  ],
  CapturePaymentFunction: [...withProvider, ...consume('CapturePaymentQueue')],
  ReleasePaymentFunction: [...withProvider, ...consume('ReleasePaymentOnCancelQueue'), ...consume('ReleasePaymentOnStatusQueue')],
  // AFT-1: a return's refund.
  RefundReturnFunction: [...withProvider, ...consume('RefundReturnQueue')],
  ReceivePaymentWebhookFunction: [...withProvider, sandboxWebhookSecret],
  RequestRefundFunction: [...withProvider, ...audit, ...idempotency],
  ApproveRefundFunction: [...withProvider, ...audit, ...idempotency],
  RejectRefundFunction: [...payments, ...audit, ...idempotency],
  // PAY-1: the methods on offer come from settings alone.
  ListPaymentMethodsFunction: [],
  GetOrderPaymentFunction: read('PaymentsTable', ['byGroup']),
  GetShopperPaymentFunction: read('PaymentsTable', ['byGroup']),
  GetReconciliationFunction: read('PaymentsTable', ['byGroup']),
  // PAY-4: COD remittance reports (the orders' payments and ledgers; audited).
  RecordCodRemittanceFunction: [...payments, ...audit],
  GetCodRemittanceFunction: ['dynamodb:GetItem → PaymentsTable'],
  ReconcilePaymentsFunction: withProvider,
  RunPaymentSandboxFunction: [...sandbox, sandboxWebhookSecret, 'lambda:InvokeFunction → ReceivePaymentWebhookFunctionLive', ...consume('PaymentSandboxOutboxQueue')],
};
