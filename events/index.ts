/**
 * The registry of every event type on the bus. Producers and consumers import the definition
 * they need from its own module; tools (docs, contract tests, the local cloud) use this list.
 */
import type { AnyEventDefinition } from './event-definition.ts';
import { CustomerNotificationRequested } from './customer-notification-requested.ts';
import { DeliveryLate, OrderAllocated, OrderDelivered, OrderShipped, ReplenishmentSuggested, ShipmentStatusChanged } from './fulfillment-events.ts';
import { GroupBuyCompleted } from './group-buy-completed.ts';
import { OrderAddressCorrected } from './order-address-corrected.ts';
import { OrderCancelled } from './order-cancelled.ts';
import { OrderPlaced } from './order-placed.ts';
import { OrderStatusChanged } from './order-status-changed.ts';
import { PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentPending, PaymentRefunded, PaymentVoided } from './payment-events.ts';
import { PreSaleBalanceDue } from './pre-sale-balance-due.ts';
import { ProblemOrderRaised } from './problem-order-raised.ts';
import { ProductChanged } from './product-changed.ts';
import { RiskApproved, RiskRejected, RiskReviewRequired } from './risk-assessed.ts';
import { RiskWarningRaised } from './risk-warning-raised.ts';
import { StockAdjusted } from './stock-adjusted.ts';
import { ExchangeShipmentRequested, ReturnFulfillmentUpdated, ReturnPickupRequested, ReturnRefundRequested, ReturnRequested, ReturnStatusChanged } from './return-events.ts';
import { TicketEscalated, TicketStatusChanged } from './ticket-events.ts';

export { defineEvent, domainEvent, EventMetaSchema } from './event-definition.ts';
export type { AnyEventDefinition, DomainEvent, EventDefinition, EventDetail, EventMeta, EventPayload } from './event-definition.ts';
export { ProductChanged } from './product-changed.ts';
export type { ProductChangedPayload } from './product-changed.ts';
export {
  CustomerNotificationRequested,
  DeliveryLate,
  GroupBuyCompleted,
  OrderAddressCorrected,
  OrderAllocated,
  OrderCancelled,
  OrderDelivered,
  OrderPlaced,
  OrderShipped,
  OrderStatusChanged,
};
export { PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentPending, PaymentRefunded, PaymentVoided, PreSaleBalanceDue, ProblemOrderRaised, ReplenishmentSuggested };
export { RiskApproved, RiskRejected, RiskReviewRequired, RiskWarningRaised, ShipmentStatusChanged, StockAdjusted };
export {
  ExchangeShipmentRequested,
  ReturnFulfillmentUpdated,
  ReturnPickupRequested,
  ReturnRefundRequested,
  ReturnRequested,
  ReturnStatusChanged,
  TicketEscalated,
  TicketStatusChanged,
};

/** Every event type, by name. Add new event types here. */
export const EVENTS = {
  ProductChanged,
  StockAdjusted,
  OrderPlaced,
  OrderStatusChanged,
  OrderCancelled,
  OrderAddressCorrected,
  PreSaleBalanceDue,
  GroupBuyCompleted,
  RiskApproved,
  RiskReviewRequired,
  RiskRejected,
  RiskWarningRaised,
  PaymentAuthorized,
  PaymentPending,
  PaymentFailed,
  PaymentCaptured,
  PaymentVoided,
  PaymentRefunded,
  OrderAllocated,
  ShipmentStatusChanged,
  OrderShipped,
  OrderDelivered,
  DeliveryLate,
  ReplenishmentSuggested,
  ProblemOrderRaised,
  CustomerNotificationRequested,
  ReturnRequested,
  ReturnStatusChanged,
  ReturnPickupRequested,
  ReturnRefundRequested,
  ExchangeShipmentRequested,
  ReturnFulfillmentUpdated,
  TicketStatusChanged,
  TicketEscalated,
} as const satisfies Record<string, AnyEventDefinition>;

/** The name of a registered event type. */
export type EventName = keyof typeof EVENTS;

/** The definition of a registered event type, or `undefined` for an unknown name. */
export function findEventDefinition(name: string): AnyEventDefinition | undefined {
  return Object.hasOwn(EVENTS, name) ? EVENTS[name as EventName] : undefined;
}
