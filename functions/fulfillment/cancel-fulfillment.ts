/**
 * Use case (FUL-1, ORD-4, ORD-6): an order was cancelled (`OrderCancelled`) → stop its fulfillment.
 *
 * API.md allows cancelling an order until it ships, i.e. also once it is allocated (FULFILLING),
 * when its reservations are already picks. And an APPROVED order's cancellation can lose the race
 * with its allocation (checkout then releases nothing: catalog's reservation records say the stock
 * was picked). Either way fulfillment owns the picked goods:
 *
 * - Not allocated (no order summary): the summary is written CANCELLED. A late or replayed
 *   approval never allocates: checkout released the reservation records when it cancelled, and
 *   allocation stops where none is held (and its transaction requires no summary besides).
 * - Allocated: in ONE transaction — every shipment the carrier has not picked up yet (CREATED)
 *   becomes CANCELLED (off the late-delivery index; later carrier reports about it are ignored),
 *   its picked stock goes back on hand (catalog's returnPickedStock: each picked reservation record
 *   → returned, exactly once; into the bucket it was picked from, or the warehouse's counter when
 *   that split stock has been merged back since), the summary becomes CANCELLED (no
 *   OrderShipped/OrderDelivered any more), and a marker records it. Each cancelled shipment is announced with
 *   `ShipmentStatusChanged` (`CREATED → CANCELLED`), so checkout's read model of the order shows it.
 *   A shipment that already left cannot be recalled: its goods stay picked and `ProblemOrderRaised`
 *   (`cancelled-after-pickup`, one per shipment) asks operations to intercept it. Both go through
 *   the marker's outbox (written in the same transaction, published after it, exactly once per
 *   cancellation).
 *
 * Idempotent: the marker (`CANCELLATION#<orderId>`) is written in the same transaction, so a
 * replay changes nothing (it only republishes an interrupted outbox); a carrier pickup committed
 * in between makes the transaction fail on the shipment's version and the use case re-reads.
 * Orders cancelled before approval (from PLACED or IN_REVIEW) were never allocated: nothing to do.
 */
import type { Clock } from '../../shared/clock.ts';
import type { EventPayload } from '../../events/event-definition.ts';
import type { OrderCancelled } from '../../events/order-cancelled.ts';
import { ShipmentStatusChanged } from '../../events/fulfillment-events.ts';
import { ProblemOrderRaised } from '../../events/problem-order-raised.ts';
import { returnPickedStock, type CatalogReader } from '../catalog/stock-contract.ts';
import type { CarrierGateway } from './carrier-gateway.ts';
import { isRecallable } from './domain/shipment.ts';
import { MarkerExists, ReservationsNotHeld, WriteConflict, type FulfillmentRepository, type OrderSummary, type ShipmentRecord } from './fulfillment-repository.ts';
import { flushMarker, outboxEvent, type OutboxDeps } from './outbox.ts';

/** Ports of the cancellation. */
export interface CancelFulfillmentDeps extends OutboxDeps {
  readonly repository: FulfillmentRepository;
  readonly catalog: Pick<CatalogReader, 'reservations' | 'bucketsGone'>;
  /** The catalog table (for catalog's stock transaction items). */
  readonly catalogTableName: string;
  readonly clock: Clock;
  /**
   * The carrier that cancels pickups booked with it (shipments with a `booking`; the sandbox books
   * none). Resolved only when such a shipment is cancelled: most cancellations never read the
   * carrier's account.
   */
  readonly carrier: () => Promise<Pick<CarrierGateway, 'cancel'>>;
  readonly maxAttempts?: number;
}

/** The OrderCancelled payload plus the event's correlation id. */
export type CancelledOrder = EventPayload<typeof OrderCancelled> & { readonly correlationId: string };

export type CancelFulfillmentOutcome =
  | { readonly outcome: 'not-approved' | 'cancelled-before-allocation' | 'already-cancelled' }
  | { readonly outcome: 'cancelled-after-allocation'; readonly shipmentsCancelled: number; readonly unitsReturned: number; readonly shipmentsLeft: number };

const CANCELLATION = 'CANCELLATION';

/** Statuses an order is cancelled from before it was ever approved (never allocated). */
const BEFORE_APPROVAL = ['PLACED', 'IN_REVIEW'];

/** Stops the fulfillment of a cancelled order (see the module documentation). */
export async function cancelFulfillment(deps: CancelFulfillmentDeps, cancelled: CancelledOrder): Promise<CancelFulfillmentOutcome> {
  if (BEFORE_APPROVAL.includes(cancelled.from)) return { outcome: 'not-approved' };
  const done = await deps.repository.getMarker(CANCELLATION, cancelled.orderId);
  if (done) {
    await flushMarker(deps, done);
    return { outcome: 'already-cancelled' };
  }
  const maxAttempts = deps.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const { summary, shipments: all } = await deps.repository.getOrder(cancelled.orderId);
    // Only the order's own shipments: a return's pickup or replacement (AFT-1) is not the order's to cancel.
    const shipments = all.filter((s) => s.purpose === undefined);
    if (!summary) {
      const written = await deps.repository.markCancelled({
        orderId: cancelled.orderId,
        customerId: cancelled.customerId,
        paymentMethod: cancelled.paymentMethod,
        shippingRegion: '',
        at: deps.clock.now().toISOString(),
      });
      if (written) return { outcome: 'cancelled-before-allocation' };
      if (attempt >= maxAttempts) throw new WriteConflict(`order ${cancelled.orderId}: its summary keeps changing`);
      continue; // allocated (or marked) in between: read again
    }
    if (summary.status === 'CANCELLED') return { outcome: 'already-cancelled' };

    const at = deps.clock.now().toISOString();
    const recallable = shipments.filter((s) => isRecallable(s.status));
    const left = shipments.filter((s) => !isRecallable(s.status) && s.status !== 'CANCELLED');
    const warehouses = new Set(recallable.map((s) => s.warehouseId));
    const records = await deps.catalog.reservations(cancelled.orderId);
    const returns = records.filter((r) => r.status === 'picked' && warehouses.has(r.warehouseId) && (r.pickedQuantity ?? 0) > 0);
    const bucketGone = await deps.catalog.bucketsGone(returns);
    const stock = returns.flatMap((r) =>
      returnPickedStock(
        deps.catalogTableName,
        { orderId: cancelled.orderId, sku: r.sku, warehouseId: r.warehouseId, quantity: r.pickedQuantity as number, ...(r.bucket === undefined ? {} : { bucket: r.bucket }) },
        new Date(at),
        { intoCounter: bucketGone(r) },
      ),
    );
    const cancelledShipments = recallable.map((s): { shipment: ShipmentRecord; expectedVersion: number } => ({
      shipment: { ...s, status: 'CANCELLED', cancelledAt: at, history: [...s.history, { status: 'CANCELLED', at }], version: s.version + 1 },
      expectedVersion: s.version,
    }));
    // Pickups booked with a real carrier are cancelled before the commit: a carrier outage throws
    // (the message is retried, nothing committed); a pickup that happens meanwhile fails the commit
    // and the next read sees the parcel as left.
    const booked = recallable.filter((s) => s.booking !== undefined);
    if (booked.length > 0) {
      const carrier = await deps.carrier();
      for (const s of booked) await carrier.cancel(s.booking as NonNullable<ShipmentRecord['booking']>, 'order cancelled');
    }
    const newSummary: OrderSummary = { ...summary, status: 'CANCELLED', cancelledAt: at, version: summary.version + 1 };
    const unitsReturned = returns.reduce((n, r) => n + (r.pickedQuantity ?? 0), 0);
    const marker = {
      kind: CANCELLATION,
      key: cancelled.orderId,
      correlationId: cancelled.correlationId,
      createdAt: at,
      outcome: { from: cancelled.from, shipmentsCancelled: recallable.length, unitsReturned, shipmentsLeft: left.length },
      events: [
        ...recallable.map((s) =>
          outboxEvent(ShipmentStatusChanged, {
            orderId: cancelled.orderId,
            shipmentId: s.shipmentId,
            carrier: s.carrier,
            waybill: s.waybill,
            from: s.status,
            to: 'CANCELLED',
            changedAt: at,
          }),
        ),
        ...left.map((s) =>
          outboxEvent(ProblemOrderRaised, { orderId: cancelled.orderId, problem: 'cancelled-after-pickup', shipmentId: s.shipmentId, raisedBy: 'fulfillment', raisedAt: at }),
        ),
      ],
    };
    try {
      await deps.repository.commitCancellation({ summary: newSummary, expectedSummaryVersion: summary.version, shipments: cancelledShipments, stock, marker });
    } catch (error) {
      if (error instanceof MarkerExists) {
        const winner = await deps.repository.getMarker(CANCELLATION, cancelled.orderId);
        if (winner) await flushMarker(deps, winner);
        return { outcome: 'already-cancelled' };
      }
      if ((error instanceof WriteConflict || error instanceof ReservationsNotHeld) && attempt < maxAttempts) continue;
      throw error;
    }
    await flushMarker(deps, marker);
    return { outcome: 'cancelled-after-allocation', shipmentsCancelled: recallable.length, unitsReturned, shipmentsLeft: left.length };
  }
}
