/**
 * The order and its state machine (API.md "Order status"; ORD-4, ORD-5). Pure: no I/O.
 *
 * ```
 *            ┌──────────── risk-review-required ───────────┐
 *   (null) ─► PLACED ──── payment-authorized ──► APPROVED ─► FULFILLING ─► SHIPPED ─► DELIVERED
 *              │  ▲                                 │  ▲         (order-allocated / -shipped / -delivered;
 *              │  └── IN_REVIEW ── payment-authorized ┘  │          later steps may skip earlier ones
 *              │        │                                │          when fulfillment events arrive out
 *              ├────────┴─► REJECTED (risk-rejected)      │          of order)
 *              ├────────┴─► PAYMENT_FAILED (payment-failed)
 *              └────────┴─► CANCELLED (payment-window-expired; customer or staff before shipment,
 *                                      also from APPROVED and FULFILLING)
 * ```
 *
 * Terminal: DELIVERED, REJECTED, PAYMENT_FAILED, CANCELLED. Entering REJECTED, PAYMENT_FAILED or
 * CANCELLED releases the stock the order still holds. Entering FULFILLING, SHIPPED or DELIVERED
 * means fulfillment turned the reservations into picks (catalog's pickStock): the order holds
 * no reservation any more, so a later cancellation (allowed in FULFILLING, before shipment)
 * releases nothing here — fulfillment consumes `OrderCancelled`, cancels the shipments that have
 * not left and returns their picked stock (catalog's returnPickedStock). Releases are conditional
 * on catalog's per-order reservation records: if fulfillment picked an APPROVED order's stock just
 * before its cancellation committed, the release finds nothing held and the cancellation goes
 * through without it (change-order.ts); fulfillment then returns the picks.
 *
 * ## Order types (ORD-5)
 * - `regular`: the whole total is due now; stock is reserved at placement; the first
 *   PaymentAuthorized approves the order.
 * - `pre-sale`: a deposit (settings, default 20 % of the total) is due within the payment window;
 *   stock is reserved at placement as for a regular order (the goods are promised). When the
 *   deposit is authorised the order stays PLACED with payment status `deposit-authorized`, its
 *   payment due time moves to the balance window (default 7 days) and `PreSaleBalanceDue` asks
 *   payments to collect the balance. Only when the authorised amounts cover the total does the order
 *   become APPROVED — so nothing is allocated or shipped before the balance is paid. A balance not
 *   paid in time cancels the order (reason `balance-window-expired`; what happens to the deposit is
 *   payments' policy).
 * - `group-buy` (拼团, domain/group-buy.ts): one SKU at its group price; the order opens or joins a
 *   group. Its authorised payment approves it only once the group is complete: until then it stays
 *   PLACED/IN_REVIEW with payment status `authorized` and its payment due by the group's end, so
 *   `GroupBuyCompleted` approves it — or, when the window ends short, the unpaid-order sweep cancels
 *   it (reason `group-buy-expired`), releasing its stock; payments voids or refunds.
 */
import type { OrderStatus, OrderType, PaymentMethod } from '../../../events/common.ts';
import type { Money } from '../../../shared/money.ts';
import { canonicalJson } from '../../../shared/canonical-json.ts';
import { add, compare, subtract } from '../../../shared/money.ts';
import type { OrderGroupBuy } from './group-buy.ts';
import type { AppliedDiscount } from './pricing.ts';

/** Order statuses, order types (ORD-5) and payment methods (PAY-1): defined once, with the events (events/common.ts). */
export type { OrderStatus, OrderType, PaymentMethod } from '../../../events/common.ts';

/** Who cancelled. */
export type CancelledBy = 'customer' | 'staff' | 'timeout';

/** What makes an order move. */
export type Trigger =
  | 'risk-review-required'
  | 'risk-rejected'
  | 'payment-authorized'
  | 'payment-failed'
  | 'order-allocated'
  | 'order-shipped'
  | 'order-delivered'
  | 'cancel'
  | 'payment-window-expired';

/** Statuses an order may be cancelled from by its customer or staff: anything before shipment. */
export const CANCELLABLE: readonly OrderStatus[] = ['PLACED', 'IN_REVIEW', 'APPROVED', 'FULFILLING'];

/** Statuses in which the order still waits for its payment (the unpaid-order timeout applies). */
export const AWAITING_PAYMENT: readonly OrderStatus[] = ['PLACED', 'IN_REVIEW'];

/** The state machine: for each trigger, the statuses it may leave and where it goes. */
export const TRANSITIONS: Readonly<Record<Trigger, { readonly from: readonly OrderStatus[]; readonly to: OrderStatus }>> = {
  'risk-review-required': { from: ['PLACED'], to: 'IN_REVIEW' },
  'risk-rejected': { from: ['PLACED', 'IN_REVIEW'], to: 'REJECTED' },
  'payment-authorized': { from: ['PLACED', 'IN_REVIEW'], to: 'APPROVED' },
  'payment-failed': { from: ['PLACED', 'IN_REVIEW'], to: 'PAYMENT_FAILED' },
  'order-allocated': { from: ['APPROVED'], to: 'FULFILLING' },
  'order-shipped': { from: ['APPROVED', 'FULFILLING'], to: 'SHIPPED' },
  'order-delivered': { from: ['APPROVED', 'FULFILLING', 'SHIPPED'], to: 'DELIVERED' },
  cancel: { from: CANCELLABLE, to: 'CANCELLED' },
  'payment-window-expired': { from: AWAITING_PAYMENT, to: 'CANCELLED' },
};

/** Terminal statuses. */
export const TERMINAL: readonly OrderStatus[] = ['DELIVERED', 'REJECTED', 'PAYMENT_FAILED', 'CANCELLED'];

/** How far along a shipment status is (reports with the same timestamp never go backwards). */
const SHIPMENT_PROGRESS: Readonly<Record<ShipmentStatus, number>> = {
  CREATED: 0,
  PICKED_UP: 1,
  IN_TRANSIT: 2,
  OUT_FOR_DELIVERY: 3,
  EXCEPTION: 3,
  DELIVERED: 4,
  CANCELLED: 5,
};

/** The result of asking the state machine. */
export type TransitionResult = { readonly ok: true; readonly to: OrderStatus } | { readonly ok: false; readonly reason: 'terminal' | 'not-allowed' };

/** Where `trigger` takes an order in `status`, or why it cannot. */
export function transition(status: OrderStatus, trigger: Trigger): TransitionResult {
  const rule = TRANSITIONS[trigger];
  if (rule.from.includes(status)) return { ok: true, to: rule.to };
  return { ok: false, reason: TERMINAL.includes(status) ? 'terminal' : 'not-allowed' };
}

/** True when entering `status` releases the stock the order holds. */
export function releasesStock(status: OrderStatus): boolean {
  return status === 'REJECTED' || status === 'PAYMENT_FAILED' || status === 'CANCELLED';
}

/** True when entering `status` means fulfillment picked the reserved stock. */
export function stockPicked(status: OrderStatus): boolean {
  return status === 'FULFILLING' || status === 'SHIPPED' || status === 'DELIVERED';
}

/** Stock held for the order in one warehouse. */
export interface Reservation {
  readonly sku: string;
  readonly warehouseId: string;
  readonly quantity: number;
  /** Held in this bucket of a hot SKU's stock (catalog's stock contract); absent: the warehouse's counter. */
  readonly bucket?: number;
}

/** A line of a placed order (prices fixed at placement). */
export interface OrderLine {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly flashPrice?: Money;
  readonly lineSubtotal: Money;
  readonly lineDiscount: Money;
  readonly lineTotal: Money;
  readonly weightGrams: number;
}

/** Payment status as checkout knows it. */
export type PaymentStatus = 'awaiting' | 'pending' | 'deposit-authorized' | 'authorized' | 'failed';

const PAYMENT_RANK: Readonly<Record<PaymentStatus, number>> = { awaiting: 0, pending: 1, 'deposit-authorized': 2, authorized: 3, failed: 3 };

/** The payment read model of an order. */
export interface OrderPayment {
  readonly method: PaymentMethod;
  readonly status: PaymentStatus;
  /** Σ authorised amounts (deposit + balance for pre-sale). */
  readonly authorized: Money;
  /** Payment ids already counted in `authorized`. */
  readonly paymentIds: readonly string[];
  readonly captureOn?: 'shipment' | 'delivery' | 'already-captured';
  readonly failureReason?: string;
  readonly updatedAt?: string;
}

/** The fraud capability's decision, kept for staff. */
export interface RiskDecision {
  readonly outcome: 'approved' | 'review' | 'rejected';
  readonly assessmentId: string;
  readonly score: number;
  readonly level: 'low' | 'medium' | 'high';
  readonly rulesFired: readonly string[];
  readonly decidedBy: 'rules' | 'analyst';
  readonly analystId?: string;
  readonly decidedAt: string;
  /** How many address corrections the decision took into account (ORD-6). */
  readonly addressCorrections?: number;
}

/**
 * Shipment statuses (fulfillment's, events/fulfillment-events.ts). CANCELLED: the order was
 * cancelled before the carrier picked the shipment up (fulfillment returned its stock); final.
 */
export type ShipmentStatus = 'CREATED' | 'PICKED_UP' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION' | 'CANCELLED';

/** A shipment of the order (read model of fulfillment's events). */
export interface Shipment {
  readonly shipmentId: string;
  readonly warehouseId?: string;
  readonly carrier: string;
  readonly waybill?: string;
  readonly status: ShipmentStatus;
  readonly exception?: string;
  readonly lines?: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
  readonly updatedAt: string;
}

/** The personal data an order holds: the shipping address's personal fields and the contact email. */
export interface PersonalDataFields {
  readonly name: string;
  readonly phone: string;
  readonly line1: string;
  readonly line2?: string;
  readonly province?: string;
  readonly city: string;
  readonly district?: string;
  readonly postalCode: string;
  readonly email: string;
}

/** Personal data encrypted field by field (orders placed before 2026-12): the same fields as opaque ciphertexts. */
export type EncryptedPersonalFields = PersonalDataFields;

/**
 * Personal data, always stored encrypted (field encryption): one sealed value of the whole record
 * (checkout's personal-data.ts) or, on orders placed before 2026-12, one value per field.
 */
export type EncryptedPersonalData = string | EncryptedPersonalFields;

/** How the order was cancelled. */
export interface Cancellation {
  readonly by: CancelledBy;
  readonly actor: string;
  readonly reason: string;
  readonly at: string;
}

/** A placed order. */
export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly orderType: OrderType;
  readonly status: OrderStatus;
  /** Optimistic-concurrency version: 1 at placement, +1 on every change. */
  readonly version: number;
  readonly currency: string;
  readonly lines: readonly OrderLine[];
  readonly discounts: readonly AppliedDiscount[];
  readonly subtotal: Money;
  readonly discountTotal: Money;
  readonly shippingFee: Money;
  readonly total: Money;
  /** What is due now: the total, or a pre-sale's deposit. */
  readonly amountDue: Money;
  /** What is due later: zero, or a pre-sale's balance. */
  readonly balanceDue: Money;
  readonly couponCode?: string;
  readonly payment: OrderPayment;
  readonly shippingRegion: string;
  readonly shippingCountry: string;
  readonly billingRegion?: string;
  /** Stock the order holds right now (empty once released or picked). */
  readonly reservations: readonly Reservation[];
  readonly placedAt: string;
  /** Unpaid by then → cancelled by the sweep; null once no payment is awaited. */
  readonly paymentDueBy: string | null;
  readonly risk?: RiskDecision;
  readonly shipments: readonly Shipment[];
  readonly cancellation?: Cancellation;
  /** Absent once erased: the customer's erasure (SEC-3) or the retention period (CMP-2) removed it. */
  readonly personal?: EncryptedPersonalData;
  /** When the order's personal data was removed (erasure or retention); the order stays for the books. */
  readonly personalDataErasedAt?: string;
  readonly updatedAt: string;
  /** A group-buy order's group (ORD-5). */
  readonly groupBuy?: OrderGroupBuy;
  /** What the order counts against its customer's caps (customer-holds.ts); absent on orders placed before them. */
  readonly heldByCustomer?: { readonly openUnpaid: boolean; readonly reservations: boolean };
  /** The customer corrected the shipping address (ORD-6); absent when never corrected. */
  readonly addressCorrection?: AddressCorrection;
}

/**
 * An order's address corrections (ORD-6). While `awaitingRisk`, fraud has not yet re-assessed the
 * corrected address: the order is not approved, even with its payment authorised, until a risk
 * decision that took correction `count` into account (its `addressCorrections`) arrives.
 */
export interface AddressCorrection {
  readonly count: number;
  readonly correctedAt: string;
  readonly awaitingRisk: boolean;
}

/** Statuses in which the customer may correct the shipping address: before approval (an approved order is allocated at once). */
export const ADDRESS_CORRECTABLE: readonly OrderStatus[] = ['PLACED', 'IN_REVIEW'];

/** Corrections an order may have (changing where a parcel goes, again and again, is a fraud pattern). */
export const MAX_ADDRESS_CORRECTIONS = 3;

/** An entry of the order's timeline: one per status change. */
export interface TimelineEntry {
  readonly at: string;
  readonly from: OrderStatus | null;
  readonly to: OrderStatus;
  readonly reason: string;
  readonly actor: string;
}

/**
 * The timeline's first entry: the placement, by the customer, when the order was placed. It follows
 * from the order itself, so it is not stored (orders placed before December 2026 store it as their
 * first timeline item; the store reads either).
 */
export function placementEntry(order: Pick<Order, 'placedAt' | 'customerId'>): TimelineEntry {
  return { at: order.placedAt, from: null, to: 'PLACED', reason: 'order-placed', actor: order.customerId };
}

/** Something that happened to an order, as checkout sees it (parsed from events or requests). */
export type OrderFact =
  | { readonly type: 'RiskReviewRequired' | 'RiskApproved' | 'RiskRejected'; readonly decision: Omit<RiskDecision, 'outcome'> }
  | {
      readonly type: 'PaymentAuthorized';
      readonly paymentId: string;
      readonly amount: Money;
      readonly captureOn: 'shipment' | 'delivery' | 'already-captured';
      readonly at: string;
    }
  | { readonly type: 'PaymentPending'; readonly paymentId: string; readonly at: string }
  | { readonly type: 'PaymentFailed'; readonly paymentId: string; readonly reason: string; readonly at: string }
  | {
      readonly type: 'OrderAllocated';
      readonly shipments: ReadonlyArray<{
        readonly shipmentId: string;
        readonly warehouseId: string;
        readonly carrier: string;
        readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
      }>;
      readonly at: string;
    }
  | {
      readonly type: 'ShipmentStatusChanged';
      readonly shipmentId: string;
      readonly carrier: string;
      readonly waybill: string;
      readonly to: ShipmentStatus;
      readonly exception?: string;
      readonly at: string;
    }
  | { readonly type: 'OrderShipped'; readonly at: string }
  | { readonly type: 'OrderDelivered'; readonly at: string }
  | { readonly type: 'GroupBuyCompleted'; readonly code: string; readonly at: string }
  | { readonly type: 'Cancel'; readonly by: CancelledBy; readonly actor: string; readonly reason: string }
  | {
      readonly type: 'CorrectAddress';
      readonly actor: string;
      readonly personal: EncryptedPersonalData;
      readonly shippingRegion: string;
      readonly riskSignals: AddressRiskSignals;
    };

/** Keyed hashes of a corrected address and phone (risk-signals.ts), for fraud's re-assessment. */
export interface AddressRiskSignals {
  readonly addressHash: string;
  readonly phoneHash: string;
}

/** Fields of an order a decision changes. */
export interface OrderPatch {
  readonly status?: OrderStatus;
  readonly payment?: OrderPayment;
  readonly risk?: RiskDecision;
  readonly reservations?: readonly Reservation[];
  readonly shipments?: readonly Shipment[];
  readonly paymentDueBy?: string | null;
  readonly cancellation?: Cancellation;
  readonly groupBuy?: OrderGroupBuy;
  readonly personal?: EncryptedPersonalData;
  readonly shippingRegion?: string;
  readonly addressCorrection?: AddressCorrection;
}

/** What to do about a fact. */
export type Decision =
  | { readonly kind: 'ignore'; readonly reason: string }
  | {
      readonly kind: 'change';
      readonly patch: OrderPatch;
      /** The status change (a timeline entry and OrderStatusChanged), if any. */
      readonly transition?: TimelineEntry;
      /** Reservations to release in the same transaction. */
      readonly release: readonly Reservation[];
      /** Extra events: OrderCancelled, PreSaleBalanceDue. */
      readonly cancelled?: Cancellation;
      readonly balanceDue?: { readonly amount: Money; readonly dueBy: string };
      /** A timeline entry without a status change (an address correction). */
      readonly note?: TimelineEntry;
      /** The address was corrected: OrderAddressCorrected. */
      readonly addressCorrected?: { readonly correction: AddressCorrection; readonly riskSignals: AddressRiskSignals };
    };

/** Settings the decisions need. */
export interface DecisionContext {
  readonly now: Date;
  /** Pre-sale: how long after the deposit the balance may be paid. */
  readonly balanceWindowHours: number;
}

/** Actors of system-made changes. */
export const SYSTEM_ACTORS = {
  fraud: 'system:fraud',
  payments: 'system:payments',
  fulfillment: 'system:fulfillment',
  timeout: 'system:payment-timeout',
  groupBuy: 'system:group-buy',
} as const;

function statusChange(order: Order, trigger: Trigger, reason: string, actor: string, at: string): { to: OrderStatus; entry: TimelineEntry } | undefined {
  const result = transition(order.status, trigger);
  if (!result.ok) return undefined;
  return { to: result.to, entry: { at, from: order.status, to: result.to, reason, actor } };
}

/** The patch and stock effects of moving to `to` (releasing or forgetting reservations). */
function effectsOf(order: Order, to: OrderStatus): { patch: OrderPatch; release: readonly Reservation[] } {
  if (releasesStock(to)) return { patch: { status: to, reservations: [], paymentDueBy: null }, release: order.reservations };
  if (stockPicked(to)) return { patch: { status: to, reservations: [], paymentDueBy: null }, release: [] };
  if (to === 'APPROVED') return { patch: { status: to, paymentDueBy: null }, release: [] };
  return { patch: { status: to }, release: [] };
}

const riskOutcome = { RiskApproved: 'approved', RiskReviewRequired: 'review', RiskRejected: 'rejected' } as const;

/**
 * Decides what a fact does to an order: the pure heart of every consumer and of cancellation.
 * Facts that no longer apply (late or duplicate events, a transition the state machine does not
 * allow any more) are ignored with a reason, never an error.
 */
export function decide(order: Order, fact: OrderFact, ctx: DecisionContext): Decision {
  const at = ctx.now.toISOString();
  switch (fact.type) {
    case 'RiskApproved':
    case 'RiskReviewRequired':
    case 'RiskRejected': {
      const risk: RiskDecision = { ...fact.decision, outcome: riskOutcome[fact.type] };
      const newer = !order.risk || Date.parse(risk.decidedAt) >= Date.parse(order.risk.decidedAt);
      // ORD-6: a decision that took the latest address correction into account ends the hold.
      const held = order.addressCorrection?.awaitingRisk === true;
      const reassessed = held && (risk.addressCorrections ?? 0) >= (order.addressCorrection as AddressCorrection).count;
      const riskPatch = {
        ...(newer && !sameRisk(order.risk, risk) ? { risk } : {}),
        ...(reassessed ? { addressCorrection: { ...(order.addressCorrection as AddressCorrection), awaitingRisk: false } } : {}),
      };
      const actor = risk.decidedBy === 'analyst' && risk.analystId ? risk.analystId : SYSTEM_ACTORS.fraud;
      const trigger = fact.type === 'RiskReviewRequired' ? 'risk-review-required' : fact.type === 'RiskRejected' ? 'risk-rejected' : undefined;
      const change = trigger && newer ? statusChange(order, trigger, trigger, actor, at) : undefined;
      if (change) {
        const effects = effectsOf(order, change.to);
        return { kind: 'change', patch: { ...riskPatch, ...effects.patch }, transition: change.entry, release: effects.release };
      }
      // Approved again after a correction, its payment already authorised while it waited: approve now.
      const waiting = fact.type === 'RiskApproved' && reassessed && order.payment.status === 'authorized' && !(order.groupBuy && !order.groupBuy.complete);
      const approval = waiting ? statusChange(order, 'payment-authorized', 'address-reassessed', actor, at) : undefined;
      if (approval) {
        const effects = effectsOf(order, approval.to);
        return { kind: 'change', patch: { ...riskPatch, ...effects.patch }, transition: approval.entry, release: effects.release };
      }
      if ('risk' in riskPatch || 'addressCorrection' in riskPatch) return { kind: 'change', patch: riskPatch, release: [] };
      return { kind: 'ignore', reason: trigger ? `no ${trigger} transition from ${order.status}` : 'risk decision already recorded' };
    }
    case 'PaymentAuthorized': {
      if (order.payment.paymentIds.includes(fact.paymentId)) return { kind: 'ignore', reason: 'payment already counted' };
      if (fact.amount.currency !== order.currency) return { kind: 'ignore', reason: 'payment in another currency' };
      const authorized = add(order.payment.authorized, fact.amount);
      const paymentIds = [...order.payment.paymentIds, fact.paymentId];
      const fullyPaid = order.orderType !== 'pre-sale' || compare(authorized, order.total) >= 0;
      const base: OrderPayment = { ...order.payment, authorized, paymentIds, captureOn: fact.captureOn, updatedAt: fact.at };
      if (fullyPaid && order.groupBuy && !order.groupBuy.complete) {
        // Group-buy: authorised, but approved only with the group; due by the group's end (the sweep cancels it then).
        const payment: OrderPayment = { ...base, status: 'authorized' };
        const waiting = transition(order.status, 'payment-authorized').ok ? { paymentDueBy: order.groupBuy.expiresAt } : {};
        return { kind: 'change', patch: { payment, ...waiting }, release: [] };
      }
      if (fullyPaid && order.addressCorrection?.awaitingRisk) {
        // ORD-6: authorised, but approved only once fraud has re-assessed the corrected address.
        return { kind: 'change', patch: { payment: { ...base, status: 'authorized' } }, release: [] };
      }
      if (fullyPaid) {
        const change = statusChange(order, 'payment-authorized', 'payment-authorized', SYSTEM_ACTORS.payments, at);
        const payment: OrderPayment = { ...base, status: 'authorized' };
        if (!change) return { kind: 'change', patch: { payment }, release: [] };
        const effects = effectsOf(order, change.to);
        return { kind: 'change', patch: { payment, ...effects.patch }, transition: change.entry, release: effects.release };
      }
      // Pre-sale deposit: stay PLACED/IN_REVIEW, wait for the balance.
      if (!transition(order.status, 'payment-authorized').ok) return { kind: 'change', patch: { payment: { ...base, status: 'deposit-authorized' } }, release: [] };
      const dueBy = new Date(ctx.now.getTime() + ctx.balanceWindowHours * 3_600_000).toISOString();
      return {
        kind: 'change',
        patch: { payment: { ...base, status: 'deposit-authorized' }, paymentDueBy: dueBy },
        release: [],
        balanceDue: { amount: subtract(order.total, authorized), dueBy },
      };
    }
    case 'PaymentPending': {
      if (PAYMENT_RANK[order.payment.status] >= PAYMENT_RANK.pending) return { kind: 'ignore', reason: `payment already ${order.payment.status}` };
      if (!AWAITING_PAYMENT.includes(order.status)) return { kind: 'ignore', reason: `order is ${order.status}` };
      return { kind: 'change', patch: { payment: { ...order.payment, status: 'pending', updatedAt: fact.at } }, release: [] };
    }
    case 'PaymentFailed': {
      // A pre-sale whose deposit is secured keeps its window when the BALANCE is declined: the
      // customer may still pay it until dueBy; unpaid by then, the sweep cancels the order.
      if (order.orderType === 'pre-sale' && order.payment.status === 'deposit-authorized' && !order.payment.paymentIds.includes(fact.paymentId)) {
        if (order.payment.failureReason === fact.reason) return { kind: 'ignore', reason: 'balance failure already recorded' };
        return { kind: 'change', patch: { payment: { ...order.payment, failureReason: fact.reason, updatedAt: fact.at } }, release: [] };
      }
      const change = statusChange(order, 'payment-failed', 'payment-failed', SYSTEM_ACTORS.payments, at);
      if (!change) return { kind: 'ignore', reason: `no payment-failed transition from ${order.status}` };
      const effects = effectsOf(order, change.to);
      const payment: OrderPayment = { ...order.payment, status: 'failed', failureReason: fact.reason, updatedAt: fact.at };
      return { kind: 'change', patch: { payment, ...effects.patch }, transition: change.entry, release: effects.release };
    }
    case 'OrderAllocated': {
      const shipments = addAllocatedShipments(
        order.shipments,
        fact.shipments.map((s) => ({ shipmentId: s.shipmentId, warehouseId: s.warehouseId, carrier: s.carrier, lines: s.lines, status: 'CREATED' as const, updatedAt: fact.at })),
      );
      const change = statusChange(order, 'order-allocated', 'order-allocated', SYSTEM_ACTORS.fulfillment, at);
      const shipmentPatch = sameShipments(order.shipments, shipments) ? {} : { shipments };
      if (change) {
        const effects = effectsOf(order, change.to);
        return { kind: 'change', patch: { ...shipmentPatch, ...effects.patch }, transition: change.entry, release: effects.release };
      }
      if ('shipments' in shipmentPatch) return { kind: 'change', patch: shipmentPatch, release: [] };
      return { kind: 'ignore', reason: `no order-allocated transition from ${order.status}` };
    }
    case 'ShipmentStatusChanged': {
      const existing = order.shipments.find((s) => s.shipmentId === fact.shipmentId);
      if (existing && Date.parse(existing.updatedAt) > Date.parse(fact.at)) return { kind: 'ignore', reason: 'older shipment status' };
      // A cancelled shipment stays cancelled (fulfillment ignores every carrier report about it after).
      if (existing?.status === 'CANCELLED' && fact.to !== 'CANCELLED') return { kind: 'ignore', reason: 'shipment cancelled' };
      if (existing && existing.status === fact.to && existing.waybill === fact.waybill && existing.updatedAt === fact.at)
        return { kind: 'ignore', reason: 'shipment status already recorded' };
      // Two reports with one carrier timestamp (whole seconds): a redelivered earlier step never undoes a later one.
      if (existing && existing.updatedAt === fact.at && SHIPMENT_PROGRESS[fact.to] < SHIPMENT_PROGRESS[existing.status])
        return { kind: 'ignore', reason: 'earlier shipment status at the same time' };
      const updated: Shipment = {
        shipmentId: fact.shipmentId,
        ...(existing?.warehouseId ? { warehouseId: existing.warehouseId } : {}),
        ...(existing?.lines ? { lines: existing.lines } : {}),
        carrier: fact.carrier,
        waybill: fact.waybill,
        status: fact.to,
        ...(fact.exception ? { exception: fact.exception } : {}),
        updatedAt: fact.at,
      };
      return { kind: 'change', patch: { shipments: updateShipment(order.shipments, updated) }, release: [] };
    }
    case 'OrderShipped':
    case 'OrderDelivered': {
      const trigger = fact.type === 'OrderShipped' ? 'order-shipped' : 'order-delivered';
      const change = statusChange(order, trigger, trigger, SYSTEM_ACTORS.fulfillment, at);
      if (!change) return { kind: 'ignore', reason: `no ${trigger} transition from ${order.status}` };
      const effects = effectsOf(order, change.to);
      return { kind: 'change', patch: effects.patch, transition: change.entry, release: effects.release };
    }
    case 'GroupBuyCompleted': {
      if (!order.groupBuy || order.groupBuy.code !== fact.code) return { kind: 'ignore', reason: 'not a member of this group' };
      if (order.groupBuy.complete) return { kind: 'ignore', reason: 'group already complete' };
      const groupBuy: OrderGroupBuy = { ...order.groupBuy, complete: true };
      const change = order.payment.status === 'authorized' ? statusChange(order, 'payment-authorized', 'group-buy-complete', SYSTEM_ACTORS.groupBuy, at) : undefined;
      if (!change) return { kind: 'change', patch: { groupBuy }, release: [] };
      const effects = effectsOf(order, change.to);
      return { kind: 'change', patch: { groupBuy, ...effects.patch }, transition: change.entry, release: effects.release };
    }
    case 'Cancel': {
      const trigger: Trigger = fact.by === 'timeout' ? 'payment-window-expired' : 'cancel';
      if (fact.by === 'timeout' && (order.paymentDueBy === null || Date.parse(order.paymentDueBy) > ctx.now.getTime())) {
        return { kind: 'ignore', reason: 'payment window still open' };
      }
      const reason = fact.by === 'timeout' ? expiryReason(order, ctx.now) : fact.reason;
      const change = statusChange(order, trigger, reason, fact.actor, at);
      if (!change) return { kind: 'ignore', reason: `cannot cancel an order that is ${order.status}` };
      const effects = effectsOf(order, change.to);
      const cancellation: Cancellation = { by: fact.by, actor: fact.actor, reason, at };
      return { kind: 'change', patch: { ...effects.patch, cancellation }, transition: change.entry, release: effects.release, cancelled: cancellation };
    }
    case 'CorrectAddress': {
      if (!ADDRESS_CORRECTABLE.includes(order.status)) return { kind: 'ignore', reason: `not-correctable: the order is ${order.status}` };
      // Erased meanwhile (SEC-3): a correction read before the erasure must not write personal data back.
      if (order.personalDataErasedAt !== undefined) return { kind: 'ignore', reason: 'erased: the order’s personal data was erased' };
      const count = (order.addressCorrection?.count ?? 0) + 1;
      if (count > MAX_ADDRESS_CORRECTIONS) return { kind: 'ignore', reason: `correction-limit: an order's address may be corrected ${MAX_ADDRESS_CORRECTIONS} times` };
      const addressCorrection: AddressCorrection = { count, correctedAt: at, awaitingRisk: true };
      return {
        kind: 'change',
        patch: { personal: fact.personal, shippingRegion: fact.shippingRegion, addressCorrection },
        note: { at, from: order.status, to: order.status, reason: 'address-corrected', actor: fact.actor },
        release: [],
        addressCorrected: { correction: addressCorrection, riskSignals: fact.riskSignals },
      };
    }
  }
}

/** The order after a patch (the version is the repository's business). */
export function applyPatch(order: Order, patch: OrderPatch, at: string): Order {
  return { ...order, ...patch, updatedAt: at } as Order;
}

/** The reason code of an expiry: the first payment window, a pre-sale's balance window, or a group that did not fill in time. */
export function expiryReason(order: Order, now: Date): 'payment-window-expired' | 'balance-window-expired' | 'group-buy-expired' {
  if (order.groupBuy && !order.groupBuy.complete && now.getTime() >= Date.parse(order.groupBuy.expiresAt)) return 'group-buy-expired';
  return order.payment.status === 'deposit-authorized' ? 'balance-window-expired' : 'payment-window-expired';
}

/** Adds allocated shipments; a shipment already known (tracking arrived first) keeps its tracking. */
function addAllocatedShipments(existing: readonly Shipment[], allocated: readonly Shipment[]): Shipment[] {
  const byId = new Map(existing.map((s) => [s.shipmentId, s]));
  for (const shipment of allocated) {
    const current = byId.get(shipment.shipmentId);
    byId.set(shipment.shipmentId, current ? { ...current, warehouseId: current.warehouseId ?? shipment.warehouseId, lines: current.lines ?? shipment.lines } : shipment);
  }
  return [...byId.values()].sort((a, b) => a.shipmentId.localeCompare(b.shipmentId));
}

/** Replaces (or adds) one shipment's tracking. */
function updateShipment(existing: readonly Shipment[], updated: Shipment): Shipment[] {
  return [...existing.filter((s) => s.shipmentId !== updated.shipmentId), updated].sort((a, b) => a.shipmentId.localeCompare(b.shipmentId));
}

/** Equal values, whatever their keys' order (a map read back from DynamoDB keeps no key order). */
function sameShipments(a: readonly Shipment[], b: readonly Shipment[]): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Equal decisions, whatever their keys' order (as {@link sameShipments}). */
function sameRisk(a: RiskDecision | undefined, b: RiskDecision): boolean {
  return a !== undefined && canonicalJson(a) === canonicalJson(b);
}
