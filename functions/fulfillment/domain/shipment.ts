/**
 * The shipment state machine (FUL-3) and the order-level aggregation. Pure: no I/O.
 *
 *   CREATED → PICKED_UP → IN_TRANSIT → OUT_FOR_DELIVERY → DELIVERED
 *        │       └──────────────┴────────────┴──────────────→ EXCEPTION (undeliverable address, lost, refused)
 *        └──→ CANCELLED (the order was cancelled before the carrier picked the parcel up; only
 *             fulfillment sets it (cancel-fulfillment.ts), it is final, and every carrier report
 *             about it afterwards is ignored)
 *
 * Every applied change is published as `ShipmentStatusChanged { from, to }`, CREATED → CANCELLED
 * included (checkout's read model of the order shows the shipment cancelled).
 *
 * Carriers deliver tracking events late, twice and out of order, so a reported status is applied
 * by rank, not by strict succession:
 * - a forward jump is applied (DELIVERED before IN_TRANSIT was seen: the parcel is delivered; the
 *   skipped statuses are reported as `skipped`);
 * - a regression (IN_TRANSIT after OUT_FOR_DELIVERY), a repeat of the current status, anything
 *   after DELIVERED, and CREATED (only fulfillment creates) are ignored;
 * - EXCEPTION is accepted from any status before DELIVERED; after an EXCEPTION only DELIVERED is
 *   accepted (the parcel reached the customer after all, e.g. once the address was corrected).
 *
 * A shipment has *left* once the carrier reports anything beyond CREATED (an exception is only
 * reported for a parcel the carrier holds). The order is SHIPPED when every shipment has left and
 * DELIVERED when every one is delivered.
 */

export const SHIPMENT_STATUSES = ['CREATED', 'PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'CANCELLED'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** The statuses a carrier's tracking can move a shipment through (CANCELLED is fulfillment's own). */
export type TrackedStatus = Exclude<ShipmentStatus, 'CANCELLED'>;

/** Exceptions a carrier reports. */
export const SHIPMENT_EXCEPTIONS = ['undeliverable-address', 'lost', 'refused'] as const;
export type ShipmentException = (typeof SHIPMENT_EXCEPTIONS)[number];

/** The linear progress statuses, in order. */
const PROGRESS: readonly ShipmentStatus[] = ['CREATED', 'PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'];

/** Why a reported status was not applied. */
export type IgnoreReason = 'same-status' | 'regression' | 'already-delivered' | 'after-exception' | 'created-is-internal' | 'shipment-cancelled';

/** The outcome of applying a reported status to a shipment. */
export type TrackingDecision =
  | { readonly kind: 'apply'; readonly from: TrackedStatus; readonly to: TrackedStatus; readonly skipped: readonly ShipmentStatus[] }
  | { readonly kind: 'ignore'; readonly reason: IgnoreReason };

/** Decides what a reported status does to a shipment currently at `current`. */
export function decideTracking(current: ShipmentStatus, reported: ShipmentStatus): TrackingDecision {
  if (current === 'CANCELLED') return { kind: 'ignore', reason: 'shipment-cancelled' };
  // CREATED and CANCELLED are fulfillment's own statuses, never a carrier's to report.
  if (reported === 'CREATED' || reported === 'CANCELLED')
    return { kind: 'ignore', reason: current === 'CREATED' && reported === 'CREATED' ? 'same-status' : 'created-is-internal' };
  if (current === 'DELIVERED') return { kind: 'ignore', reason: reported === 'DELIVERED' ? 'same-status' : 'already-delivered' };
  if (current === reported) return { kind: 'ignore', reason: 'same-status' };
  if (current === 'EXCEPTION') {
    return reported === 'DELIVERED' ? { kind: 'apply', from: current, to: reported, skipped: [] } : { kind: 'ignore', reason: 'after-exception' };
  }
  if (reported === 'EXCEPTION') return { kind: 'apply', from: current, to: reported, skipped: [] };
  const from = PROGRESS.indexOf(current);
  const to = PROGRESS.indexOf(reported);
  if (to < from) return { kind: 'ignore', reason: 'regression' };
  return { kind: 'apply', from: current, to: reported, skipped: PROGRESS.slice(from + 1, to) };
}

/** True once the carrier holds the parcel (anything beyond CREATED, except a cancellation). */
export function hasLeft(status: ShipmentStatus): boolean {
  return status !== 'CREATED' && status !== 'CANCELLED';
}

/** True while a cancelled order's shipment can still be cancelled (the carrier has not picked it up). */
export function isRecallable(status: ShipmentStatus): boolean {
  return status === 'CREATED';
}

/** True while the shipment still has a delivery deadline to meet (not delivered, no exception, not cancelled). */
export function isAwaitingDelivery(status: ShipmentStatus): boolean {
  return status !== 'DELIVERED' && status !== 'EXCEPTION' && status !== 'CANCELLED';
}

/** Where an order stands across its shipments. */
export interface OrderProgress {
  /** Every shipment has left its warehouse (the order is SHIPPED; card and wallet are captured). */
  readonly allLeft: boolean;
  /** Every shipment was delivered (the order is DELIVERED; cash on delivery is captured). */
  readonly allDelivered: boolean;
}

/** The order's progress from its shipments' statuses (cancelled ones do not count). An order without shipments has done nothing. */
export function orderProgress(all: readonly ShipmentStatus[]): OrderProgress {
  const statuses = all.filter((s) => s !== 'CANCELLED');
  if (statuses.length === 0) return { allLeft: false, allDelivered: false };
  return { allLeft: statuses.every(hasLeft), allDelivered: statuses.every((s) => s === 'DELIVERED') };
}

/** What the order-level flags must become after a change, given whether they were already set. */
export interface OrderMilestones {
  /** Emit OrderShipped now (first time every shipment has left). */
  readonly shipped: boolean;
  /** Emit OrderDelivered now (first time every shipment is delivered). */
  readonly delivered: boolean;
}

/** The order milestones reached for the first time (each fires exactly once). */
export function newMilestones(progress: OrderProgress, already: { shipped: boolean; delivered: boolean }): OrderMilestones {
  return { shipped: progress.allLeft && !already.shipped, delivered: progress.allDelivered && !already.delivered };
}
