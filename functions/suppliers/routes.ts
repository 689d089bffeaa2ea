/**
 * The suppliers capability's HTTP contract (SUP-1), all for ops: put a supplier (created or
 * replaced; audited), list suppliers with scorecard and tier, read one with its latest deliveries,
 * and record an inbound delivery with its quality inspection (audited; may trigger a review or a
 * termination). Mutating routes take an `Idempotency-Key`.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { freeText } from '../../shared/text.ts';
import { INSPECTION_RESULTS, SUPPLIER_TIERS } from './domain/scorecard.ts';
import { LICENCE_KINDS, REVIEW_OUTCOMES, SUPPLIER_STATUSES } from './domain/supplier.ts';

const OPS = { roles: ['ops'] } as const;
const SupplierId = /* @__PURE__ */ lazily(() =>
  z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'Must be 1–64 letters, digits, . _ - (starting with a letter or digit)')),
);
/** The catalog's SKU format. */
const Sku = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/, 'Must be 3–40 characters of A–Z, 0–9 or -')));
const IsoDay = /* @__PURE__ */ lazily(() =>
  z.string().check(
    z.regex(/^\d{4}-\d{2}-\d{2}$/, 'Must be a date (YYYY-MM-DD)'),
    z.refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'Must be a real date'),
  ),
);
const SupplierPath = /* @__PURE__ */ lazily(() => z.object({ supplierId: SupplierId() }));

const LicenceSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    kind: z.enum(LICENCE_KINDS),
    number: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9/-]{0,63}$/, 'Must be 1–64 letters, digits, / or -')),
    issuer: freeText(200),
    expiresOn: IsoDay().check(z.describe('The last day the licence is valid (China time)')),
  }),
);

const ReviewSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    nextDueOn: IsoDay().check(z.describe('When the next annual review is due')),
    lastReviewedOn: z.optional(IsoDay()),
    lastOutcome: z.optional(z.enum(REVIEW_OUTCOMES)),
  }),
);

const SupplierInputSchema = /* @__PURE__ */ lazily(() =>
  z
    .strictObject({
      name: freeText(200),
      status: z.optional(z.enum(SUPPLIER_STATUSES)).check(z.describe('Default: unchanged, `active` for a new supplier')),
      licences: z.array(LicenceSchema()).check(z.maxLength(20)),
      skus: z.array(z.strictObject({ sku: Sku(), core: z.boolean().check(z.describe('A core SKU should have at least two active suppliers')) })).check(
        z.maxLength(500),
        z.refine((skus) => new Set(skus.map((s) => s.sku)).size === skus.length, 'Each SKU at most once'),
      ),
      review: z.optional(ReviewSchema()),
    })
    .register(z.globalRegistry, { id: 'SupplierInput' }),
);

const ScorecardDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    deliveries: z.number().check(z.int()),
    late: z.number().check(z.int()),
    inspected: z.number().check(z.int()),
    failedInspections: z.number().check(z.int()),
    consecutiveFailedInspections: z.number().check(z.int()),
    onTimeRateBp: z.nullable(z.number().check(z.int())).check(z.describe('On-time deliveries, basis points (rounded down) of all deliveries')),
    delayRateBp: z.nullable(z.number().check(z.int())).check(z.describe('Late deliveries, basis points (rounded down); above 1 500 flags an active supplier for review')),
    qualityPassRateBp: z.nullable(z.number().check(z.int())).check(z.describe('Passed inspections, basis points (rounded down) of inspected deliveries')),
  }),
);

const SupplierDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      supplierId: z.string(),
      name: z.string(),
      status: z.enum(SUPPLIER_STATUSES),
      statusReason: z.string().check(z.describe('`staff`, or what set it: `delay-rate-above-threshold`, `consecutive-failed-inspections`, `licence-expired`')),
      statusChangedAt: z.string(),
      licences: z.array(LicenceSchema()),
      skus: z.array(z.object({ sku: z.string(), core: z.boolean() })),
      review: z.optional(ReviewSchema()),
      scorecard: ScorecardDoc(),
      tier: z.enum(SUPPLIER_TIERS),
      createdAt: z.string(),
      updatedAt: z.string(),
      updatedBy: z.string(),
      version: z.number().check(z.int()),
    })
    .register(z.globalRegistry, { id: 'Supplier' }),
);

const DeliveryDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      deliveryId: z.string(),
      supplierId: z.string(),
      sku: z.string(),
      units: z.number().check(z.int()),
      promisedOn: z.string(),
      receivedOn: z.string(),
      late: z.boolean(),
      inspection: z.enum(INSPECTION_RESULTS),
      recordedAt: z.string(),
      recordedBy: z.string(),
    })
    .register(z.globalRegistry, { id: 'SupplierDelivery' }),
);

/** `PUT /admin/suppliers/{supplierId}` — ops. */
export const putSupplierRoute = /* @__PURE__ */ defineRoute({
  operation: 'putSupplier',
  method: 'put',
  pathTemplate: '/admin/suppliers/{supplierId}',
  summary: 'Create or replace a supplier: licences, SKUs supplied (core or not), annual review, status (audited)',
  description: 'The scorecard is kept. A supplier with an expired licence cannot be made `active` or `under-review` (409).',
  tags: ['suppliers', 'admin'],
  auth: OPS,
  idempotent: true,
  path: SupplierPath,
  body: SupplierInputSchema,
  responses: { 200: { description: 'The supplier, replaced', schema: SupplierDoc }, 201: { description: 'The supplier, created', schema: SupplierDoc } },
  problems: [409],
});

/** `GET /admin/suppliers` — ops. */
export const listSuppliersRoute = /* @__PURE__ */ defineRoute({
  operation: 'listSuppliers',
  method: 'get',
  pathTemplate: '/admin/suppliers',
  summary: 'Suppliers with licences, scorecard and tier, by id',
  tags: ['suppliers', 'admin'],
  auth: OPS,
  query: () =>
    z.extend(paginationQuerySchema(), {
      status: z.optional(z.enum(SUPPLIER_STATUSES)).check(z.describe('Only suppliers with this status (a page may then hold fewer than `limit`)')),
    }),
  responses: { 200: { description: 'A page of suppliers', schema: () => pageSchema(SupplierDoc()) } },
});

/** `GET /admin/suppliers/{supplierId}` — ops. */
export const getSupplierRoute = /* @__PURE__ */ defineRoute({
  operation: 'getSupplier',
  method: 'get',
  pathTemplate: '/admin/suppliers/{supplierId}',
  summary: 'A supplier with scorecard, tier and its latest 20 deliveries',
  tags: ['suppliers', 'admin'],
  auth: OPS,
  path: SupplierPath,
  responses: { 200: { description: 'The supplier', schema: () => z.extend(SupplierDoc(), { recentDeliveries: z.array(DeliveryDoc()) }) } },
  problems: [404],
});

/** `POST /admin/suppliers/{supplierId}/deliveries` — ops. */
export const recordSupplierDeliveryRoute = /* @__PURE__ */ defineRoute({
  operation: 'recordSupplierDelivery',
  method: 'post',
  pathTemplate: '/admin/suppliers/{supplierId}/deliveries',
  summary: 'Record an inbound delivery and its quality inspection (audited)',
  description:
    'Late = received after the promised day. The scorecard moves; a delay rate above 15 % puts an active supplier `under-review`, and two consecutive failed inspections (deliveries not inspected do not break the run) end the relationship (`terminated`). Both are audited as system actions.',
  tags: ['suppliers', 'admin'],
  auth: OPS,
  idempotent: true,
  path: SupplierPath,
  body: () =>
    z
      .strictObject({
        sku: Sku(),
        units: z.number().check(z.int(), z.gte(1), z.lte(10_000_000)),
        promisedOn: IsoDay(),
        receivedOn: IsoDay().check(z.describe('Not after today (China time)')),
        inspection: z.enum(INSPECTION_RESULTS),
      })
      .register(z.globalRegistry, { id: 'SupplierDeliveryInput' }),
  responses: {
    201: {
      description: 'The delivery, the supplier after it, and the status change it triggered if any',
      schema: () => z.object({ delivery: DeliveryDoc(), supplier: SupplierDoc(), triggered: z.optional(z.object({ to: z.enum(SUPPLIER_STATUSES), reason: z.string() })) }),
    },
  },
  problems: [404, 409],
});

/** Every suppliers route (one function serves them all). */
export const suppliersRoutes = [putSupplierRoute, listSuppliersRoute, getSupplierRoute, recordSupplierDeliveryRoute] as readonly RouteContract[];
