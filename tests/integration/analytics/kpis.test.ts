/**
 * KPI-1 against DynamoDB Local: months of realistic raw events (customers, categories, payment
 * methods, cancellations, failed payments, refunds, returns, deliveries and late ones, risk reviews
 * and analyst decisions, ticket resolutions and ratings, quotes) go through the analytics consumer
 * (SQS batches, processed in parallel, so records race), and `GET /admin/kpis` must EQUAL a plain
 * recomputation from the raw events (the reference below, written without the domain code) — in
 * order, after replaying every event twice more in shuffled order, and for a second data set fed
 * twice, shuffled, from the start.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import type { AnyEventDefinition } from '../../../events/event-definition.ts';
import { DeliveryLate, OrderDelivered } from '../../../events/fulfillment-events.ts';
import { OrderCancelled } from '../../../events/order-cancelled.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { PaymentFailed, PaymentRefunded } from '../../../events/payment-events.ts';
import { ReturnRequested } from '../../../events/return-events.ts';
import { RiskApproved, RiskRejected, RiskReviewRequired } from '../../../events/risk-assessed.ts';
import { TicketStatusChanged } from '../../../events/ticket-events.ts';
import { makeConsumeAnalyticsEventsHandler } from '../../../functions/analytics/handlers/consume-analytics-events.ts';
import { makeGetKpisHandler } from '../../../functions/analytics/handlers/get-kpis.ts';
import { quoteCounterFromEnv } from '../../../functions/analytics/quote-counter-contract.ts';
import { manualClock } from '../../../shared/clock.ts';
import { apiEvent, claimsFor, eventBridgeEvent, jsonBody, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { seededRandom } from '../../../shared/seeded-random.ts';

beforeAll(() => {
  useLocalDynamoDb();
});

/** A raw event: its definition, detail (with meta) and the time it happened. */
interface Raw {
  readonly def: AnyEventDefinition;
  readonly detail: Record<string, unknown> & { meta: { eventId: string; correlationId: string; occurredAt: string } };
}

const CATEGORIES = ['tea', 'teaware', 'snacks', 'gifts'];
const METHODS = ['card', 'wallet', 'bank_transfer', 'cod'] as const;
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const DAY = 86_400_000;

function raw(def: AnyEventDefinition, payload: Record<string, unknown>, at: string): Raw {
  return { def, detail: { version: def.version, ...payload, meta: { eventId: ulid(), correlationId: ulid(), occurredAt: at } } };
}

/**
 * `days` days of activity from `start`: 9 customers (a few loyal ones ordering often), 1–4 orders a
 * day, 1–3 lines over the categories; then what happens to each order; tickets resolved and rated.
 */
function dataset(seed: number, start: string, days: number): { events: Raw[]; quotes: Map<string, number> } {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const customers = Array.from({ length: 9 }, (_, i) => `kpi-${seed}-customer-${i}`);
  const events: Raw[] = [];
  const quotes = new Map<string, number>();
  const t0 = Date.parse(`${start}T00:00:00.000Z`);
  for (let d = 0; d < days; d++) {
    const dayStart = t0 + d * DAY;
    const day = new Date(dayStart).toISOString().slice(0, 10);
    const orders = 1 + Math.floor(random() * 4);
    quotes.set(day, orders * 3 + Math.floor(random() * 20));
    for (let n = 0; n < orders; n++) {
      // Loyal customers (the first three) order more often.
      const customerId = random() < 0.5 ? pick(customers.slice(0, 3)) : pick(customers);
      const at = (offsetMs: number) => new Date(dayStart + Math.floor(random() * 20 * 3600_000) + offsetMs).toISOString();
      const placedAt = at(0);
      const orderId = ulid(Date.parse(placedAt));
      const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => {
        const quantity = 1 + Math.floor(random() * 3);
        const unit = 1_000 + Math.floor(random() * 30_000);
        return { sku: `SKU-${seed}-${i}`, quantity, category: pick(CATEGORIES), unitPrice: cny(unit), lineTotal: cny(unit * quantity - Math.floor(random() * 500)) };
      });
      const goods = lines.reduce((s, l) => s + l.lineTotal.amount, 0);
      const shipping = goods > 20_000 ? 0 : 1_200;
      const paymentMethod = pick(METHODS);
      events.push(
        raw(
          OrderPlaced,
          {
            ...OrderPlaced.example,
            orderId,
            customerId,
            lines,
            reservations: lines.map((l) => ({ sku: l.sku, warehouseId: 'WH-EAST', quantity: l.quantity })),
            subtotal: cny(goods),
            discountTotal: cny(0),
            shippingFee: cny(shipping),
            total: cny(goods + shipping),
            amountDue: cny(goods + shipping),
            paymentMethod,
            placedAt,
            paymentDueBy: new Date(Date.parse(placedAt) + 1800_000).toISOString(),
            couponCode: undefined,
          },
          placedAt,
        ),
      );
      const base = { orderId, customerId, assessmentId: ulid(), score: 10, level: 'low', rulesFired: [] };
      const fate = random();
      if (fate < 0.08) {
        events.push(raw(RiskRejected, { ...base, score: 90, level: 'high', decidedBy: 'rules', decidedAt: at(1000) }, at(1000)));
        continue;
      }
      if (fate < 0.2) {
        events.push(raw(RiskReviewRequired, { ...base, score: 55, level: 'medium', decidedBy: 'rules', decidedAt: at(1000) }, at(1000)));
        // The analyst's decision comes days later (counted on the assessment's day).
        if (random() < 0.6) events.push(raw(RiskApproved, { ...base, decidedBy: 'analyst', analystId: 'analyst-1', decidedAt: at(2 * DAY) }, at(2 * DAY)));
        else {
          events.push(raw(RiskRejected, { ...base, score: 55, level: 'medium', decidedBy: 'analyst', analystId: 'analyst-1', decidedAt: at(2 * DAY) }, at(2 * DAY)));
          continue;
        }
      } else events.push(raw(RiskApproved, { ...base, decidedBy: 'rules', decidedAt: at(1000) }, at(1000)));
      const payment = { orderId, customerId, paymentId: ulid(), method: paymentMethod };
      if (random() < 0.05) {
        events.push(raw(PaymentFailed, { ...payment, reason: 'declined', failedAt: at(2000) }, at(2000)));
        continue;
      }
      if (random() < 0.07) {
        events.push(
          raw(
            OrderCancelled,
            {
              orderId,
              customerId,
              paymentMethod,
              from: 'APPROVED',
              cancelledBy: 'customer',
              actor: customerId,
              reason: 'customer-request',
              total: cny(goods + shipping),
              cancelledAt: at(3000),
            },
            at(3000),
          ),
        );
        continue;
      }
      const late = random() < 0.1;
      if (late)
        events.push(
          raw(
            DeliveryLate,
            { orderId, shipmentId: ulid(), carrier: 'economy-post', region: 'west', dueBy: at(3 * DAY), detectedAt: at(3 * DAY + 3600_000) },
            at(3 * DAY + 3600_000),
          ),
        );
      if (random() < 0.9) events.push(raw(OrderDelivered, { orderId, shipmentIds: [ulid()], deliveredAt: at(4 * DAY) }, at(4 * DAY)));
      if (random() < 0.1) {
        const returnId = ulid();
        events.push(
          raw(
            ReturnRequested,
            { returnId, orderId, customerId, kind: 'refund', reason: 'quality', items: [{ sku: lines[0]!.sku, quantity: 1 }], requestedAt: at(6 * DAY) },
            at(6 * DAY),
          ),
        );
        if (random() < 0.7)
          events.push(
            raw(
              PaymentRefunded,
              {
                ...payment,
                refundId: ulid(),
                amount: cny(lines[0]!.unitPrice.amount),
                refundedTotal: cny(lines[0]!.unitPrice.amount),
                reason: 'quality',
                refundedAt: at(9 * DAY),
                returnId,
              },
              at(9 * DAY),
            ),
          );
      } else if (random() < 0.04) {
        // A goodwill refund, twice for the same order (partial refunds).
        for (const k of [1, 2])
          events.push(
            raw(PaymentRefunded, { ...payment, refundId: ulid(), amount: cny(500), refundedTotal: cny(500 * k), reason: 'goodwill', refundedAt: at(5 * DAY + k) }, at(5 * DAY + k)),
          );
      }
    }
    // Tickets: resolved (clocks met or not) and some rated.
    for (let k = 0; k < Math.floor(random() * 3); k++) {
      const ticketId = ulid();
      const customerId = pick(customers);
      const at = new Date(dayStart + Math.floor(random() * 20 * 3600_000)).toISOString();
      events.push(
        raw(
          TicketStatusChanged,
          {
            ticketId,
            customerId,
            category: 'complaint',
            status: 'RESOLVED',
            previousStatus: 'ANSWERED',
            sla: { firstResponseMet: random() < 0.9, resolutionMet: random() < 0.85 },
            changedAt: at,
          },
          at,
        ),
      );
      if (random() < 0.7) {
        const ratedAt = new Date(Date.parse(at) + random() * 2 * DAY).toISOString();
        const nps = random() < 0.8 ? Math.floor(random() * 11) : undefined;
        events.push(
          raw(
            TicketStatusChanged,
            {
              ticketId,
              customerId,
              category: 'complaint',
              status: 'CLOSED',
              previousStatus: 'RESOLVED',
              rating: { score: 1 + Math.floor(random() * 5), ...(nps === undefined ? {} : { nps }) },
              changedAt: ratedAt,
            },
            ratedAt,
          ),
        );
      }
      // Other status changes carry nothing analytics counts.
      events.push(raw(TicketStatusChanged, { ticketId, customerId, category: 'complaint', status: 'ANSWERED', previousStatus: 'OPEN', changedAt: at }, at));
    }
  }
  return { events, quotes };
}

// ── the reference: a plain recomputation from the raw events ────────────────────────────────────

const dayOf = (iso: string) => iso.slice(0, 10);
const r4 = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const avg = (total: number, n: number) => (n === 0 ? null : Math.round(total / n));

function reference(events: readonly Raw[], quotes: ReadonlyMap<string, number>, from: string, to: string) {
  type D = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw event details
  const unique = [...new Map(events.map((e) => [e.detail.meta.eventId, e])).values()];
  const of = (name: string) => unique.filter((e) => e.def.name === name).map((e) => e.detail as D);
  const placed = new Map(of('OrderPlaced').map((d) => [d.orderId as string, d]));
  const voided = new Set([...of('OrderCancelled'), ...of('PaymentFailed'), ...of('RiskRejected')].map((d) => d.orderId as string));
  const refunded = new Set(of('PaymentRefunded').map((d) => d.orderId as string));
  const returned = new Set(of('ReturnRequested').map((d) => d.orderId as string));
  const delivered = new Set(of('OrderDelivered').map((d) => d.orderId as string));
  const late = new Set(of('DeliveryLate').map((d) => d.orderId as string));
  const counted = [...placed.values()].filter((o) => !voided.has(o.orderId));

  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY) days.push(new Date(t).toISOString().slice(0, 10));
  const inRange = (day: string) => day >= from && day <= to;

  const kpisOf = (selectDay: (day: string) => boolean) => {
    const os = counted.filter((o) => selectDay(dayOf(o.placedAt)));
    const gmv = os.reduce((s, o) => s + o.total.amount, 0);
    const deliveries = os.filter((o) => delivered.has(o.orderId) || late.has(o.orderId));
    // Customers: first counted order (earliest placedAt, then order id).
    let newCustomers = 0;
    let returningCustomers = 0;
    let repeat30 = 0;
    let repeat90 = 0;
    const byCustomer = new Map<string, D[]>();
    for (const o of counted) byCustomer.set(o.customerId, [...(byCustomer.get(o.customerId) ?? []), o]);
    for (const list of byCustomer.values()) {
      list.sort((a, b) => (a.placedAt as string).localeCompare(b.placedAt) || (a.orderId as string).localeCompare(b.orderId));
      const first = dayOf(list[0]!.placedAt);
      const later = list.slice(1).map((o) => dayOf(o.placedAt));
      if (selectDay(first)) {
        newCustomers++;
        const gap = (d: string) => (Date.parse(d) - Date.parse(first)) / DAY;
        if (later.some((d) => gap(d) <= 30)) repeat30++;
        if (later.some((d) => gap(d) <= 90)) repeat90++;
      }
      for (const d of new Set(later)) if (d !== first && selectDay(d)) returningCustomers++;
    }
    const quoteCount = [...quotes.entries()].filter(([d]) => selectDay(d)).reduce((s, [, n]) => s + n, 0);
    const tickets = of('TicketStatusChanged').filter((t) => selectDay(dayOf(t.changedAt)));
    const resolved = tickets.filter((t) => t.status === 'RESOLVED' && t.sla);
    const ratings = tickets.filter((t) => t.rating).map((t) => t.rating as { score: number; nps?: number });
    const npsAnswers = ratings.filter((r) => r.nps !== undefined).map((r) => r.nps as number);
    // Fraud: orders flagged by the rules, on the first such decision's day; approved later by an analyst.
    const flaggedDay = new Map<string, string>();
    for (const d of [...of('RiskReviewRequired'), ...of('RiskRejected')].filter((d) => d.decidedBy === 'rules')) {
      const day = dayOf(d.decidedAt);
      if (!flaggedDay.has(d.orderId) || day < flaggedDay.get(d.orderId)!) flaggedDay.set(d.orderId, day);
    }
    const approved = new Set(
      of('RiskApproved')
        .filter((d) => d.decidedBy === 'analyst')
        .map((d) => d.orderId as string),
    );
    const flagged = [...flaggedDay.entries()].filter(([, d]) => selectDay(d)).map(([id]) => id);
    return {
      gmv,
      orders: os.length,
      averageOrderValue: avg(gmv, os.length),
      quotes: quoteCount,
      conversionRate: r4(os.length, quoteCount),
      refundRate: r4(os.filter((o) => refunded.has(o.orderId)).length, os.length),
      returnRate: r4(os.filter((o) => returned.has(o.orderId)).length, os.length),
      repeatPurchaseRate30d: r4(repeat30, newCustomers),
      repeatPurchaseRate90d: r4(repeat90, newCustomers),
      newCustomers,
      returningCustomers,
      csat: ratings.length === 0 ? null : Math.round((ratings.reduce((s, r) => s + r.score, 0) / ratings.length) * 100) / 100,
      nps: npsAnswers.length === 0 ? null : Math.round(((npsAnswers.filter((n) => n >= 9).length - npsAnswers.filter((n) => n <= 6).length) / npsAnswers.length) * 1000) / 10,
      slaCompliance: r4(resolved.filter((t) => t.sla.firstResponseMet && t.sla.resolutionMet).length, resolved.length),
      lateDeliveryRate: r4(deliveries.filter((o) => late.has(o.orderId)).length, deliveries.length),
      fraudFalsePositiveRate: r4(flagged.filter((id) => approved.has(id)).length, flagged.length),
    };
  };
  const slices = (key: (o: D) => Array<[string, number]>, name: string) => {
    const map = new Map<string, { gmv: number; orders: number }>();
    for (const o of counted.filter((o) => inRange(dayOf(o.placedAt))))
      for (const [value, amount] of key(o)) {
        const s = map.get(value) ?? { gmv: 0, orders: 0 };
        map.set(value, { gmv: s.gmv + amount, orders: s.orders + 1 });
      }
    return [...map.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([value, s]) => ({ [name]: value, gmv: s.gmv, orders: s.orders, averageOrderValue: avg(s.gmv, s.orders) }));
  };
  const categoriesOf = (o: D): Array<[string, number]> => {
    const m = new Map<string, number>();
    for (const l of o.lines as Array<{ category: string; lineTotal: { amount: number } }>) m.set(l.category, (m.get(l.category) ?? 0) + l.lineTotal.amount);
    return [...m.entries()];
  };
  return {
    from,
    to,
    currency: 'CNY',
    total: kpisOf(inRange),
    days: days.map((day) => ({ day, ...kpisOf((d) => d === day) })),
    byCategory: slices(categoriesOf, 'category'),
    byPaymentMethod: slices((o) => [[o.paymentMethod, o.total.amount]], 'method'),
  };
}

// ── feeding the consumer, reading the API ──────────────────────────────────────────────────────

const consume = makeConsumeAnalyticsEventsHandler({ sleep: async (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) });
const kpisApi = makeGetKpisHandler({ clock: manualClock('2026-12-01T00:00:00.000Z') });

async function feed(events: readonly Raw[]): Promise<void> {
  for (let i = 0; i < events.length; i += 10) {
    const batch = events.slice(i, i + 10).map((e) => sqsRecord(eventBridgeEvent(e.def.name, e.def.source, e.detail)));
    const result = await consume(sqsEvent(...batch), lambdaContext());
    // A record that lost every race comes back (as SQS would redeliver it).
    const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    if (failed.size > 0) await feed(events.slice(i, i + 10).filter((_, k) => failed.has(batch[k]!.messageId)));
  }
}

async function countQuotes(quotes: ReadonlyMap<string, number>): Promise<void> {
  const count = quoteCounterFromEnv();
  for (const [day, n] of quotes) for (let k = 0; k < n; k++) expect(await count(new Date(`${day}T12:00:00.000Z`))).toBe(true);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the response is compared field by field
async function report(from: string, to: string, ...roles: string[]): Promise<{ status: number; body: Record<string, any> }> {
  const response = await kpisApi(
    apiEvent({ method: 'GET', path: '/admin/kpis', resource: '/admin/kpis', query: { from, to }, claims: claimsFor('analyst-1', ...(roles.length ? roles : ['analyst'])) }),
    lambdaContext(),
  );
  return { status: response.statusCode, body: jsonBody(response) };
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The API's report without the targets (data, compared separately). */
const withoutTargets = ({ targets, ...rest }: Record<string, unknown>) => (expect(targets).toBeTypeOf('object'), rest);

describe('KPI-1 GET /admin/kpis equals a recomputation from the raw events', () => {
  const first = dataset(20250201, '2025-02-01', 28);
  const FROM = '2025-02-01';
  const TO = '2025-06-30';

  it('KPI-1: a month of events in order → the aggregates equal the reference (total, every day, categories, payment methods)', async () => {
    expect(first.events.length).toBeGreaterThan(150);
    await countQuotes(first.quotes);
    await feed(first.events);
    const { status, body } = await report(FROM, TO);
    expect(status).toBe(200);
    const expected = reference(first.events, first.quotes, FROM, TO);
    expect(withoutTargets(body)).toEqual(expected);
    // The data set exercises what it should.
    expect(expected.total.orders).toBeGreaterThan(30);
    for (const k of ['refundRate', 'returnRate', 'repeatPurchaseRate30d', 'csat', 'nps', 'slaCompliance', 'lateDeliveryRate', 'fraudFalsePositiveRate'] as const)
      expect(expected.total[k], k).not.toBeNull();
    expect(expected.byCategory.length).toBe(4);
    expect(expected.byPaymentMethod.length).toBe(4);
    expect(body.targets.conversionRate).toEqual({ target: 0.03, direction: 'above' });
  }, 120_000);

  it('KPI-1: every event replayed twice more in shuffled order changes nothing', async () => {
    await feed(shuffled([...first.events, ...first.events], 7));
    const { body } = await report(FROM, TO);
    expect(withoutTargets(body)).toEqual(reference(first.events, first.quotes, FROM, TO));
  }, 120_000);

  it('KPI-1: another month fed from the start twice over, shuffled (cancellations before orders, analyst decisions before reviews…) → equal too', async () => {
    const second = dataset(20250801, '2025-08-01', 31);
    await countQuotes(second.quotes);
    await feed(shuffled([...second.events, ...second.events], 11));
    const { body } = await report('2025-08-01', '2025-12-31');
    expect(withoutTargets(body)).toEqual(reference(second.events, second.quotes, '2025-08-01', '2025-12-31'));
    // A one-day range reads the same day as the full report.
    const one = await report('2025-08-15', '2025-08-15');
    expect(one.body.days).toEqual([body.days.find((d: { day: string }) => d.day === '2025-08-15')]);
  }, 120_000);

  it('KPI-1: bad ranges are 400 problems; customers and cs-agents are refused', async () => {
    expect((await report('2025-01-01', '2026-01-02')).status).toBe(400);
    expect((await report('2025-03-01', '2025-02-01')).status).toBe(400);
    expect((await report('2025-02-30', '2025-03-01')).status).toBe(400);
    expect((await report(FROM, TO, 'customer')).status).toBe(403);
    expect((await report(FROM, TO, 'cs-agent')).status).toBe(403);
    expect((await report(FROM, TO, 'ops')).status).toBe(200);
  });
});
