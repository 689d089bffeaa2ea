/**
 * How an order is shown (API.md `GET /orders/{orderId}`): status, lines, totals, payment,
 * shipments, the timeline — the risk decision only to staff, personal data only when the reader
 * may see it (already decrypted by the caller). A customer never sees a staff member's user id:
 * in the timeline and the cancellation, a staff actor reads `staff` (SEC-1). Pure.
 */
import type { Money } from '../../../shared/money.ts';
import type { Cancellation, Order, OrderLine, OrderPayment, OrderStatus, OrderType, PersonalDataFields, Reservation, RiskDecision, Shipment, TimelineEntry } from './order.ts';
import type { AppliedDiscount } from './pricing.ts';

/** The decrypted personal data, when the reader may see it. */
export type VisiblePersonalData = PersonalDataFields;

/** An order as the API returns it. */
export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly orderType: OrderType;
  readonly status: OrderStatus;
  readonly placedAt: string;
  readonly updatedAt: string;
  /** Unpaid (not approved) by then → cancelled automatically; null when no payment is awaited. */
  readonly paymentDueBy: string | null;
  readonly currency: string;
  readonly lines: readonly OrderLine[];
  readonly discounts: readonly AppliedDiscount[];
  readonly subtotal: Money;
  readonly discountTotal: Money;
  readonly shippingFee: Money;
  readonly total: Money;
  readonly amountDue: Money;
  readonly balanceDue: Money;
  readonly couponCode?: string;
  readonly payment: Omit<OrderPayment, 'paymentIds'>;
  readonly shippingAddress: { readonly region: string; readonly country: string } & Partial<Omit<VisiblePersonalData, 'email'>>;
  readonly contactEmail?: string;
  readonly billingRegion?: string;
  readonly reservations: readonly Reservation[];
  readonly shipments: readonly Shipment[];
  readonly timeline: readonly TimelineEntry[];
  readonly cancellation?: Cancellation;
  readonly groupBuy?: { readonly code: string; readonly size: number; readonly expiresAt: string; readonly complete: boolean };
  /** Staff only. */
  readonly risk?: RiskDecision;
}

/** A line of `GET /orders`: no personal data. */
export interface OrderSummary {
  readonly orderId: string;
  readonly orderType: OrderType;
  readonly status: OrderStatus;
  readonly placedAt: string;
  readonly total: Money;
  readonly amountDue: Money;
  readonly itemCount: number;
  readonly paymentMethod: OrderPayment['method'];
}

/** Who reads the view: the order's customer, or staff. */
export type OrderReader = 'customer' | 'staff';

/** What a customer sees of anyone who acted on their order: themselves, `system:*`, or `staff`. */
export const STAFF_ACTOR_FOR_CUSTOMERS = 'staff';

/** The actor as `reader` may see it: staff user ids are hidden from customers. */
export function visibleActor(actor: string, order: Pick<Order, 'customerId'>, reader: OrderReader): string {
  if (reader === 'staff' || actor === order.customerId || actor.startsWith('system:')) return actor;
  return STAFF_ACTOR_FOR_CUSTOMERS;
}

/** The view of an order for `reader` (risk decision for staff only; staff ids hidden from customers). */
export function toOrderView(order: Order, timeline: readonly TimelineEntry[], options: { personal?: VisiblePersonalData; reader: OrderReader }): OrderView {
  const { paymentIds: _ids, ...payment } = order.payment;
  const p = options.personal;
  const { reader } = options;
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    orderType: order.orderType,
    status: order.status,
    placedAt: order.placedAt,
    updatedAt: order.updatedAt,
    paymentDueBy: order.paymentDueBy,
    currency: order.currency,
    lines: order.lines,
    discounts: order.discounts,
    subtotal: order.subtotal,
    discountTotal: order.discountTotal,
    shippingFee: order.shippingFee,
    total: order.total,
    amountDue: order.amountDue,
    balanceDue: order.balanceDue,
    ...(order.couponCode ? { couponCode: order.couponCode } : {}),
    payment,
    shippingAddress: p
      ? {
          name: p.name,
          phone: p.phone,
          line1: p.line1,
          ...(p.line2 !== undefined ? { line2: p.line2 } : {}),
          ...(p.province !== undefined ? { province: p.province } : {}),
          city: p.city,
          ...(p.district !== undefined ? { district: p.district } : {}),
          region: order.shippingRegion,
          postalCode: p.postalCode,
          country: order.shippingCountry,
        }
      : { region: order.shippingRegion, country: order.shippingCountry },
    ...(p ? { contactEmail: p.email } : {}),
    ...(order.billingRegion ? { billingRegion: order.billingRegion } : {}),
    reservations: order.reservations,
    shipments: order.shipments,
    timeline: reader === 'staff' ? timeline : timeline.map((entry) => ({ ...entry, actor: visibleActor(entry.actor, order, reader) })),
    ...(order.groupBuy ? { groupBuy: { code: order.groupBuy.code, size: order.groupBuy.size, expiresAt: order.groupBuy.expiresAt, complete: order.groupBuy.complete } } : {}),
    ...(order.cancellation ? { cancellation: { ...order.cancellation, actor: visibleActor(order.cancellation.actor, order, reader) } } : {}),
    ...(reader === 'staff' && order.risk ? { risk: order.risk } : {}),
  };
}

/** The summary of an order for lists. */
export function toOrderSummary(order: Order): OrderSummary {
  return {
    orderId: order.orderId,
    orderType: order.orderType,
    status: order.status,
    placedAt: order.placedAt,
    total: order.total,
    amountDue: order.amountDue,
    itemCount: order.lines.reduce((s, l) => s + l.quantity, 0),
    paymentMethod: order.payment.method,
  };
}
