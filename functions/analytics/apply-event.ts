/**
 * Consumer use case (KPI-1): applies one event to analytics' records and daily aggregates, exactly
 * once. Reads the records the event touches (the order's, its customer's, the order's risk record —
 * one BatchGetItem, a second read only for a customer the event does not name),
 * applies the event's effect (domain/effects.ts), and commits the records with the change of their
 * contribution to the aggregates in one transaction with the event's applied marker. A lost race on
 * a record is retried from a fresh read; a duplicate is recognised by its marker.
 */
import { backoffDelay, sleep } from '../../shared/retry.ts';
import type { AnalyticsStore, Versioned } from './analytics-store.ts';
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
import { effectOf, type AnalyticsEvent } from './domain/effects.ts';

export interface ApplyDeps {
  readonly store: Pick<AnalyticsStore, 'read' | 'customer' | 'commit'>;
  readonly now: () => Date;
  /** Waits between attempts after a lost race (tests pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export type ApplyOutcome = { readonly outcome: 'applied' | 'duplicate' | 'ignored'; readonly flaggedDay?: string };

const ATTEMPTS = 8;

/** Applies `event` (its `meta.eventId` dedupes). */
export async function applyEvent(deps: ApplyDeps, event: AnalyticsEvent): Promise<ApplyOutcome> {
  const effect = effectOf(event);
  const eventId = event.detail.meta.eventId;
  if (!effect.order && !effect.risk && !effect.direct) return { outcome: 'ignored' };
  for (let attempt = 1; ; attempt++) {
    const orderId = effect.orderId;
    // One read of everything the event touches; the customer too when the event names them (OrderPlaced).
    const customerHint = effect.order?.kind === 'placed' ? effect.order.placed.customerId : undefined;
    const read = await deps.store.read({
      ...(effect.order && orderId ? { order: orderId } : {}),
      ...(effect.risk && orderId ? { risk: orderId } : {}),
      ...(customerHint ? { customer: customerHint } : {}),
    });
    const orderRead = read.order;
    const riskRead = read.risk;
    let before: Contribution = {};
    let after: Contribution = effect.direct ?? {};
    const commit: { order?: Versioned<ReturnType<typeof emptyOrder>>; customer?: Versioned<CustomerRecord>; risk?: Versioned<ReturnType<typeof emptyRisk>> } = {};
    if (effect.order && orderId) {
      const old = orderRead?.record ?? emptyOrder(orderId);
      const next = changeOrder(old, effect.order);
      commit.order = { record: next, version: orderRead?.version ?? 0 };
      before = sumContributions(before, orderContribution(orderRead?.record));
      after = sumContributions(after, orderContribution(next));
      const customerId = next.placed?.customerId;
      if (customerId) {
        const customerRead = customerId === customerHint ? read.customer : await deps.store.customer(customerId);
        const oldCustomer = customerRead?.record ?? emptyCustomer(customerId);
        const nextCustomer = syncCustomer(oldCustomer, next);
        if (JSON.stringify(nextCustomer) !== JSON.stringify(oldCustomer) || !customerRead) {
          commit.customer = { record: nextCustomer, version: customerRead?.version ?? 0 };
          before = sumContributions(before, customerContribution(customerRead?.record));
          after = sumContributions(after, customerContribution(nextCustomer));
        }
      }
    }
    if (effect.risk && orderId) {
      const old = riskRead?.record ?? emptyRisk(orderId);
      const next = changeRisk(old, effect.risk);
      commit.risk = { record: next, version: riskRead?.version ?? 0 };
      before = sumContributions(before, riskContribution(riskRead?.record));
      after = sumContributions(after, riskContribution(next));
    }
    const outcome = await deps.store.commit({ eventId, ...commit, delta: contributionDelta(before, after) }, deps.now().toISOString());
    if (outcome === 'duplicate') return { outcome };
    if (outcome === 'applied') return { outcome, ...(commit.risk?.record.flaggedDay ? { flaggedDay: commit.risk.record.flaggedDay } : {}) };
    if (attempt >= ATTEMPTS) throw new Error(`event ${eventId}: records kept changing under it (${ATTEMPTS} attempts); the queue will redeliver it`);
    await (deps.sleep ?? sleep)(backoffDelay(attempt, { baseMs: 20, maxMs: 1000 }));
  }
}
