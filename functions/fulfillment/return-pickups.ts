/**
 * Use case (AFT-1, FUL-3): returns asked for a doorstep pickup (`ReturnPickupRequested`) → book a
 * return shipment with the carrier, from the customer's address to the receiving warehouse.
 *
 * 1. Once per return: the marker `RETURN_PICKUP#<returnId>` is written in the same transaction as
 *    the shipment; a replay (or the same request under another event id) finds it and only
 *    republishes its outbox if that was interrupted. The shipment id is derived from the return id
 *    and the warehouse, so a retry computes the same id — and the sandbox the same waybill; a carrier
 *    whose booking is not idempotent (Kuaidi100) has its booking recorded before the commit and
 *    reused (as allocation does).
 * 2. The carrier: the one the event names if the platform books it, else the order's own (the
 *    carrier of its first shipment).
 * 3. The customer's address is read just in time through checkout's recipient contract, only by a
 *    carrier that prints a label (never the sandbox), passed straight into the booking as the
 *    sender (`direction: 'return'`) — never stored, logged or published.
 * 4. ONE transaction: the shipment (`purpose: 'return-pickup'`, the returned units, the order's
 *    region, never on the late-delivery index), its waybill lookup (so the carrier's tracking —
 *    webhook, Kuaidi100 callback, the sandbox carrier's reports — finds it like any shipment) and
 *    the marker whose outbox holds `ReturnFulfillmentUpdated` `pickup-booked` (shipmentId, carrier,
 *    waybill, warehouseId).
 *
 * Tracking of the parcel then goes through record-tracking-event.ts: `picked-up` and `received`,
 * never the order's OrderShipped/OrderDelivered.
 */
import type { Clock } from '../../shared/clock.ts';
import type { EventPayload } from '../../events/event-definition.ts';
import { ReturnFulfillmentUpdated, type ReturnPickupRequested } from '../../events/return-events.ts';
import type { Booked, BookingRequest, CarrierGateway, Recipient } from './carrier-gateway.ts';
import { shipmentIdFor } from './domain/allocation.ts';
import { deliveryDueBy, type DeliveryTimeLimits } from './domain/time-limits.ts';
import { MarkerExists, WriteConflict, type FulfillmentRepository, type ShipmentRecord } from './fulfillment-repository.ts';
import { flushMarker, outboxEvent, type OutboxDeps } from './outbox.ts';
import { BOOKABLE_CARRIERS } from './settings.ts';

/** Ports and settings. */
export interface ReturnPickupDeps extends OutboxDeps {
  readonly repository: FulfillmentRepository;
  readonly carrier: CarrierGateway;
  /** Checkout's recipient contract: the order's recipient (here the sender), decrypted just in time. */
  readonly recipients: (orderId: string) => Promise<Recipient>;
  readonly clock: Clock;
  readonly deliveryTimeLimits: DeliveryTimeLimits;
}

/** The request, as the event carries it, plus its correlation id. */
export type PickupRequest = EventPayload<typeof ReturnPickupRequested> & { readonly correlationId: string };

export type PickupOutcome = { readonly outcome: 'booked'; readonly shipment: ShipmentRecord } | { readonly outcome: 'already-booked' };

/** Waiting for something that has not happened yet (redelivered later). */
export class ReturnNotReadyError extends Error {
  override readonly name = 'ReturnNotReadyError';
}

export const RETURN_PICKUP = 'RETURN_PICKUP';

/** The return pickup's shipment id (deterministic: a retry books the same shipment). */
export const returnPickupShipmentId = (returnId: string, warehouseId: string): string => shipmentIdFor(returnId, `return-pickup|${warehouseId}`);

/** The carrier to book: the one named if bookable, else the order's own. */
export function pickupCarrier(named: string, orderShipments: readonly ShipmentRecord[]): string {
  if (BOOKABLE_CARRIERS.includes(named)) return named;
  const own = orderShipments.find((s) => s.purpose === undefined && s.status !== 'CANCELLED') ?? orderShipments.find((s) => s.purpose === undefined);
  if (!own) throw new ReturnNotReadyError(`no shipment of the order to take the carrier from (named ${named})`);
  return own.carrier;
}

/**
 * The weight and declared value of the returned units, shared out from the order's shipments by
 * unit (fulfillment keeps weights and values per shipment, not per SKU).
 */
export function returnedWeightAndValue(
  items: ReadonlyArray<{ sku: string; quantity: number }>,
  orderShipments: readonly ShipmentRecord[],
): { weightGrams: number; valueMinor: number } {
  let weightGrams = 0;
  let valueMinor = 0;
  for (const item of items) {
    const shipment = orderShipments.find((s) => s.purpose === undefined && s.lines.some((l) => l.sku === item.sku));
    if (!shipment) continue;
    const units = shipment.lines.reduce((sum, l) => sum + l.quantity, 0) || 1;
    weightGrams += Math.round((shipment.weightGrams * item.quantity) / units);
    valueMinor += Math.round((shipment.valueMinor * item.quantity) / units);
  }
  return { weightGrams: Math.max(1, weightGrams), valueMinor };
}

/** Books the return pickup (idempotent per return). */
export async function requestReturnPickup(deps: ReturnPickupDeps, request: PickupRequest): Promise<PickupOutcome> {
  const existing = await deps.repository.getMarker(RETURN_PICKUP, request.returnId);
  if (existing) {
    await flushMarker(deps, existing);
    return { outcome: 'already-booked' };
  }
  const { summary, shipments } = await deps.repository.getOrder(request.orderId);
  if (!summary || summary.status !== 'ALLOCATED')
    throw new ReturnNotReadyError(`order ${request.orderId} is not fulfilled here (${summary?.status ?? 'unknown'}); cannot book the pickup of return ${request.returnId}`);

  const now = deps.clock.now();
  const at = now.toISOString();
  const carrier = pickupCarrier(request.carrier, shipments);
  const shipmentId = returnPickupShipmentId(request.returnId, request.warehouseId);
  const { weightGrams, valueMinor } = returnedWeightAndValue(request.items, shipments);
  const booking: BookingRequest = {
    shipmentId,
    orderId: request.orderId,
    carrier,
    warehouseId: request.warehouseId,
    region: summary.shippingRegion,
    weightGrams,
    cargo: 'returned goods',
    direction: 'return',
  };
  const booked = await bookOnce(deps, booking, at);
  const shipment: ShipmentRecord = {
    purpose: 'return-pickup',
    returnId: request.returnId,
    shipmentId,
    orderId: request.orderId,
    customerId: summary.customerId,
    warehouseId: request.warehouseId,
    carrier,
    carrierRule: 'return-pickup',
    waybill: booked.waybill,
    ...(booked.booking ? { booking: booked.booking } : {}),
    region: summary.shippingRegion,
    lines: request.items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
    weightGrams,
    valueMinor,
    status: 'CREATED',
    createdAt: at,
    // Informational only: a return pickup is never on the late-delivery index.
    dueBy: deliveryDueBy(deps.deliveryTimeLimits, carrier, summary.shippingRegion, now).toISOString(),
    history: [{ status: 'CREATED', at }],
    version: 1,
  };
  const marker = {
    kind: RETURN_PICKUP,
    key: request.returnId,
    correlationId: request.correlationId,
    createdAt: at,
    outcome: { orderId: request.orderId, shipmentId, carrier },
    events: [
      outboxEvent(ReturnFulfillmentUpdated, {
        returnId: request.returnId,
        orderId: request.orderId,
        update: 'pickup-booked',
        shipmentId,
        carrier,
        waybill: booked.waybill,
        warehouseId: request.warehouseId,
        at,
      }),
    ],
  };
  try {
    await deps.repository.commitReturnShipments({ shipments: [shipment], stock: [], marker });
  } catch (error) {
    if (error instanceof MarkerExists || error instanceof WriteConflict) {
      // A concurrent delivery of the same request won: publish its outbox.
      const winner = await deps.repository.getMarker(RETURN_PICKUP, request.returnId);
      if (winner) {
        await flushMarker(deps, winner);
        return { outcome: 'already-booked' };
      }
    }
    throw error;
  }
  await flushMarker(deps, marker);
  return { outcome: 'booked', shipment };
}

/** Books once: an idempotent carrier is simply asked; any other's booking is recorded and reused. */
async function bookOnce(deps: ReturnPickupDeps, request: BookingRequest, at: string): Promise<Booked> {
  const sender = () => deps.recipients(request.orderId);
  if (deps.carrier.idempotent) return deps.carrier.book(request, sender);
  const recorded = await deps.repository.getBooking(request.orderId, request.shipmentId);
  if (recorded) return recorded;
  const booked = await deps.carrier.book(request, sender);
  await deps.repository.putBooking(request.orderId, request.shipmentId, booked, at);
  return booked;
}
