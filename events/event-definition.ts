/**
 * How an event type is declared: name, version, source, zod schema of its payload and an example.
 * Events are the contract between capabilities and the only thing they share about each other.
 * Payloads carry ids, never personal data (ARCHITECTURE.md).
 *
 * On the bus an event's `detail` is `{ version, ...payload, meta: { correlationId, occurredAt,
 * eventId } }`; its `detail-type` is the event name and its `source` the producing capability.
 *
 * To add an event type: copy `product-changed.ts`, change name/source/schema/example, and add it
 * to the registry in `index.ts`.
 */
import * as z from '../shared/zod.ts';
import { lazily } from '../shared/lazily.ts';

/** Metadata the publisher adds to every event's detail. */
export const EventMetaSchema = /* @__PURE__ */ lazily(() =>
  z.object({
    correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
    occurredAt: z.iso.datetime(),
    eventId: z.string().check(z.minLength(1), z.maxLength(64)),
  }),
);

/** Metadata of one published event. */
export type EventMeta = z.infer<ReturnType<typeof EventMetaSchema>>;

/** The declaration of one event type. */
export interface EventDefinition<Name extends string = string, Schema extends z.ZodMiniObject = z.ZodMiniObject> {
  /** The event name, used as EventBridge `detail-type`, e.g. `ProductChanged`. */
  readonly name: Name;
  /** The schema version; a breaking change is a new version (or a new event). */
  readonly version: number;
  /** The EventBridge `source`: the producing capability, e.g. `commerce.catalog`. */
  readonly source: string;
  /** What the event means, for docs. */
  readonly description: string;
  /** The payload schema (lenient: consumers ignore fields added later). */
  readonly schema: Schema;
  /** The payload schema refusing undeclared fields: what a publisher checks a payload against (no stray personal data). */
  readonly strictSchema: Schema;
  /** A valid payload, for docs and tests. */
  readonly example: z.input<Schema>;
  /** The `detail` a consumer receives: payload + `version` + `meta`. */
  readonly detailSchema: z.ZodMiniType<z.output<Schema> & { version: number; meta: EventMeta }>;
}

/** Any event definition. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEventDefinition = EventDefinition<string, any>;

/** The payload type of an event definition. */
export type EventPayload<D extends AnyEventDefinition> = z.output<D['schema']>;

/** The detail type a consumer receives for an event definition. */
export type EventDetail<D extends AnyEventDefinition> = EventPayload<D> & { version: number; meta: EventMeta };

/**
 * Declares an event type. Nothing is built here: the payload schema is given as a function and,
 * like the strict and detail schemas derived from it, built on first use. A function's bundle
 * holds every event its capability declares, publishes or consumes, and building all their
 * schemas at import was a large part of a cold start (docs/performance.md). The example is checked
 * against the schema, strictly, by the events unit test.
 */
export function defineEvent<const Name extends string, Schema extends z.ZodMiniObject>(spec: {
  name: Name;
  version: number;
  source: string;
  description: string;
  schema: () => Schema;
  example: z.input<Schema>;
}): EventDefinition<Name, Schema> {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(spec.name)) throw new Error(`event name ${spec.name} must be PascalCase`);
  if (!/^commerce\.[a-z-]+$/.test(spec.source)) throw new Error(`event source ${spec.source} must look like commerce.<capability>`);
  type Definition = EventDefinition<Name, Schema>;
  const schema = lazily(spec.schema);
  const strictSchema = lazily(() => schema().clone({ ...schema()._zod.def, catchall: z.never() }) as Schema);
  const detailSchema = lazily(() => z.extend(schema(), { version: z.literal(spec.version), meta: EventMetaSchema() }) as unknown as Definition['detailSchema']);
  return Object.freeze(
    Object.defineProperties(
      { name: spec.name, version: spec.version, source: spec.source, description: spec.description, example: spec.example },
      { schema: { enumerable: true, get: schema }, strictSchema: { enumerable: true, get: strictSchema }, detailSchema: { enumerable: true, get: detailSchema } },
    ) as Definition,
  );
}

/** An event ready to publish: its definition and its payload. */
export interface DomainEvent<D extends AnyEventDefinition = AnyEventDefinition> {
  readonly definition: D;
  readonly payload: EventPayload<D>;
}

/** Pairs a definition with a payload (checked by the publisher before sending). */
export function domainEvent<D extends AnyEventDefinition>(definition: D, payload: EventPayload<D>): DomainEvent<D> {
  return { definition, payload };
}
