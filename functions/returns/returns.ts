/**
 * Returns use cases (AFT-1): request, cancel, staff decision, inspection (restock or write-off),
 * and what fulfillment's and payments' answers do. Ports are arguments; the rules live in domain/.
 *
 * Flow (events/return-events.ts):
 * 1. `POST /orders/{orderId}/returns` (customer) → REQUESTED, `ReturnRequested`. Checked against
 *    checkout's order contract: the caller's own DELIVERED order, within the window of the reason,
 *    no more units than delivered minus those other returns hold, no non-returnable goods without
 *    a merchant-fault reason, exchanges like for like (a catalog product at the line's unit price).
 * 2. `POST /admin/returns/{returnId}/decision` (cs-agent, audited) → APPROVED and
 *    `ReturnPickupRequested` (the order's carrier, the warehouse that shipped the units), or REJECTED.
 * 3. Fulfillment answers `ReturnFulfillmentUpdated`: `pickup-booked` → PICKUP_BOOKED (waybill),
 *    `picked-up` → IN_TRANSIT — and the express refund (极速退款) when it applies —, `received` →
 *    RECEIVED.
 * 4. `POST /admin/returns/{returnId}/inspection` (ops, audited) in RECEIVED: failed →
 *    INSPECTION_FAILED; passed → the units go back on the receiving warehouse's shelf (catalog's
 *    restockReturnedStock, in the same transaction, once) or are written off; a refund return gets
 *    `ReturnRefundRequested` (domain/refund.ts), an exchange `ExchangeShipmentRequested`.
 * 5. `PaymentRefunded` with the return id → REFUNDED; `replacement-allocated` → EXCHANGED;
 *    `replacement-unavailable` → the exchanged units are refunded instead.
 *
 * The customer may cancel before the pickup (`POST /returns/{returnId}/cancel`). Every change is one
 * conditional transaction with its events in the outbox (returns-repository.ts), retried on a
 * conflicting concurrent change.
 */
import { retry } from '../../shared/retry.ts';
import type { OrderFacts } from '../checkout/order-contract.ts';
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { notFound, ProblemError } from '../../shared/errors.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { ExchangeShipmentRequested, ReturnPickupRequested, ReturnRefundRequested, ReturnRequested, ReturnStatusChanged } from '../../events/return-events.ts';
import { goodRiskProfile, isNonReturnable, itemRefusals, returnableQuantities, withinWindow, type ProductReturnability, type ReturnWindows } from './domain/eligibility.ts';
import { EMPTY_LEDGER, quoteRefund, type RefundQuote } from './domain/refund.ts';
import {
  moved,
  noted,
  RELEASED_RETURN_STATUSES,
  type Return,
  type ReturnItem,
  type ReturnKind,
  type ReturnReason,
  type ReturnRefund,
  type ReturnTrigger,
  type ReturnUnits,
} from './domain/return.ts';
import { flushOutbox, outboxEvent } from './outbox.ts';
import { publishOrLeavePending } from '../../shared/outbox.ts';
import { ReturnWriteConflict, type OrderReturnsState, type OrderSnapshot, type OutboxEvent, type ReturnChange, type ReturnsRepository } from './returns-repository.ts';
import type { StockTransactItem } from '../catalog/stock-contract.ts';
import { logger } from '../../shared/observability.ts';

/** System actors. */
export const RETURNS_ACTORS = { fulfillment: 'system:fulfillment', payments: 'system:payments', express: 'system:returns-express', returns: 'system:returns' } as const;

/** Ports every use case needs. */
export interface ReturnsDeps {
  readonly repository: Pick<ReturnsRepository, 'getReturn' | 'getOrderState' | 'commit' | 'markPublished' | 'pendingOf'>;
  readonly publisher: (correlationId: string) => EventPublisher;
  readonly clock: Clock;
}

/** A catalog product as a return request needs it. */
export interface ReturnProduct extends ProductReturnability {
  readonly price: number;
}

/** Ports of the request. */
export interface RequestReturnDeps extends ReturnsDeps {
  readonly orders: (orderId: string) => Promise<OrderFacts | undefined>;
  readonly products: (skus: readonly string[]) => Promise<ReadonlyMap<string, ReturnProduct>>;
  /** Encrypts the customer's comment (field encryption, entity `return`, the return id). */
  readonly encryptComment: (returnId: string, comment: string, customerId: string) => Promise<string>;
  readonly newId: () => string;
  readonly windows: ReturnWindows;
  readonly nonReturnableCategories: readonly string[];
}

/** What the customer asks. */
export interface ReturnRequestInput {
  readonly kind: ReturnKind;
  readonly items: readonly ReturnItem[];
  readonly reason: ReturnReason;
  readonly comment?: string;
}

const MAX_ATTEMPTS = 4;

/** Runs `attempt` again (fresh reads) while a concurrent change wins; then 409. */
function withRetry<T>(attempt: () => Promise<T>): Promise<T> {
  return retry(attempt, {
    attempts: MAX_ATTEMPTS,
    retryable: (error) => error instanceof ReturnWriteConflict,
    exhausted: (error) => new ProblemError('return-changed', 'Return changed', 409, { detail: 'The return changed at the same time; try again.', cause: error }),
  });
}

/**
 * Commits, then publishes (the outbox). The change is made once committed: a failed publish is
 * logged and left to the sweep (a caller retrying would otherwise make the change again).
 */
async function commitAndPublish(deps: ReturnsDeps, change: ReturnChange): Promise<void> {
  const outbox = await deps.repository.commit(change, deps.clock.now().toISOString());
  await publishOrLeavePending(
    () => flushOutbox({ repository: deps.repository, publisher: deps.publisher, clock: deps.clock }, outbox),
    (error) => logger.warn('return events left in the outbox for the sweep', { returnId: change.ret.returnId, version: change.ret.version, error: error as Error }),
  );
}

/** Publishes whatever an earlier run left in the return's outbox (a replay of its trigger). */
export async function flushPending(deps: ReturnsDeps, returnId: string): Promise<number> {
  let published = 0;
  for (const entry of await deps.repository.pendingOf(returnId))
    published += await flushOutbox({ repository: deps.repository, publisher: deps.publisher, clock: deps.clock }, entry);
  return published;
}

const money = (amount: number, currency: string) => ({ amount, currency });

function statusChanged(before: Return, after: Return, at: string): OutboxEvent {
  return outboxEvent(ReturnStatusChanged, {
    returnId: after.returnId,
    orderId: after.orderId,
    customerId: after.customerId,
    kind: after.kind,
    status: after.status,
    previousStatus: before.status,
    ...(after.refund ? { refund: money(after.refund.amount, after.refund.currency) } : {}),
    changedAt: at,
  });
}

function units(items: readonly ReturnUnits[]): ReturnUnits[] {
  const by = new Map<string, number>();
  for (const i of items) by.set(i.sku, (by.get(i.sku) ?? 0) + i.quantity);
  return [...by].map(([sku, quantity]) => ({ sku, quantity }));
}

function withHeld(state: Omit<OrderReturnsState, 'version'>, items: readonly ReturnUnits[], sign: 1 | -1): Omit<OrderReturnsState, 'version'> {
  const held: Record<string, number> = { ...state.held };
  for (const i of items) held[i.sku] = Math.max(0, (held[i.sku] ?? 0) + sign * i.quantity);
  return { ...state, held };
}

function snapshotOf(order: OrderFacts): OrderSnapshot {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    currency: order.currency,
    lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, lineTotal: l.lineTotal.amount })),
    shippingFee: order.shippingFee.amount,
    paid: order.paid.amount,
    ...(order.risk ? { risk: order.risk } : {}),
  };
}

function refundOf(quote: RefundQuote, currency: string, express: boolean, at: string): ReturnRefund {
  return { amount: quote.amount, currency, shipping: quote.shipping, lines: quote.lines, express, status: 'requested', requestedAt: at };
}

function refundRequested(ret: Return, refund: ReturnRefund, requestedBy: string, at: string): OutboxEvent {
  return outboxEvent(ReturnRefundRequested, {
    returnId: ret.returnId,
    orderId: ret.orderId,
    customerId: ret.customerId,
    amount: money(refund.amount, refund.currency),
    reason: ret.reason,
    express: refund.express,
    requestedBy,
    requestedAt: at,
  });
}

/** The warehouse the returned units go back to and the carrier that picks them up: the order's shipment that carried them. */
function pickupOf(order: OrderFacts, items: readonly ReturnUnits[]): { carrier: string; warehouseId: string } | undefined {
  const candidates = order.shipments.filter((s) => s.warehouseId && s.status !== 'CANCELLED');
  const carrying = candidates.find((s) => s.lines?.some((l) => items.some((i) => i.sku === l.sku))) ?? candidates[0];
  return carrying?.warehouseId ? { carrier: carrying.carrier, warehouseId: carrying.warehouseId } : undefined;
}

const refused = (slug: string, title: string, detail: string, errors?: ReadonlyArray<{ path: string; message: string }>) =>
  new ProblemError(slug, title, 409, { detail, ...(errors ? { errors } : {}) });

/** `POST /orders/{orderId}/returns` (see the module documentation). */
export async function requestReturn(
  deps: RequestReturnDeps,
  input: { orderId: string; principal: Principal; request: ReturnRequestInput; correlationId: string },
): Promise<Return> {
  const { request } = input;
  const order = await deps.orders(input.orderId);
  // Another customer's order, or none: the same 404 (existence does not leak).
  if (!order || order.customerId !== input.principal.userId) throw notFound('No such order.');
  if (order.status !== 'DELIVERED' || !order.deliveredAt) throw refused('order-not-delivered', 'Order not delivered', 'Only delivered orders can be returned.');
  const now = deps.clock.now();
  if (!withinWindow(order.deliveredAt, request.reason, deps.windows, now))
    throw refused('return-window-closed', 'Return window closed', `The return window for "${request.reason}" ended.`);
  if (request.kind === 'refund' && request.items.some((i) => i.exchangeSku !== undefined))
    throw refused('exchange-sku-on-refund', 'Exchange SKU on a refund', 'exchangeSku is for exchanges only.');

  const skus = [...new Set([...request.items.map((i) => i.sku), ...request.items.flatMap((i) => (i.exchangeSku ? [i.exchangeSku] : []))])];
  const products = await deps.products(skus);
  const nonReturnable = new Set(
    order.lines.filter((l) => isNonReturnable({ ...(products.get(l.sku) ?? {}), sku: l.sku, category: l.category }, deps.nonReturnableCategories)).map((l) => l.sku),
  );
  if (request.kind === 'exchange') {
    const mismatched = request.items.filter((i) => {
      const line = order.lines.find((l) => l.sku === i.sku);
      const wanted = products.get(i.exchangeSku ?? i.sku);
      return line && (!wanted || wanted.price !== line.unitPrice.amount);
    });
    if (mismatched.length > 0) {
      throw refused(
        'exchange-not-like-for-like',
        'Exchange not like for like',
        'An exchange is for a product at the same unit price (another size or colour).',
        mismatched.map((i) => ({ path: `body.items.${request.items.indexOf(i)}.exchangeSku`, message: 'Not a product at the returned unit’s price' })),
      );
    }
  }

  const returnId = deps.newId();
  const comment = request.comment ? await deps.encryptComment(returnId, request.comment, order.customerId) : undefined;
  return withRetry(async () => {
    const stored = await deps.repository.getOrderState(order.orderId);
    const state = stored ?? { order: snapshotOf(order), held: {}, ledger: EMPTY_LEDGER, version: 0 };
    const delivered = order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
    const returnable = returnableQuantities(delivered, [{ status: 'REQUESTED', items: Object.entries(state.held).map(([sku, quantity]) => ({ sku, quantity })) }]);
    const problems = itemRefusals(request.items, returnable, request.reason, nonReturnable);
    if (problems.length > 0) {
      const errors = problems.map((p) => ({
        path: `body.items.${request.items.findIndex((i) => i.sku === p.sku)}`,
        message:
          p.problem === 'too-many'
            ? `At most ${p.returnable} unit(s) of ${p.sku} can still be returned`
            : p.problem === 'non-returnable'
              ? `${p.sku} cannot be returned without a reason`
              : `${p.sku} is not on the order`,
      }));
      const first = problems[0] as (typeof problems)[number];
      if (first.problem === 'non-returnable')
        throw refused(
          'non-returnable',
          'Non-returnable goods',
          'These goods are excluded from the no-reason return; a damaged, wrong, faulty or counterfeit item can still be returned with that reason.',
          errors,
        );
      throw refused('return-quantity-exceeded', 'More than can be returned', 'More units than were delivered minus those already returned.', errors);
    }
    const items = request.items.map((i) => ({ sku: i.sku, quantity: i.quantity, ...(request.kind === 'exchange' ? { exchangeSku: i.exchangeSku ?? i.sku } : {}) }));
    const pickup = pickupOf(order, items);
    if (!pickup) throw refused('no-shipment', 'No shipment to return to', 'The order has no shipment a pickup could go back to.');
    const estimate = request.kind === 'refund' ? quoteRefund(state.order, state.ledger, units(items), request.reason).amount : 0;
    const at = now.toISOString();
    const ret: Return = {
      returnId,
      orderId: order.orderId,
      customerId: order.customerId,
      kind: request.kind,
      reason: request.reason,
      status: 'REQUESTED',
      items,
      ...(comment ? { comment } : {}),
      currency: order.currency,
      refundEstimate: estimate,
      pickup,
      timeline: [{ at, status: 'REQUESTED', event: 'requested', actor: input.principal.userId }],
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    await commitAndPublish(deps, {
      ret,
      expectedVersion: null,
      orderState: { state: withHeld(state, units(items), 1), expectedVersion: state.version },
      events: [outboxEvent(ReturnRequested, { returnId, orderId: ret.orderId, customerId: ret.customerId, kind: ret.kind, reason: ret.reason, items, requestedAt: at })],
      correlationId: input.correlationId,
    });
    return ret;
  });
}

/** The return, for its customer or staff; another customer gets 404. */
export async function readReturn(deps: Pick<ReturnsDeps, 'repository'>, returnId: string, principal: Principal): Promise<Return> {
  const ret = await deps.repository.getReturn(returnId);
  if (!ret || (!principal.isStaff && ret.customerId !== principal.userId)) throw notFound('No such return.');
  return ret;
}

/** Moves a return and publishes ReturnStatusChanged (plus `extra` events); releases its units when it leaves the count. */
async function transition(
  deps: ReturnsDeps,
  ret: Return,
  trigger: ReturnTrigger,
  actor: string,
  correlationId: string,
  options: { patch?: Partial<Return>; extra?: (after: Return, at: string) => OutboxEvent[]; stock?: StockTransactItem[] } = {},
): Promise<Return | undefined> {
  const at = deps.clock.now().toISOString();
  const after = moved(ret, trigger, actor, at, { ...options.patch, version: ret.version + 1 });
  if (!after) return undefined;
  let orderState: ReturnChange['orderState'];
  // Units go back to "returnable" when the return ends without taking them (no refund paid or asked).
  if (RELEASED_RETURN_STATUSES.includes(after.status) && !after.refund) {
    const state = await deps.repository.getOrderState(ret.orderId);
    if (state) orderState = { state: withHeld(state, units(ret.items), -1), expectedVersion: state.version };
  }
  await commitAndPublish(deps, {
    ret: after,
    expectedVersion: ret.version,
    ...(orderState ? { orderState } : {}),
    ...(options.stock ? { stock: options.stock } : {}),
    events: [statusChanged(ret, after, at), ...(options.extra?.(after, at) ?? [])],
    correlationId,
  });
  return after;
}

/** `POST /returns/{returnId}/cancel` — the customer, before the pickup. */
export async function cancelReturn(deps: ReturnsDeps, input: { returnId: string; principal: Principal; correlationId: string }): Promise<Return> {
  return withRetry(async () => {
    const ret = await readReturn(deps, input.returnId, input.principal);
    if (ret.customerId !== input.principal.userId) throw notFound('No such return.');
    if (ret.status === 'CANCELLED') return ret;
    const after = await transition(deps, ret, 'cancel', input.principal.userId, input.correlationId);
    if (!after) throw refused('return-not-cancellable', 'Return not cancellable', `A return that is ${ret.status} can no longer be cancelled (only before the pickup).`);
    return after;
  });
}

/** `POST /admin/returns/{returnId}/decision` — cs-agent, audited. */
export async function decideReturn(
  deps: ReturnsDeps & { readonly audit: AuditLog },
  input: { returnId: string; principal: Principal; decision: 'approve' | 'reject'; note: string; correlationId: string },
): Promise<Return> {
  // Audited before it takes effect (SEC-4), once however often the write is retried.
  const audit = once((ret: Return) =>
    deps.audit.record({
      actor: input.principal.userId,
      roles: input.principal.roles,
      action: `return.${input.decision}`,
      resource: { type: 'return', id: input.returnId },
      reason: input.note,
      details: { orderId: ret.orderId, kind: ret.kind, returnReason: ret.reason },
      correlationId: input.correlationId,
    }),
  );
  const after = await withRetry(async () => {
    const ret = await deps.repository.getReturn(input.returnId);
    if (!ret) throw notFound('No such return.');
    const done = input.decision === 'approve' ? ret.timeline.some((t) => t.event === 'approve') : ret.status === 'REJECTED';
    if (done) return { ret, changed: false };
    if (ret.status !== 'REQUESTED') throw refused('return-already-decided', 'Return already decided', `The return is ${ret.status}.`);
    await audit(ret);
    const moved = await transition(deps, ret, input.decision, input.principal.userId, input.correlationId, {
      extra: (a, at) =>
        input.decision === 'approve'
          ? [
              outboxEvent(ReturnPickupRequested, {
                returnId: a.returnId,
                orderId: a.orderId,
                customerId: a.customerId,
                items: units(a.items),
                warehouseId: a.pickup.warehouseId,
                carrier: a.pickup.carrier,
                requestedAt: at,
              }),
            ]
          : [],
    });
    if (!moved) throw refused('return-already-decided', 'Return already decided', `The return is ${ret.status}.`);
    return { ret: moved, changed: true };
  });
  return after.ret;
}

/** Ports of the inspection. */
export interface InspectReturnDeps extends ReturnsDeps {
  readonly audit: AuditLog;
  /** Catalog's restock items (stock-contract.ts restockReturnedStock) for the CatalogTable. */
  readonly restockItems: (movement: { returnId: string; sku: string; warehouseId: string; quantity: number }, at: Date) => StockTransactItem[];
}

/** `POST /admin/returns/{returnId}/inspection` — ops, after the parcel arrived; audited. */
export async function inspectReturn(
  deps: InspectReturnDeps,
  input: { returnId: string; principal: Principal; passed: boolean; restock: boolean; note: string; correlationId: string },
): Promise<Return> {
  // Audited before it takes effect (SEC-4), once however often the write is retried.
  const audit = once((ret: Return, outcome: 'rejected-goods' | 'restocked' | 'written-off') =>
    deps.audit.record({
      actor: input.principal.userId,
      roles: input.principal.roles,
      action: outcome === 'restocked' ? 'return.restock' : outcome === 'written-off' ? 'return.write-off' : 'return.inspection-failed',
      resource: { type: 'return', id: input.returnId },
      reason: input.note,
      details: {
        orderId: ret.orderId,
        passed: input.passed,
        restock: outcome === 'restocked',
        warehouseId: ret.pickup.warehouseId,
        units: ret.items.reduce((sum, i) => sum + i.quantity, 0),
        skus: units(ret.items)
          .map((u) => `${u.sku}x${u.quantity}`)
          .join(',')
          .slice(0, 500),
      },
      correlationId: input.correlationId,
    }),
  );
  const result = await withRetry(async () => {
    const ret = await deps.repository.getReturn(input.returnId);
    if (!ret) throw notFound('No such return.');
    if (ret.inspection) {
      if (ret.inspection.passed === input.passed && ret.inspection.restock === input.restock) return { ret, changed: false };
      throw refused('return-already-inspected', 'Return already inspected', 'The return was inspected with another outcome.');
    }
    if (ret.status !== 'RECEIVED') throw refused('return-not-received', 'Return not received', `Inspection happens once the parcel arrived; the return is ${ret.status}.`);
    const now = deps.clock.now();
    const at = now.toISOString();
    const warehouseId = ret.pickup.warehouseId;
    const outcome = !input.passed ? 'rejected-goods' : input.restock ? 'restocked' : 'written-off';
    const inspection = {
      passed: input.passed,
      restock: input.passed && input.restock,
      by: input.principal.userId,
      at,
      outcome,
      ...(outcome === 'restocked' ? { warehouseId } : {}),
    } as const;
    const stock = outcome === 'restocked' ? units(ret.items).flatMap((u) => deps.restockItems({ returnId: ret.returnId, sku: u.sku, warehouseId, quantity: u.quantity }, now)) : [];
    await audit(ret, outcome);

    if (!input.passed) {
      const failed = await transition(deps, ret, 'inspection-failed', input.principal.userId, input.correlationId, { patch: { inspection } });
      return { ret: failed as Return, changed: true };
    }
    if (ret.kind === 'exchange') {
      const after = noted(ret, 'inspection-passed', input.principal.userId, at, { inspection, replacement: { status: 'requested', at }, version: ret.version + 1 });
      await commitAndPublish(deps, {
        ret: after,
        expectedVersion: ret.version,
        stock,
        events: [
          outboxEvent(ExchangeShipmentRequested, {
            returnId: ret.returnId,
            orderId: ret.orderId,
            customerId: ret.customerId,
            items: units(ret.items.map((i) => ({ sku: i.exchangeSku ?? i.sku, quantity: i.quantity }))),
            requestedAt: at,
          }),
        ],
        correlationId: input.correlationId,
      });
      return { ret: after, changed: true };
    }
    // A refund return: refunded at pickup already (express) → REFUNDED now; else ask payments.
    if (ret.refund?.status === 'refunded') {
      const done = await transition(deps, ret, 'refunded', input.principal.userId, input.correlationId, { patch: { inspection }, stock });
      return { ret: done as Return, changed: true };
    }
    if (ret.refund) {
      const after = noted(ret, 'inspection-passed', input.principal.userId, at, { inspection, version: ret.version + 1 });
      await commitAndPublish(deps, { ret: after, expectedVersion: ret.version, stock, events: [], correlationId: input.correlationId });
      return { ret: after, changed: true };
    }
    const requested = await requestRefund(deps, ret, { inspection }, input.principal.userId, false, input.correlationId, stock, 'inspection-passed');
    return { ret: requested, changed: true };
  });
  return result.ret;
}

/** Quotes the refund against the order's ledger and asks payments for it, in one transaction with the ledger. */
async function requestRefund(
  deps: ReturnsDeps,
  ret: Return,
  patch: Partial<Return>,
  requestedBy: string,
  express: boolean,
  correlationId: string,
  stock: readonly StockTransactItem[],
  event: string,
): Promise<Return> {
  const state = await deps.repository.getOrderState(ret.orderId);
  if (!state) throw new Error(`return ${ret.returnId}: the order's returns item is missing`);
  const quote = quoteRefund(state.order, state.ledger, units(ret.items), ret.reason);
  const at = deps.clock.now().toISOString();
  const refund = refundOf(quote, ret.currency, express, at);
  const after = noted(ret, event, requestedBy, at, { ...patch, refund, version: ret.version + 1 });
  const events = quote.amount > 0 ? [refundRequested(after, refund, requestedBy, at)] : [];
  await commitAndPublish(deps, {
    ret: after,
    expectedVersion: ret.version,
    orderState: { state: { ...state, ledger: quote.ledger }, expectedVersion: state.version },
    stock,
    events,
    correlationId,
  });
  return after;
}

/** Ports of the fulfillment consumer. */
export interface FulfillmentUpdateDeps extends ReturnsDeps {
  readonly repository: ReturnsDeps['repository'] & Pick<ReturnsRepository, 'failedInspections'>;
  readonly expressRefundMaxMinor: number;
  readonly reviewThreshold: number;
}

/** The facts of `ReturnFulfillmentUpdated`. */
export interface FulfillmentUpdate {
  readonly returnId: string;
  readonly update: 'pickup-booked' | 'picked-up' | 'received' | 'replacement-allocated' | 'replacement-unavailable';
  readonly shipmentId?: string;
  readonly carrier?: string;
  readonly waybill?: string;
  readonly warehouseId?: string;
  readonly at: string;
}

/** What a consumer did. */
export type ConsumerOutcome = 'applied' | 'express-refund' | 'ignored' | 'unknown-return';

/** `ReturnFulfillmentUpdated` (see the module documentation). Idempotent: a replay is ignored (and publishes what the first run left). */
export async function applyFulfillmentUpdate(deps: FulfillmentUpdateDeps, update: FulfillmentUpdate, correlationId: string): Promise<ConsumerOutcome> {
  return withRetry(async (): Promise<ConsumerOutcome> => {
    const ret = await deps.repository.getReturn(update.returnId);
    if (!ret) return 'unknown-return';
    const actor = RETURNS_ACTORS.fulfillment;
    const pickupPatch = (p: Partial<Return['pickup']>): Partial<Return> => ({ pickup: { ...ret.pickup, ...p } });
    let after: Return | undefined;
    switch (update.update) {
      case 'pickup-booked':
        after = await transition(deps, ret, 'pickup-booked', actor, correlationId, {
          patch: pickupPatch({
            ...(update.carrier ? { carrier: update.carrier } : {}),
            ...(update.waybill ? { waybill: update.waybill } : {}),
            ...(update.shipmentId ? { shipmentId: update.shipmentId } : {}),
            bookedAt: update.at,
          }),
        });
        break;
      case 'picked-up': {
        after = await transition(deps, ret, 'picked-up', actor, correlationId, {
          patch: pickupPatch({ ...(update.waybill ? { waybill: update.waybill } : {}), pickedUpAt: update.at }),
        });
        // Also when a retry finds the parcel already in transit without its refund (the express request lost a race).
        const inTransit = after ?? (ret.status === 'IN_TRANSIT' ? ret : undefined);
        if (inTransit && (await expressRefundApplies(deps, inTransit))) {
          await requestRefund(deps, inTransit, {}, RETURNS_ACTORS.express, true, correlationId, [], 'express-refund-requested');
          return 'express-refund';
        }
        break;
      }
      case 'received':
        after = await transition(deps, ret, 'received', actor, correlationId, {
          patch: pickupPatch({ receivedAt: update.at, ...(update.warehouseId ? { warehouseId: update.warehouseId } : {}) }),
        });
        break;
      case 'replacement-allocated':
        if (ret.kind !== 'exchange' || ret.replacement?.status !== 'requested') break;
        after = await transition(deps, ret, 'exchanged', actor, correlationId, {
          patch: { replacement: { status: 'allocated', ...(update.shipmentId ? { shipmentId: update.shipmentId } : {}), at: update.at } },
        });
        break;
      case 'replacement-unavailable':
        if (ret.kind !== 'exchange' || ret.replacement?.status !== 'requested' || ret.refund) break;
        // No replacement to ship: the returned units are refunded instead.
        after = await requestRefund(
          deps,
          ret,
          { replacement: { status: 'unavailable', at: update.at } },
          RETURNS_ACTORS.returns,
          false,
          correlationId,
          [],
          'replacement-unavailable',
        );
        break;
    }
    if (after) return 'applied';
    await flushPending(deps, ret.returnId);
    return 'ignored';
  });
}

/** Express refund (极速退款): a refund return, its customer's risk profile good, the refund below the configured amount. */
async function expressRefundApplies(deps: FulfillmentUpdateDeps, ret: Return): Promise<boolean> {
  if (ret.kind !== 'refund' || ret.refund || deps.expressRefundMaxMinor <= 0) return false;
  const state = await deps.repository.getOrderState(ret.orderId);
  if (!state) return false;
  const amount = quoteRefund(state.order, state.ledger, units(ret.items), ret.reason).amount;
  if (amount <= 0 || amount > deps.expressRefundMaxMinor) return false;
  return goodRiskProfile({
    ...(state.order.risk ? { risk: state.order.risk } : {}),
    reviewThreshold: deps.reviewThreshold,
    failedInspections: await deps.repository.failedInspections(ret.customerId),
  });
}

/** `PaymentRefunded` with a return id: the refund completed. Idempotent. */
export async function applyRefundCompleted(
  deps: ReturnsDeps,
  refunded: { returnId: string; refundId: string; amount: { amount: number; currency: string }; refundedAt: string },
  correlationId: string,
): Promise<ConsumerOutcome> {
  return withRetry(async (): Promise<ConsumerOutcome> => {
    const ret = await deps.repository.getReturn(refunded.returnId);
    if (!ret || !ret.refund) return 'unknown-return';
    if (ret.refund.status === 'refunded') {
      await flushPending(deps, ret.returnId);
      return 'ignored';
    }
    const refund: ReturnRefund = { ...ret.refund, status: 'refunded', refundId: refunded.refundId, refundedAt: refunded.refundedAt, amount: refunded.amount.amount };
    const ready = ret.status === 'RECEIVED' && (ret.inspection?.passed === true || ret.replacement?.status === 'unavailable');
    if (ready) {
      await transition(deps, ret, 'refunded', RETURNS_ACTORS.payments, correlationId, { patch: { refund } });
      return 'applied';
    }
    // An express refund paid before the parcel arrived: the return moves on at inspection.
    const after = noted(ret, 'refund-paid', RETURNS_ACTORS.payments, deps.clock.now().toISOString(), { refund, version: ret.version + 1 });
    await commitAndPublish(deps, { ret: after, expectedVersion: ret.version, events: [], correlationId });
    return 'applied';
  });
}

/** Runs `fn` once: later calls (a retried write) do nothing; a failed call may be tried again. */
function once<A extends unknown[]>(fn: (...args: A) => Promise<unknown>): (...args: A) => Promise<void> {
  let done = false;
  return async (...args: A) => {
    if (done) return;
    await fn(...args);
    done = true;
  };
}
