/**
 * Analytics over the local cloud (KPI-1, KPI-2): a customer prices a basket (POST /quotes, counted
 * by analytics' quote counter) and places and pays an order with a card (POST /orders → fraud →
 * payments authorises); the analytics consumer (EventBridge rule → SQS → Lambda) counts it, and
 * `GET /admin/kpis` shows it in today's figures, its category (unique to this test) and its payment
 * method. Customers and customer-service agents are refused. The segments route answers analysts.
 */
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, poll, quotedCardOrder, tokenFor } from '../../support/e2e.ts';

let ops: string;
let analyst: string;

beforeAll(async () => {
  [ops, analyst] = await Promise.all([tokenFor('e2e-ops-analytics', ['ops']), tokenFor(`e2e-analyst-${ulid().toLowerCase()}`, ['analyst'])]);
});

type Kpis = { gmv: number; orders: number; quotes: number; averageOrderValue: number | null };
type Report = {
  total: Kpis;
  days: Array<Kpis & { day: string }>;
  byCategory: Array<{ category: string; gmv: number; orders: number }>;
  byPaymentMethod: Array<{ method: string; orders: number }>;
};

describe('KPI-1 analytics end to end', () => {
  it('KPI-1: quote → order placed and paid by card → GET /admin/kpis shows it (today, its category, card); customers and cs-agents are refused', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const kpis = async (token: string) => api(`/admin/kpis?from=${today}&to=${today}`, { token });
    const before = await kpis(analyst);
    expect(before.status, before.text).toBe(200);
    const baseline = before.json as unknown as Report;

    // A product of a category only this test uses, ¥68 (fraud approves a small first order).
    const category = `e2e-kpi-${ulid().toLowerCase()}`.slice(0, 40);
    const { customer, placed } = await quotedCardOrder(ops, { category, amount: 6_800, label: 'kpi' });
    expect(placed.status, placed.text).toBe(201);
    const orderId = String(placed.json.orderId);
    const status = await poll(
      async () => String((await api(`/orders/${orderId}`, { token: customer })).json?.status),
      (s) => ['APPROVED', 'FULFILLING', 'SHIPPED'].includes(s),
      60_000,
    );
    expect(status).toBeOneOf(['APPROVED', 'FULFILLING', 'SHIPPED']);

    // The consumer runs asynchronously: poll until the order's category shows up.
    const after = await poll(
      async () => (await kpis(analyst)).json as unknown as Report,
      (r) => r.byCategory.some((c) => c.category === category),
      60_000,
    );
    expect(after.byCategory.find((c) => c.category === category)).toEqual({ category, gmv: 6_800, orders: 1, averageOrderValue: 6_800 });
    // The day's totals are shared with the tests running beside this one, and go down when one of theirs
    // is cancelled or rejected (it stops counting): only what this order alone guarantees is asserted.
    expect(after.total.orders).toBeGreaterThanOrEqual(1);
    expect(after.total.gmv).toBeGreaterThanOrEqual(6_800);
    expect(after.total.quotes).toBeGreaterThanOrEqual(baseline.total.quotes + 1);
    expect(after.days.map((d) => d.day)).toEqual([today]);
    expect(after.byPaymentMethod.find((m) => m.method === 'card')?.orders).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(after.total.gmv)).toBe(true);

    // Ops may read it too; customers and customer-service agents may not (a customer-pool token is not
    // even accepted by the staff routes' authorizer: 401; a staff token without the role: 403).
    expect((await kpis(ops)).status).toBe(200);
    expect((await kpis(customer)).status).toBeOneOf([401, 403]);
    expect((await kpis(await tokenFor(`e2e-agent-${ulid().toLowerCase()}`, ['cs-agent']))).status).toBe(403);
    expect((await api('/admin/kpis?from=2026-13-01', { token: analyst })).status).toBe(400);
  });

  it('KPI-2: the segment counts answer analysts and marketers (no personal data), not customers', async () => {
    const segments = await api('/admin/customers/segments', { token: analyst });
    expect(segments.status, segments.text).toBe(200);
    expect(segments.json).toMatchObject({
      segments: expect.objectContaining({ champions: expect.any(Number) }),
      lifecycle: expect.objectContaining({ churned: expect.any(Number) }),
    });
    expect((await api('/admin/customers/segments', { token: await tokenFor(`e2e-kpi-c-${ulid()}`, ['customer']) })).status).toBeOneOf([401, 403]);
    expect((await api('/admin/customers/segments', { token: await tokenFor(`e2e-agent-${ulid().toLowerCase()}`, ['cs-agent']) })).status).toBe(403);
    expect((await api('/admin/customers/segments/lost/customers', { token: analyst })).status).toBe(403);
    const marketer = await tokenFor(`e2e-marketer-${ulid().toLowerCase()}`, ['marketer']);
    expect((await api('/admin/customers/segments/lost/customers?limit=5', { token: marketer })).status).toBe(200);
  });
});
