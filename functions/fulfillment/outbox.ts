/**
 * The transactional outbox (see fulfillment-repository.ts): events are stored on the marker of the
 * change that caused them, in the same transaction, then published and the marker marked
 * published. A crash between commit and publish leaves the marker pending; a replay of the
 * triggering message, or the scheduled sweep, publishes it. Consumers are idempotent, so an event
 * published twice (publish succeeded, marking failed) is harmless.
 */
import type { Clock } from '../../shared/clock.ts';
import type { EventPublisher } from '../../shared/events.ts';
import type { AnyEventDefinition, DomainEvent } from '../../events/event-definition.ts';
import { outboxCatalog, publishOutbox } from '../../shared/outbox.ts';
import { CustomerNotificationRequested } from '../../events/customer-notification-requested.ts';
import { DeliveryLate, OrderAllocated, OrderDelivered, OrderShipped, ReplenishmentSuggested, ShipmentStatusChanged } from '../../events/fulfillment-events.ts';
import { ProblemOrderRaised } from '../../events/problem-order-raised.ts';
import { ReturnFulfillmentUpdated } from '../../events/return-events.ts';
import type { FulfillmentRepository, Marker, OutboxEvent } from './fulfillment-repository.ts';

/** Every event fulfillment publishes. */
const FULFILLMENT_OUTBOX = /* @__PURE__ */ outboxCatalog('fulfillment', [
  OrderAllocated,
  ShipmentStatusChanged,
  OrderShipped,
  OrderDelivered,
  DeliveryLate,
  ReplenishmentSuggested,
  ProblemOrderRaised,
  CustomerNotificationRequested,
  ReturnFulfillmentUpdated,
]);

/** An outbox entry for `definition` with `payload` (validated when published). */
export function outboxEvent<D extends AnyEventDefinition>(definition: D, payload: DomainEvent<D>['payload']): OutboxEvent {
  return FULFILLMENT_OUTBOX.event(definition, payload);
}

/** The domain events of an outbox. */
export function domainEventsOf(events: readonly OutboxEvent[]): DomainEvent[] {
  return FULFILLMENT_OUTBOX.domainEvents(events);
}

/** Ports the outbox needs. */
export interface OutboxDeps {
  readonly repository: Pick<FulfillmentRepository, 'markPublished'>;
  /** A publisher for a correlation id (the marker's: the events continue the triggering flow). */
  readonly publisher: (correlationId: string) => EventPublisher;
  readonly clock: Clock;
}

/** Publishes a marker's events (if any and not yet published) and marks it published. */
export async function flushMarker(deps: OutboxDeps, marker: Marker): Promise<number> {
  if (marker.publishedAt || marker.events.length === 0) return 0;
  return publishOutbox(FULFILLMENT_OUTBOX, marker, deps.publisher, () => deps.repository.markPublished(marker.kind, marker.key, deps.clock.now().toISOString()));
}
