/**
 * The registry of every event type on the bus. Producers and consumers import the definition
 * they need from its own module; tools (docs, contract tests, the local cloud) use this list.
 */
import type { AnyEventDefinition } from './event-definition.ts';
import { ProductChanged } from './product-changed.ts';

export { defineEvent, domainEvent, EventMetaSchema } from './event-definition.ts';
export type { AnyEventDefinition, DomainEvent, EventDefinition, EventDetail, EventMeta, EventPayload } from './event-definition.ts';
export { ProductChanged } from './product-changed.ts';
export type { ProductChangedPayload } from './product-changed.ts';

/** Every event type, by name. Add new event types here. */
export const EVENTS = {
  ProductChanged,
} as const satisfies Record<string, AnyEventDefinition>;

/** The name of a registered event type. */
export type EventName = keyof typeof EVENTS;

/** The definition of a registered event type, or `undefined` for an unknown name. */
export function findEventDefinition(name: string): AnyEventDefinition | undefined {
  return Object.hasOwn(EVENTS, name) ? EVENTS[name as EventName] : undefined;
}
