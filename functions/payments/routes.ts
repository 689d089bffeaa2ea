/** The payments capability's HTTP contracts (validation schemas and OpenAPI in one place). */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { PaymentMethodSchema } from '../../events/common.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';
import type { RouteContract } from '../../shared/http/route.ts';
import { defineRoute } from '../../shared/http/route.ts';
import { receivePaymentWebhookRoute } from './webhook-route.ts';
import { ALL_ACCOUNTS, MOVEMENT_KINDS, type MovementKind } from './domain/ledger.ts';
import { PAYMENT_STATUSES } from './domain/payment.ts';
import { RefundSchema as RefundRecordSchema, STAFF_REFUND_REASONS } from './domain/refund.ts';

const Ulid = /* @__PURE__ */ lazily(() => z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID')));
const Minor = /* @__PURE__ */ lazily(() => z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)));
const Currency = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Z]{3}$/, 'Must be an ISO 4217 code such as CNY')));
const Text = (max: number) =>
  z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(max),
    z.refine((value) => ![...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'Must not contain control characters'),
  );

const OrderPath = /* @__PURE__ */ lazily(() => z.object({ orderId: Ulid() }));
const RefundPath = /* @__PURE__ */ lazily(() => z.object({ orderId: Ulid(), refundId: Ulid() }));
const DatePath = /* @__PURE__ */ lazily(() =>
  z.object({
    date: z.string().check(
      z.regex(/^\d{4}-\d{2}-\d{2}$/, 'Must be a date YYYY-MM-DD'),
      z.refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'Must be a real date'),
    ),
  }),
);

/** Body of `POST /orders/{orderId}/refunds`. */
export const RefundRequestSchema = /* @__PURE__ */ lazily(() =>
  z
    .strictObject({
      amount: z
        .strictObject({ amount: z.number().check(z.int(), z.positive(), z.lte(Number.MAX_SAFE_INTEGER)), currency: Currency() })
        .check(z.describe('Amount to refund, in minor units')),
      reason: z.enum(STAFF_REFUND_REASONS).check(z.describe("Why: one of the listed reasons; 'fraud' (which labels the customer a fraudster) only for risk analysts")),
    })
    .register(z.globalRegistry, { id: 'RefundRequest' }),
);

/** Body of `POST /orders/{orderId}/refunds/{refundId}/reject`. */
export const RefundRejectionSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({ note: Text(200).check(z.describe('Why the refund is rejected')) }).register(z.globalRegistry, { id: 'RefundRejection' }),
);

/** A refund (the domain's schema, named for OpenAPI). */
export const RefundSchema = /* @__PURE__ */ lazily(() => RefundRecordSchema().clone().register(z.globalRegistry, { id: 'Refund' }));

const PostingSchema = /* @__PURE__ */ lazily(() => z.object({ account: z.enum(ALL_ACCOUNTS as [string, ...string[]]), side: z.enum(['debit', 'credit']), amount: Minor() }));
const MovementSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      movementId: z.string(),
      orderId: Ulid(),
      paymentId: Ulid(),
      method: PaymentMethodSchema(),
      kind: z.enum(MOVEMENT_KINDS as [MovementKind, ...MovementKind[]]),
      currency: Currency(),
      amount: Minor(),
      postings: z.array(PostingSchema()),
      at: z.string(),
      providerPaymentId: z.optional(z.string()),
      providerTransactionId: z.optional(z.string()),
      refundId: z.optional(z.string()),
    })
    .register(z.globalRegistry, { id: 'LedgerMovement' }),
);

const PaymentSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      paymentId: Ulid(),
      orderId: Ulid(),
      customerId: z.string(),
      method: PaymentMethodSchema(),
      currency: Currency(),
      amount: Minor().check(z.describe('What this payment collects: the order’s total, or a pre-sale’s deposit or balance')),
      part: z.optional(z.enum(['deposit', 'balance'])).check(z.describe('Pre-sale orders (ORD-5) have two payments: the deposit and the balance')),
      orderTotal: z.optional(Minor()),
      balancePaymentId: z.optional(Ulid()),
      dueBy: z.optional(z.string()),
      status: z.enum(PAYMENT_STATUSES),
      captureOn: z.optional(z.enum(['shipment', 'delivery', 'already-captured'])),
      providerPaymentId: z.optional(z.string()),
      authorizedAmount: Minor(),
      capturedAmount: Minor(),
      refundedAmount: Minor(),
      refundPendingAmount: Minor(),
      feeAmount: Minor(),
      authorizationExpiresAt: z.optional(z.string()),
      failureReason: z.optional(z.string()),
      releaseReason: z.optional(z.string()),
      version: z.number().check(z.int()),
    })
    .register(z.globalRegistry, { id: 'Payment' }),
);

export const PaymentViewSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      payment: PaymentSchema().check(z.describe('The order’s first payment (the whole amount, or a pre-sale’s deposit)')),
      payments: z.array(PaymentSchema()).check(z.describe('Every payment of the order: the first, then a pre-sale’s balance')),
      balances: z.object({
        currency: Currency(),
        accounts: z.record(z.string(), z.number().check(z.int())),
        held: z.number().check(z.int()),
        captured: z.number().check(z.int()),
        refunded: z.number().check(z.int()),
        fees: z.number().check(z.int()),
        netPaid: z.number().check(z.int()),
        codOutstanding: z.number().check(z.int(), z.describe('Cash on delivery the carrier has not remitted yet')),
        balanced: z.boolean(),
        movements: z.number().check(z.int()),
      }),
      ledger: z.array(MovementSchema()),
      refunds: z.array(RefundSchema()),
    })
    .register(z.globalRegistry, { id: 'PaymentView' }),
);

export const ReconciliationReportSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      date: z.string(),
      generatedAt: z.string(),
      provider: z.string(),
      currency: Currency(),
      status: z.enum(['clean', 'mismatches']),
      totals: z.record(z.string(), z.number().check(z.int())),
      matched: z.number().check(z.int()),
      mismatchCount: z.number().check(z.int()),
      mismatches: z.array(
        z.object({
          kind: z.enum(['missing-capture', 'missing-refund', 'double-capture', 'amount-mismatch', 'unknown-provider-transaction', 'unbalanced-entry', 'cod-not-remitted']),
          side: z.optional(z.enum(['ledger', 'provider', 'payment', 'carrier'])),
          orderId: z.optional(z.string()),
          providerPaymentId: z.optional(z.string()),
          transactionId: z.optional(z.string()),
          movementId: z.optional(z.string()),
          expected: z.optional(z.number().check(z.int())),
          actual: z.optional(z.number().check(z.int())),
          detail: z.string(),
        }),
      ),
      truncated: z.boolean(),
    })
    .register(z.globalRegistry, { id: 'ReconciliationReport' }),
);

/** `POST /orders/{orderId}/refunds` — ops, cs-agent. */
export const requestRefundRoute = /* @__PURE__ */ defineRoute({
  operation: 'requestRefund',
  method: 'post',
  pathTemplate: '/orders/{orderId}/refunds',
  summary: 'Refund (part of) an order’s captured payment',
  description:
    'Full, partial and repeated refunds, never more than captured minus refunded and pending refunds (409 otherwise). A refund is executed at once (201) unless it brings the order’s refunded and pending total to the approval threshold ' +
    '(config, default CNY 1,000.00) or more, or takes the requesting staff member above their daily cap (config, default CNY 5,000.00): then it waits for a second, different staff member (202, status pending_approval, `approvalRequiredBy`). ' +
    "The reason 'fraud' is for risk analysts only (403). Every step is audited (RISK-7, SEC-4).",
  tags: ['payments', 'refunds'],
  auth: { roles: ['ops', 'cs-agent', 'risk-analyst'] },
  idempotent: true,
  path: OrderPath,
  body: RefundRequestSchema,
  responses: { 201: { description: 'Refunded', schema: RefundSchema }, 202: { description: 'Waiting for approval, or for the provider', schema: RefundSchema } },
  problems: [404, 409],
});

/** `POST /orders/{orderId}/refunds/{refundId}/approve` — a second staff member. */
export const approveRefundRoute = /* @__PURE__ */ defineRoute({
  operation: 'approveRefund',
  method: 'post',
  pathTemplate: '/orders/{orderId}/refunds/{refundId}/approve',
  summary: 'Approve a refund waiting for a second approver (maker-checker)',
  description: 'The approver must not be the requester (403). Approving executes the refund. Audited.',
  tags: ['payments', 'refunds'],
  auth: { roles: ['ops', 'cs-agent'] },
  idempotent: true,
  path: RefundPath,
  responses: {
    200: { description: 'Approved again (a retry)', schema: RefundSchema },
    201: { description: 'Approved and refunded', schema: RefundSchema },
    202: { description: 'Approved; waiting for the provider', schema: RefundSchema },
  },
  problems: [404, 409],
});

/** `POST /orders/{orderId}/refunds/{refundId}/reject` — a second staff member. */
export const rejectRefundRoute = /* @__PURE__ */ defineRoute({
  operation: 'rejectRefund',
  method: 'post',
  pathTemplate: '/orders/{orderId}/refunds/{refundId}/reject',
  summary: 'Reject a refund waiting for a second approver',
  description: 'The rejecter must not be the requester (403). The amount becomes refundable again. Audited.',
  tags: ['payments', 'refunds'],
  auth: { roles: ['ops', 'cs-agent'] },
  idempotent: true,
  path: RefundPath,
  body: RefundRejectionSchema,
  responses: { 200: { description: 'Rejected', schema: RefundSchema } },
  problems: [404, 409],
});

/** `GET /admin/payments/{orderId}` — staff view of an order's payment, ledger and refunds. */
export const getPaymentRoute = /* @__PURE__ */ defineRoute({
  operation: 'getOrderPayment',
  method: 'get',
  pathTemplate: '/admin/payments/{orderId}',
  summary: 'An order’s payment(s), ledger movements, balances and refunds',
  tags: ['payments', 'admin'],
  auth: { roles: ['ops', 'cs-agent', 'analyst'] },
  path: OrderPath,
  responses: { 200: { description: 'The payment', schema: PaymentViewSchema } },
  problems: [404],
});

/** `GET /admin/reconciliations/{date}` — ops, analyst. */
export const getReconciliationRoute = /* @__PURE__ */ defineRoute({
  operation: 'getReconciliation',
  method: 'get',
  pathTemplate: '/admin/reconciliations/{date}',
  summary: 'The reconciliation report of a day (UTC)',
  description: 'Ledger vs orders vs the provider’s settlement report, to the cent; every mismatch listed (PAY-3).',
  tags: ['payments', 'admin'],
  auth: { roles: ['ops', 'analyst'] },
  path: DatePath,
  responses: { 200: { description: 'The report', schema: ReconciliationReportSchema } },
  problems: [404],
});

/** Every payments route, for the OpenAPI document and the API. */
const MinorMoney = /* @__PURE__ */ lazily(() => z.object({ amount: z.number().check(z.int()), currency: z.string() }));
const OfferedMethodDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    method: PaymentMethodSchema(),
    needsToken: z.boolean().check(z.describe('card and wallet: send the provider’s token (tok_…/pm_…) as payment.token')),
    charged: z.enum(['at-shipment', 'on-arrival-of-funds', 'on-delivery']),
    wallets: z.optional(z.array(z.string())).check(z.describe('wallet: which wallets (Stripe: alipay, wechat_pay — send a Stripe PaymentMethod of that type as payment.token)')),
    perOrderMax: MinorMoney(),
    dailyMax: MinorMoney().check(z.describe('Per customer and day (the smaller of the method’s and the overall daily limit)')),
  }),
);

/** `GET /payment-methods` — public: what checkout accepts with the configured provider (PAY-1). */
export const listPaymentMethodsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listPaymentMethods',
  method: 'get',
  pathTemplate: '/payment-methods',
  summary: 'The payment methods this shop accepts, with their limits',
  description: 'Only what the configured payment provider can take; POST /orders refuses any other method with a 400.',
  tags: ['payments'],
  auth: 'public',
  responses: {
    200: {
      description: 'The methods',
      schema: () => z.object({ provider: z.enum(['sandbox', 'stripe']), items: z.array(OfferedMethodDoc()) }).register(z.globalRegistry, { id: 'PaymentMethods' }),
    },
  },
});

export const paymentsRoutes: readonly RouteContract[] = [
  listPaymentMethodsRoute,
  receivePaymentWebhookRoute,
  requestRefundRoute,
  approveRefundRoute,
  rejectRefundRoute,
  getPaymentRoute,
  getReconciliationRoute,
] as readonly RouteContract[];

export { receivePaymentWebhookRoute };
