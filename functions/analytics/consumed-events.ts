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

/** The metric of the fraud false-positive rate (percent, of the day of the decision's assessment). */
export const FRAUD_FALSE_POSITIVE_METRIC = 'FraudFalsePositiveRate';
