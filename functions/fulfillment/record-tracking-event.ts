/**
 * Use case (FUL-3, ORD-6): a carrier's signed tracking event (`POST /webhooks/carriers`).
 *
 * 1. Authenticate BEFORE parsing: the `Carrier-Signature` header must match the raw body, within
 *    the replay window, with the secret of a configured carrier (401 otherwise, whatever the body
 *    is — an unsigned body is never parsed); then the body is parsed (400 if not JSON), the carrier
 *    it names must be one whose secret signed it (401 otherwise), and it is validated (400).
 *    Nothing is written for a refused request. (Bodies over 64 KB never get here: the route's
 *    size cap answers 413 first.)
 * 2. A duplicate (same carrier event id) changes nothing (its outbox is republished if that was
 *    interrupted). An unknown waybill is 404. A report about a shipment cancelled with its order
 *    (before pickup) is acknowledged and changes nothing (no marker, no event).
 * 3. The state machine (domain/shipment.ts) decides: ignored events (regressions, repeats) only
 *    leave a marker; applied ones update the shipment and, in the same transaction, the order
 *    summary (which serialises an order's shipments) and the marker, whose outbox holds
 *    `ShipmentStatusChanged`, `OrderShipped` (first time every shipment has left: card and wallet
 *    are captured), `OrderDelivered` (first time every one is delivered: cash on delivery is
 *    captured), and for an exception `ProblemOrderRaised` + `CustomerNotificationRequested`.
 * 4. Publish the outbox. A lost race on the shipment or summary is retried from a fresh read.
 *
 * Return shipments (AFT-1, `purpose` on the shipment) are tracked the same way but never count
 * towards the order's milestones — so never `OrderShipped`/`OrderDelivered`, hence never a capture:
 * - a **return pickup** publishes `ReturnFulfillmentUpdated` `picked-up` the first time the carrier
 *   holds the parcel and `received` when it is delivered to the warehouse (both, in that order, if
 *   the delivery is the first report) instead of `ShipmentStatusChanged` (the customer's order view
 *   shows the order's deliveries, not the return parcel); an exception raises `ProblemOrderRaised`
 *   for operations only (no delivery-problem notification to the customer);
 * - a **replacement** (an exchange's units) publishes `ShipmentStatusChanged` and its exceptions
 *   like any shipment, without order milestones.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import type { Clock } from '../../shared/clock.ts';
import { ProblemError, invalidFields, malformedJson, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { CustomerNotificationRequested } from '../../events/customer-notification-requested.ts';
import { OrderDelivered, OrderShipped, ShipmentStatusChanged } from '../../events/fulfillment-events.ts';
import { ProblemOrderRaised } from '../../events/problem-order-raised.ts';
import { ReturnFulfillmentUpdated } from '../../events/return-events.ts';
import { verifyCarrierSignature } from './domain/carrier-signature.ts';
import { decideTracking, hasLeft, newMilestones, orderProgress, SHIPMENT_EXCEPTIONS, type IgnoreReason, type ShipmentException } from './domain/shipment.ts';
import { MarkerExists, WriteConflict, type FulfillmentRepository, type OutboxEvent, type ShipmentRecord } from './fulfillment-repository.ts';
import { flushMarker, outboxEvent, type OutboxDeps } from './outbox.ts';

/** A tracking event as carriers post it. */
export const CarrierTrackingEventSchema = /* @__PURE__ */ lazily(() =>
  z
    .strictObject({
      eventId: z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'Must be 1–100 letters, digits or _ . : -')),
      carrier: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,39}$/)),
      waybill: z.string().check(z.regex(/^[A-Z0-9-]{4,64}$/)),
      status: z.enum(['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION']),
      exception: z.optional(z.enum(SHIPMENT_EXCEPTIONS)),
      occurredAt: z.iso.datetime(),
    })
    .check(
      z.refine((e) => (e.status === 'EXCEPTION') === (e.exception !== undefined), { message: 'exception is required with status EXCEPTION and only then', path: ['exception'] }),
    ),
);

export type CarrierTrackingEventInput = z.infer<ReturnType<typeof CarrierTrackingEventSchema>>;

/** Ports and settings. */
export interface TrackingDeps extends OutboxDeps {
  readonly repository: FulfillmentRepository;
  readonly clock: Clock;
  readonly maxAttempts?: number;
}

/** What authenticating a signed webhook needs. */
export interface WebhookAuthentication {
  /** Signing secret per carrier id. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly toleranceSeconds: number;
  readonly clock: Clock;
}

export type TrackingOutcome =
  | { readonly outcome: 'applied'; readonly shipmentId: string; readonly from: string; readonly to: string; readonly orderShipped: boolean; readonly orderDelivered: boolean }
  | { readonly outcome: 'ignored'; readonly shipmentId: string; readonly reason: IgnoreReason }
  | { readonly outcome: 'duplicate' };

const TRACKING = 'TRACKING';

function invalidSignature(): ProblemError {
  return new ProblemError('invalid-signature', 'Invalid signature', 401, { detail: 'The Carrier-Signature header is missing, malformed, expired or does not match the body.' });
}

const PROBLEM_OF: Record<ShipmentException, 'undeliverable-address' | 'parcel-lost' | 'delivery-refused'> = {
  'undeliverable-address': 'undeliverable-address',
  lost: 'parcel-lost',
  refused: 'delivery-refused',
};

/**
 * Authenticates, then parses a webhook request; throws 401 (signature) before any 400 (body).
 * The signature is checked on the raw body against each configured carrier's secret (a handful,
 * each compared in constant time), so nothing from an unauthenticated body is ever parsed.
 */
export function authenticateTrackingEvent(deps: WebhookAuthentication, rawBody: string | null | undefined, signature: string | undefined): CarrierTrackingEventInput {
  const body = rawBody ?? '';
  const now = deps.clock.now();
  const signedBy = Object.entries(deps.secrets)
    .filter(([, secret]) => verifyCarrierSignature({ header: signature, body, secret, now, toleranceSeconds: deps.toleranceSeconds }).ok)
    .map(([carrier]) => carrier);
  if (signedBy.length === 0) throw invalidSignature();
  if (!body) throw invalidFields([{ path: 'body', message: 'Required' }]);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw malformedJson();
  }
  // The carrier the body names must be one whose secret signed it.
  const carrier = json && typeof json === 'object' ? (json as { carrier?: unknown }).carrier : undefined;
  if (typeof carrier !== 'string' || !signedBy.includes(carrier)) throw invalidSignature();
  const parsed = CarrierTrackingEventSchema().safeParse(json);
  if (!parsed.success) throw invalidFields(parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })));
  return parsed.data;
}

/** Records an authenticated tracking event (idempotent). */
export async function recordTrackingEvent(deps: TrackingDeps, event: CarrierTrackingEventInput, correlationId: string): Promise<TrackingOutcome> {
  const key = `${event.carrier}#${event.eventId}`;
  const seen = await deps.repository.getMarker(TRACKING, key);
  if (seen) {
    await flushMarker(deps, seen);
    return { outcome: 'duplicate' };
  }
  const located = await deps.repository.findWaybill(event.waybill);
  if (!located || located.carrier !== event.carrier) throw notFound('No shipment has this waybill with this carrier.');

  const maxAttempts = deps.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const { summary, shipments } = await deps.repository.getOrder(located.orderId);
    const shipment = shipments.find((s) => s.shipmentId === located.shipmentId);
    if (!summary || !shipment) throw new Error(`waybill ${event.waybill} points at a missing shipment`);
    const at = deps.clock.now().toISOString();
    const decision = decideTracking(shipment.status, event.status);
    // A cancelled shipment (the order was cancelled before pickup): acknowledged, nothing changes.
    if (decision.kind === 'ignore' && decision.reason === 'shipment-cancelled') return { outcome: 'ignored', shipmentId: shipment.shipmentId, reason: decision.reason };
    if (decision.kind === 'ignore') {
      try {
        await deps.repository.putMarker({
          kind: TRACKING,
          key,
          correlationId,
          createdAt: at,
          events: [],
          outcome: { shipmentId: shipment.shipmentId, ignored: decision.reason, reported: event.status },
        });
      } catch (error) {
        if (error instanceof MarkerExists) return { outcome: 'duplicate' };
        throw error;
      }
      return { outcome: 'ignored', shipmentId: shipment.shipmentId, reason: decision.reason };
    }

    const updated: ShipmentRecord = {
      ...shipment,
      status: decision.to,
      ...(decision.to === 'EXCEPTION' ? { exception: event.exception } : {}),
      ...(shipment.leftAt === undefined && hasLeft(decision.to) ? { leftAt: event.occurredAt } : {}),
      ...(decision.to === 'DELIVERED' ? { deliveredAt: event.occurredAt } : {}),
      lastEventAt: event.occurredAt,
      history: [
        ...shipment.history,
        { status: decision.to, at: event.occurredAt, eventId: event.eventId, ...(decision.to === 'EXCEPTION' && event.exception ? { exception: event.exception } : {}) },
      ],
      version: shipment.version + 1,
    };
    // Only the order's own shipments make its milestones (a return's shipments never do, AFT-1).
    const statuses = shipments.filter((s) => s.purpose === undefined).map((s) => (s.shipmentId === updated.shipmentId ? updated.status : s.status));
    // A cancelled order reaches no milestone (payments voided or refunded it; a parcel that had left
    // is an operations case, raised when the order was cancelled).
    const milestones =
      summary.status === 'CANCELLED' || shipment.purpose !== undefined
        ? { shipped: false, delivered: false }
        : newMilestones(orderProgress(statuses), { shipped: summary.shippedAt !== undefined, delivered: summary.deliveredAt !== undefined });
    const newSummary = {
      ...summary,
      ...(milestones.shipped ? { shippedAt: event.occurredAt } : {}),
      ...(milestones.delivered ? { deliveredAt: event.occurredAt } : {}),
      version: summary.version + 1,
    };
    const events: OutboxEvent[] =
      shipment.purpose === 'return-pickup'
        ? returnPickupEvents(shipment, updated, event)
        : [
            outboxEvent(ShipmentStatusChanged, {
              orderId: shipment.orderId,
              shipmentId: shipment.shipmentId,
              carrier: shipment.carrier,
              waybill: shipment.waybill,
              from: decision.from,
              to: decision.to,
              ...(decision.to === 'EXCEPTION' && event.exception ? { exception: event.exception } : {}),
              changedAt: event.occurredAt,
            }),
          ];
    if (milestones.shipped) events.push(outboxEvent(OrderShipped, { orderId: summary.orderId, shipmentIds: [...summary.shipmentIds], shippedAt: event.occurredAt }));
    if (milestones.delivered) events.push(outboxEvent(OrderDelivered, { orderId: summary.orderId, shipmentIds: [...summary.shipmentIds], deliveredAt: event.occurredAt }));
    if (decision.to === 'EXCEPTION' && event.exception) {
      events.push(
        outboxEvent(ProblemOrderRaised, { orderId: summary.orderId, problem: PROBLEM_OF[event.exception], shipmentId: shipment.shipmentId, raisedBy: 'fulfillment', raisedAt: at }),
      );
      if (event.exception !== 'refused' && shipment.purpose !== 'return-pickup') {
        events.push(
          outboxEvent(CustomerNotificationRequested, {
            notificationId: newId(deps.clock.now()),
            customerId: summary.customerId,
            orderId: summary.orderId,
            template: 'delivery-problem',
            requestedBy: 'fulfillment',
            requestedAt: at,
          }),
        );
      }
    }
    const marker = { kind: TRACKING, key, correlationId, createdAt: at, events, outcome: { shipmentId: shipment.shipmentId, from: decision.from, to: decision.to } };
    try {
      await deps.repository.commitTracking({ shipment: updated, expectedShipmentVersion: shipment.version, summary: newSummary, expectedSummaryVersion: summary.version, marker });
    } catch (error) {
      if (error instanceof MarkerExists) {
        const winner = await deps.repository.getMarker(TRACKING, key);
        if (winner) await flushMarker(deps, winner);
        return { outcome: 'duplicate' };
      }
      if (error instanceof WriteConflict && attempt < maxAttempts) continue;
      throw error;
    }
    await flushMarker(deps, marker);
    return { outcome: 'applied', shipmentId: shipment.shipmentId, from: decision.from, to: decision.to, orderShipped: milestones.shipped, orderDelivered: milestones.delivered };
  }
}

/**
 * What a return pickup's tracking publishes (AFT-1): `picked-up` the first time the carrier holds
 * the parcel, `received` when it reaches the warehouse — each exactly once (the shipment's
 * `leftAt` / `deliveredAt` are set once, in the same transaction as the marker and its outbox).
 */
function returnPickupEvents(before: ShipmentRecord, after: ShipmentRecord, event: CarrierTrackingEventInput): OutboxEvent[] {
  if (!before.returnId) throw new Error(`return pickup ${before.shipmentId} has no returnId`);
  const common = {
    returnId: before.returnId,
    orderId: before.orderId,
    shipmentId: before.shipmentId,
    carrier: before.carrier,
    waybill: before.waybill,
    warehouseId: before.warehouseId,
  };
  const events: OutboxEvent[] = [];
  if (before.leftAt === undefined && after.leftAt !== undefined) events.push(outboxEvent(ReturnFulfillmentUpdated, { ...common, update: 'picked-up', at: event.occurredAt }));
  if (before.deliveredAt === undefined && after.status === 'DELIVERED') events.push(outboxEvent(ReturnFulfillmentUpdated, { ...common, update: 'received', at: event.occurredAt }));
  return events;
}
