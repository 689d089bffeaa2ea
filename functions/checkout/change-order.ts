/**
 * Use case: apply one fact to an order — an event from fraud, payments or fulfillment, a
 * cancellation, the unpaid-order timeout. Reads the order, asks the pure state machine
 * ({@link decide}) what the fact does, and commits the change as one transaction conditional on
 * the order's version (plus the stock releases, the timeline entry and the outbox entry). A lost
 * race re-reads and decides again; a fact that no longer applies (late or duplicate event, invalid
 * transition) is ignored and reported as such, never an error.
 *
 * Idempotent by the order's state, with no processed-event marker: every fact is recognised once
 * applied — a payment by its id among those counted, a risk decision, shipment status or group by
 * their recorded values, a status change by the state machine refusing it from where the order now
 * is — so a redelivered event (or the same fact under another event id) decides `ignore`. Until
 * 2026-12 each applied event also wrote a marker item in the change's transaction (2 write units).
 *
 * Releases are conditional on the order's reservation records still being `reserved` (catalog's
 * stock contract). When one is not — fulfillment picked the stock first (an approved order being
 * allocated while it is cancelled), or it was released before — the release lost the race: the
 * order's held reservations are read again and only those are released (none, after an
 * allocation: fulfillment returns picked stock when it sees `OrderCancelled`). So a cancellation
 * never releases stock that was picked, and never another order's reservation.
 */
import { backoffDelay, sleep as sleepMs } from '../../shared/retry.ts';
import { holdsReleased, isEmptyRelease } from './domain/customer-holds.ts';
import type { Clock } from '../../shared/clock.ts';
import type { DomainEvent } from '../../events/event-definition.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { applyPatch, decide, type Order, type OrderFact, type Reservation, type TimelineEntry } from './domain/order.ts';
import { orderAddressCorrected, orderCancelled, orderStatusChanged, preSaleBalanceDue } from './order-events.ts';
import { ReservationsNotHeldError, StaleOrderError, TransientConflictError } from './domain/order-store-errors.ts';
import type { OrderStore } from './orders-repository.ts';
import { publishCommitted, silentLog, type LogPort } from './outbox.ts';

/** Ports and settings. */
export interface ChangeOrderDeps {
  readonly orders: OrderStore;
  readonly events: EventPublisher;
  readonly clock: Clock;
  /** Pre-sale: hours the balance may take after the deposit. */
  readonly balanceWindowHours: number;
  readonly log?: LogPort;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** One fact about one order. */
export interface ChangeOrderCommand {
  readonly orderId: string;
  readonly fact: OrderFact;
  readonly correlationId: string;
  /** Runs on the freshly read order before deciding (e.g. ownership); throw to refuse. */
  readonly guard?: (order: Order) => void;
}

/** What happened. */
export type ChangeOrderOutcome =
  | { readonly outcome: 'applied'; readonly order: Order; readonly transition?: TimelineEntry }
  | { readonly outcome: 'ignored'; readonly reason: string; readonly order: Order }
  | { readonly outcome: 'not-found' };

const MAX_ATTEMPTS = 12;
/** The wait between attempts that lost to a concurrent change (full jitter; mean 10 ms at first, ≤ 160 ms). */
const CONFLICT_BACKOFF = { baseMs: 20, maxMs: 320 };

/** Applies the fact (see the module documentation). */
export async function changeOrder(deps: ChangeOrderDeps, command: ChangeOrderCommand): Promise<ChangeOrderOutcome> {
  const log = deps.log ?? silentLog;
  const sleep = deps.sleep ?? sleepMs;
  /** Set once a release found the reservations no longer held: what the order still holds. */
  let held: readonly Reservation[] | undefined;
  for (let attempt = 1; ; attempt++) {
    const order = await deps.orders.getOrder(command.orderId);
    if (!order) return { outcome: 'not-found' };
    command.guard?.(order);
    const now = deps.clock.now();
    const decision = decide(order, command.fact, { now, balanceWindowHours: deps.balanceWindowHours });
    if (decision.kind === 'ignore') return { outcome: 'ignored', reason: decision.reason, order };
    const at = now.toISOString();
    const patched: Order = { ...applyPatch(order, decision.patch, at), version: order.version + 1 };
    // SEC-5: what the order stops holding (its unpaid slot, reserved units) goes back to its customer's caps.
    const holds = holdsReleased(order, patched);
    const next: Order = holds.counted ? { ...patched, heldByCustomer: holds.counted } : patched;
    const events: DomainEvent[] = [];
    if (decision.transition) events.push(...orderStatusChanged(next, decision.transition));
    if (decision.cancelled && decision.transition) events.push(orderCancelled(next, decision.cancelled, decision.transition.from ?? order.status));
    if (decision.balanceDue) events.push(preSaleBalanceDue(next, decision.balanceDue.amount, decision.balanceDue.dueBy));
    if (decision.addressCorrected) events.push(orderAddressCorrected(next, decision.addressCorrected.correction, decision.addressCorrected.riskSignals));
    const timeline = decision.transition ?? decision.note;
    const release = decision.release.length > 0 && held ? held : decision.release;
    try {
      const outboxKey = await deps.orders.commit({
        order: next,
        expectedVersion: order.version,
        ...(timeline ? { transition: timeline } : {}),
        release,
        ...(events.length > 0 ? { outbox: { events, correlationId: command.correlationId } } : {}),
        ...(isEmptyRelease(holds.release) ? {} : { holdsRelease: holds.release }),
      });
      await publishCommitted({ orders: deps.orders, events: deps.events, log }, outboxKey, events);
      return { outcome: 'applied', order: next, ...(decision.transition ? { transition: decision.transition } : {}) };
    } catch (error) {
      if (error instanceof ReservationsNotHeldError && attempt < MAX_ATTEMPTS) {
        held = await deps.orders.heldReservations(command.orderId);
        log.info('reservations no longer held; releasing only what the order still holds', {
          orderId: command.orderId,
          notHeld: error.reservations.length,
          stillHeld: held.length,
        });
        continue;
      }
      if ((error instanceof StaleOrderError || error instanceof TransientConflictError) && attempt < MAX_ATTEMPTS) {
        await sleep(backoffDelay(attempt, CONFLICT_BACKOFF));
        continue;
      }
      throw error;
    }
  }
}
