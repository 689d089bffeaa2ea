/**
 * Use cases (RISK-2, RISK-6): learn from what happened to orders after the assessment.
 *  - `PaymentFailed` → the customer's failed-payment counter (24 h window) and profile;
 *  - `PaymentRefunded` with a fraud reason (RISK_FRAUD_REFUND_REASONS, default `fraud`) → confirmed
 *    fraud in the profile, the assessment flagged (ground truth for backtests), a risk event;
 *  - `OrderStatusChanged` to `DELIVERED` → good history in the profile.
 * Each is counted once (a marker per payment / order in the same transaction): replays change nothing.
 */
import type { EventPayload } from '../../events/event-definition.ts';
import type { OrderStatusChanged } from '../../events/order-status-changed.ts';
import type { PaymentFailed, PaymentRefunded } from '../../events/payment-events.ts';
import type { AssessmentStore } from './assessment-store.ts';
import type { SignalStore } from './signal-store.ts';

/** Ports of the outcome use cases. */
export interface OutcomeDeps {
  readonly assessments: Pick<AssessmentStore, 'get' | 'recordOutcome'>;
  readonly signals: Pick<SignalStore, 'recordPaymentFailure'>;
  readonly newId: (at?: Date) => string;
  readonly fraudRefundReasons: ReadonlySet<string>;
}

/** What an outcome event did. */
export type OutcomeResult = 'recorded' | 'duplicate' | 'ignored';

/** A failed payment. */
export async function recordPaymentFailed(deps: OutcomeDeps, event: EventPayload<typeof PaymentFailed>): Promise<OutcomeResult> {
  const result = await deps.signals.recordPaymentFailure(event.customerId, event.paymentId, Date.parse(event.failedAt));
  return result === 'counted' ? 'recorded' : 'duplicate';
}

/** A refund: confirmed fraud when its reason says so. */
export async function recordPaymentRefunded(deps: OutcomeDeps, event: EventPayload<typeof PaymentRefunded>): Promise<OutcomeResult> {
  if (!deps.fraudRefundReasons.has(event.reason)) return 'ignored';
  const assessment = await deps.assessments.get(event.orderId);
  return deps.assessments.recordOutcome(
    'confirmed-fraud',
    event.orderId,
    event.customerId,
    event.refundedAt,
    assessment ? { fraudRefundOf: assessment, eventId: deps.newId(new Date(event.refundedAt)) } : {},
  );
}

/** An order status change: delivered orders are good history. */
export async function recordOrderStatusChanged(deps: OutcomeDeps, event: EventPayload<typeof OrderStatusChanged>): Promise<OutcomeResult> {
  if (event.to !== 'DELIVERED') return 'ignored';
  return deps.assessments.recordOutcome('delivered', event.orderId, event.customerId, event.changedAt);
}
