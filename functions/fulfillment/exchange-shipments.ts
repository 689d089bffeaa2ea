/**
 * Use case (AFT-1, FUL-1): an exchange's replacement (`ExchangeShipmentRequested`) → reserve the
 * replacement units and ship them to the order's address with the order's carrier.
 *
 * 1. Once per return: the marker `EXCHANGE#<returnId>` is written in the same transaction as the
 *    stock picks and the shipments; a replay (or the request under another event id) finds it and
 *    only republishes its outbox if that was interrupted.
 * 2. Stock, the way allocation takes it (catalog's stock contract): plan with current available
 *    stock in the active warehouses (catalog's planAllocation, nearest first to the order's region);
 *    each planned warehouse's units are picked with `pickStock(q, reserved 0)` — conditional on
 *    `available ≥ q`, so stock is never oversold. The replacement's stock records are its own,
 *    keyed by the return id (`RESERVATION#<returnId>`): the order's records for the same SKU and
 *    warehouse already exist (picked for the original delivery). Stock taken concurrently → plan
 *    again (up to 3 tries).
 * 3. Not enough stock (or an unknown SKU) → nothing picked or shipped; the marker alone publishes
 *    `ReturnFulfillmentUpdated` `replacement-unavailable` (once).
 * 4. One shipment per planned warehouse (`purpose: 'replacement'`, shipment id from the return id
 *    and warehouse), with the order's carrier (its first shipment's) to the order's region, booked
 *    like allocation books (a real carrier reads the recipient just in time through checkout's
 *    recipient contract; its booking is recorded and reused). It waits for delivery on the
 *    late-delivery index like any shipment; its tracking publishes `ShipmentStatusChanged` but never
 *    the order's OrderShipped/OrderDelivered (so no second capture).
 * 5. ONE transaction: stock picks + shipments + waybill lookups + the marker whose outbox holds
 *    `ReturnFulfillmentUpdated` `replacement-allocated` per shipment (shipmentId, carrier, waybill,
 *    warehouseId).
 */
import type { Clock } from '../../shared/clock.ts';
import type { EventPayload } from '../../events/event-definition.ts';
import { ReturnFulfillmentUpdated, type ExchangeShipmentRequested } from '../../events/return-events.ts';
import { holderBucket, pickStock, planAllocation, reservableAtOnce, type CatalogReader, type RegionDistances, type StockTransactItem } from '../catalog/stock-contract.ts';
import type { Booked, BookingRequest, CarrierGateway, Recipient } from './carrier-gateway.ts';
import { shipmentIdFor } from './domain/allocation.ts';
import { deliveryDueBy, type DeliveryTimeLimits } from './domain/time-limits.ts';
import { MarkerExists, StockUnavailable, WriteConflict, type FulfillmentRepository, type NewMarker, type ShipmentRecord } from './fulfillment-repository.ts';
import { flushMarker, outboxEvent, type OutboxDeps } from './outbox.ts';
import { ReturnNotReadyError } from './return-pickups.ts';

/** Ports and settings. */
export interface ExchangeDeps extends OutboxDeps {
  readonly repository: FulfillmentRepository;
  readonly catalog: Pick<CatalogReader, 'entries' | 'warehouses'>;
  /** The catalog table (for catalog's stock transaction items). */
  readonly catalogTableName: string;
  readonly carrier: CarrierGateway;
  /** Checkout's recipient contract: the order's recipient, decrypted just in time (only carriers that print labels call it). */
  readonly recipients: (orderId: string) => Promise<Recipient>;
  readonly clock: Clock;
  readonly deliveryTimeLimits: DeliveryTimeLimits;
  readonly distances: RegionDistances;
  readonly maxAttempts?: number;
}

/** The request, as the event carries it, plus its correlation id. */
export type ExchangeRequest = EventPayload<typeof ExchangeShipmentRequested> & { readonly correlationId: string };

export type ExchangeOutcome =
  | { readonly outcome: 'allocated'; readonly shipments: readonly ShipmentRecord[] }
  | { readonly outcome: 'unavailable'; readonly why: string }
  | { readonly outcome: 'already-done' };

export const EXCHANGE = 'EXCHANGE';

/** A replacement shipment's id (deterministic: a retry books the same shipment). */
export const replacementShipmentId = (returnId: string, warehouseId: string): string => shipmentIdFor(returnId, `replacement|${warehouseId}`);

/** Reserves and ships an exchange's replacement (idempotent per return). */
export async function shipReplacement(deps: ExchangeDeps, request: ExchangeRequest): Promise<ExchangeOutcome> {
  const existing = await deps.repository.getMarker(EXCHANGE, request.returnId);
  if (existing) {
    await flushMarker(deps, existing);
    return { outcome: 'already-done' };
  }
  const { summary, shipments: orderShipments } = await deps.repository.getOrder(request.orderId);
  if (!summary || summary.status !== 'ALLOCATED')
    throw new ReturnNotReadyError(`order ${request.orderId} is not fulfilled here (${summary?.status ?? 'unknown'}); cannot ship the replacement of return ${request.returnId}`);
  const own = orderShipments.find((s) => s.purpose === undefined && s.status !== 'CANCELLED') ?? orderShipments.find((s) => s.purpose === undefined);
  if (!own) throw new ReturnNotReadyError(`order ${request.orderId} has no shipment to take the carrier from`);
  const carrier = own.carrier;
  const region = summary.shippingRegion;

  const maxAttempts = deps.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now();
    const at = now.toISOString();
    const skus = [...new Set(request.items.map((i) => i.sku))];
    const [entries, warehouses] = await Promise.all([deps.catalog.entries(skus), deps.catalog.warehouses()]);
    const missing = skus.filter((sku) => !entries.has(sku));
    const plan =
      missing.length > 0
        ? undefined
        : planAllocation({
            lines: request.items,
            // A hot SKU's stock split into buckets: a pick takes from one holder (a bucket or the counter).
            stock: [...entries.values()].flatMap((e) => e.stock.map((s) => ({ sku: s.sku, warehouseId: s.warehouseId, available: Math.max(0, reservableAtOnce(s)) }))),
            warehouses: warehouses.filter((w) => w.active).map((w) => ({ warehouseId: w.warehouseId, region: w.region })),
            shippingRegion: region,
            distances: deps.distances,
          });
    if (!plan || !plan.ok) {
      const why = plan ? `out of stock: ${plan.shortages.map((s) => `${s.sku} (${s.available} of ${s.requested})`).join(', ')}` : `not in the catalog: ${missing.join(', ')}`;
      return unavailable(deps, request, why, at);
    }

    const shipments: ShipmentRecord[] = [];
    const stock: StockTransactItem[] = [];
    for (const allocation of plan.allocations) {
      const shipmentId = replacementShipmentId(request.returnId, allocation.warehouseId);
      let weightGrams = 0;
      let valueMinor = 0;
      for (const line of allocation.lines) {
        const product = entries.get(line.sku)?.product;
        weightGrams += (product?.attributes.weightGrams ?? 0) * line.quantity;
        valueMinor += (product?.price.amount ?? 0) * line.quantity;
        const level = entries.get(line.sku)?.stock.find((l) => l.warehouseId === allocation.warehouseId);
        const bucket = holderBucket(level, line.quantity, request.returnId);
        stock.push(
          ...pickStock(
            deps.catalogTableName,
            {
              orderId: request.returnId,
              sku: line.sku,
              warehouseId: allocation.warehouseId,
              quantity: line.quantity,
              reservedQuantity: 0,
              ...(bucket === undefined ? {} : { bucket }),
            },
            now,
          ),
        );
      }
      const cargo = [...new Set(allocation.lines.map((l) => entries.get(l.sku)?.product.category ?? 'goods'))].sort().join(', ');
      const booked = await bookOnce(
        deps,
        { shipmentId, orderId: request.orderId, carrier, warehouseId: allocation.warehouseId, region, weightGrams: Math.max(1, weightGrams), cargo, direction: 'outbound' },
        at,
      );
      shipments.push({
        purpose: 'replacement',
        returnId: request.returnId,
        shipmentId,
        orderId: request.orderId,
        customerId: summary.customerId,
        warehouseId: allocation.warehouseId,
        carrier,
        carrierRule: 'exchange-replacement',
        waybill: booked.waybill,
        ...(booked.booking ? { booking: booked.booking } : {}),
        region,
        lines: allocation.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        weightGrams: Math.max(1, weightGrams),
        valueMinor,
        status: 'CREATED',
        createdAt: at,
        dueBy: deliveryDueBy(deps.deliveryTimeLimits, carrier, region, now).toISOString(),
        history: [{ status: 'CREATED', at }],
        version: 1,
      });
    }
    const marker: NewMarker = {
      kind: EXCHANGE,
      key: request.returnId,
      correlationId: request.correlationId,
      createdAt: at,
      outcome: { orderId: request.orderId, result: 'allocated', shipments: shipments.length },
      events: shipments.map((s) =>
        outboxEvent(ReturnFulfillmentUpdated, {
          returnId: request.returnId,
          orderId: request.orderId,
          update: 'replacement-allocated',
          shipmentId: s.shipmentId,
          carrier: s.carrier,
          waybill: s.waybill,
          warehouseId: s.warehouseId,
          at,
        }),
      ),
    };
    try {
      await deps.repository.commitReturnShipments({ shipments, stock, marker });
    } catch (error) {
      if (error instanceof MarkerExists) return alreadyDone(deps, request.returnId);
      if ((error instanceof StockUnavailable || error instanceof WriteConflict) && attempt < maxAttempts) continue;
      // Still no stock after re-planning: the replacement is unavailable (a concurrent duplicate may have won: then it is done).
      if (error instanceof StockUnavailable) {
        if (await deps.repository.getMarker(EXCHANGE, request.returnId)) return alreadyDone(deps, request.returnId);
        return unavailable(deps, request, `stock taken concurrently: ${error.items.map((i) => `${i.sku}@${i.warehouseId}`).join(', ')}`, at);
      }
      throw error;
    }
    await flushMarker(deps, marker);
    return { outcome: 'allocated', shipments };
  }
}

async function alreadyDone(deps: ExchangeDeps, returnId: string): Promise<ExchangeOutcome> {
  const winner = await deps.repository.getMarker(EXCHANGE, returnId);
  if (winner) await flushMarker(deps, winner);
  return { outcome: 'already-done' };
}

/** Records, once, that the replacement cannot be shipped (the marker alone, with its outbox). */
async function unavailable(deps: ExchangeDeps, request: ExchangeRequest, why: string, at: string): Promise<ExchangeOutcome> {
  const marker: NewMarker = {
    kind: EXCHANGE,
    key: request.returnId,
    correlationId: request.correlationId,
    createdAt: at,
    outcome: { orderId: request.orderId, result: 'unavailable', why: why.slice(0, 300) },
    events: [outboxEvent(ReturnFulfillmentUpdated, { returnId: request.returnId, orderId: request.orderId, update: 'replacement-unavailable', at })],
  };
  try {
    await deps.repository.putMarker(marker);
  } catch (error) {
    if (error instanceof MarkerExists) return alreadyDone(deps, request.returnId);
    throw error;
  }
  await flushMarker(deps, marker);
  return { outcome: 'unavailable', why };
}

/** Books once: an idempotent carrier is simply asked; any other's booking is recorded and reused. */
async function bookOnce(deps: ExchangeDeps, request: BookingRequest, at: string): Promise<Booked> {
  const recipient = () => deps.recipients(request.orderId);
  if (deps.carrier.idempotent) return deps.carrier.book(request, recipient);
  const recorded = await deps.repository.getBooking(request.orderId, request.shipmentId);
  if (recorded) return recorded;
  const booked = await deps.carrier.book(request, recipient);
  await deps.repository.putBooking(request.orderId, request.shipmentId, booked, at);
  return booked;
}
