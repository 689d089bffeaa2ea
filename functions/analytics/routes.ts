/**
 * The analytics capability's HTTP contract (KPI-1, KPI-2): the KPIs for analysts and operations;
 * customer segments (counts, no personal data) for analysts and marketers; the customer ids of a
 * segment who consent to marketing, for marketers (win-back campaigns).
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { LIFECYCLE_STAGES, SEGMENTS } from './domain/segments.ts';

const IsoDay = /* @__PURE__ */ lazily(() =>
  z.string().check(
    z.regex(/^\d{4}-\d{2}-\d{2}$/, 'Must be a date (YYYY-MM-DD)'),
    z.refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'Must be a real date'),
  ),
);

const Rate = /* @__PURE__ */ lazily(() => z.nullable(z.number()));
const KpisDoc = /* @__PURE__ */ lazily(() => ({
  gmv: z.number().check(z.int(), z.describe('Fen: totals of the orders placed that count (not cancelled, rejected or failed payment)')),
  orders: z.number().check(z.int()),
  averageOrderValue: z.nullable(z.number().check(z.int())).check(z.describe('Fen; null without orders')),
  quotes: z.number().check(z.int(), z.describe('Baskets priced (POST /quotes)')),
  conversionRate: Rate().check(z.describe('orders / quotes')),
  refundRate: Rate().check(z.describe('orders refunded (any amount) / orders')),
  returnRate: Rate().check(z.describe('orders with a return request / orders')),
  repeatPurchaseRate30d: Rate().check(z.describe('of the customers whose first order fell on the day(s), those who ordered again within 30 days')),
  repeatPurchaseRate90d: Rate().check(z.describe('the same within 90 days')),
  newCustomers: z.number().check(z.int(), z.describe('customers whose first order fell on the day(s)')),
  returningCustomers: z.number().check(z.int(), z.describe('customer-days of customers who had ordered before')),
  csat: z.nullable(z.number()).check(z.describe('mean ticket rating 1–5')),
  nps: z.nullable(z.number()).check(z.describe('−100…100')),
  slaCompliance: Rate().check(z.describe('tickets resolved within both clocks / tickets resolved')),
  lateDeliveryRate: Rate().check(z.describe('orders delivered late / orders delivered')),
  fraudFalsePositiveRate: Rate().check(z.describe('flagged orders approved by an analyst / orders flagged (fraud’s definition)')),
}));
const Slice = /* @__PURE__ */ lazily(() => ({ gmv: z.number().check(z.int()), orders: z.number().check(z.int()), averageOrderValue: z.nullable(z.number().check(z.int())) }));

/** `GET /admin/kpis` — analyst, ops. */
export const kpisRoute = /* @__PURE__ */ defineRoute({
  operation: 'getKpis',
  method: 'get',
  pathTemplate: '/admin/kpis',
  summary: 'KPIs per day and in total, by category and by payment method, with targets (KPI-1)',
  description:
    'Orders count on the UTC day they were placed (refunds, returns and deliveries on their order’s day); ratings on the day given, tickets on the day resolved. Exact under duplicated and reordered events. Money in fen; rates 0..1 with 4 decimals, null without a denominator. Default range: the last 30 days; at most 366.',
  tags: ['analytics', 'admin'],
  auth: { roles: ['analyst', 'ops'] },
  query: () => z.object({ from: z.optional(IsoDay()), to: z.optional(IsoDay()) }),
  responses: {
    200: {
      description: 'The KPIs',
      schema: () =>
        z
          .object({
            from: z.string(),
            to: z.string(),
            currency: z.literal('CNY'),
            total: z.object(KpisDoc()),
            days: z.array(z.object({ day: z.string(), ...KpisDoc() })),
            byCategory: z.array(z.object({ category: z.string(), ...Slice() })),
            byPaymentMethod: z.array(z.object({ method: z.string(), ...Slice() })),
            targets: z.record(z.string(), z.object({ target: z.number(), direction: z.enum(['above', 'below']) })),
          })
          .register(z.globalRegistry, { id: 'KpiReport' }),
    },
  },
});

/** `GET /admin/customers/segments` — analyst, marketer. */
export const segmentsRoute = /* @__PURE__ */ defineRoute({
  operation: 'getCustomerSegments',
  method: 'get',
  pathTemplate: '/admin/customers/segments',
  summary: 'Customer counts by RFM segment and lifecycle stage, as of the last daily run (KPI-2)',
  description: 'No personal data. Customers who did not consent to analytics, and erased customers, are left out. Before the first run: `asOf` null and zero counts.',
  tags: ['analytics', 'admin'],
  auth: { roles: ['analyst', 'marketer'] },
  responses: {
    200: {
      description: 'The counts',
      schema: () =>
        z.object({
          asOf: z.nullable(z.string()),
          customers: z.number().check(z.int()),
          segments: z.record(z.enum(SEGMENTS), z.number().check(z.int())),
          lifecycle: z.record(z.enum(LIFECYCLE_STAGES), z.number().check(z.int())),
        }),
    },
  },
});

/** `GET /admin/customers/segments/{segment}/customers` — marketer. */
export const segmentCustomersRoute = /* @__PURE__ */ defineRoute({
  operation: 'listSegmentCustomers',
  method: 'get',
  pathTemplate: '/admin/customers/segments/{segment}/customers',
  summary: 'Customer ids of a segment who consent to marketing, as of the last run (KPI-2)',
  description:
    'For campaigns such as win-back coupons. Ids only; marketing consent is checked at the time of the request. A page may hold fewer than `limit` ids (non-consenting customers are skipped).',
  tags: ['analytics', 'admin'],
  auth: { roles: ['marketer'] },
  path: () => z.object({ segment: z.enum(SEGMENTS) }),
  query: paginationQuerySchema,
  responses: { 200: { description: 'A page of customer ids', schema: () => pageSchema(z.object({ customerId: z.string() })) } },
});

/** The KPI route (its function in the analytics stack). */
export const kpiRoutes = [kpisRoute] as readonly RouteContract[];
/** The segment routes (their function next to the segments job). */
export const segmentRoutes = [segmentsRoute, segmentCustomersRoute] as readonly RouteContract[];
/** Every analytics route, for the OpenAPI document. */
export const analyticsRoutes: readonly RouteContract[] = [...kpiRoutes, ...segmentRoutes];
