/**
 * Use case: apply an event from another capability to its order (flow steps 3, 5 and 7 of the
 * order flow). Each event type becomes an {@link OrderFact}; {@link changeOrder} does the rest.
 * A redelivered event changes nothing (the order's state recognises it, change-order.ts); a late or
 * out-of-order event that no longer applies is ignored (logged as such).
 */
import type { AnyEventDefinition, EventMeta, EventPayload } from '../../events/event-definition.ts';
import { GroupBuyCompleted } from '../../events/group-buy-completed.ts';
import { OrderAllocated, OrderDelivered, OrderShipped, ShipmentStatusChanged } from '../../events/fulfillment-events.ts';
import { PaymentAuthorized, PaymentFailed, PaymentPending } from '../../events/payment-events.ts';
import { RiskApproved, RiskRejected, RiskReviewRequired } from '../../events/risk-assessed.ts';
import { changeOrder, type ChangeOrderDeps, type ChangeOrderOutcome } from './change-order.ts';
import type { OrderFact } from './domain/order.ts';

/** The events checkout consumes. */
export const CONSUMED_EVENTS: readonly AnyEventDefinition[] = [
  RiskApproved,
  RiskReviewRequired,
  RiskRejected,
  PaymentAuthorized,
  PaymentPending,
  PaymentFailed,
  OrderAllocated,
  ShipmentStatusChanged,
  OrderShipped,
  OrderDelivered,
  GroupBuyCompleted,
];

/** An event checkout consumes but has no order fact for. */
export class UnexpectedEventError extends Error {
  override readonly name = 'UnexpectedEventError';
}

/** A consumed event, parsed. */
export interface InboundEvent {
  readonly name: string;
  readonly orderId: string;
  readonly fact: OrderFact;
  readonly meta: EventMeta;
}

/** The {@link InboundEvent} of a consumed event (its detail already validated against its schema). */
export function inboundEvent(name: string, detail: Record<string, unknown> & { orderId: string; meta: EventMeta }): InboundEvent {
  return { name, orderId: detail.orderId, fact: factOf(name, detail), meta: detail.meta };
}

/** The fact an event states. */
function factOf(name: string, d: Record<string, unknown>): OrderFact {
  switch (name) {
    case RiskApproved.name:
    case RiskReviewRequired.name:
    case RiskRejected.name: {
      const r = d as unknown as EventPayload<typeof RiskApproved>;
      return {
        type: name as 'RiskApproved' | 'RiskReviewRequired' | 'RiskRejected',
        decision: {
          assessmentId: r.assessmentId,
          score: r.score,
          level: r.level,
          rulesFired: r.rulesFired,
          decidedBy: r.decidedBy,
          ...(r.analystId ? { analystId: r.analystId } : {}),
          decidedAt: r.decidedAt,
          ...(r.addressCorrections ? { addressCorrections: r.addressCorrections } : {}),
        },
      };
    }
    case PaymentAuthorized.name: {
      const p = d as unknown as EventPayload<typeof PaymentAuthorized>;
      return { type: 'PaymentAuthorized', paymentId: p.paymentId, amount: p.amount, captureOn: p.captureOn, at: p.authorizedAt };
    }
    case PaymentPending.name: {
      const p = d as unknown as EventPayload<typeof PaymentPending>;
      return { type: 'PaymentPending', paymentId: p.paymentId, at: p.pendingSince };
    }
    case PaymentFailed.name: {
      const p = d as unknown as EventPayload<typeof PaymentFailed>;
      return { type: 'PaymentFailed', paymentId: p.paymentId, reason: p.reason, at: p.failedAt };
    }
    case OrderAllocated.name: {
      const p = d as unknown as EventPayload<typeof OrderAllocated>;
      return { type: 'OrderAllocated', shipments: p.shipments, at: p.allocatedAt };
    }
    case ShipmentStatusChanged.name: {
      const p = d as unknown as EventPayload<typeof ShipmentStatusChanged>;
      return {
        type: 'ShipmentStatusChanged',
        shipmentId: p.shipmentId,
        carrier: p.carrier,
        waybill: p.waybill,
        to: p.to,
        ...(p.exception ? { exception: p.exception } : {}),
        at: p.changedAt,
      };
    }
    case OrderShipped.name:
      return { type: 'OrderShipped', at: (d as unknown as EventPayload<typeof OrderShipped>).shippedAt };
    case OrderDelivered.name:
      return { type: 'OrderDelivered', at: (d as unknown as EventPayload<typeof OrderDelivered>).deliveredAt };
    case GroupBuyCompleted.name: {
      const p = d as unknown as EventPayload<typeof GroupBuyCompleted>;
      return { type: 'GroupBuyCompleted', code: p.groupCode, at: p.completedAt };
    }
    default:
      throw new UnexpectedEventError(`no fact for ${name}`);
  }
}

/** Applies a parsed event to its order. */
export async function applyOrderEvent(deps: ChangeOrderDeps, event: InboundEvent): Promise<ChangeOrderOutcome> {
  return changeOrder(deps, { orderId: event.orderId, fact: event.fact, correlationId: event.meta.correlationId });
}
