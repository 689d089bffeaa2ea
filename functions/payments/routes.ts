/** The payments capability's HTTP contracts (validation schemas and OpenAPI in one place). */
import * as z from 'zod';
import { lazily } from '../../shared/lazily.ts';
import { PaymentMethodSchema } from '../../events/common.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';
import type { RouteContract } from '../../shared/http/route.ts';
import { defineRoute } from '../../shared/http/route.ts';
import { receivePaymentWebhookRoute } from './webhook-route.ts';
import { ALL_ACCOUNTS, MOVEMENT_KINDS, type MovementKind } from './domain/ledger.ts';
import { PAYMENT_STATUSES } from './domain/payment.ts';
import { RefundSchema as RefundRecordSchema, STAFF_REFUND_REASONS } from './domain/refund.ts';

const Ulid = lazily(() => z.string().regex(ULID_PATTERN, 'Must be a ULID'));
const Minor = lazily(() => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));
const Currency = lazily(() => z.string().regex(/^[A-Z]{3}$/, 'Must be an ISO 4217 code such as CNY'));
const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => ![...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'Must not contain control characters');

const OrderPath = lazily(() => z.object({ orderId: Ulid() }));
const RefundPath = lazily(() => z.object({ orderId: Ulid(), refundId: Ulid() }));
const DatePath = lazily(() =>
  z.object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Must be a date YYYY-MM-DD')
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'Must be a real date'),
  }),
);

/** Body of `POST /orders/{orderId}/refunds`. */
export const RefundRequestSchema = lazily(() =>
  z
    .strictObject({
      amount: z.strictObject({ amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), currency: Currency() }).describe('Amount to refund, in minor units'),
      reason: z.enum(STAFF_REFUND_REASONS).describe("Why: one of the listed reasons; 'fraud' (which labels the customer a fraudster) only for risk analysts"),
    })
    .meta({ id: 'RefundRequest' }),
);

/** Body of `POST /orders/{orderId}/refunds/{refundId}/reject`. */
export const RefundRejectionSchema = lazily(() => z.strictObject({ note: Text(200).describe('Why the refund is rejected') }).meta({ id: 'RefundRejection' }));

/** A refund (the domain's schema, named for OpenAPI). */
export const RefundSchema = lazily(() => RefundRecordSchema.meta({ id: 'Refund' }));

const PostingSchema = lazily(() => z.object({ account: z.enum(ALL_ACCOUNTS as [string, ...string[]]), side: z.enum(['debit', 'credit']), amount: Minor() }));
const MovementSchema = lazily(() =>
  z
    .object({
      movementId: z.string(),
      orderId: Ulid(),
      paymentId: Ulid(),
      method: PaymentMethodSchema,
      kind: z.enum(MOVEMENT_KINDS as [MovementKind, ...MovementKind[]]),
      currency: Currency(),
      amount: Minor(),
      postings: z.array(PostingSchema()),
      at: z.string(),
      providerPaymentId: z.string().optional(),
      providerTransactionId: z.string().optional(),
      refundId: z.string().optional(),
    })
    .meta({ id: 'LedgerMovement' }),
);

const PaymentSchema = lazily(() =>
  z
    .object({
      paymentId: Ulid(),
      orderId: Ulid(),
      customerId: z.string(),
      method: PaymentMethodSchema,
      currency: Currency(),
      amount: Minor().describe('What this payment collects: the order’s total, or a pre-sale’s deposit or balance'),
      part: z.enum(['deposit', 'balance']).optional().describe('Pre-sale orders (ORD-5) have two payments: the deposit and the balance'),
      orderTotal: Minor().optional(),
      balancePaymentId: Ulid().optional(),
      dueBy: z.string().optional(),
      status: z.enum(PAYMENT_STATUSES),
      captureOn: z.enum(['shipment', 'delivery', 'already-captured']).optional(),
      providerPaymentId: z.string().optional(),
      authorizedAmount: Minor(),
      capturedAmount: Minor(),
      refundedAmount: Minor(),
      refundPendingAmount: Minor(),
      feeAmount: Minor(),
      authorizationExpiresAt: z.string().optional(),
      failureReason: z.string().optional(),
      releaseReason: z.string().optional(),
      version: z.number().int(),
    })
    .meta({ id: 'Payment' }),
);

export const PaymentViewSchema = lazily(() =>
  z
    .object({
      payment: PaymentSchema().describe('The order’s first payment (the whole amount, or a pre-sale’s deposit)'),
      payments: z.array(PaymentSchema()).describe('Every payment of the order: the first, then a pre-sale’s balance'),
      balances: z.object({
        currency: Currency(),
        accounts: z.record(z.string(), z.number().int()),
        held: z.number().int(),
        captured: z.number().int(),
        refunded: z.number().int(),
        fees: z.number().int(),
        netPaid: z.number().int(),
        codOutstanding: z.number().int().describe('Cash on delivery the carrier has not remitted yet'),
        balanced: z.boolean(),
        movements: z.number().int(),
      }),
      ledger: z.array(MovementSchema()),
      refunds: z.array(RefundSchema()),
    })
    .meta({ id: 'PaymentView' }),
);

export const ReconciliationReportSchema = lazily(() =>
  z
    .object({
      date: z.string(),
      generatedAt: z.string(),
      provider: z.string(),
      currency: Currency(),
      status: z.enum(['clean', 'mismatches']),
      totals: z.record(z.string(), z.number().int()),
      matched: z.number().int(),
      mismatchCount: z.number().int(),
      mismatches: z.array(
        z.object({
          kind: z.enum(['missing-capture', 'missing-refund', 'double-capture', 'amount-mismatch', 'unknown-provider-transaction', 'unbalanced-entry', 'cod-not-remitted']),
          side: z.enum(['ledger', 'provider', 'payment', 'carrier']).optional(),
          orderId: z.string().optional(),
          providerPaymentId: z.string().optional(),
          transactionId: z.string().optional(),
          movementId: z.string().optional(),
          expected: z.number().int().optional(),
          actual: z.number().int().optional(),
          detail: z.string(),
        }),
      ),
      truncated: z.boolean(),
    })
    .meta({ id: 'ReconciliationReport' }),
);

/** `POST /orders/{orderId}/refunds` — ops, cs-agent. */
export const requestRefundRoute = defineRoute({
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
export const approveRefundRoute = defineRoute({
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
export const rejectRefundRoute = defineRoute({
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
export const getPaymentRoute = defineRoute({
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
export const getReconciliationRoute = defineRoute({
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
const MinorMoney = lazily(() => z.object({ amount: z.number().int(), currency: z.string() }));
const OfferedMethodDoc = lazily(() =>
  z.object({
    method: PaymentMethodSchema,
    needsToken: z.boolean().describe('card and wallet: send the provider’s token (tok_…/pm_…) as payment.token'),
    charged: z.enum(['at-shipment', 'on-arrival-of-funds', 'on-delivery']),
    wallets: z.array(z.string()).optional().describe('wallet: which wallets (Stripe: alipay, wechat_pay — send a Stripe PaymentMethod of that type as payment.token)'),
    perOrderMax: MinorMoney(),
    dailyMax: MinorMoney().describe('Per customer and day (the smaller of the method’s and the overall daily limit)'),
  }),
);

/** `GET /payment-methods` — public: what checkout accepts with the configured provider (PAY-1). */
export const listPaymentMethodsRoute = defineRoute({
  operation: 'listPaymentMethods',
  method: 'get',
  pathTemplate: '/payment-methods',
  summary: 'The payment methods this shop accepts, with their limits',
  description: 'Only what the configured payment provider can take; POST /orders refuses any other method with a 400.',
  tags: ['payments'],
  auth: 'public',
  responses: {
    200: { description: 'The methods', schema: () => z.object({ provider: z.enum(['sandbox', 'stripe']), items: z.array(OfferedMethodDoc()) }).meta({ id: 'PaymentMethods' }) },
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
