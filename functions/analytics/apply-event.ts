/**
 * Consumer use case (KPI-1): applies one event to analytics' records and daily aggregates, exactly
 * once. Reads the records the event touches (the order's, its customer's, the order's risk record —
 * one BatchGetItem, a second read only for a customer the event does not name),
 * applies the event's effect (domain/effects.ts), and commits the records with the change of their
 * contribution to the aggregates in one transaction with the event's applied marker. A lost race on
 * a record is retried from a fresh read; a duplicate is recognised by its marker. A batch of
 * events is applied the same way with one read and one commit ({@link applyEvents}); both apply
 * the records' rules through one fold.
 */
import { backoffDelay, sleep } from '../../shared/retry.ts';
import type { AnalyticsStore, BatchCommit, BatchCommitOutcome, ManyRecordKeys, ManyRecordsRead, Versioned } from './analytics-store.ts';
import { logger } from '../../shared/observability.ts';
import {
  changeOrder,
  changeRisk,
  contributionDelta,
  customerContribution,
  emptyCustomer,
  emptyOrder,
  emptyRisk,
  orderContribution,
  riskContribution,
  sumContributions,
  syncCustomer,
  type Contribution,
  type CustomerRecord,
} from './domain/aggregation.ts';
import { effectOf, type AnalyticsEvent, type Effect } from './domain/effects.ts';

export interface ApplyDeps {
  readonly store: Pick<AnalyticsStore, 'read' | 'customer' | 'commit'>;
  readonly now: () => Date;
  /** Waits between attempts after a lost race (tests pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** True once the invocation has no time left but its reserve to answer (`timeRunsOut`): an event not applied by then fails and is redelivered. */
  readonly shouldStop?: () => boolean;
}

/** Thrown for an event the invocation had no time left to apply (the queue redelivers it). */
export class OutOfTime extends Error {
  override readonly name = 'OutOfTime';
}

const outOfTime = (deps: Pick<ApplyDeps, 'shouldStop'>) => deps.shouldStop?.() === true;

export type ApplyOutcome = { readonly outcome: 'applied' | 'duplicate' | 'ignored'; readonly flaggedDay?: string };

const ATTEMPTS = 8;

/** Applies `event` (its `meta.eventId` dedupes). */
export async function applyEvent(deps: ApplyDeps, event: AnalyticsEvent): Promise<ApplyOutcome> {
  const effect = effectOf(event);
  const eventId = event.detail.meta.eventId;
  if (!effect.order && !effect.risk && !effect.direct) return { outcome: 'ignored' };
  for (let attempt = 1; ; attempt++) {
    // One read of everything the event touches (the customer too when the event names them: OrderPlaced), the rules of fold(), one commit.
    const keys = recordsTouched([effect]);
    const read = await deps.store.read({
      ...(keys.orders[0] ? { order: keys.orders[0] } : {}),
      ...(keys.risks[0] ? { risk: keys.risks[0] } : {}),
      ...(keys.customers[0] ? { customer: keys.customers[0] } : {}),
    });
    const found = <T>(id: string | undefined, record: Versioned<T> | undefined) => new Map(id && record ? [[id, record]] : []);
    const { commit, outcomes } = await fold(
      [effect],
      { orders: found(keys.orders[0], read.order), risks: found(keys.risks[0], read.risk), customers: found(keys.customers[0], read.customer) },
      (customerId) => deps.store.customer(customerId),
    );
    const outcome = await deps.store.commit(
      {
        eventId,
        ...(commit.orders[0] ? { order: commit.orders[0] } : {}),
        ...(commit.risks[0] ? { risk: commit.risks[0] } : {}),
        ...(commit.customers[0] ? { customer: commit.customers[0] } : {}),
        delta: commit.delta,
      },
      deps.now().toISOString(),
    );
    if (outcome === 'duplicate') return { outcome };
    if (outcome === 'applied') return outcomes[0] as ApplyOutcome;
    if (attempt >= ATTEMPTS) throw new Error(`event ${eventId}: records kept changing under it (${ATTEMPTS} attempts); the queue will redeliver it`);
    if (outOfTime(deps)) throw new OutOfTime(`event ${eventId}: records kept changing under it and the invocation's time is up; the queue will redeliver it`);
    await (deps.sleep ?? sleep)(backoffDelay(attempt, { baseMs: 20, maxMs: 1000 }));
  }
}

/** What a batch's event came to: its outcome, or the error it failed with (only that event is retried). */
export type BatchEventOutcome = ApplyOutcome | Error;

export interface BatchApplyDeps extends ApplyDeps {
  readonly store: Pick<AnalyticsStore, 'read' | 'customer' | 'commit' | 'readMany' | 'commitMany'>;
}

/** The most events folded into one transaction (each is a marker; with their records and aggregates well within 100 items). */
export const EVENTS_PER_COMMIT = 20;

/** A record of the batch's working state: as read (version 0: absent), as it is now, and whether the batch writes it. */
interface Working<T> {
  readonly version: number;
  record: T | undefined;
  written: boolean;
}

/**
 * Applies a batch of events with one read and one transaction per {@link EVENTS_PER_COMMIT} events
 * instead of one of each per event: the records they touch are read together, the events applied
 * one after the other to those records in memory (as {@link applyEvent} would, in the batch's
 * order), and their markers, each record's final state and the summed change of the aggregates
 * committed at once — the day's aggregates take one write per batch, which a sale's rate of orders
 * needs (one DynamoDB item takes ≈ 1,000 write units a second). The result is what applying them
 * one by one would have given. An event twice in the batch is applied once. When the transaction
 * finds a marker already written or a record changed meanwhile, or anything fails, nothing of it
 * was written, and that part of the batch is applied event by event ({@link applyEvent}), where
 * each event fails or succeeds alone.
 */
export async function applyEvents(deps: BatchApplyDeps, events: readonly AnalyticsEvent[]): Promise<BatchEventOutcome[]> {
  const outcomes: Array<BatchEventOutcome | undefined> = events.map(() => undefined);
  const seen = new Set<string>();
  const pending: number[] = [];
  events.forEach((event, i) => {
    const effect = effectOf(event);
    if (!effect.order && !effect.risk && !effect.direct) outcomes[i] = { outcome: 'ignored' };
    else if (seen.has(event.detail.meta.eventId)) outcomes[i] = { outcome: 'duplicate' };
    else {
      seen.add(event.detail.meta.eventId);
      pending.push(i);
    }
  });
  const oneByOne = async (indexes: readonly number[]) => {
    for (const i of indexes) {
      outcomes[i] = outOfTime(deps)
        ? new OutOfTime('not applied: the invocation’s time is up; the queue will redeliver it')
        : await applyEvent(deps, events[i] as AnalyticsEvent).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    }
  };
  const queue: Array<{ readonly chunk: number[]; readonly conflicts: number }> = [];
  for (let start = 0; start < pending.length; start += EVENTS_PER_COMMIT) queue.push({ chunk: pending.slice(start, start + EVENTS_PER_COMMIT), conflicts: 0 });
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { chunk, conflicts } = next;
    if (chunk.length < 2 || outOfTime(deps)) {
      await oneByOne(chunk);
      continue;
    }
    let result: Awaited<ReturnType<typeof foldAndCommit>>;
    try {
      result = await foldAndCommit(
        deps,
        chunk.map((i) => events[i] as AnalyticsEvent),
      );
    } catch (error) {
      logger.warn('batch not committed; applying its events one by one', { events: chunk.length, error: error as Error });
      await oneByOne(chunk);
      continue;
    }
    if (result.kind === 'applied') chunk.forEach((i, k) => (outcomes[i] = result.outcomes[k] as ApplyOutcome));
    else if (result.kind === 'duplicate') {
      // Applied before (a redelivery): those are done; the rest go again, together.
      const duplicates = new Set(result.duplicates);
      const rest = chunk.filter((i) => !duplicates.has((events[i] as AnalyticsEvent).detail.meta.eventId));
      for (const i of chunk) if (!rest.includes(i)) outcomes[i] = { outcome: 'duplicate' };
      if (rest.length > 0) queue.unshift({ chunk: rest, conflicts });
    } else if (result.kind === 'too-large') {
      const half = Math.ceil(chunk.length / 2);
      queue.unshift({ chunk: chunk.slice(0, half), conflicts }, { chunk: chunk.slice(half), conflicts });
    } else if (conflicts + 1 < BATCH_CONFLICT_ATTEMPTS) {
      // Another container changed a record meanwhile (at a sale's rate, the day's aggregates): read again and retry together.
      await (deps.sleep ?? sleep)(backoffDelay(conflicts + 1, { baseMs: 20, maxMs: 500 }));
      queue.unshift({ chunk, conflicts: conflicts + 1 });
    } else await oneByOne(chunk);
  }
  return outcomes as BatchEventOutcome[];
}

/** How often a batch lost to another container's transaction is read and committed again before its events go one by one. */
const BATCH_CONFLICT_ATTEMPTS = 4;

/** One read, the events applied in memory, one commit: the events' outcomes when it was committed, or why not (nothing written then). */
async function foldAndCommit(
  deps: BatchApplyDeps,
  events: readonly AnalyticsEvent[],
): Promise<{ readonly kind: 'applied'; readonly outcomes: ApplyOutcome[] } | Exclude<BatchCommitOutcome, { kind: 'applied' }>> {
  const effects = events.map(effectOf);
  const read = await deps.store.readMany(recordsTouched(effects));
  const { commit, outcomes } = await fold(effects, read, (customerId) => deps.store.customer(customerId));
  const outcome = await deps.store.commitMany({ eventIds: events.map((e) => e.detail.meta.eventId), ...commit }, deps.now().toISOString());
  return outcome.kind === 'applied' ? { kind: 'applied', outcomes } : outcome;
}

/** The records the events touch: their orders' and risk records, and the customers OrderPlaced events name. */
function recordsTouched(effects: readonly Effect[]): ManyRecordKeys {
  const ids = (pick: (effect: Effect) => string | undefined) => [...new Set(effects.map(pick).filter((id): id is string => id !== undefined))];
  return {
    orders: ids((e) => (e.order ? e.orderId : undefined)),
    risks: ids((e) => (e.risk ? e.orderId : undefined)),
    customers: ids((e) => (e.order?.kind === 'placed' ? e.order.placed.customerId : undefined)),
  };
}

/**
 * The events' effects applied one after the other to the records read (the rules of KPI-1's
 * records, in one place): what to commit — each record touched, in its final state, with the
 * version it was read at, and the summed change of the aggregates — and each event's outcome if
 * that commit succeeds. A customer the events do not name is read by `loadCustomer` when first needed.
 */
async function fold(
  effects: readonly Effect[],
  read: ManyRecordsRead,
  loadCustomer: (customerId: string) => Promise<Versioned<CustomerRecord> | undefined>,
): Promise<{ commit: Omit<BatchCommit, 'eventIds'>; outcomes: ApplyOutcome[] }> {
  const working = <T>(found: Versioned<T> | undefined): Working<T> => ({ version: found?.version ?? 0, record: found?.record, written: false });
  const orders = new Map([...read.orders].map(([id, found]) => [id, working(found)]));
  const risks = new Map([...read.risks].map(([id, found]) => [id, working(found)]));
  const customers = new Map<string, Working<CustomerRecord>>([...read.customers].map(([id, found]) => [id, working(found)]));
  const hinted = new Set(recordsTouched(effects).customers);
  const deltas: Contribution[] = [];
  const outcomes: ApplyOutcome[] = [];
  for (const effect of effects) {
    const orderId = effect.orderId;
    let before: Contribution = {};
    let after: Contribution = effect.direct ?? {};
    if (effect.order && orderId) {
      const order = orders.get(orderId) ?? orders.set(orderId, working(undefined)).get(orderId)!;
      const next = changeOrder(order.record ?? emptyOrder(orderId), effect.order);
      before = sumContributions(before, orderContribution(order.record));
      after = sumContributions(after, orderContribution(next));
      order.record = next;
      order.written = true;
      const customerId = next.placed?.customerId;
      if (customerId) {
        let customer = customers.get(customerId);
        if (!customer) {
          // Read with the others when an event named the customer; otherwise now.
          customer = working(hinted.has(customerId) ? undefined : await loadCustomer(customerId));
          customers.set(customerId, customer);
        }
        const exists = customer.written || customer.version > 0;
        const oldCustomer = customer.record ?? emptyCustomer(customerId);
        const nextCustomer = syncCustomer(oldCustomer, next);
        if (JSON.stringify(nextCustomer) !== JSON.stringify(oldCustomer) || !exists) {
          before = sumContributions(before, customerContribution(customer.record));
          after = sumContributions(after, customerContribution(nextCustomer));
          customer.record = nextCustomer;
          customer.written = true;
        }
      }
    }
    let flaggedDay: string | undefined;
    if (effect.risk && orderId) {
      const risk = risks.get(orderId) ?? risks.set(orderId, working(undefined)).get(orderId)!;
      const next = changeRisk(risk.record ?? emptyRisk(orderId), effect.risk);
      before = sumContributions(before, riskContribution(risk.record));
      after = sumContributions(after, riskContribution(next));
      risk.record = next;
      risk.written = true;
      flaggedDay = next.flaggedDay;
    }
    deltas.push(contributionDelta(before, after));
    outcomes.push({ outcome: 'applied', ...(flaggedDay ? { flaggedDay } : {}) });
  }
  const written = <T>(map: Map<string, Working<T>>): Array<Versioned<T>> =>
    [...map.values()].filter((w) => w.written && w.record !== undefined).map((w) => ({ record: w.record as T, version: w.version }));
  return {
    commit: { orders: written(orders), risks: written(risks), customers: written(customers), delta: contributionDelta({}, sumContributions(...deltas)) },
    outcomes,
  };
}
