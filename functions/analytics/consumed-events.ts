/** The events analytics consumes (KPI-1) and the metric its consumer emits; for the consumer and its infrastructure. */
import { DeliveryLate, OrderDelivered } from '../../events/fulfillment-events.ts';
import { OrderCancelled } from '../../events/order-cancelled.ts';
import { OrderPlaced } from '../../events/order-placed.ts';
import { PaymentFailed, PaymentRefunded } from '../../events/payment-events.ts';
import { ReturnRequested } from '../../events/return-events.ts';
import { RiskApproved, RiskRejected, RiskReviewRequired } from '../../events/risk-assessed.ts';
import { TicketStatusChanged } from '../../events/ticket-events.ts';

/** The events analytics consumes. */
export const ANALYTICS_EVENTS = [
  OrderPlaced,
  OrderCancelled,
  PaymentFailed,
  PaymentRefunded,
  ReturnRequested,
  OrderDelivered,
  DeliveryLate,
  RiskApproved,
  RiskReviewRequired,
  RiskRejected,
  TicketStatusChanged,
] as const;

/**
 * What analytics ignores of the events above, filtered out by its rule so that it is never
 * delivered (each delivery is an SQS send, receive and delete and an invocation: one of each per
 * card order, issue 15). It must agree with domain/effects.ts, which gives these events no effect:
 * a risk decision counts only when an analyst approved (a false positive) or the rules flagged or
 * rejected; a ticket's change only when it resolves the ticket or carries the customer's rating.
 * A rejection always voids its order. (`exists` matches leaves only: the rating by its score.)
 * tests/unit/analytics/consumed-events.test.ts checks that every variant the rule drops has no
 * effect, and tests/infra that the deployed rule carries these filters.
 */
export const ANALYTICS_EVENT_FILTERS: Readonly<Record<string, Record<string, unknown>>> = {
  [RiskApproved.name]: { decidedBy: ['analyst'] },
  [RiskReviewRequired.name]: { decidedBy: ['rules'] },
  [TicketStatusChanged.name]: { $or: [{ status: ['RESOLVED'] }, { rating: { score: [{ exists: true }] } }] },
};

/** The metric of the fraud false-positive rate (percent, of the day of the decision's assessment). */
export const FRAUD_FALSE_POSITIVE_METRIC = 'FraudFalsePositiveRate';
