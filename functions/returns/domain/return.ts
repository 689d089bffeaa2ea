/**
 * A return (AFT-1) and its state machine. Pure: no I/O, no AWS.
 *
 * ```
 * REQUESTED ─approve─► APPROVED ─pickup-booked─► PICKUP_BOOKED ─picked-up─► IN_TRANSIT ─received─► RECEIVED ─┬─ refunded ─► REFUNDED
 *    │  │                 │                          │                                          (later steps │─ exchanged ─► EXCHANGED
 *    │  └─reject─► REJECTED                          │                                           may skip    └─ inspection-failed ─► INSPECTION_FAILED
 *    └──────────cancel────┴──────────────cancel──────┴─► CANCELLED                                earlier ones)
 * ```
 *
 * - The customer may cancel before the parcel is picked up (REQUESTED, APPROVED, PICKUP_BOOKED).
 * - Fulfillment's updates may arrive out of order or twice: `picked-up` also leaves APPROVED,
 *   `received` also leaves APPROVED and PICKUP_BOOKED; an update the machine no longer allows is
 *   ignored (never an error).
 * - Inspection happens in RECEIVED. A passed inspection does not move the status by itself: a
 *   refund return waits in RECEIVED for payments' `PaymentRefunded` (→ REFUNDED), an exchange for
 *   fulfillment's `replacement-allocated` (→ EXCHANGED). An express refund (paid at pickup) that
 *   passes inspection goes straight to REFUNDED.
 * Terminal: REFUNDED, EXCHANGED, REJECTED, INSPECTION_FAILED, CANCELLED.
 */
import type { RETURN_REASONS, RETURN_STATUSES } from '../../../events/return-events.ts';

/** Every status of a return (defined once, with the events). */
export type ReturnStatus = (typeof RETURN_STATUSES)[number];
/** Why the customer returns. */
export type ReturnReason = (typeof RETURN_REASONS)[number];
/** Refund the units, or exchange them for others. */
export type ReturnKind = 'refund' | 'exchange';

/** What moves a return. */
export type ReturnTrigger = 'approve' | 'reject' | 'cancel' | 'pickup-booked' | 'picked-up' | 'received' | 'inspection-failed' | 'refunded' | 'exchanged';

/** The transitions table: for each trigger, the statuses it may leave and where it goes. */
export const RETURN_TRANSITIONS: Readonly<Record<ReturnTrigger, { readonly from: readonly ReturnStatus[]; readonly to: ReturnStatus }>> = {
  approve: { from: ['REQUESTED'], to: 'APPROVED' },
  reject: { from: ['REQUESTED'], to: 'REJECTED' },
  cancel: { from: ['REQUESTED', 'APPROVED', 'PICKUP_BOOKED'], to: 'CANCELLED' },
  'pickup-booked': { from: ['APPROVED'], to: 'PICKUP_BOOKED' },
  'picked-up': { from: ['APPROVED', 'PICKUP_BOOKED'], to: 'IN_TRANSIT' },
  received: { from: ['APPROVED', 'PICKUP_BOOKED', 'IN_TRANSIT'], to: 'RECEIVED' },
  'inspection-failed': { from: ['RECEIVED'], to: 'INSPECTION_FAILED' },
  refunded: { from: ['RECEIVED'], to: 'REFUNDED' },
  exchanged: { from: ['RECEIVED'], to: 'EXCHANGED' },
};

/** Statuses a return never leaves. */
export const TERMINAL_RETURN_STATUSES: readonly ReturnStatus[] = ['REFUNDED', 'EXCHANGED', 'REJECTED', 'INSPECTION_FAILED', 'CANCELLED'];

/** Statuses whose units no longer count as returned (the goods stay with, or went back to, the customer). */
export const RELEASED_RETURN_STATUSES: readonly ReturnStatus[] = ['REJECTED', 'INSPECTION_FAILED', 'CANCELLED'];

/** The reasons that are the merchant's fault (a longer window; shipping refunded on a full return). */
export const MERCHANT_FAULT_REASONS: readonly ReturnReason[] = ['damaged', 'wrong-item', 'quality', 'counterfeit'];

/** True when `reason` is the merchant's fault. */
export const isMerchantFault = (reason: ReturnReason): boolean => MERCHANT_FAULT_REASONS.includes(reason);

/** Where `trigger` takes a return in `status`, or why it cannot. */
export function returnTransition(
  status: ReturnStatus,
  trigger: ReturnTrigger,
): { readonly ok: true; readonly to: ReturnStatus } | { readonly ok: false; readonly reason: 'terminal' | 'not-allowed' } {
  const rule = RETURN_TRANSITIONS[trigger];
  if (rule.from.includes(status)) return { ok: true, to: rule.to };
  return { ok: false, reason: TERMINAL_RETURN_STATUSES.includes(status) ? 'terminal' : 'not-allowed' };
}

/** Units of one SKU. */
export interface ReturnUnits {
  readonly sku: string;
  readonly quantity: number;
}

/** A requested item: units of an order line, and for an exchange the SKU wanted instead (default the same). */
export interface ReturnItem extends ReturnUnits {
  readonly exchangeSku?: string;
}

/** One entry of a return's timeline (no free text: the staff note goes to the audit trail). */
export interface ReturnTimelineEntry {
  readonly at: string;
  readonly status: ReturnStatus;
  /** A code: `requested`, `approved`, `pickup-booked`, `inspection-passed`, `refund-requested`, `refunded`, … */
  readonly event: string;
  /** Who: the customer, a staff user id, or `system:fulfillment` / `system:payments`. */
  readonly actor: string;
}

/** The refund of a return. */
export interface ReturnRefund {
  /** Minor units (fen). */
  readonly amount: number;
  readonly currency: string;
  /** Of which the share of the order's shipping fee. */
  readonly shipping: number;
  /** Per SKU: the units refunded and their amount (their share of every discount). */
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number; readonly amount: number }>;
  /** Paid at pickup, before inspection (极速退款). */
  readonly express: boolean;
  readonly status: 'requested' | 'refunded';
  readonly requestedAt: string;
  readonly refundedAt?: string;
  readonly refundId?: string;
}

/** The doorstep pickup fulfillment booked. */
export interface ReturnPickup {
  readonly carrier: string;
  readonly warehouseId: string;
  readonly waybill?: string;
  readonly shipmentId?: string;
  readonly bookedAt?: string;
  readonly pickedUpAt?: string;
  readonly receivedAt?: string;
}

/** What ops found. */
export interface ReturnInspection {
  readonly passed: boolean;
  readonly restock: boolean;
  readonly by: string;
  readonly at: string;
  /** Where the units went back on the shelf (restock), or that they were written off. */
  readonly outcome: 'restocked' | 'written-off' | 'rejected-goods';
  readonly warehouseId?: string;
}

/** A return as stored. */
export interface Return {
  readonly returnId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly kind: ReturnKind;
  readonly reason: ReturnReason;
  readonly status: ReturnStatus;
  readonly items: readonly ReturnItem[];
  /** The customer's comment, encrypted (field encryption, entity `return`, the return id). */
  readonly comment?: string;
  readonly currency: string;
  /** What the refund would be if it were paid now (informational; the refund itself is computed when it is requested). */
  readonly refundEstimate: number;
  readonly pickup: ReturnPickup;
  readonly refund?: ReturnRefund;
  readonly inspection?: ReturnInspection;
  /** An exchange's replacement: allocated (shipped like any shipment) or unavailable (then refunded instead). */
  readonly replacement?: { readonly status: 'requested' | 'allocated' | 'unavailable'; readonly shipmentId?: string; readonly at: string };
  readonly timeline: readonly ReturnTimelineEntry[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The return after `trigger` (status, timeline), or undefined when the machine does not allow it. */
export function moved(ret: Return, trigger: ReturnTrigger, actor: string, at: string, patch: Partial<Return> = {}): Return | undefined {
  const result = returnTransition(ret.status, trigger);
  if (!result.ok) return undefined;
  return { ...ret, ...patch, status: result.to, timeline: [...ret.timeline, { at, status: result.to, event: trigger, actor }], updatedAt: at };
}

/** The return with a timeline note (no status change). */
export function noted(ret: Return, event: string, actor: string, at: string, patch: Partial<Return> = {}): Return {
  return { ...ret, ...patch, timeline: [...ret.timeline, { at, status: ret.status, event, actor }], updatedAt: at };
}
