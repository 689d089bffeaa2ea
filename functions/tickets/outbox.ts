/**
 * The transactional outbox of tickets: a change's events are written in the same transaction as
 * the change (ticket-repository.ts), then published and marked published. A crash in between
 * leaves the outbox pending on the `byPendingOutbox` index, where the sweep republishes it.
 * Consumers are idempotent, so an event published twice is harmless.
 */
import type { Clock } from '../../shared/clock.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { newId } from '../../shared/ids.ts';
import type { AnyEventDefinition, DomainEvent } from '../../events/event-definition.ts';
import { outboxCatalog, publishOrLeavePending, publishOutbox, type PendingOutcome } from '../../shared/outbox.ts';
import { logger } from '../../shared/observability.ts';
import { TicketEscalated, TicketStatusChanged } from '../../events/ticket-events.ts';
import type { OutboxEvent, OutboxRecord, TicketRepository } from './ticket-repository.ts';

/** Every event tickets publishes, by name. */
export const TICKETS_PUBLISHED: readonly AnyEventDefinition[] = [TicketStatusChanged, TicketEscalated];
const TICKETS_OUTBOX = /* @__PURE__ */ outboxCatalog('tickets', TICKETS_PUBLISHED);

/** An outbox entry for `definition` (validated now, so a bad payload never reaches the table). */
export function outboxEvent<D extends AnyEventDefinition>(definition: D, payload: DomainEvent<D>['payload']): OutboxEvent {
  return TICKETS_OUTBOX.event(definition, payload);
}

/** A new outbox of `events`. */
export function newOutbox(events: readonly OutboxEvent[], correlationId: string, at: Date): OutboxRecord {
  return { outboxId: newId(at), correlationId, createdAt: at.toISOString(), events };
}

/** Ports of publishing. */
export interface OutboxDeps {
  readonly repository: Pick<TicketRepository, 'markPublished'>;
  readonly publisher: (correlationId: string) => EventPublisher;
  readonly clock: Clock;
}

/** Publishes an outbox (unless published) and marks it published. */
export async function flushOutbox(deps: OutboxDeps, outbox: OutboxRecord): Promise<number> {
  if (outbox.publishedAt || outbox.events.length === 0) return 0;
  return publishOutbox(TICKETS_OUTBOX, outbox, deps.publisher, () => deps.repository.markPublished(outbox.outboxId, deps.clock.now().toISOString()));
}

/** Like {@link flushOutbox}, but a failure is logged and leaves the outbox pending for the sweep instead of failing the caller. */
export async function tryFlushOutbox(deps: OutboxDeps, outbox: OutboxRecord): Promise<PendingOutcome> {
  return publishOrLeavePending(
    () => flushOutbox(deps, outbox),
    (error) => logger.warn('ticket outbox left pending for the sweep', { outboxId: outbox.outboxId, error: error as Error }),
  );
}
