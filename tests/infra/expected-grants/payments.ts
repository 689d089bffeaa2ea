import { audit, consume, fieldKey, idempotency, publish, read, readWrite } from './helpers.ts';

const payments = readWrite('PaymentsTable', ['byGroup']);
/** The sandbox provider (dev stage): its own table and its outbound queue. */
const sandbox = [...readWrite('PaymentProviderSandboxTable'), 'sqs:SendMessage → PaymentSandboxOutboxQueue'];
/** Functions that change payments and talk to the provider. */
const withProvider = [...payments, ...publish, ...sandbox];

export const paymentsGrants: Record<string, string[]> = {
  RecordOrderPaymentFunction: [...payments, ...fieldKey({ encrypt: true }), ...consume('RecordOrderPaymentQueue')],
  AuthorizePaymentFunction: [...withProvider, ...fieldKey({ decrypt: true }), ...consume('AuthorizePaymentQueue'), ...consume('CollectPreSaleBalanceQueue')],
  CapturePaymentFunction: [...withProvider, ...consume('CapturePaymentQueue')],
  ReleasePaymentFunction: [...withProvider, ...consume('ReleasePaymentOnCancelQueue'), ...consume('ReleasePaymentOnStatusQueue')],
  ReceivePaymentWebhookFunction: withProvider,
  RequestRefundFunction: [...withProvider, ...audit, ...idempotency],
  ApproveRefundFunction: [...withProvider, ...audit, ...idempotency],
  RejectRefundFunction: [...payments, ...audit, ...idempotency],
  GetOrderPaymentFunction: read('PaymentsTable', ['byGroup']),
  GetReconciliationFunction: read('PaymentsTable', ['byGroup']),
  ReconcilePaymentsFunction: withProvider,
  RunPaymentSandboxFunction: [...sandbox, 'lambda:InvokeFunction → ReceivePaymentWebhookFunction', ...consume('PaymentSandboxOutboxQueue')],
};
