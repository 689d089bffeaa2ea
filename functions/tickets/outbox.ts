/**
 * The transactional outbox of tickets: a change's events are written in the same transaction as
 * the change (ticket-repository.ts), then published and marked published. A crash in between
 * leaves the outbox pending on the `byPendingOutbox` index, where the sweep republishes it.
 * Consumers are idempotent, so an event published twice is harmless.
 */
import type { Clock } from '../../shared/clock.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { newId } from '../../shared/ids.ts';
import { domainEvent, type AnyEventDefinition, type DomainEvent } from '../../events/event-definition.ts';
import { TicketEscalated, TicketStatusChanged } from '../../events/ticket-events.ts';
import type { OutboxEvent, OutboxRecord, TicketRepository } from './ticket-repository.ts';

/** Every event tickets publishes, by name. */
export const TICKETS_PUBLISHED: readonly AnyEventDefinition[] = [TicketStatusChanged, TicketEscalated];
const BY_NAME: Readonly<Record<string, AnyEventDefinition>> = Object.fromEntries(TICKETS_PUBLISHED.map((d) => [d.name, d]));

/** An outbox entry for `definition` (validated now, so a bad payload never reaches the table). */
export function outboxEvent<D extends AnyEventDefinition>(definition: D, payload: DomainEvent<D>['payload']): OutboxEvent {
  if (!BY_NAME[definition.name]) throw new Error(`${definition.name} is not an event tickets publishes`);
  definition.schema.strict().parse(payload);
  return { name: definition.name, payload: payload as Record<string, unknown> };
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
  const events = outbox.events.map((e) => {
    const definition = BY_NAME[e.name];
    if (!definition) throw new Error(`unknown outbox event ${e.name}`);
    return domainEvent(definition, e.payload);
  });
  await deps.publisher(outbox.correlationId).publish(events);
  await deps.repository.markPublished(outbox.outboxId, deps.clock.now().toISOString());
  return events.length;
}

/** Like {@link flushOutbox}, but a failure leaves the outbox pending for the sweep instead of failing the caller. */
export async function tryFlushOutbox(deps: OutboxDeps, outbox: OutboxRecord): Promise<boolean> {
  try {
    await flushOutbox(deps, outbox);
    return true;
  } catch {
    return false;
  }
}
