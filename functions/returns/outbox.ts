/**
 * The transactional outbox (see returns-repository.ts): a change's events are stored in the same
 * transaction, then published and the outbox item marked published. A crash between commit and
 * publish leaves it pending; the replay of the triggering message, or the scheduled sweep,
 * publishes it. Consumers are idempotent, so an event published twice is harmless.
 */
import type { Clock } from '../../shared/clock.ts';
import type { EventPublisher } from '../../shared/events.ts';
import type { AnyEventDefinition, DomainEvent } from '../../events/event-definition.ts';
import { outboxCatalog, publishOutbox } from '../../shared/outbox.ts';
import { ExchangeShipmentRequested, ReturnPickupRequested, ReturnRefundRequested, ReturnRequested, ReturnStatusChanged } from '../../events/return-events.ts';
import type { OutboxEntry, OutboxEvent, ReturnsRepository } from './returns-repository.ts';

/** Every event returns publishes (source `commerce.returns`). */
export const RETURNS_PUBLISHES: readonly AnyEventDefinition[] = [ReturnRequested, ReturnStatusChanged, ReturnPickupRequested, ReturnRefundRequested, ExchangeShipmentRequested];

const RETURNS_OUTBOX = /* @__PURE__ */ outboxCatalog('returns', RETURNS_PUBLISHES);

/** An outbox entry for `definition` with `payload` (validated now, so a bad payload never reaches the table). */
export function outboxEvent<D extends AnyEventDefinition>(definition: D, payload: DomainEvent<D>['payload']): OutboxEvent {
  return RETURNS_OUTBOX.event(definition, payload);
}

/** Ports the outbox needs. */
export interface OutboxDeps {
  readonly repository: Pick<ReturnsRepository, 'markPublished'>;
  readonly publisher: (correlationId: string) => EventPublisher;
  readonly clock: Clock;
}

/** Publishes an outbox entry's events and marks it published. */
export async function flushOutbox(deps: OutboxDeps, entry: OutboxEntry | undefined): Promise<number> {
  if (!entry || entry.events.length === 0) return 0;
  return publishOutbox(RETURNS_OUTBOX, entry, deps.publisher, () => deps.repository.markPublished(entry.returnId, entry.version, deps.clock.now().toISOString()));
}
