/**
 * Refunds (PAY-2, AFT-1, RISK-7): full, partial and repeated, never more than was captured and not
 * yet refunded. A refund that brings the order's refunded and pending total to the approval threshold
 * (config, default CNY 1,000.00) or more, or takes the requesting staff member above their daily cap
 * (config, default CNY 5,000.00), waits for a second, different staff member (maker-checker) before
 * it is executed.
 *
 * ```
 *   pending_approval ──approve (another staff member)──► processing ──provider──► succeeded
 *         └──reject──► rejected                              (below the threshold, a request goes straight to processing)
 *                                       processing ──provider refuses──► failed
 * ```
 *
 * `processing` holds the amount in the payment's `refundPendingAmount` until the provider confirms
 * (synchronously, by webhook, or on the next retry with the same idempotency key).
 *
 * Pure: no I/O.
 */
import * as z from '../../../shared/zod.ts';
import { lazily } from '../../../shared/lazily.ts';
import { formatMoney, money } from '../../../shared/money.ts';
import { ULID_PATTERN } from '../../../shared/ids.ts';

export const REFUND_STATUSES = ['pending_approval', 'processing', 'succeeded', 'rejected', 'failed'] as const;
/** Where a refund is. */
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Who asked for the refund: staff, a cancellation, or a return (AFT-1, `ReturnRefundRequested`). */
export type RefundOrigin = 'staff' | 'cancellation' | 'return';

/** A refund as stored and as the API returns it (the one schema of {@link Refund}). */
export const RefundSchema = /* @__PURE__ */ lazily(() =>
  z.object({
    refundId: z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID')),
    orderId: z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID')),
    paymentId: z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID')),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
    amount: z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)),
    reason: z.string(),
    origin: z.enum(['staff', 'cancellation', 'return']),
    returnId: z.optional(z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID'))),
    status: z.enum(REFUND_STATUSES),
    requestedBy: z.string(),
    requestedAt: z.string(),
    approvedBy: z.optional(z.string()),
    approvedAt: z.optional(z.string()),
    rejectedBy: z.optional(z.string()),
    rejectedAt: z.optional(z.string()),
    rejectionNote: z.optional(z.string()),
    approvalRequiredBy: z.optional(z.enum(['order-threshold', 'staff-daily-cap'])),
    providerRefundId: z.optional(z.string()),
    completedAt: z.optional(z.string()),
    failureReason: z.optional(z.string()),
    version: z.number().check(z.int()),
  }),
);

/** A refund of (part of) an order's captured payment. */
export interface Refund {
  readonly refundId: string;
  readonly orderId: string;
  readonly paymentId: string;
  readonly currency: string;
  readonly amount: number;
  /** A short reason (staff text or a reason code such as `order-cancelled`); no personal data. */
  readonly reason: string;
  readonly origin: RefundOrigin;
  /** The return this refund is for (origin `return`, AFT-1); its PaymentRefunded carries it. */
  readonly returnId?: string;
  readonly status: RefundStatus;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly approvedBy?: string;
  readonly approvedAt?: string;
  readonly rejectedBy?: string;
  readonly rejectedAt?: string;
  readonly rejectionNote?: string;
  /** Why it waits (waited) for a second approver. */
  readonly approvalRequiredBy?: ApprovalRequirement;
  readonly providerRefundId?: string;
  readonly completedAt?: string;
  /** Why the provider refused it (status `failed`). */
  readonly failureReason?: string;
  readonly version: number;
}

/**
 * Why staff refund (an enumeration, never free text: a reason is shown to other staff and may be
 * reported on). `fraud` labels the customer a fraudster (it feeds risk profiles), so only a risk
 * analyst may give it (RISK-7).
 */
export const STAFF_REFUND_REASONS = [
  'customer-request',
  'item-not-received',
  'damaged-or-defective',
  'wrong-item',
  'price-adjustment',
  'duplicate-charge',
  'goodwill',
  'fraud',
] as const;
/** A reason staff may give for a refund. */
export type StaffRefundReason = (typeof STAFF_REFUND_REASONS)[number];

/** Reasons only some roles may give (any other reason: any role that may refund). */
export const RESTRICTED_REFUND_REASONS: Readonly<Partial<Record<StaffRefundReason, readonly string[]>>> = { fraud: ['risk-analyst'] };

/** Why `roles` may not refund for `reason` (403), if they may not. */
export function reasonRefusal(reason: StaffRefundReason, roles: readonly string[]): string | undefined {
  const allowed = RESTRICTED_REFUND_REASONS[reason];
  if (!allowed || roles.some((r) => allowed.includes(r))) return undefined;
  return `Only ${allowed.join(', ')} may refund for the reason '${reason}'.`;
}

/** RISK-7's maker-checker settings (config). */
export interface RefundApprovalPolicy {
  /** Refunds that bring the order's refunded and pending total to this or more wait for a second approver. */
  readonly thresholdMinor: number;
  /** What one staff member may refund in a day alone; a refund above it waits for a second approver. */
  readonly staffDailyCapMinor: number;
}

/** Why a refund needs a second approver: the order's total, or the staff member's day. */
export type ApprovalRequirement = 'order-threshold' | 'staff-daily-cap';

/**
 * Whether a refund of `amount` needs a second approver (RISK-7). The threshold counts everything
 * already refunded and pending on the order, so splitting a large refund into small ones does not
 * avoid it; the staff member's daily cap counts what they refunded alone today.
 */
export function approvalRequirement(input: {
  amount: number;
  refundedOrPendingOnOrder: number;
  staffRefundedToday: number;
  policy: RefundApprovalPolicy;
}): ApprovalRequirement | undefined {
  if (input.refundedOrPendingOnOrder + input.amount >= input.policy.thresholdMinor) return 'order-threshold';
  if (input.staffRefundedToday + input.amount > input.policy.staffDailyCapMinor) return 'staff-daily-cap';
  return undefined;
}

/**
 * Why a refund request is refused (409). `refundable` is what the payment the refund is taken from
 * can still return; `orderRefundable`, for an order with two payments (a pre-sale's deposit and
 * balance), what all of them can: a refund is taken from one payment.
 */
export function refundRefusal(input: { amount: number; currency: string; paymentCurrency: string; refundable: number; orderRefundable?: number }): string | undefined {
  if (input.currency !== input.paymentCurrency) return `The payment is in ${input.paymentCurrency}; refunds must be too.`;
  const orderRefundable = input.orderRefundable ?? input.refundable;
  if (orderRefundable <= 0) return 'Nothing is refundable on this order: no captured amount is left that is not refunded or being refunded.';
  if (input.amount > input.refundable && input.amount <= orderRefundable) {
    return `This order was paid in two payments (a pre-sale's deposit and balance); one refund is taken from one of them, so at most ${formatMoney(money(input.refundable, input.paymentCurrency))} can be refunded at once (${formatMoney(money(orderRefundable, input.paymentCurrency))} in all). Split the refund in two.`;
  }
  if (input.amount > orderRefundable) {
    if (input.orderRefundable !== undefined)
      return `At most ${formatMoney(money(orderRefundable, input.paymentCurrency))} can be refunded on this order (captured minus refunded and pending refunds); ${formatMoney(money(input.amount, input.currency))} was requested.`;
    return `At most ${formatMoney(money(input.refundable, input.paymentCurrency))} can be refunded (captured minus refunded and pending refunds); ${formatMoney(money(input.amount, input.currency))} was requested.`;
  }
  return undefined;
}

/** The maker-checker rule: the approver must be someone else than the requester. */
export function makerCheckerViolation(refund: Pick<Refund, 'requestedBy'>, approver: string): string | undefined {
  return refund.requestedBy === approver ? 'A refund that needs a second approver must be approved by a different staff member than the one who requested it.' : undefined;
}

/** A new refund: waiting for a second approver, or to be executed now. */
export function newRefund(input: Omit<Refund, 'status' | 'version'>, requirement: ApprovalRequirement | undefined): Refund {
  return { ...input, status: requirement ? 'pending_approval' : 'processing', version: 1, ...(requirement ? { approvalRequiredBy: requirement } : {}) };
}

/** Approved by a second staff member: executed next. */
export function approveRefund(r: Refund, approver: string, at: Date): Refund {
  return { ...r, status: 'processing', approvedBy: approver, approvedAt: at.toISOString(), version: r.version + 1 };
}

/** Rejected by a second staff member: the reservation is released. */
export function rejectRefund(r: Refund, by: string, note: string, at: Date): Refund {
  return { ...r, status: 'rejected', rejectedBy: by, rejectedAt: at.toISOString(), rejectionNote: note, version: r.version + 1 };
}

/** The provider confirmed the refund. */
export function completeRefund(r: Refund, providerRefundId: string | undefined, at: string): Refund {
  return { ...r, status: 'succeeded', providerRefundId, completedAt: at, version: r.version + 1 };
}

/** The provider refused the refund (e.g. more than it holds as captured): the reservation is released. */
export function failRefund(r: Refund, reason: string, at: string): Refund {
  return { ...r, status: 'failed', failureReason: reason, completedAt: at, version: r.version + 1 };
}
