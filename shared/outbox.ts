/**
 * The transactional outbox, one way for every capability: a change's events are stored (as
 * {@link OutboxEvent}s: a name and a payload) in the same DynamoDB transaction as the change, then
 * published and the outbox settled (marked published, or deleted). A crash between commit and
 * publish leaves the outbox pending; the replay of the triggering message, or a scheduled sweep,
 * publishes it. Consumers are idempotent, so an event published twice (published, then the
 * settling failed) is harmless.
 *
 * What differs between capabilities stays with them: where the outbox is stored, how it is settled
 * and found again. What is the same is here: the catalog of the events a capability may store
 * ({@link outboxCatalog}) and publish-then-settle ({@link publishOutbox}).
 */
import type { AnyEventDefinition, DomainEvent } from '../events/event-definition.ts';
import { domainEvent } from '../events/event-definition.ts';
import type { EventPublisher } from './events.ts';

/** An event as stored in an outbox: validated against its definition when it is published. */
export interface OutboxEvent {
  readonly name: string;
  readonly payload: Record<string, unknown>;
}

/** What every stored outbox has. */
export interface StoredOutbox {
  /** The correlation id of the change: its events continue that flow. */
  readonly correlationId: string;
  readonly events: readonly OutboxEvent[];
}

/** The events one capability may store in its outbox. */
export interface OutboxCatalog {
  /** An outbox entry for `definition` with `payload`; a definition the capability does not publish throws. */
  event<D extends AnyEventDefinition>(definition: D, payload: DomainEvent<D>['payload']): OutboxEvent;
  /** The domain events of stored events; an unknown name throws (the outbox is then left pending, never settled without it). */
  domainEvents(events: ReadonlyArray<{ readonly name: string; readonly payload: unknown }>, options?: { where?: string }): DomainEvent[];
}

/**
 * The catalog of `capability`'s outbox events. Every payload is checked against its event's schema
 * with no unknown keys when it is stored, so a bad payload — or a stray field that could carry
 * personal data into the outbox table — never reaches the table.
 */
export function outboxCatalog(capability: string, definitions: readonly AnyEventDefinition[]): OutboxCatalog {
  const byName: ReadonlyMap<string, AnyEventDefinition> = new Map(definitions.map((d) => [d.name, d]));
  return {
    event(definition, payload) {
      if (!byName.has(definition.name)) throw new Error(`${definition.name} is not an event ${capability} publishes`);
      definition.strictSchema.parse(payload);
      return { name: definition.name, payload: payload as Record<string, unknown> };
    },
    domainEvents(events, options = {}) {
      return events.flatMap((e) => {
        const definition = byName.get(e.name);
        if (definition) return [domainEvent(definition, e.payload as never)];
        throw new Error(`${options.where ?? `${capability}'s outbox`} holds an unknown event type ${e.name}`);
      });
    },
  };
}

/**
 * Publishes an outbox's events (with its correlation id), then settles it (`settle`: mark it
 * published, or delete it). Nothing is settled when publishing fails: the error propagates and the
 * outbox stays pending. An outbox without events is settled at once. Returns the events published.
 */
export async function publishOutbox(
  catalog: OutboxCatalog,
  outbox: StoredOutbox,
  publisher: (correlationId: string) => EventPublisher,
  settle: () => Promise<void>,
  where?: string,
): Promise<number> {
  const events = catalog.domainEvents(outbox.events, where ? { where } : {});
  if (events.length > 0) await publisher(outbox.correlationId).publish(events);
  await settle();
  return events.length;
}

/** What {@link publishOrLeavePending} did. */
export interface PendingOutcome {
  /** The events published (0 when left pending). */
  readonly published: number;
  /** Whether the outbox was left pending (publishing or settling failed). */
  readonly leftPending: boolean;
}

/**
 * Publish or leave pending — the one way a committed change (or a sweep) publishes its outbox
 * without failing itself: runs `flush` (the capability's {@link publishOutbox}); when that fails —
 * publishing, settling, or an event type the capability's catalog does not know — the outbox stays
 * pending for the sweep or the replay, `onFailure` reports it (log it; count it) and nothing is
 * thrown: the change is committed either way.
 */
export async function publishOrLeavePending(flush: () => Promise<number>, onFailure: (error: unknown) => void): Promise<PendingOutcome> {
  try {
    return { published: await flush(), leftPending: false };
  } catch (error) {
    onFailure(error);
    return { published: 0, leftPending: true };
  }
}
