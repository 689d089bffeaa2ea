import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateKey,
  changeOrder,
  contributionDelta,
  customerContribution,
  emptyCustomer,
  emptyOrder,
  orderContribution,
  sumContributions,
  syncCustomer,
  type Contribution,
  type OrderChange,
  type OrderRecord,
} from '../../../functions/analytics/domain/aggregation.ts';
import { averageFen, KPI_TARGETS, kpiReport, kpis, rate, sumCounters } from '../../../functions/analytics/domain/kpis.ts';
import { falsePositiveRate } from '../../../functions/fraud/metrics-contract.ts';
import { applyEvent } from '../../../functions/analytics/apply-event.ts';
import type { AnalyticsStore, EventCommit } from '../../../functions/analytics/analytics-store.ts';
import type { AnalyticsEvent } from '../../../functions/analytics/domain/effects.ts';

const placed = (customerId: string, placedAt: string, total: number, categories: Record<string, number> = { tea: total }): OrderChange => ({
  kind: 'placed',
  placed: { customerId, placedAt, total, paymentMethod: 'card', categories },
});
const T = (day: string) => aggregateKey(day, { kind: 'total' });

describe('KPI-1 aggregation: what each record contributes', () => {
  it('KPI-1: a counted order adds to its placement day (total, category goods value, payment method); a voided one adds nothing', () => {
    let order = changeOrder(emptyOrder('o1'), placed('alice', '2026-11-03T10:00:00.000Z', 12_000, { tea: 8_000, cups: 3_000 }));
    order = changeOrder(changeOrder(order, { kind: 'refunded' }), { kind: 'late' });
    expect(orderContribution(order)).toEqual({
      [T('2026-11-03')]: { orders: 1, gmv: 12_000, refundedOrders: 1, returnedOrders: 0, deliveries: 1, lateDeliveries: 1 },
      '2026-11-03#PM#card': { orders: 1, gmv: 12_000 },
      '2026-11-03#CAT#tea': { orders: 1, gmv: 8_000 },
      '2026-11-03#CAT#cups': { orders: 1, gmv: 3_000 },
    });
    expect(orderContribution(changeOrder(order, { kind: 'voided' }))).toEqual({});
    // A flag before the order itself (events out of order) waits in the record.
    expect(orderContribution(changeOrder(emptyOrder('o2'), { kind: 'delivered' }))).toEqual({});
  });

  it('KPI-1: a customer is new on the first order day, returning on each later day; repeat within 30/90 days counts on the first day', () => {
    let customer = emptyCustomer('bob');
    const orders: Array<[string, string]> = [
      ['b1', '2026-01-10T09:00:00.000Z'],
      ['b2', '2026-01-10T18:00:00.000Z'], // same day: still new, not returning
      ['b3', '2026-03-01T08:00:00.000Z'], // 50 days later: within 90, not 30
      ['b4', '2026-03-01T09:00:00.000Z'],
    ];
    for (const [id, at] of orders) customer = syncCustomer(customer, changeOrder(emptyOrder(id), placed('bob', at, 100)));
    expect(customerContribution(customer)).toEqual({
      [T('2026-01-10')]: { newCustomers: 1, repeat30: 1, repeat90: 1 },
      [T('2026-03-01')]: { returningCustomers: 1 },
    });
    // Without the same-day second order, the repeat within 30 days is gone.
    const without = syncCustomer(customer, changeOrder(changeOrder(emptyOrder('b2'), placed('bob', orders[1]![1], 100)), { kind: 'voided' }));
    expect(customerContribution(without)).toEqual({ [T('2026-01-10')]: { newCustomers: 1, repeat30: 0, repeat90: 1 }, [T('2026-03-01')]: { returningCustomers: 1 } });
  });

  it('KPI-1: the delta of two contributions is what the aggregates receive, with zero counters dropped', () => {
    const before: Contribution = { a: { orders: 1, gmv: 5 }, b: { orders: 1 } };
    const after: Contribution = { a: { orders: 1, gmv: 7 }, c: { newCustomers: 1 } };
    expect(contributionDelta(before, after)).toEqual({ a: { gmv: 2 }, b: { orders: -1 }, c: { newCustomers: 1 } });
    expect(contributionDelta(after, after)).toEqual({});
  });

  it('KPI-1: order changes commute — any order of the same changes ends in the same record and contribution', () => {
    const changes: OrderChange[] = [
      placed('carol', '2026-02-02T02:00:00.000Z', 900),
      { kind: 'refunded' },
      { kind: 'delivered' },
      { kind: 'late' },
      { kind: 'returned' },
      { kind: 'voided' },
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(changes, { minLength: 1 }), fc.nat(), (subset, seed) => {
        const shuffled = [...subset].sort((a, b) => ((JSON.stringify(a).length * 31 + seed) % 7) - ((JSON.stringify(b).length * 31 + seed) % 7));
        const fold = (list: OrderChange[]) => list.reduce<OrderRecord>((o, c) => changeOrder(o, c), emptyOrder('o'));
        expect(orderContribution(fold(shuffled))).toEqual(orderContribution(fold(subset)));
      }),
    );
  });
});

describe('KPI-1 KPIs from counters', () => {
  it('KPI-1: rates have 4 decimals and are null without a denominator; money stays integer fen', () => {
    expect(rate(1, 3)).toBe(0.3333);
    expect(rate(0, 0)).toBeNull();
    expect(averageFen(10_001, 2)).toBe(5001);
    expect(averageFen(0, 0)).toBeNull();
    const c = sumCounters([
      { orders: 3, gmv: 30_001, quotes: 100, refundedOrders: 1, returnedOrders: 0, newCustomers: 2, repeat30: 1, repeat90: 2, ratings: 2, scoreSum: 9 },
      { npsResponses: 4, promoters: 2, detractors: 1, resolved: 4, slaMet: 3, deliveries: 2, lateDeliveries: 1, riskFlagged: 4, riskAnalystApproved: 1 },
    ]);
    expect(kpis(c, falsePositiveRate)).toEqual({
      gmv: 30_001,
      orders: 3,
      averageOrderValue: 10_000,
      quotes: 100,
      conversionRate: 0.03,
      refundRate: 0.3333,
      returnRate: 0,
      repeatPurchaseRate30d: 0.5,
      repeatPurchaseRate90d: 1,
      newCustomers: 2,
      returningCustomers: 0,
      csat: 4.5,
      nps: 25,
      slaCompliance: 0.75,
      lateDeliveryRate: 0.5,
      fraudFalsePositiveRate: 0.25,
    });
  });

  it('KPI-1: the report has every day of the range (empty days as zero/null), slices sorted, and the targets', () => {
    const report = kpiReport(
      '2026-11-01',
      '2026-11-03',
      {
        days: new Map([['2026-11-02', sumCounters([{ orders: 2, gmv: 500 }])]]),
        categories: new Map([
          ['tea', sumCounters([{ orders: 2, gmv: 400 }])],
          ['cups', sumCounters([{ orders: 1, gmv: 100 }])],
        ]),
        methods: new Map([['card', sumCounters([{ orders: 2, gmv: 500 }])]]),
      },
      falsePositiveRate,
    );
    expect(report.days.map((d) => [d.day, d.orders, d.averageOrderValue])).toEqual([
      ['2026-11-01', 0, null],
      ['2026-11-02', 2, 250],
      ['2026-11-03', 0, null],
    ]);
    expect(report.total.gmv).toBe(500);
    expect(report.byCategory).toEqual([
      { category: 'cups', gmv: 100, orders: 1, averageOrderValue: 100 },
      { category: 'tea', gmv: 400, orders: 2, averageOrderValue: 200 },
    ]);
    expect(report.byPaymentMethod).toEqual([{ method: 'card', gmv: 500, orders: 2, averageOrderValue: 250 }]);
    expect(report.targets).toBe(KPI_TARGETS);
    expect(KPI_TARGETS.fraudFalsePositiveRate).toEqual({ target: 0.3, direction: 'below' });
  });

  it('KPI-1: the fraud false-positive rate is fraud’s own definition (analyst-approved / flagged)', () => {
    expect(falsePositiveRate(0, 0)).toBeNull();
    expect(falsePositiveRate(3, 1)).toBe(0.3333);
  });
});

/** The use case over an in-memory store with the same commit semantics (marker, versions). */
function memoryStore() {
  const records = new Map<string, { record: unknown; version: number }>();
  const markers = new Set<string>();
  const aggregates: Record<string, Record<string, number>> = {};
  const get = (pk: string) => records.get(pk) as never;
  const store: Pick<AnalyticsStore, 'read' | 'customer' | 'commit'> = {
    read: async (keys) => ({
      ...(keys.order ? { order: get(`ORDER#${keys.order}`) } : {}),
      ...(keys.risk ? { risk: get(`RISK#${keys.risk}`) } : {}),
      ...(keys.customer ? { customer: get(`CUSTOMER#${keys.customer}`) } : {}),
    }),
    customer: async (id) => get(`CUSTOMER#${id}`),
    commit: async (c: EventCommit) => {
      if (markers.has(c.eventId)) return 'duplicate';
      const writes: Array<[string, { record: unknown; version: number }]> = [];
      if (c.order) writes.push([`ORDER#${c.order.record.orderId}`, c.order]);
      if (c.customer) writes.push([`CUSTOMER#${c.customer.record.customerId}`, c.customer]);
      if (c.risk) writes.push([`RISK#${c.risk.record.orderId}`, c.risk]);
      if (writes.some(([pk, v]) => (records.get(pk)?.version ?? 0) !== v.version)) return 'conflict';
      markers.add(c.eventId);
      for (const [pk, v] of writes) records.set(pk, { record: v.record, version: v.version + 1 });
      for (const [key, counters] of Object.entries(c.delta)) {
        const target = (aggregates[key] ??= {});
        for (const [name, value] of Object.entries(counters)) target[name] = (target[name] ?? 0) + (value ?? 0);
      }
      return 'applied';
    },
  };
  return { store, aggregates };
}

const meta = (eventId: string) => ({ eventId, correlationId: 'c', occurredAt: '2026-01-01T00:00:00.000Z' });
const orderPlaced = (eventId: string, orderId: string, customerId: string, placedAt: string, total: number) =>
  ({
    name: 'OrderPlaced',
    detail: {
      version: 1,
      meta: meta(eventId),
      orderId,
      customerId,
      placedAt,
      total: { amount: total, currency: 'CNY' },
      paymentMethod: 'wallet',
      lines: [{ sku: 'TEA-1', quantity: 1, category: 'tea', unitPrice: { amount: total, currency: 'CNY' }, lineTotal: { amount: total, currency: 'CNY' } }],
    },
  }) as unknown as AnalyticsEvent;
const cancelled = (eventId: string, orderId: string) => ({ name: 'OrderCancelled', detail: { version: 1, meta: meta(eventId), orderId } }) as unknown as AnalyticsEvent;

describe('KPI-1 applying events', () => {
  it('KPI-1: duplicates change nothing and any arrival order gives the same aggregates', async () => {
    const events = [
      orderPlaced('e1', 'o1', 'dan', '2026-01-01T10:00:00.000Z', 1000),
      orderPlaced('e2', 'o2', 'dan', '2026-01-20T10:00:00.000Z', 2000),
      orderPlaced('e3', 'o3', 'dan', '2026-03-01T10:00:00.000Z', 3000),
      cancelled('e4', 'o1'),
    ];
    const run = async (list: AnalyticsEvent[]) => {
      const { store, aggregates } = memoryStore();
      for (const e of list) await applyEvent({ store, now: () => new Date(), sleep: async () => {} }, e);
      const nonZero = Object.fromEntries(
        Object.entries(aggregates)
          .map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([, n]) => n !== 0))] as const)
          .filter(([, v]) => Object.keys(v).length > 0),
      );
      return nonZero;
    };
    const inOrder = await run(events);
    // o1 cancelled: dan's first counted order is o2 (2026-01-20); o3 is 40 days later: within 90, not 30.
    expect(inOrder[T('2026-01-20')]).toMatchObject({ orders: 1, gmv: 2000, newCustomers: 1, repeat90: 1 });
    expect(inOrder[T('2026-01-20')]?.repeat30).toBeUndefined();
    expect(inOrder[T('2026-03-01')]).toMatchObject({ orders: 1, returningCustomers: 1 });
    expect(inOrder[T('2026-01-01')]).toBeUndefined();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: events.length - 1 }), { minLength: events.length, maxLength: 12 }), fc.nat(), async (extra, seed) => {
        const all = [...events, ...extra.map((i) => events[i]!)];
        const shuffled = all.map((e, i) => ({ e, k: (i * 7919 + seed) % 101 })).sort((a, b) => a.k - b.k);
        expect(await run(shuffled.map((s) => s.e))).toEqual(inOrder);
      }),
      { numRuns: 40 },
    );
  });

  it('KPI-1: deltas telescope: applying delta(∅→a) then delta(a→b) leaves exactly b', () => {
    const order = changeOrder(emptyOrder('x'), placed('eve', '2026-05-05T00:00:00.000Z', 50));
    const a = orderContribution(order);
    const b = orderContribution(changeOrder(changeOrder(order, { kind: 'returned' }), { kind: 'delivered' }));
    expect(contributionDelta({}, sumContributions(contributionDelta({}, a), contributionDelta(a, b)))).toEqual(contributionDelta({}, b));
  });
});
