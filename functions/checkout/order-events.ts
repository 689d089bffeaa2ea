/**
 * The events checkout publishes, built from an order: ids, amounts and pseudonymous signals only —
 * never a name, phone, address or email (the publisher validates strictly against events/).
 */
import type { AnyEventDefinition, DomainEvent } from '../../events/event-definition.ts';
import { domainEvent } from '../../events/event-definition.ts';
import { OrderAllocated, OrderShipped } from '../../events/fulfillment-events.ts';
import { GroupBuyCompleted } from '../../events/group-buy-completed.ts';
import { OrderAddressCorrected } from '../../events/order-address-corrected.ts';
import { OrderCancelled } from '../../events/order-cancelled.ts';
import { OrderPlaced } from '../../events/order-placed.ts';
import { OrderStatusChanged } from '../../events/order-status-changed.ts';
import { PreSaleBalanceDue } from '../../events/pre-sale-balance-due.ts';
import type { Money } from '../../shared/money.ts';
import type { AddressCorrection, AddressRiskSignals, Cancellation, Order, TimelineEntry } from './domain/order.ts';
import type { RiskSignals } from './risk-signals.ts';

/** Every event type checkout publishes, by name (the outbox stores names). */
export const CHECKOUT_EVENTS: Readonly<Record<string, AnyEventDefinition>> = {
  [OrderPlaced.name]: OrderPlaced,
  [OrderStatusChanged.name]: OrderStatusChanged,
  [OrderCancelled.name]: OrderCancelled,
  [PreSaleBalanceDue.name]: PreSaleBalanceDue,
  [GroupBuyCompleted.name]: GroupBuyCompleted,
  [OrderAddressCorrected.name]: OrderAddressCorrected,
};

const m = (money: Money) => ({ amount: money.amount, currency: money.currency });

/**
 * OrderPlaced: the order with its reservations and risk signals — and, for card and wallet, the
 * provider's payment token (`tok_…`, never card data) that payments authorises with, sealed
 * (`PAYMENT_TOKEN_SEAL`): the event, its outbox copy, the archive and the queues hold only ciphertext.
 */
export function orderPlaced(order: Order, signals: RiskSignals, sealedPaymentToken?: string): DomainEvent {
  return domainEvent(OrderPlaced, {
    orderId: order.orderId,
    customerId: order.customerId,
    orderType: order.orderType,
    lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, category: l.category, unitPrice: m(l.unitPrice), lineTotal: m(l.lineTotal) })),
    reservations: order.reservations.map((r) => ({ sku: r.sku, warehouseId: r.warehouseId, quantity: r.quantity })),
    subtotal: m(order.subtotal),
    discountTotal: m(order.discountTotal),
    shippingFee: m(order.shippingFee),
    total: m(order.total),
    amountDue: m(order.amountDue),
    paymentMethod: order.payment.method,
    ...(sealedPaymentToken ? { sealedPaymentToken } : {}),
    ...(order.couponCode ? { couponCode: order.couponCode } : {}),
    shippingRegion: order.shippingRegion,
    ...(order.billingRegion ? { billingRegion: order.billingRegion } : {}),
    placedAt: order.placedAt,
    paymentDueBy: order.paymentDueBy ?? order.placedAt,
    riskSignals: { ...signals },
  });
}

/**
 * The statuses whose cause is itself an event announcing the same moment, so no OrderStatusChanged
 * repeats it: placement (OrderPlaced, published by the same commit), allocation (fulfillment's
 * OrderAllocated) and shipment (fulfillment's OrderShipped). Every other transition — the ones
 * checkout decides (APPROVED, IN_REVIEW, REJECTED, PAYMENT_FAILED, CANCELLED) and the end of the
 * order (DELIVERED, which fraud counts with its customer) — is announced. Each event on the bus is
 * paid for per entry, and an announced change also costs its outbox write and delete.
 */
export const ANNOUNCED_BY_THEIR_CAUSE: Readonly<Partial<Record<TimelineEntry['to'], string>>> = {
  PLACED: OrderPlaced.name,
  FULFILLING: OrderAllocated.name,
  SHIPPED: OrderShipped.name,
};

/** OrderStatusChanged for a timeline entry of `order` (the order as it is after the change), or none when its cause announced it ({@link ANNOUNCED_BY_THEIR_CAUSE}). */
export function orderStatusChanged(order: Order, entry: TimelineEntry): DomainEvent[] {
  if (ANNOUNCED_BY_THEIR_CAUSE[entry.to] !== undefined) return [];
  const event = domainEvent(OrderStatusChanged, {
    orderId: order.orderId,
    customerId: order.customerId,
    orderType: order.orderType,
    paymentMethod: order.payment.method,
    from: entry.from,
    to: entry.to,
    reason: entry.reason,
    actor: entry.actor,
    total: m(order.total),
    shippingRegion: order.shippingRegion,
    reservations: order.reservations.map((r) => ({ sku: r.sku, warehouseId: r.warehouseId, quantity: r.quantity })),
    changedAt: entry.at,
  });
  return [event];
}

/** OrderCancelled (the order after the change; `from` is the status it left). */
export function orderCancelled(order: Order, cancellation: Cancellation, from: TimelineEntry['to']): DomainEvent {
  return domainEvent(OrderCancelled, {
    orderId: order.orderId,
    customerId: order.customerId,
    paymentMethod: order.payment.method,
    from,
    cancelledBy: cancellation.by,
    actor: cancellation.actor,
    reason: cancellation.reason,
    total: m(order.total),
    cancelledAt: cancellation.at,
  });
}

/** PreSaleBalanceDue after a pre-sale deposit. */
export function preSaleBalanceDue(order: Order, balance: Money, dueBy: string): DomainEvent {
  return domainEvent(PreSaleBalanceDue, {
    orderId: order.orderId,
    customerId: order.customerId,
    paymentMethod: order.payment.method,
    total: m(order.total),
    authorized: m(order.payment.authorized),
    balance: m(balance),
    dueBy,
  });
}

/** GroupBuyCompleted for one member order of a group that just filled (ORD-5). */
export function groupBuyCompleted(memberOrderId: string, group: { code: string; sku: string; size: number; completedAt: string }): DomainEvent {
  return domainEvent(GroupBuyCompleted, { orderId: memberOrderId, groupCode: group.code, sku: group.sku, size: group.size, completedAt: group.completedAt });
}

/** OrderAddressCorrected (ORD-6): the new zone in clear, the address and phone only as keyed hashes. */
export function orderAddressCorrected(order: Order, correction: AddressCorrection, riskSignals: AddressRiskSignals): DomainEvent {
  return domainEvent(OrderAddressCorrected, {
    orderId: order.orderId,
    customerId: order.customerId,
    shippingRegion: order.shippingRegion,
    correction: correction.count,
    riskSignals: { addressHash: riskSignals.addressHash, phoneHash: riskSignals.phoneHash },
    correctedAt: correction.correctedAt,
  });
}
