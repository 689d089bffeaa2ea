/**
 * The payment of one order and its state machine (PAY-1, PAY-2):
 *
 * ```
 *   new ──authorise──► authorized ──capture──► captured ──refund──► partially_refunded ──► refunded
 *    │  (card/wallet)      │   │                   ▲
 *    │                     │   └─void──► voided    │
 *    │                     └─capture after expiry─► expired
 *    ├──bank transfer──► pending ──funds arrive──► captured (PaymentAuthorized captureOn already-captured)
 *    │                     └─void──► voided
 *    ├──cash on delivery──► authorized (captureOn delivery; nothing at the provider) ──delivered──► captured
 *    ├──declined / over a limit──► failed
 *    └──cancelled or rejected before authorisation──► cancelled
 * ```
 *
 * Each transition is a pure function returning the next payment, the ledger movements it makes
 * and the events to publish (written together, in one transaction, by the use cases). A
 * transition that no longer applies (a duplicate or late event) is the caller's to skip: these
 * functions throw {@link PaymentStateError} rather than guess.
 *
 * A payment can exist before its order is known: when a cancellation or rejection overtakes
 * `OrderPlaced`, a *tombstone* (`orderKnown: false`, status `cancelled`) is written so that a late
 * `RiskApproved` never authorises.
 *
 * ## Pre-sale orders: two payments for one order (ORD-5)
 *
 * A pre-sale order has two payment records, each with the state machine above, its own id (so its
 * own provider idempotency keys, its own `PaymentAuthorized` that checkout adds up), its own
 * provider authorisation, limit counting and capture:
 * - the order's first payment (slot `primary`, `part: 'deposit'`), recorded from `OrderPlaced`
 *   for the amount due now (the deposit) and secured on `RiskApproved` like any order;
 * - the balance (slot `balance`, `part: 'balance'`), opened by `PreSaleBalanceDue` once the deposit
 *   is secured ({@link decideBalance}, {@link newBalancePayment}), with the deposit's method and
 *   stored provider token, and linked from the deposit (`balancePaymentId`).
 * Opening the balance is conditional on the deposit's version and on the deposit not being
 * released, and every release writes the deposit first: so a cancellation racing the balance
 * either sees the balance (and releases it too) or keeps it from being opened. Shipment captures,
 * delivery captures, cancellation voids or refunds, reconciliation checks — every payment of the
 * order ({@link decideOrderCapture}); a staff refund is taken from one payment
 * ({@link refundTarget}), so refunds never exceed what that payment, hence the order, captured.
 */
import type { EventPayload } from '../../../events/event-definition.ts';
import { domainEvent, type DomainEvent } from '../../../events/event-definition.ts';
import type { PaymentMethod } from '../../../events/common.ts';
import { CustomerNotificationRequested } from '../../../events/customer-notification-requested.ts';
import { PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentPending, PaymentRefunded, PaymentVoided } from '../../../events/payment-events.ts';
import { ProblemOrderRaised } from '../../../events/problem-order-raised.ts';
import { authorizationMovement, captureMovement, feeMovement, refundMovement, releaseMovement, type LedgerMovement, type MovementSubject } from './ledger.ts';

export const PAYMENT_STATUSES = ['new', 'pending', 'authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'failed', 'expired', 'cancelled'] as const;
/** Where a payment is in its life. */
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Why a payment failed (PaymentFailed reasons). */
export type PaymentFailureReason = EventPayload<typeof PaymentFailed>['reason'];
/** When the money is taken. */
export type CaptureOn = EventPayload<typeof PaymentAuthorized>['captureOn'];

/** Which part of a pre-sale order a payment collects (absent: the whole order). */
export type PaymentPart = 'deposit' | 'balance';

/** Where a payment is kept for its order: the order's first payment, or a pre-sale's balance. */
export type PaymentSlot = 'primary' | 'balance';

/** The slot of a payment. */
export function slotOf(p: Pick<Payment, 'part'>): PaymentSlot {
  return p.part === 'balance' ? 'balance' : 'primary';
}

/** A payment of an order, by order and slot. */
export interface PaymentRef {
  readonly orderId: string;
  readonly slot: PaymentSlot;
}

/**
 * What the shopper must do to complete a payment the provider is waiting on (Alipay through Stripe:
 * open a page; WeChat Pay through Stripe: scan a QR code). No personal data: a provider's URL or QR payload.
 */
export type PaymentAction = { readonly type: 'redirect'; readonly url: string } | { readonly type: 'qr-code'; readonly data: string; readonly imageUrl?: string };

/** The payment of one order (or one of its two payments: a pre-sale's deposit or balance). Amounts are minor units of `currency`. */
export interface Payment {
  readonly paymentId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly method: PaymentMethod;
  readonly currency: string;
  /** What this payment collects (the order's amount due: its total, a pre-sale's deposit, or its balance). */
  readonly amount: number;
  /** Absent for a regular order's payment; `deposit` / `balance` for a pre-sale's two payments. */
  readonly part?: PaymentPart;
  /** The order's total (all its payments together); absent on records written before it was kept (then: `amount`). */
  readonly orderTotal?: number;
  /** On a pre-sale's deposit: the id of its balance payment, once opened. */
  readonly balancePaymentId?: string;
  /** On a pre-sale's balance: when checkout cancels the order if the balance is not secured. */
  readonly dueBy?: string;
  readonly status: PaymentStatus;
  /** False for a tombstone written by a cancellation that overtook OrderPlaced. */
  readonly orderKnown: boolean;
  readonly captureOn?: CaptureOn;
  /** The provider's id of the payment (authorisation / PaymentIntent). */
  readonly providerPaymentId?: string;
  /** While pending: what the shopper must do to pay (open a page, scan a QR code), as the provider said. */
  readonly nextAction?: PaymentAction;
  readonly authorizedAmount: number;
  readonly capturedAmount: number;
  readonly refundedAmount: number;
  /** Requested refunds not executed yet (waiting for approval or for the provider). */
  readonly refundPendingAmount: number;
  readonly feeAmount: number;
  readonly authorizationExpiresAt?: string;
  /** Set before the provider is first asked to authorise (a retry then knows an outcome may exist). */
  readonly authorizationStartedAt?: string;
  readonly failureReason?: PaymentFailureReason;
  /** Set once a cancellation or rejection was seen: never authorise or capture after it. */
  readonly releaseReason?: string;
  readonly releasedAt?: string;
  /** The limit day this payment's amount is counted on (and whether it still is). */
  readonly limit?: { readonly day: string; readonly counted: boolean };
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic concurrency: every write is conditional on the version read. */
  readonly version: number;
}

/** A transition that does not apply to the payment's current state (a programming error or a stale event the caller should have skipped). */
export class PaymentStateError extends Error {
  override readonly name = 'PaymentStateError';
}

/** Clock and id source of a transition. */
export interface TransitionContext {
  readonly now: Date;
  readonly newId: () => string;
  /** Who is acting, for `requestedBy` / `raisedBy` fields. */
  readonly actor?: string;
}

/** What a transition produces. */
export interface Transition {
  readonly payment: Payment;
  readonly movements: readonly LedgerMovement[];
  readonly events: readonly DomainEvent[];
  /** Change of the limit counter of `payment.limit.day`: +amount when counted, −amount when released. */
  readonly limitDelta?: number;
}

/** Statuses in which nothing more will happen on their own. */
export const SETTLED_STATUSES: readonly PaymentStatus[] = ['captured', 'partially_refunded', 'refunded', 'voided', 'failed', 'expired', 'cancelled'];

/** Statuses holding captured money. */
export const CAPTURED_STATUSES: readonly PaymentStatus[] = ['captured', 'partially_refunded', 'refunded'];

const base = (p: Payment) => ({ orderId: p.orderId, customerId: p.customerId, paymentId: p.paymentId, method: p.method });
const subject = (p: Payment): MovementSubject => ({
  orderId: p.orderId,
  paymentId: p.paymentId,
  method: p.method,
  currency: p.currency,
  ...(p.part === 'balance' ? { idPrefix: 'BALANCE#' } : {}),
});
const moneyOf = (p: Payment, amount: number) => ({ amount, currency: p.currency });

function next(p: Payment, changes: Partial<Payment>, now: Date): Payment {
  return { ...p, ...changes, updatedAt: now.toISOString(), version: p.version + 1 };
}

function expect(p: Payment, allowed: readonly PaymentStatus[], what: string): void {
  if (!allowed.includes(p.status)) throw new PaymentStateError(`cannot ${what}: payment of order ${p.orderId} is ${p.status}`);
}

/** The facts of an order that payments needs (from OrderPlaced). */
export interface OrderFacts {
  readonly orderId: string;
  readonly customerId: string;
  readonly method: PaymentMethod;
  /** The amount due now (the total, or a pre-sale's deposit). */
  readonly amount: number;
  readonly currency: string;
  /** `deposit` for a pre-sale order. */
  readonly part?: 'deposit';
  /** The order's total. */
  readonly orderTotal?: number;
}

/** A new payment for a placed order, waiting for risk approval. */
export function newPayment(order: OrderFacts, ctx: TransitionContext): Payment {
  const at = ctx.now.toISOString();
  return {
    paymentId: ctx.newId(),
    ...order,
    status: 'new',
    orderKnown: true,
    authorizedAmount: 0,
    capturedAmount: 0,
    refundedAmount: 0,
    refundPendingAmount: 0,
    feeAmount: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** A tombstone: the order was cancelled or rejected before payments saw it placed. */
export function tombstone(order: OrderFacts, reason: string, ctx: TransitionContext): Payment {
  const p = newPayment(order, ctx);
  return { ...p, status: 'cancelled', orderKnown: false, releaseReason: reason, releasedAt: ctx.now.toISOString() };
}

/** OrderPlaced arrived after a tombstone: record the order's facts, stay cancelled. */
export function completeTombstone(p: Payment, order: OrderFacts, ctx: TransitionContext): Payment {
  if (p.orderKnown) throw new PaymentStateError(`order ${p.orderId} is already known`);
  return next(
    p,
    {
      amount: order.amount,
      currency: order.currency,
      method: order.method,
      customerId: order.customerId,
      orderKnown: true,
      ...(order.part ? { part: order.part } : {}),
      ...(order.orderTotal !== undefined ? { orderTotal: order.orderTotal } : {}),
    },
    ctx.now,
  );
}

/** What the next step of authorisation is. */
export type AuthorizationDecision =
  | { readonly action: 'wait'; readonly why: string }
  | { readonly action: 'skip'; readonly why: string }
  | { readonly action: 'accept-cod' }
  | { readonly action: 'authorize' }
  /** Released after an authorisation was started: learn the provider's outcome (same idempotency key) and void it. */
  | { readonly action: 'resolve-released' };

/** Decides what RiskApproved means for this payment now (order-tolerant, idempotent). */
export function decideAuthorization(p: Payment | undefined): AuthorizationDecision {
  if (!p) return { action: 'wait', why: 'OrderPlaced not processed yet' };
  if (p.status === 'cancelled') {
    // Released while an authorisation was in flight and its outcome is not known yet.
    return p.authorizationStartedAt && p.method !== 'cod' && !p.providerPaymentId
      ? { action: 'resolve-released' }
      : { action: 'skip', why: 'order cancelled or rejected before authorisation' };
  }
  if (p.status !== 'new') return { action: 'skip', why: `payment already ${p.status}` };
  if (!p.orderKnown) return { action: 'wait', why: 'OrderPlaced not processed yet' };
  if (p.releaseReason) return { action: 'skip', why: 'order released' };
  return p.method === 'cod' ? { action: 'accept-cod' } : { action: 'authorize' };
}

/** Marks the start of an authorisation and counts the amount on the limit day. */
export function startAuthorization(p: Payment, day: string, ctx: TransitionContext): Transition {
  expect(p, ['new'], 'start authorisation');
  if (p.authorizationStartedAt) return { payment: p, movements: [], events: [] };
  return { payment: next(p, { authorizationStartedAt: ctx.now.toISOString(), limit: { day, counted: true } }, ctx.now), movements: [], events: [], limitDelta: p.amount };
}

/** The provider authorised (card, wallet). */
export function authorizationSucceeded(p: Payment, a: { providerPaymentId: string; amount: number; expiresAt?: string; at: string }, ctx: TransitionContext): Transition {
  expect(p, ['new'], 'record an authorisation');
  const payment = next(
    p,
    { status: 'authorized', captureOn: 'shipment', providerPaymentId: a.providerPaymentId, authorizedAmount: a.amount, authorizationExpiresAt: a.expiresAt },
    ctx.now,
  );
  return {
    payment,
    movements: [authorizationMovement(subject(p), a.amount, a.at, a.providerPaymentId)],
    events: [domainEvent(PaymentAuthorized, { ...base(p), amount: moneyOf(p, a.amount), captureOn: 'shipment', authorizedAt: a.at })],
  };
}

/** A bank transfer is awaited. */
export function authorizationPending(p: Payment, a: { providerPaymentId: string; at: string; action?: PaymentAction }, ctx: TransitionContext): Transition {
  expect(p, ['new'], 'record a pending transfer');
  return {
    payment: next(p, { status: 'pending', providerPaymentId: a.providerPaymentId, ...(a.action ? { nextAction: a.action } : {}) }, ctx.now),
    movements: [],
    events: [domainEvent(PaymentPending, { ...base(p), amount: moneyOf(p, p.amount), pendingSince: a.at })],
  };
}

/** Cash on delivery: nothing to authorise; captured when delivered. */
export function codAccepted(p: Payment, day: string, ctx: TransitionContext): Transition {
  expect(p, ['new'], 'accept cash on delivery');
  const at = ctx.now.toISOString();
  return {
    payment: next(p, { status: 'authorized', captureOn: 'delivery', authorizationStartedAt: at, limit: { day, counted: true } }, ctx.now),
    movements: [],
    events: [domainEvent(PaymentAuthorized, { ...base(p), amount: moneyOf(p, p.amount), captureOn: 'delivery', authorizedAt: at })],
    limitDelta: p.amount,
  };
}

function failureEvents(p: Payment, reason: PaymentFailureReason, ctx: TransitionContext): DomainEvent[] {
  const at = ctx.now.toISOString();
  return [
    domainEvent(PaymentFailed, { ...base(p), reason, failedAt: at }),
    domainEvent(CustomerNotificationRequested, {
      notificationId: ctx.newId(),
      customerId: p.customerId,
      orderId: p.orderId,
      template: 'payment-failed',
      requestedBy: 'payments',
      requestedAt: at,
    }),
    domainEvent(ProblemOrderRaised, { orderId: p.orderId, problem: 'payment-failed', raisedBy: 'payments', raisedAt: at }),
  ];
}

const uncount = (p: Payment): Pick<Transition, 'limitDelta'> & { limit?: Payment['limit'] } =>
  p.limit?.counted ? { limitDelta: -p.amount, limit: { day: p.limit.day, counted: false } } : {};

/** Declined by the provider or refused by a limit (ORD-6: a problem order; the customer is told). */
export function authorizationFailed(p: Payment, reason: PaymentFailureReason, ctx: TransitionContext, providerPaymentId?: string): Transition {
  expect(p, ['new'], 'record a failed authorisation');
  const { limitDelta, limit } = uncount(p);
  return {
    payment: next(p, { status: 'failed', failureReason: reason, ...(providerPaymentId ? { providerPaymentId } : {}), ...(limit ? { limit } : {}) }, ctx.now),
    movements: [],
    events: failureEvents(p, reason, ctx),
    limitDelta,
  };
}

/** The provider's report of a capture. */
export interface CaptureResult {
  readonly captureId: string;
  readonly amount: number;
  readonly fee: number;
  readonly at: string;
  /** True when the rest of the authorisation was released (a final capture). Default true. */
  readonly final?: boolean;
}

/** What is still capturable of an authorised payment. */
export function capturable(p: Payment): number {
  return p.status === 'authorized' ? Math.max(0, (p.method === 'cod' ? p.amount : p.authorizedAmount) - p.capturedAmount) : 0;
}

/** Money captured (card/wallet at shipment; cash on delivery at delivery). Partial captures keep the payment authorised unless final. */
export function captureSucceeded(p: Payment, c: CaptureResult, ctx: TransitionContext): Transition {
  expect(p, ['authorized'], 'record a capture');
  const remaining = capturable(p);
  if (c.amount <= 0 || c.amount > remaining) throw new PaymentStateError(`capture of ${c.amount} exceeds the ${remaining} capturable on order ${p.orderId}`);
  const cod = p.method === 'cod';
  const movements: LedgerMovement[] = [
    captureMovement(subject(p), {
      captureId: c.captureId,
      amount: c.amount,
      at: c.at,
      fromHold: !cod,
      receivable: cod ? 'cod' : 'provider',
      providerPaymentId: p.providerPaymentId,
    }),
  ];
  if (c.fee > 0) movements.push(feeMovement(subject(p), c.captureId, c.fee, c.at, p.providerPaymentId));
  const final = c.final ?? true;
  const left = remaining - c.amount;
  if (final && left > 0 && !cod) movements.push(releaseMovement(subject(p), 'capture-remainder-release', left, c.at, c.captureId));
  const done = final || left === 0;
  return {
    payment: next(p, { status: done ? 'captured' : 'authorized', capturedAmount: p.capturedAmount + c.amount, feeAmount: p.feeAmount + c.fee }, ctx.now),
    movements,
    events: [domainEvent(PaymentCaptured, { ...base(p), amount: moneyOf(p, c.amount), capturedAt: c.at })],
  };
}

/** A bank transfer arrived: secured and captured at once. */
export function transferReceived(p: Payment, c: CaptureResult, ctx: TransitionContext): Transition {
  expect(p, ['pending'], 'record a received transfer');
  const movements: LedgerMovement[] = [
    captureMovement(subject(p), { captureId: c.captureId, amount: c.amount, at: c.at, fromHold: false, receivable: 'provider', providerPaymentId: p.providerPaymentId }),
  ];
  if (c.fee > 0) movements.push(feeMovement(subject(p), c.captureId, c.fee, c.at, p.providerPaymentId));
  return {
    payment: next(p, { status: 'captured', captureOn: 'already-captured', authorizedAmount: c.amount, capturedAmount: c.amount, feeAmount: p.feeAmount + c.fee }, ctx.now),
    movements,
    events: [
      // An order already released is not "authorised" any more: its money is captured, then refunded.
      ...(p.releaseReason ? [] : [domainEvent(PaymentAuthorized, { ...base(p), amount: moneyOf(p, c.amount), captureOn: 'already-captured', authorizedAt: c.at })]),
      domainEvent(PaymentCaptured, { ...base(p), amount: moneyOf(p, c.amount), capturedAt: c.at }),
    ],
  };
}

/** The authorisation (or awaited transfer) was released at the provider: nothing was charged. */
export function voidSucceeded(p: Payment, reason: string, ctx: TransitionContext, at = ctx.now.toISOString()): Transition {
  expect(p, ['authorized', 'pending'], 'record a void');
  const held = p.status === 'authorized' && p.method !== 'cod' ? p.authorizedAmount - p.capturedAmount : 0;
  const { limitDelta, limit } = uncount(p);
  return {
    payment: next(p, { status: 'voided', releaseReason: p.releaseReason ?? reason, releasedAt: p.releasedAt ?? ctx.now.toISOString(), ...(limit ? { limit } : {}) }, ctx.now),
    movements: held > 0 ? [releaseMovement(subject(p), 'void', held, at)] : [],
    events: [domainEvent(PaymentVoided, { ...base(p), voidedAt: at })],
    limitDelta,
  };
}

/** Cancelled or rejected before anything was authorised. */
export function releasedBeforeAuthorization(p: Payment, reason: string, ctx: TransitionContext): Transition {
  expect(p, ['new'], 'release before authorisation');
  const { limitDelta, limit } = uncount(p);
  return {
    payment: next(p, { status: 'cancelled', releaseReason: reason, releasedAt: ctx.now.toISOString(), ...(limit ? { limit } : {}) }, ctx.now),
    movements: [],
    events: [],
    limitDelta,
  };
}

/** A release was requested on a payment that holds captured money (it is refunded next). */
export function markReleased(p: Payment, reason: string, ctx: TransitionContext): Payment {
  if (p.releaseReason) return p;
  return next(p, { releaseReason: reason, releasedAt: ctx.now.toISOString() }, ctx.now);
}

/**
 * An authorisation (or an awaited transfer, `amount` 0) that the provider made for a payment
 * already released — its answer came after the order was cancelled: it is recorded and voided in
 * one go, so the ledger shows both movements.
 */
export function lateAuthorizationVoided(p: Payment, a: { providerPaymentId: string; amount: number; at: string }, ctx: TransitionContext, voidedAt: string): Transition {
  expect(p, ['cancelled'], 'void a late authorisation');
  const s = subject(p);
  return {
    payment: next(p, { status: 'voided', providerPaymentId: a.providerPaymentId, authorizedAmount: a.amount }, ctx.now),
    movements: a.amount > 0 ? [authorizationMovement(s, a.amount, a.at, a.providerPaymentId), releaseMovement(s, 'void', a.amount, voidedAt)] : [],
    events: [domainEvent(PaymentVoided, { ...base(p), voidedAt })],
  };
}

/**
 * The provider opened an awaited transfer for a payment already released (its answer came after
 * the cancellation): it is tracked as pending — still released — so that it is voided, or, if the
 * funds arrive first, captured and refunded. No event: the order is already cancelled.
 */
export function lateTransferPending(p: Payment, providerPaymentId: string, ctx: TransitionContext): Payment {
  expect(p, ['cancelled'], 'track a late transfer');
  return next(p, { status: 'pending', providerPaymentId }, ctx.now);
}

/** The provider declined an authorisation that was started before the order was released: only its id is kept. */
export function lateDeclineRecorded(p: Payment, providerPaymentId: string | undefined, ctx: TransitionContext): Payment {
  expect(p, ['cancelled'], 'record a late decline');
  return next(p, { providerPaymentId: providerPaymentId ?? 'none' }, ctx.now);
}

/** The authorisation expired before it was captured (ORD-6: a problem order). */
export function authorizationExpired(p: Payment, ctx: TransitionContext): Transition {
  expect(p, ['authorized'], 'expire an authorisation');
  const held = p.method === 'cod' ? 0 : p.authorizedAmount - p.capturedAmount;
  const at = ctx.now.toISOString();
  return {
    payment: next(p, { status: 'expired', failureReason: 'expired' }, ctx.now),
    movements: held > 0 ? [releaseMovement(subject(p), 'expiry', held, at)] : [],
    events: [
      domainEvent(PaymentFailed, { ...base(p), reason: 'expired', failedAt: at }),
      domainEvent(CustomerNotificationRequested, {
        notificationId: ctx.newId(),
        customerId: p.customerId,
        orderId: p.orderId,
        template: 'payment-failed',
        requestedBy: 'payments',
        requestedAt: at,
      }),
      domainEvent(ProblemOrderRaised, { orderId: p.orderId, problem: 'payment-failed', raisedBy: 'payments', raisedAt: at }),
    ],
  };
}

/** Captured money not yet refunded or promised to a pending refund. */
export function refundable(p: Payment): number {
  return CAPTURED_STATUSES.includes(p.status) ? p.capturedAmount - p.refundedAmount - p.refundPendingAmount : 0;
}

/** A refund of `amount` is reserved (pending approval or the provider). */
export function refundReserved(p: Payment, amount: number, ctx: TransitionContext): Payment {
  if (amount <= 0 || amount > refundable(p)) throw new PaymentStateError(`refund of ${amount} exceeds the ${refundable(p)} refundable on order ${p.orderId}`);
  return next(p, { refundPendingAmount: p.refundPendingAmount + amount }, ctx.now);
}

/** A reserved refund will not happen (rejected by the approver). */
export function refundUnreserved(p: Payment, amount: number, ctx: TransitionContext): Payment {
  if (amount > p.refundPendingAmount) throw new PaymentStateError(`cannot release ${amount} of ${p.refundPendingAmount} pending refunds on order ${p.orderId}`);
  return next(p, { refundPendingAmount: p.refundPendingAmount - amount }, ctx.now);
}

/** A reserved refund went through. */
export function refundSucceeded(
  p: Payment,
  r: { refundId: string; amount: number; reason: string; providerRefundId?: string; at: string; returnId?: string },
  ctx: TransitionContext,
): Transition {
  expect(p, ['captured', 'partially_refunded'], 'record a refund');
  if (r.amount > p.refundPendingAmount) throw new PaymentStateError(`refund ${r.refundId} of ${r.amount} was not reserved on order ${p.orderId}`);
  const refundedAmount = p.refundedAmount + r.amount;
  const cod = p.method === 'cod';
  return {
    payment: next(
      p,
      { refundedAmount, refundPendingAmount: p.refundPendingAmount - r.amount, status: refundedAmount >= p.capturedAmount ? 'refunded' : 'partially_refunded' },
      ctx.now,
    ),
    movements: [
      refundMovement(subject(p), {
        refundId: r.refundId,
        amount: r.amount,
        at: r.at,
        providerRefundId: r.providerRefundId,
        receivable: cod ? 'cod' : 'provider',
        providerPaymentId: p.providerPaymentId,
      }),
    ],
    events: [
      domainEvent(PaymentRefunded, {
        ...base(p),
        refundId: r.refundId,
        amount: moneyOf(p, r.amount),
        refundedTotal: moneyOf(p, refundedAmount),
        reason: r.reason,
        refundedAt: r.at,
        ...(r.returnId ? { returnId: r.returnId } : {}),
      }),
      domainEvent(CustomerNotificationRequested, {
        notificationId: ctx.newId(),
        customerId: p.customerId,
        orderId: p.orderId,
        template: 'refund-issued',
        requestedBy: 'payments',
        requestedAt: r.at,
      }),
    ],
  };
}

/** What releasing (cancellation / rejection) means for this payment now. */
export type ReleaseDecision =
  | { readonly action: 'tombstone' }
  | { readonly action: 'cancel' }
  | { readonly action: 'void' }
  | { readonly action: 'void-cod' }
  | { readonly action: 'refund'; readonly amount: number }
  | { readonly action: 'none'; readonly why: string };

/** Decides how to release the money of a cancelled or rejected order (void before capture, refund after). */
export function decideRelease(p: Payment | undefined): ReleaseDecision {
  if (!p) return { action: 'tombstone' };
  switch (p.status) {
    case 'new':
      return { action: 'cancel' };
    case 'pending':
      return { action: 'void' };
    case 'authorized':
      // A non-final partial capture (multicapture) is never made by the order flow; an operator settles it.
      if (p.capturedAmount > 0) return { action: 'none', why: 'partially captured with the authorisation still open: needs an operator' };
      return p.method === 'cod' ? { action: 'void-cod' } : { action: 'void' };
    case 'captured':
    case 'partially_refunded': {
      const amount = refundable(p);
      return amount > 0 ? { action: 'refund', amount } : { action: 'none', why: 'everything captured is refunded or being refunded' };
    }
    default:
      return { action: 'none', why: `payment is ${p.status}` };
  }
}

/** What a shipment or delivery means for this payment now. */
export type CaptureDecision =
  { readonly action: 'capture'; readonly amount: number } | { readonly action: 'wait'; readonly why: string } | { readonly action: 'skip'; readonly why: string };

/**
 * Decides whether to capture on `trigger`: card and wallet at shipment, cash on delivery at
 * delivery; delivery also captures a card/wallet payment whose shipment capture was missed.
 * Never after a release.
 */
export function decideCapture(p: Payment | undefined, trigger: 'shipment' | 'delivery'): CaptureDecision {
  if (!p) return { action: 'wait', why: 'OrderPlaced not processed yet' };
  if (p.releaseReason) return { action: 'skip', why: 'order released' };
  if (p.status === 'new' || p.status === 'pending') return { action: 'wait', why: `payment still ${p.status}` };
  if (p.status !== 'authorized') return { action: 'skip', why: `payment is ${p.status}` };
  if (p.method === 'cod' && trigger === 'shipment') return { action: 'skip', why: 'cash on delivery is captured at delivery' };
  const amount = capturable(p);
  return amount > 0 ? { action: 'capture', amount } : { action: 'skip', why: 'nothing left to capture' };
}

// ─── Pre-sale orders: the balance (ORD-5) ──────────────────────────────────────────────────────

/** What checkout's `PreSaleBalanceDue` asks for (amounts in minor units). */
export interface BalanceDue {
  readonly orderId: string;
  readonly currency: string;
  /** The order's total. */
  readonly total: number;
  /** Authorised so far (the deposit). */
  readonly authorized: number;
  /** What is left to collect. */
  readonly balance: number;
  readonly dueBy: string;
}

/** What `PreSaleBalanceDue` means for the order's payments now. */
export type BalanceDecision =
  /** The deposit is not recorded or not secured yet (an event overtook another): retry later. */
  | { readonly action: 'wait'; readonly why: string }
  /** Nothing to collect: the order was released, the deposit failed, or nothing is due. */
  | { readonly action: 'skip'; readonly why: string }
  /** The facts contradict the deposit (amounts, currency): never collect on a guess. */
  | { readonly action: 'refuse'; readonly why: string }
  /** Open the balance payment (then secure it). */
  | { readonly action: 'open' }
  /** The balance payment exists: secure it (idempotent: a secured one is left alone). */
  | { readonly action: 'continue' };

/** Statuses of a deposit that is secured (authorised, accepted, or — a bank transfer — captured). */
const SECURED: readonly PaymentStatus[] = ['authorized', 'captured'];

/**
 * Decides what `PreSaleBalanceDue` means (order-tolerant, idempotent): open the balance payment
 * once, next to a secured deposit that was not released; a balance already opened continues.
 */
export function decideBalance(deposit: Payment | undefined, balance: Payment | undefined, due: BalanceDue): BalanceDecision {
  if (balance) return { action: 'continue' };
  if (!deposit) return { action: 'wait', why: 'OrderPlaced not processed yet' };
  if (!deposit.orderKnown) return { action: 'skip', why: 'order cancelled or rejected before it was placed' };
  if (deposit.releaseReason) return { action: 'skip', why: 'order released' };
  if (deposit.status === 'new' || deposit.status === 'pending') return { action: 'wait', why: `deposit still ${deposit.status}` };
  if (!SECURED.includes(deposit.status)) return { action: 'skip', why: `deposit is ${deposit.status}` };
  if (due.balance <= 0) return { action: 'skip', why: 'no balance is due' };
  if (deposit.part === 'balance') return { action: 'refuse', why: 'the order’s first payment is not a deposit' };
  if (due.currency !== deposit.currency) return { action: 'refuse', why: `balance in ${due.currency}, deposit in ${deposit.currency}` };
  if (due.authorized !== deposit.amount || deposit.amount + due.balance !== due.total || (deposit.orderTotal !== undefined && deposit.orderTotal !== due.total)) {
    return { action: 'refuse', why: `deposit ${deposit.amount} (checkout: ${due.authorized} authorised) + balance ${due.balance} ≠ total ${due.total}` };
  }
  return { action: 'open' };
}

/** The balance payment of a pre-sale order: the deposit's method and customer, the balance's amount. */
export function newBalancePayment(deposit: Payment, due: BalanceDue, ctx: TransitionContext): Payment {
  const { orderId, customerId, method, currency } = deposit;
  return { ...newPayment({ orderId, customerId, method, currency, amount: due.balance, orderTotal: due.total }, ctx), part: 'balance', dueBy: due.dueBy };
}

/** The deposit, linked to its balance payment (written with it, conditional on the deposit's version). */
export function linkBalance(deposit: Payment, balance: Payment, ctx: TransitionContext): Payment {
  if (deposit.balancePaymentId && deposit.balancePaymentId !== balance.paymentId) throw new PaymentStateError(`order ${deposit.orderId} already has a balance payment`);
  return next(
    deposit,
    { balancePaymentId: balance.paymentId, ...(deposit.part ? {} : { part: 'deposit' as const }), orderTotal: balance.orderTotal ?? deposit.amount + balance.amount },
    ctx.now,
  );
}

/** What a shipment or delivery means for all the payments of an order. */
export type OrderCaptureDecision =
  | { readonly action: 'wait'; readonly why: string }
  | { readonly action: 'capture'; readonly captures: ReadonlyArray<{ readonly payment: Payment; readonly amount: number }>; readonly skipped: number };

/**
 * Decides the captures of an order on `trigger` ({@link decideCapture} for each of its payments).
 * Waits while any payment still waits — and while a pre-sale's deposit has no balance payment yet
 * although the order was not released: an order ships only once its balance is secured, so the
 * balance's events are late, not missing.
 */
export function decideOrderCapture(payments: readonly Payment[], trigger: 'shipment' | 'delivery'): OrderCaptureDecision {
  if (payments.length === 0) return { action: 'wait', why: 'OrderPlaced not processed yet' };
  const deposit = payments.find((p) => slotOf(p) === 'primary');
  if (deposit?.part === 'deposit' && !deposit.releaseReason && SECURED.includes(deposit.status) && !payments.some((p) => slotOf(p) === 'balance')) {
    return { action: 'wait', why: 'pre-sale balance not recorded yet' };
  }
  const captures: Array<{ payment: Payment; amount: number }> = [];
  let skipped = 0;
  for (const p of payments) {
    const d = decideCapture(p, trigger);
    if (d.action === 'wait') return { action: 'wait', why: `${p.part ?? 'payment'}: ${d.why}` };
    if (d.action === 'capture') captures.push({ payment: p, amount: d.amount });
    else skipped++;
  }
  return { action: 'capture', captures, skipped };
}

/** The order's total as its payments know it (a pre-sale's deposit + balance; one payment's amount otherwise). */
export function orderAmountOf(payments: readonly Payment[]): number {
  const known = payments.find((p) => p.orderTotal !== undefined)?.orderTotal;
  const sum = payments.reduce((s, p) => s + p.amount, 0);
  return Math.max(known ?? 0, sum);
}

/**
 * The payment a staff refund of `amount` is taken from: one whose refundable amount covers it
 * (the one with the most refundable; the later one on a tie), or none. A refund is one provider
 * refund of one payment, so it never exceeds what that payment captured.
 */
export function refundTarget(payments: readonly Payment[], amount: number): Payment | undefined {
  let best: Payment | undefined;
  for (const p of payments) if (refundable(p) >= amount && (!best || refundable(p) >= refundable(best))) best = p;
  return best;
}
