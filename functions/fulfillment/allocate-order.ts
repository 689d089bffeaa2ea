/**
 * Use case (FUL-1, FUL-2): an order became APPROVED → allocate it.
 *
 * 1. A replay finds the allocation marker and only republishes its outbox if that was interrupted.
 * 2. An order fulfillment saw cancelled first is never allocated.
 * 3. Re-plan with current stock (catalog's planAllocation; the order's own reservations count as
 *    available to it) and choose the allocation (domain/allocation.ts); one shipment per
 *    warehouse, each with the carrier its rules choose; book each with the carrier (waybill).
 * 4. ONE transaction: reservations become picks (catalog's pickStock; surplus released with
 *    releaseStock), the order summary (only if absent), the shipments and waybill lookups, and the
 *    marker whose outbox holds `OrderAllocated`.
 * 5. Publish the outbox.
 *
 * And `OrderStatusChanged` to CANCELLED before allocation → the summary is written as CANCELLED
 * (so a late or replayed approval never allocates).
 */
import type { Clock } from '../../shared/clock.ts';
import type { EventPayload } from '../../events/event-definition.ts';
import { OrderAllocated } from '../../events/fulfillment-events.ts';
import type { OrderStatusChanged } from '../../events/order-status-changed.ts';
import { pickStock, planAllocation, regionDistance, releaseStock, type CatalogReader, type RegionDistances, type StockTransactItem } from '../catalog/stock-contract.ts';
import type { CarrierGateway } from './carrier-gateway.ts';
import { chooseAllocation, demandOf, planShipments, shipmentIdFor, type ProductFacts } from './domain/allocation.ts';
import type { CarrierRules } from './domain/carrier-rules.ts';
import { deliveryDueBy, type DeliveryTimeLimits } from './domain/time-limits.ts';
import { AllocationExists, type FulfillmentRepository, type OrderSummary, type ShipmentRecord } from './fulfillment-repository.ts';
import { flushMarker, outboxEvent, type OutboxDeps } from './outbox.ts';

/** Ports and settings of the allocation. */
export interface AllocateDeps extends OutboxDeps {
  readonly repository: FulfillmentRepository;
  readonly catalog: Pick<CatalogReader, 'entries' | 'warehouses'>;
  /** The catalog table (for catalog's stock transaction items). */
  readonly catalogTableName: string;
  readonly carrier: CarrierGateway;
  readonly clock: Clock;
  readonly carrierRules: CarrierRules;
  readonly deliveryTimeLimits: DeliveryTimeLimits;
  readonly distances: RegionDistances;
}

/** The part of OrderStatusChanged the allocation reads, plus the event's correlation id. */
export type StatusChange = EventPayload<typeof OrderStatusChanged> & { readonly correlationId: string };

export type AllocateOutcome =
  | { readonly outcome: 'allocated'; readonly shipments: readonly ShipmentRecord[]; readonly source: 'plan' | 'reservations' }
  | { readonly outcome: 'already-allocated' | 'cancelled-before-allocation' | 'nothing-to-allocate' };

const ALLOCATION = 'ALLOCATION';

/** Allocates an approved order (idempotent). */
export async function allocateOrder(deps: AllocateDeps, change: StatusChange): Promise<AllocateOutcome> {
  const existing = await deps.repository.getMarker(ALLOCATION, change.orderId);
  if (existing) {
    await flushMarker(deps, existing);
    return { outcome: 'already-allocated' };
  }
  const { summary } = await deps.repository.getOrder(change.orderId);
  if (summary?.status === 'CANCELLED') return { outcome: 'cancelled-before-allocation' };
  if (change.reservations.length === 0) return { outcome: 'nothing-to-allocate' };

  const now = deps.clock.now();
  const demand = demandOf(change.reservations);
  const [entries, warehouses] = await Promise.all([deps.catalog.entries(demand.map((d) => d.sku)), deps.catalog.warehouses()]);
  const facts = new Map<string, ProductFacts>();
  for (const { sku } of demand) {
    const entry = entries.get(sku);
    if (!entry) throw new Error(`order ${change.orderId}: product ${sku} is not in the catalog`);
    const a = entry.product.attributes;
    facts.set(sku, { category: entry.product.category, fresh: a.fresh, electronics: a.electronics, weightGrams: a.weightGrams, valueClass: a.valueClass, unitPriceMinor: entry.product.price.amount });
  }
  // Stock available to this order: what is free plus what the order itself holds.
  const own = new Map<string, number>();
  for (const r of change.reservations) own.set(`${r.warehouseId}|${r.sku}`, (own.get(`${r.warehouseId}|${r.sku}`) ?? 0) + r.quantity);
  const stock = [...entries.values()].flatMap((e) => e.stock.map((s) => ({ sku: s.sku, warehouseId: s.warehouseId, available: Math.max(0, s.available) + (own.get(`${s.warehouseId}|${s.sku}`) ?? 0) })));
  const locations = warehouses.map((w) => ({ warehouseId: w.warehouseId, region: w.region }));
  const plan = planAllocation({ lines: demand, stock, warehouses: locations, shippingRegion: change.shippingRegion, distances: deps.distances });
  const nearestFirst = [...locations]
    .sort((a, b) => regionDistance(deps.distances, a.region, change.shippingRegion) - regionDistance(deps.distances, b.region, change.shippingRegion) || a.warehouseId.localeCompare(b.warehouseId))
    .map((w) => w.warehouseId);
  const choice = chooseAllocation(plan.ok ? plan.allocations : undefined, change.reservations, nearestFirst);
  const planned = planShipments(choice.allocations, facts, change.shippingRegion, deps.carrierRules, change.orderType);

  const at = now.toISOString();
  const shipments: ShipmentRecord[] = [];
  for (const p of planned) {
    const shipmentId = shipmentIdFor(change.orderId, p.warehouseId);
    const { waybill } = await deps.carrier.book({ shipmentId, carrier: p.carrier, warehouseId: p.warehouseId, region: change.shippingRegion, weightGrams: p.weightGrams });
    shipments.push({
      shipmentId,
      orderId: change.orderId,
      customerId: change.customerId,
      warehouseId: p.warehouseId,
      carrier: p.carrier,
      carrierRule: p.carrierRule,
      waybill,
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
  const stockItems: StockTransactItem[] = [
    ...choice.movements.picks.map((m) => pickStock(deps.catalogTableName, m, now)),
    ...choice.movements.releases.map((m) => releaseStock(deps.catalogTableName, m, now)),
  ];
  const marker = {
    kind: ALLOCATION,
    key: change.orderId,
    correlationId: change.correlationId,
    createdAt: at,
    outcome: { source: choice.source, shipments: shipments.length },
    events: [
      outboxEvent(OrderAllocated, {
        orderId: change.orderId,
        shipments: shipments.map((s) => ({ shipmentId: s.shipmentId, warehouseId: s.warehouseId, carrier: s.carrier, lines: [...s.lines] })),
        allocatedAt: at,
      }),
    ],
  };
  try {
    await deps.repository.commitAllocation({ summary: newSummary, shipments, stock: stockItems, marker });
  } catch (error) {
    if (!(error instanceof AllocationExists)) throw error;
    // A concurrent delivery of the same event won, or a cancellation got there first.
    const winner = await deps.repository.getMarker(ALLOCATION, change.orderId);
    if (winner) {
      await flushMarker(deps, winner);
      return { outcome: 'already-allocated' };
    }
    return { outcome: 'cancelled-before-allocation' };
  }
  await flushMarker(deps, { ...marker });
  return { outcome: 'allocated', shipments, source: choice.source };
}

export type CancellationOutcome = 'recorded' | 'already-allocated' | 'already-recorded';

/** An order was cancelled: if it is not allocated yet, make sure it never will be. */
export async function recordCancellation(deps: Pick<AllocateDeps, 'repository' | 'clock'>, change: StatusChange): Promise<CancellationOutcome> {
  const written = await deps.repository.markCancelled({
    orderId: change.orderId,
    customerId: change.customerId,
    paymentMethod: change.paymentMethod,
    shippingRegion: change.shippingRegion,
    at: deps.clock.now().toISOString(),
  });
  if (written) return 'recorded';
  const { summary } = await deps.repository.getOrder(change.orderId);
  return summary?.status === 'ALLOCATED' ? 'already-allocated' : 'already-recorded';
}
