/**
 * What each consumed event does to analytics' records (KPI-1), pure: an order change, a risk
 * change, or a direct contribution (ticket ratings and resolutions, which depend on nothing else).
 */
import type { EventDetail } from '../../../events/event-definition.ts';
import type { OrderDelivered, DeliveryLate } from '../../../events/fulfillment-events.ts';
import type { OrderCancelled } from '../../../events/order-cancelled.ts';
import type { OrderPlaced } from '../../../events/order-placed.ts';
import type { PaymentFailed, PaymentRefunded } from '../../../events/payment-events.ts';
import type { ReturnRequested } from '../../../events/return-events.ts';
import type { RiskApproved, RiskRejected, RiskReviewRequired } from '../../../events/risk-assessed.ts';
import type { TicketStatusChanged } from '../../../events/ticket-events.ts';
import { ratingContribution, resolutionContribution, sumContributions, utcDay, type Contribution, type OrderChange, type PlacedOrder, type RiskChange } from './aggregation.ts';

/** The events analytics consumes, as the consumer hands them over. */
export type AnalyticsEvent =
  | { readonly name: 'OrderPlaced'; readonly detail: EventDetail<typeof OrderPlaced> }
  | { readonly name: 'OrderCancelled'; readonly detail: EventDetail<typeof OrderCancelled> }
  | { readonly name: 'PaymentFailed'; readonly detail: EventDetail<typeof PaymentFailed> }
  | { readonly name: 'PaymentRefunded'; readonly detail: EventDetail<typeof PaymentRefunded> }
  | { readonly name: 'ReturnRequested'; readonly detail: EventDetail<typeof ReturnRequested> }
  | { readonly name: 'OrderDelivered'; readonly detail: EventDetail<typeof OrderDelivered> }
  | { readonly name: 'DeliveryLate'; readonly detail: EventDetail<typeof DeliveryLate> }
  | { readonly name: 'RiskApproved'; readonly detail: EventDetail<typeof RiskApproved> }
  | { readonly name: 'RiskReviewRequired'; readonly detail: EventDetail<typeof RiskReviewRequired> }
  | { readonly name: 'RiskRejected'; readonly detail: EventDetail<typeof RiskRejected> }
  | { readonly name: 'TicketStatusChanged'; readonly detail: EventDetail<typeof TicketStatusChanged> };

/** What an event does. */
export interface Effect {
  readonly orderId?: string;
  readonly order?: OrderChange;
  readonly risk?: RiskChange;
  readonly direct?: Contribution;
}

/** What OrderPlaced records: totals in fen, goods value by category. */
export function placedOrder(detail: EventDetail<typeof OrderPlaced>): PlacedOrder {
  const categories: Record<string, number> = {};
  for (const line of detail.lines) categories[line.category] = (categories[line.category] ?? 0) + line.lineTotal.amount;
  return { customerId: detail.customerId, placedAt: detail.placedAt, total: detail.total.amount, paymentMethod: detail.paymentMethod, categories };
}

/** The effect of an event (an empty effect: nothing to do). */
export function effectOf(event: AnalyticsEvent): Effect {
  switch (event.name) {
    case 'OrderPlaced':
      return { orderId: event.detail.orderId, order: { kind: 'placed', placed: placedOrder(event.detail) } };
    case 'OrderCancelled':
    case 'PaymentFailed':
      return { orderId: event.detail.orderId, order: { kind: 'voided' } };
    case 'PaymentRefunded':
      return { orderId: event.detail.orderId, order: { kind: 'refunded' } };
    case 'ReturnRequested':
      return { orderId: event.detail.orderId, order: { kind: 'returned' } };
    case 'OrderDelivered':
      return { orderId: event.detail.orderId, order: { kind: 'delivered' } };
    case 'DeliveryLate':
      return { orderId: event.detail.orderId, order: { kind: 'late' } };
    case 'RiskReviewRequired':
      return event.detail.decidedBy === 'rules' ? { orderId: event.detail.orderId, risk: { kind: 'flagged', day: utcDay(event.detail.decidedAt) } } : {};
    case 'RiskRejected':
      return {
        orderId: event.detail.orderId,
        order: { kind: 'voided' },
        ...(event.detail.decidedBy === 'rules' ? { risk: { kind: 'flagged', day: utcDay(event.detail.decidedAt) } as RiskChange } : {}),
      };
    case 'RiskApproved':
      return event.detail.decidedBy === 'analyst' ? { orderId: event.detail.orderId, risk: { kind: 'analyst-approved' } } : {};
    case 'TicketStatusChanged': {
      const { detail } = event;
      const day = utcDay(detail.changedAt);
      const parts: Contribution[] = [];
      if (detail.status === 'RESOLVED' && detail.sla) parts.push(resolutionContribution(day, detail.sla.firstResponseMet, detail.sla.resolutionMet));
      if (detail.rating) parts.push(ratingContribution(day, detail.rating.score, detail.rating.nps));
      return parts.length > 0 ? { direct: sumContributions(...parts) } : {};
    }
  }
}
