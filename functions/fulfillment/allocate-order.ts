/**
 * Use case (FUL-1, FUL-2): an order became APPROVED → allocate it.
 *
 * 1. Read the order's reservation records (catalog's reader): only what the order still holds
 *    (`reserved`) is allocated.
 * 2. None held: a replay (the allocation picked them) reads the allocation marker and only
 *    republishes its outbox if that was interrupted — an order whose marker expired is recognised
 *    by its picks; released — the order was cancelled and checkout released them when it did — →
 *    nothing is allocated or published, the order summary is written CANCELLED (unless
 *    fulfillment's own cancellation wrote it already) and the outcome recorded.
 * 3. (An order fulfillment saw cancelled first has its reservations released: step 2 stops it, and
 *    the allocation's transaction requires that no summary exists besides.)
 * 4. Re-plan with current stock (catalog's planAllocation; the order's own reservations count as
 *    available to it) and choose the allocation (domain/allocation.ts): picks where the plan takes
 *    stock — possibly more than the order reserved there, moving part of the order to a nearer
 *    warehouse — and releases of what the plan does not use; one shipment per warehouse, each
 *    with the carrier its rules choose; book each with the carrier (waybill). A carrier whose
 *    booking is not idempotent (a real one) gets the recipient decrypted just in time, and each
 *    booking is recorded before the commit, so a retry or replay never books a shipment twice;
 *    bookings a re-plan left unused are cancelled with the carrier after the commit.
 * 5. ONE transaction: catalog's pickStock/releaseStock items (each conditional on the order's
 *    reservation record still being `reserved`), the order summary (only if absent), the shipments
 *    and waybill lookups, and the marker whose outbox holds `OrderAllocated`.
 *    - A cancellation that released the reservations first makes it fail → step 3's "released".
 *    - Stock a move needed was taken concurrently → re-plan; the last try picks exactly where the
 *      order reserved (which cannot fail on stock).
 * 6. Publish the outbox.
 */
import { backoffDelay, sleep as sleepMs } from '../../shared/retry.ts';
import type { Clock } from '../../shared/clock.ts';
import type { EventPayload } from '../../events/event-definition.ts';
import { OrderAllocated } from '../../events/fulfillment-events.ts';
import type { OrderStatusChanged } from '../../events/order-status-changed.ts';
import {
  pickStock,
  planAllocation,
  regionDistance,
  releaseStock,
  stockedOutside,
  type CatalogReader,
  type RegionDistances,
  type ReservationView,
  type StockLevelView,
  type StockTransactItem,
  type WarehouseView,
} from '../catalog/stock-contract.ts';
import type { Booked, BookingRequest, CarrierGateway, Recipient } from './carrier-gateway.ts';
import { chooseAllocation, demandOf, movedUnits, planShipments, shipmentIdFor, type AllocationChoice, type Movement, type ProductFacts } from './domain/allocation.ts';
import type { CarrierRules } from './domain/carrier-rules.ts';
import { deliveryDueBy, type DeliveryTimeLimits } from './domain/time-limits.ts';
import {
  AllocationExists,
  MAX_TRANSACTION_ITEMS,
  ReservationsNotHeld,
  StockUnavailable,
  WriteConflict,
  type FulfillmentRepository,
  type OrderSummary,
  type ShipmentRecord,
} from './fulfillment-repository.ts';
import { flushMarker, outboxEvent, type OutboxDeps } from './outbox.ts';

/** Ports and settings of the allocation. */
export interface AllocateDeps extends OutboxDeps {
  readonly repository: FulfillmentRepository;
  /**
   * Catalog's reader; its warehouse list may be cached (`fresh` skips the cache: the allocation
   * reads it again when a SKU is stocked in a warehouse the cached list does not know yet).
   */
  readonly catalog: Pick<CatalogReader, 'entries' | 'reservations'> & { warehouses(options?: { readonly fresh?: boolean }): Promise<WarehouseView[]> };
  /** The catalog table (for catalog's stock transaction items). */
  readonly catalogTableName: string;
  readonly carrier: CarrierGateway;
  /** Checkout's recipient contract: the order's recipient, decrypted just in time (only carriers that print labels call it). */
  readonly recipients: (orderId: string) => Promise<Recipient>;
  readonly clock: Clock;
  readonly carrierRules: CarrierRules;
  readonly deliveryTimeLimits: DeliveryTimeLimits;
  readonly distances: RegionDistances;
  /** Tries before giving up on concurrent changes (the last one picks where reserved). */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The part of OrderStatusChanged the allocation reads, plus the event's correlation id. */
export type StatusChange = EventPayload<typeof OrderStatusChanged> & { readonly correlationId: string };

export type AllocateOutcome =
  | { readonly outcome: 'allocated'; readonly shipments: readonly ShipmentRecord[]; readonly source: 'plan' | 'reservations'; readonly movedUnits: number }
  | { readonly outcome: 'already-allocated' | 'cancelled-before-allocation' | 'reservations-released' }
  /** The order holds no reservation record at all (placed before per-order reservations existed). */
  | { readonly outcome: 'no-reservations' };

const ALLOCATION = 'ALLOCATION';
/** The wait after a write conflict (full jitter; mean 20 ms at first, ≤ 200 ms). */
const CONFLICT_BACKOFF = { baseMs: 40, maxMs: 400 };

/** What the order holds, as stock movements. */
function heldOf(records: readonly ReservationView[]): Movement[] {
  return records.filter((r) => r.status === 'reserved').map((r) => ({ sku: r.sku, warehouseId: r.warehouseId, quantity: r.quantity }));
}

/** Allocates an approved order (idempotent). */
export async function allocateOrder(deps: AllocateDeps, change: StatusChange): Promise<AllocateOutcome> {
  // The order's reservation records say first whether there is anything to allocate: the allocation
  // turns them into picks and a cancellation releases them (checkout, before it announces it), so a
  // replay or a late approval finds none held and stops there (noneHeld), without reading more.
  const maxAttempts = deps.maxAttempts ?? 4;
  const sleep = deps.sleep ?? sleepMs;
  for (let attempt = 1; ; attempt++) {
    const records = await deps.catalog.reservations(change.orderId);
    const held = heldOf(records);
    if (held.length === 0) return noneHeld(deps, change, records);
    // A reservation in a bucket of a hot SKU's stock is picked where it is (a flash sale's orders are not re-planned).
    const bucketOf = new Map(records.filter((r) => r.status === 'reserved' && r.bucket !== undefined).map((r) => [`${r.sku}|${r.warehouseId}`, r.bucket as number]));
    const inBucket = (sku: string, warehouseId: string) => {
      const bucket = bucketOf.get(`${sku}|${warehouseId}`);
      return bucket === undefined ? {} : { bucket };
    };

    const now = deps.clock.now();
    const choice = await choose(deps, change, held, attempt >= maxAttempts || bucketOf.size > 0);
    const shipments = await bookShipments(deps, change, choice, now);
    const at = now.toISOString();
    const newSummary: OrderSummary = {
      orderId: change.orderId,
      customerId: change.customerId,
      paymentMethod: change.paymentMethod,
      shippingRegion: change.shippingRegion,
      status: 'ALLOCATED',
      shipmentIds: shipments.map((s) => s.shipmentId),
      allocatedAt: at,
      version: 1,
    };
    const stock: StockTransactItem[] = choice.operations.flatMap((op) =>
      op.kind === 'pick'
        ? pickStock(
            deps.catalogTableName,
            {
              orderId: change.orderId,
              sku: op.sku,
              warehouseId: op.warehouseId,
              quantity: op.quantity,
              reservedQuantity: op.reservedQuantity,
              ...(op.reservedQuantity > 0 ? inBucket(op.sku, op.warehouseId) : {}),
            },
            now,
          )
        : releaseStock(
            deps.catalogTableName,
            { orderId: change.orderId, sku: op.sku, warehouseId: op.warehouseId, quantity: op.quantity, ...inBucket(op.sku, op.warehouseId) },
            now,
          ),
    );
    const moved = movedUnits(choice.operations);
    const marker = {
      kind: ALLOCATION,
      key: change.orderId,
      correlationId: change.correlationId,
      createdAt: at,
      outcome: { source: choice.source, shipments: shipments.length, movedUnits: moved },
      events: [
        outboxEvent(OrderAllocated, {
          orderId: change.orderId,
          shipments: shipments.map((s) => ({ shipmentId: s.shipmentId, warehouseId: s.warehouseId, carrier: s.carrier, lines: [...s.lines] })),
          allocatedAt: at,
        }),
      ],
    };
    try {
      await deps.repository.commitAllocation({ summary: newSummary, shipments, stock, marker });
    } catch (error) {
      if (error instanceof AllocationExists) {
        // A concurrent delivery of the same event won, or a cancellation got there first.
        const winner = await deps.repository.getMarker(ALLOCATION, change.orderId);
        if (winner) {
          await flushMarker(deps, winner);
          return { outcome: 'already-allocated' };
        }
        return { outcome: 'cancelled-before-allocation' };
      }
      // Released by a cancellation that committed first (step 3 on the next read), or stock a move
      // needed was taken (re-plan), or a concurrent transaction on the same items.
      if ((error instanceof ReservationsNotHeld || error instanceof StockUnavailable || error instanceof WriteConflict) && attempt < maxAttempts) {
        if (error instanceof WriteConflict) await sleep(backoffDelay(attempt, CONFLICT_BACKOFF));
        continue;
      }
      throw error;
    }
    await flushMarker(deps, { ...marker });
    if (!deps.carrier.idempotent) await cancelUnusedBookings(deps, change.orderId, shipments);
    return { outcome: 'allocated', shipments, source: choice.source, movedUnits: moved };
  }
}

/**
 * The order holds nothing: allocated before (a replay: its marker, or its picks once the marker
 * expired), released (cancelled first) or never recorded. Allocates nothing; a replay publishes what
 * an interrupted allocation left in its marker's outbox.
 */
async function noneHeld(deps: AllocateDeps, change: StatusChange, records: readonly ReservationView[]): Promise<AllocateOutcome> {
  const winner = await deps.repository.getMarker(ALLOCATION, change.orderId);
  if (winner || records.some((r) => r.status === 'picked' || r.status === 'returned')) {
    if (winner) await flushMarker(deps, winner);
    // A failure after the commit left bookings to cancel: finish that too.
    if (!deps.carrier.idempotent) await cancelUnusedBookings(deps, change.orderId, (await deps.repository.getOrder(change.orderId)).shipments);
    return { outcome: 'already-allocated' };
  }
  if (records.length === 0) return { outcome: 'no-reservations' };
  // Released (checkout's cancellation won the race): remember it — unless fulfillment's own
  // cancellation of the order did already (then this approval came after it).
  const marked = await deps.repository.markCancelled({
    orderId: change.orderId,
    customerId: change.customerId,
    paymentMethod: change.paymentMethod,
    shippingRegion: change.shippingRegion,
    at: deps.clock.now().toISOString(),
  });
  return { outcome: marked ? 'reservations-released' : 'cancelled-before-allocation' };
}

/** Re-plans with current stock (the order's holdings count as available to it) and chooses. */
async function choose(
  deps: AllocateDeps,
  change: StatusChange,
  held: readonly Movement[],
  keepReservations: boolean,
): Promise<AllocationChoice & { facts: Map<string, ProductFacts> }> {
  const demand = demandOf(held);
  const [entries, cachedWarehouses] = await Promise.all([deps.catalog.entries(demand.map((d) => d.sku)), deps.catalog.warehouses()]);
  const warehouses = stockedOutside(entries.values(), cachedWarehouses) ? await deps.catalog.warehouses({ fresh: true }) : cachedWarehouses;
  const facts = new Map<string, ProductFacts>();
  for (const { sku } of demand) {
    const entry = entries.get(sku);
    if (!entry) throw new Error(`order ${change.orderId}: product ${sku} is not in the catalog`);
    const a = entry.product.attributes;
    facts.set(sku, {
      category: entry.product.category,
      fresh: a.fresh,
      electronics: a.electronics,
      weightGrams: a.weightGrams,
      valueClass: a.valueClass,
      unitPriceMinor: entry.product.price.amount,
    });
  }
  const own = new Map<string, number>();
  for (const r of held) own.set(`${r.warehouseId}|${r.sku}`, (own.get(`${r.warehouseId}|${r.sku}`) ?? 0) + r.quantity);
  // A hot SKU's buckets are not for moves: only its counter's own units count as available to a re-plan.
  const counterAvailable = (s: StockLevelView) => s.available - (s.buckets ?? []).reduce((sum, b) => sum + b.available, 0);
  const stock = [...entries.values()].flatMap((e) =>
    e.stock.map((s) => ({ sku: s.sku, warehouseId: s.warehouseId, available: Math.max(0, counterAvailable(s)) + (own.get(`${s.warehouseId}|${s.sku}`) ?? 0) })),
  );
  const locations = warehouses.map((w) => ({ warehouseId: w.warehouseId, region: w.region }));
  const plan = planAllocation({ lines: demand, stock, warehouses: locations, shippingRegion: change.shippingRegion, distances: deps.distances });
  const nearestFirst = [...locations]
    .sort(
      (a, b) =>
        regionDistance(deps.distances, a.region, change.shippingRegion) - regionDistance(deps.distances, b.region, change.shippingRegion) ||
        a.warehouseId.localeCompare(b.warehouseId),
    )
    .map((w) => w.warehouseId);
  const choice = chooseAllocation(plan.ok ? plan.allocations : undefined, held, nearestFirst, { maxTransactionItems: MAX_TRANSACTION_ITEMS, keepReservations });
  return { ...choice, facts };
}

/** One shipment per warehouse, each with its carrier and waybill. */
async function bookShipments(deps: AllocateDeps, change: StatusChange, choice: AllocationChoice & { facts: Map<string, ProductFacts> }, now: Date): Promise<ShipmentRecord[]> {
  const planned = planShipments(choice.allocations, choice.facts, change.shippingRegion, deps.carrierRules, change.orderType);
  const at = now.toISOString();
  const shipments: ShipmentRecord[] = [];
  let recipient: Promise<Recipient> | undefined;
  const recipientOnce = () => (recipient ??= deps.recipients(change.orderId));
  for (const p of planned) {
    const shipmentId = shipmentIdFor(change.orderId, p.warehouseId);
    const cargo = [...new Set(p.lines.map((l) => choice.facts.get(l.sku)?.category ?? 'goods'))].sort().join(', ');
    const { waybill, booking } = await bookOnce(
      deps,
      { shipmentId, orderId: change.orderId, carrier: p.carrier, warehouseId: p.warehouseId, region: change.shippingRegion, weightGrams: p.weightGrams, cargo },
      recipientOnce,
      at,
    );
    shipments.push({
      shipmentId,
      orderId: change.orderId,
      customerId: change.customerId,
      warehouseId: p.warehouseId,
      carrier: p.carrier,
      carrierRule: p.carrierRule,
      waybill,
      ...(booking ? { booking } : {}),
      region: change.shippingRegion,
      lines: p.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      weightGrams: p.weightGrams,
      valueMinor: p.valueMinor,
      status: 'CREATED',
      createdAt: at,
      dueBy: deliveryDueBy(deps.deliveryTimeLimits, p.carrier, change.shippingRegion, now).toISOString(),
      history: [{ status: 'CREATED', at }],
      version: 1,
    });
  }
  return shipments;
}

/** Books a shipment once: an idempotent carrier is simply asked; any other's booking is recorded and reused. */
async function bookOnce(deps: AllocateDeps, request: BookingRequest, recipient: () => Promise<Recipient>, at: string): Promise<Booked> {
  if (deps.carrier.idempotent) return deps.carrier.book(request, recipient);
  const recorded = await deps.repository.getBooking(request.orderId, request.shipmentId);
  if (recorded) return recorded;
  const booked = await deps.carrier.book(request, recipient);
  await deps.repository.putBooking(request.orderId, request.shipmentId, booked, at);
  return booked;
}

/** Cancels with the carrier the bookings of shipments the committed allocation does not have (a re-plan moved them). */
async function cancelUnusedBookings(deps: AllocateDeps, orderId: string, shipments: readonly ShipmentRecord[]): Promise<void> {
  const used = new Set(shipments.map((s) => s.shipmentId));
  for (const unused of (await deps.repository.listBookings(orderId)).filter((b) => !used.has(b.shipmentId))) {
    if (unused.booking) await deps.carrier.cancel(unused.booking, 'allocation moved this shipment to another warehouse');
    await deps.repository.deleteBooking(orderId, unused.shipmentId);
  }
}
