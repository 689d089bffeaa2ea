/**
 * Use case (FUL-3): Kuaidi100's callbacks, `POST /webhooks/carriers/kuaidi100/{kind}` (form-encoded
 * `param` + `sign`, signed with the account's salt; carriers/kuaidi100.ts reads and verifies them).
 *
 * - `orders` — the 商家寄件 order callback: the shipment is found by its provisional waybill
 *   (`K100-<Kuaidi100 order id>`); a waybill the carrier assigned is attached to it (both lookups
 *   kept); a status that means something to us (picked up, in transit, delivered, exception) is
 *   recorded like any tracking event, keyed by Kuaidi100 order id and status code (a repeat changes
 *   nothing).
 * - `tracking` — the 订阅推送 tracking push: found by waybill; its state is recorded, keyed by
 *   waybill, state and time.
 *
 * A wrong signature is 401 and a malformed callback 400, before anything is read or written; an
 * unknown booking or waybill is 404. Statuses with no meaning for us (booked, charges settled) are
 * acknowledged and change nothing. Recording goes through recordTrackingEvent: the same state
 * machine, markers and outbox as every carrier.
 */
import type { Clock } from '../../shared/clock.ts';
import { ProblemError, badRequest, notFound } from '../../shared/errors.ts';
import { provisionalWaybill } from './carriers/kuaidi100-gateway.ts';
import { readOrderCallback, readTrackingPush, type CallbackOutcome, type MappedStatus } from './carriers/kuaidi100.ts';
import { WriteConflict, type FulfillmentRepository } from './fulfillment-repository.ts';
import type { OutboxDeps } from './outbox.ts';
import { recordTrackingEvent, type TrackingOutcome } from './record-tracking-event.ts';

/** The two callbacks. */
export const KUAIDI100_CALLBACKS = ['orders', 'tracking'] as const;
export type Kuaidi100CallbackKind = (typeof KUAIDI100_CALLBACKS)[number];

/** Ports. */
export interface Kuaidi100CallbackDeps extends OutboxDeps {
  readonly repository: FulfillmentRepository;
  readonly clock: Clock;
  /** The account's callback salt. */
  readonly salt: string;
}

/** What happened. */
export type Kuaidi100CallbackResult = {
  readonly shipmentId: string;
  readonly waybillAttached: boolean;
  readonly recorded: TrackingOutcome | { readonly outcome: 'not-tracked'; readonly note: string };
};

/** Reads the form body (`application/x-www-form-urlencoded`). */
export function formFields(raw: string | undefined): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(raw ?? ''));
}

function refused(outcome: Extract<CallbackOutcome, { ok: false }>): ProblemError {
  return outcome.reason === 'bad-signature'
    ? new ProblemError('invalid-signature', 'Invalid signature', 401, { detail: 'The sign field is missing or does not match param with this account’s salt.' })
    : badRequest('The callback is not a Kuaidi100 callback: form fields param (JSON) and sign are required.', [{ path: 'body', message: 'Malformed callback' }]);
}

/** Handles one verified-or-refused callback. */
export async function receiveKuaidi100Callback(
  deps: Kuaidi100CallbackDeps,
  kind: Kuaidi100CallbackKind,
  form: Readonly<Record<string, string | undefined>>,
  correlationId: string,
): Promise<Kuaidi100CallbackResult> {
  const outcome = kind === 'orders' ? readOrderCallback(form, deps.salt) : readTrackingPush(form, deps.salt);
  if (!outcome.ok) throw refused(outcome);
  const now = deps.clock.now().toISOString();

  if (outcome.kind === 'order') {
    const located = await deps.repository.findWaybill(provisionalWaybill(outcome.orderId));
    if (!located) throw notFound('No shipment was booked with this Kuaidi100 order id.');
    let waybill = provisionalWaybill(outcome.orderId);
    let attached = false;
    for (let attempt = 1; ; attempt++) {
      const shipment = (await deps.repository.getOrder(located.orderId)).shipments.find((s) => s.shipmentId === located.shipmentId);
      if (!shipment) throw new Error(`Kuaidi100 order ${outcome.orderId} points at a missing shipment`);
      waybill = shipment.waybill;
      if (!outcome.waybill || shipment.waybill === outcome.waybill) break;
      if (await deps.repository.attachWaybill(shipment, outcome.waybill)) {
        waybill = outcome.waybill;
        attached = true;
        break;
      }
      if (attempt >= 5) throw new WriteConflict(`shipment ${shipment.shipmentId} keeps changing`);
    }
    const recorded = await record(deps, located, waybill, outcome.mapped, `k100-order-${outcome.orderId}-${outcome.code}`, now, correlationId);
    return { shipmentId: located.shipmentId, waybillAttached: attached, recorded };
  }

  const located = await deps.repository.findWaybill(outcome.waybill);
  if (!located) throw notFound('No shipment has this waybill.');
  const recorded = await record(deps, located, outcome.waybill, outcome.mapped, `k100-track-${outcome.eventId}`, outcome.occurredAt ?? now, correlationId);
  return { shipmentId: located.shipmentId, waybillAttached: false, recorded };
}

async function record(
  deps: Kuaidi100CallbackDeps,
  located: { carrier: string },
  waybill: string,
  mapped: MappedStatus,
  eventId: string,
  occurredAt: string,
  correlationId: string,
) {
  if (mapped.status === null) return { outcome: 'not-tracked' as const, note: mapped.note };
  return recordTrackingEvent(
    deps,
    { eventId, carrier: located.carrier, waybill, status: mapped.status, ...(mapped.exception ? { exception: mapped.exception } : {}), occurredAt },
    correlationId,
  );
}
