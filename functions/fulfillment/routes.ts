/** The fulfillment capability's HTTP contracts (validation schemas and OpenAPI in one place). */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';
import type { RouteContract } from '../../shared/http/route.ts';
import { defineRoute, WEBHOOK_MAX_BODY_BYTES } from '../../shared/http/route.ts';
import { freeText } from '../../shared/text.ts';
import { CarrierRulesSchema } from './domain/carrier-rules.ts';
import { SandboxReportSchema } from './domain/sandbox-report.ts';
import { DeliveryTimeLimitsSchema } from './domain/time-limits.ts';

const IdSchema = /* @__PURE__ */ lazily(() => z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID')));
const ShipmentStatusSchema = /* @__PURE__ */ lazily(() => z.enum(['CREATED', 'PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'CANCELLED']));

const TrackingReceiptSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      received: z.literal(true),
      outcome: z.enum(['applied', 'ignored', 'duplicate']),
      shipmentId: z.optional(IdSchema()),
      status: z.optional(ShipmentStatusSchema()).check(z.describe('The shipment status after the event (applied only)')),
      ignoredReason: z.optional(z.string()),
    })
    .register(z.globalRegistry, { id: 'CarrierTrackingReceipt' }),
);

/** `POST /webhooks/carriers` — carriers (signature-checked; public route). */
export const receiveCarrierWebhookRoute = /* @__PURE__ */ defineRoute({
  operation: 'receiveCarrierWebhook',
  method: 'post',
  pathTemplate: '/webhooks/carriers',
  summary: 'A carrier’s signed tracking update',
  description: [
    'Body (JSON): `{ eventId, carrier, waybill, status: PICKED_UP|IN_TRANSIT|OUT_FOR_DELIVERY|DELIVERED|EXCEPTION, exception?: undeliverable-address|lost|refused, occurredAt }`.',
    'Header `Carrier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the carrier’s secret>`; requests outside a 5-minute window are refused (401).',
    'The signature is checked before the body is parsed: an unsigned or badly signed request is a 401 whatever its body; bodies over 64 KB are refused with 413 before anything else.',
    'Duplicates (same carrier and eventId) are acknowledged and change nothing; out-of-order events never move a shipment backwards. No Idempotency-Key: the carrier’s event id is the key.',
  ].join(' '),
  tags: ['fulfillment', 'webhooks'],
  auth: 'public',
  maxBodyBytes: WEBHOOK_MAX_BODY_BYTES,
  responses: { 200: { description: 'Received', schema: TrackingReceiptSchema } },
  problems: [404],
});

const DegradedModeSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      enabled: z.boolean(),
      reason: z.optional(z.string()),
      changedBy: z.optional(z.string()),
      changedAt: z.optional(z.string()),
      defers: z.array(z.string()).check(z.describe('The non-essential work deferred while enabled')),
    })
    .register(z.globalRegistry, { id: 'DegradedMode' }),
);

/** `GET /admin/degraded-mode` — ops. */
export const getDegradedModeRoute = /* @__PURE__ */ defineRoute({
  operation: 'getDegradedMode',
  method: 'get',
  pathTemplate: '/admin/degraded-mode',
  summary: 'Peak-load degraded mode (FUL-5): on or off, and what it defers',
  tags: ['fulfillment', 'admin'],
  auth: { roles: ['ops'] },
  responses: { 200: { description: 'The switch', schema: DegradedModeSchema } },
});

/** `PUT /admin/degraded-mode` — ops; audited. Idempotent by nature. */
export const putDegradedModeRoute = /* @__PURE__ */ defineRoute({
  operation: 'putDegradedMode',
  method: 'put',
  pathTemplate: '/admin/degraded-mode',
  summary: 'Switch peak-load degraded mode on or off (FUL-5)',
  description:
    'While on, non-essential work (the replenishment check on every stock change) is deferred to the daily replenishment sweep; ordering, payment capture and shipping are untouched. Takes effect within DEGRADED_MODE_CACHE_SECONDS (default 10 s), how long the stock checks cache the switch. Audited with the reason.',
  tags: ['fulfillment', 'admin'],
  auth: { roles: ['ops'] },
  body: () => z.strictObject({ enabled: z.boolean(), reason: freeText(500).check(z.minLength(3)) }).register(z.globalRegistry, { id: 'DegradedModeInput' }),
  responses: { 200: { description: 'The switch after the change', schema: DegradedModeSchema } },
  problems: [409],
});

const ShipmentViewSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      shipmentId: IdSchema(),
      orderId: IdSchema(),
      purpose: z
        .optional(z.enum(['return-pickup', 'replacement']))
        .check(z.describe("A return's shipment (AFT-1): the return parcel picked up at the customer's door, or an exchange's replacement; absent for the order's own")),
      returnId: z.optional(IdSchema()).check(z.describe('The return a pickup or replacement is for')),
      warehouseId: z.string(),
      carrier: z.string(),
      carrierRule: z.string(),
      waybill: z.string(),
      region: z.string(),
      lines: z.array(z.object({ sku: z.string(), quantity: z.number().check(z.int()) })),
      weightGrams: z.number().check(z.int()),
      status: ShipmentStatusSchema(),
      exception: z.optional(z.string()),
      createdAt: z.string(),
      dueBy: z.string(),
      leftAt: z.optional(z.string()),
      deliveredAt: z.optional(z.string()),
      lateAlertedAt: z.optional(z.string()),
      cancelledAt: z.optional(z.string()),
      history: z.array(z.object({ status: ShipmentStatusSchema(), at: z.string(), exception: z.optional(z.string()), eventId: z.optional(z.string()) })),
    })
    .register(z.globalRegistry, { id: 'Shipment' }),
);

/** `GET /admin/shipments?orderId=` — ops, cs-agent. */
export const listShipmentsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listShipments',
  method: 'get',
  pathTemplate: '/admin/shipments',
  summary: 'The shipments of an order, with tracking history',
  tags: ['fulfillment', 'admin'],
  auth: { roles: ['ops', 'cs-agent'] },
  query: () => z.object({ orderId: IdSchema() }),
  responses: {
    200: {
      description: 'The order’s fulfillment state and its shipments (one page: an order has few)',
      schema: () =>
        z.object({
          orderId: IdSchema(),
          status: z.enum(['NOT_ALLOCATED', 'ALLOCATED', 'SHIPPED', 'DELIVERED', 'CANCELLED']),
          shippedAt: z.optional(z.string()),
          deliveredAt: z.optional(z.string()),
          items: z.array(ShipmentViewSchema()),
        }),
    },
  },
});

/** `GET /admin/replenishment/{sku}` — ops: a SKU's safety-stock and suggestion state (FUL-4). */
export const getReplenishmentRoute = /* @__PURE__ */ defineRoute({
  operation: 'getReplenishment',
  method: 'get',
  pathTemplate: '/admin/replenishment/{sku}',
  summary: 'Safety stock and replenishment suggestions of a SKU (FUL-4)',
  tags: ['fulfillment', 'admin'],
  auth: { roles: ['ops'] },
  path: () => z.object({ sku: z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/)) }),
  responses: {
    200: {
      description: 'The SKU’s replenishment state (a SKU without sales has none open)',
      schema: () =>
        z
          .object({
            sku: z.string(),
            open: z.boolean().check(z.describe('A suggestion is open: emitted, and the SKU not seen back at its safety stock since')),
            safetyStock: z.optional(z.number().check(z.int())).check(z.describe('At the last check')),
            lastAvailable: z.optional(z.number().check(z.int())),
            openedAt: z.optional(z.string()),
            lastSuggestedAt: z.optional(z.string()),
            clearedAt: z.optional(z.string()),
            suggestions: z.number().check(z.int(), z.describe('Suggestions emitted so far')),
            salesWindowDays: z.number().check(z.int()),
            unitsSoldInWindow: z.number().check(z.int(), z.describe('Demand recorded over the sales window (OrderPlaced)')),
          })
          .register(z.globalRegistry, { id: 'ReplenishmentState' }),
    },
  },
});

/** Every fulfillment route, for the OpenAPI document and the API. */
const ShippingSettingsSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      carrierRules: CarrierRulesSchema(),
      deliveryTimeLimits: DeliveryTimeLimitsSchema(),
      source: z.enum(['stored', 'configured']).check(z.describe('stored: set through this API; configured: the deployment’s settings, not changed yet')),
      version: z.number().check(z.int()),
      changedBy: z.optional(z.string()),
      changedAt: z.optional(z.string()),
      reason: z.optional(z.string()),
    })
    .register(z.globalRegistry, { id: 'ShippingSettings' }),
);

/** `GET /admin/settings/shipping` — ops: carrier rules (FUL-2) and delivery time limits (FUL-3) in force. */
export const getShippingSettingsRoute = /* @__PURE__ */ defineRoute({
  operation: 'getShippingSettings',
  method: 'get',
  pathTemplate: '/admin/settings/shipping',
  summary: 'Carrier rules and delivery time limits in force (FUL-2, FUL-3)',
  tags: ['fulfillment', 'admin'],
  auth: { roles: ['ops'] },
  responses: { 200: { description: 'The settings', schema: ShippingSettingsSchema } },
});

/** `PUT /admin/settings/shipping` — ops; audited. */
export const putShippingSettingsRoute = /* @__PURE__ */ defineRoute({
  operation: 'putShippingSettings',
  method: 'put',
  pathTemplate: '/admin/settings/shipping',
  summary: 'Replace the carrier rules and/or the delivery time limits (FUL-2, FUL-3)',
  description:
    'What is left out stays. Rules are tried in order, the first whose conditions all hold names the carrier, else defaultCarrier; every carrier must be one the platform can book. Orders allocated after at most 10 s use them; existing shipments keep their carrier and due time. Audited with the reason; the settings in force again change nothing.',
  tags: ['fulfillment', 'admin'],
  auth: { roles: ['ops'] },
  body: () =>
    z
      .strictObject({
        carrierRules: z.optional(CarrierRulesSchema()),
        deliveryTimeLimits: z.optional(DeliveryTimeLimitsSchema()),
        reason: freeText(500).check(z.minLength(3), z.describe('Why (audit trail)')),
      })
      .check(
        z.refine((b) => b.carrierRules !== undefined || b.deliveryTimeLimits !== undefined, { message: 'Send carrierRules, deliveryTimeLimits or both', path: ['carrierRules'] }),
      )
      .register(z.globalRegistry, { id: 'ShippingSettingsInput' }),
  responses: { 200: { description: 'The settings after the change', schema: ShippingSettingsSchema } },
  problems: [409],
});

/**
 * `POST /webhooks/carriers/kuaidi100/{kind}` — Kuaidi100's order callback (`orders`) and tracking
 * push (`tracking`); only in stages that book with Kuaidi100 (prod), so not in every stage's API.
 */
export const receiveKuaidi100CallbackRoute = /* @__PURE__ */ defineRoute({
  operation: 'receiveKuaidi100Callback',
  method: 'post',
  pathTemplate: '/webhooks/carriers/kuaidi100/{kind}',
  summary: 'Kuaidi100’s signed order callback or tracking push (stages booking with Kuaidi100)',
  description: [
    'Form-encoded, as Kuaidi100 sends it: `param` (JSON) and `sign` = upper-case MD5 of param + the account’s salt. `kind` is `orders` (商家寄件 order callback: status code, the waybill once assigned) or `tracking` (订阅推送: `lastResult.state`).',
    'A wrong signature is a 401 before anything is read; a malformed callback 400; an unknown booking or waybill 404. Statuses are mapped to shipment statuses and recorded like every carrier’s; repeats change nothing.',
  ].join(' '),
  tags: ['fulfillment', 'webhooks'],
  auth: 'public',
  maxBodyBytes: WEBHOOK_MAX_BODY_BYTES,
  path: () => z.object({ kind: z.enum(['orders', 'tracking']) }),
  responses: {
    200: {
      description: 'Acknowledged (the answer Kuaidi100 expects)',
      schema: () => z.object({ result: z.literal(true), returnCode: z.literal('200'), message: z.string() }).register(z.globalRegistry, { id: 'Kuaidi100CallbackAck' }),
    },
  },
  problems: [404],
});

export const fulfillmentRoutes: readonly RouteContract[] = [
  receiveCarrierWebhookRoute,
  getDegradedModeRoute,
  putDegradedModeRoute,
  getShippingSettingsRoute,
  putShippingSettingsRoute,
  listShipmentsRoute,
  getReplenishmentRoute,
] as readonly RouteContract[];

/**
 * `POST /admin/sandbox-carrier/events` — ops, dev stage only (not in the OpenAPI document of the
 * deployed API): make the sandbox carrier report a status for a waybill, now or later.
 */
export const postSandboxCarrierEventRoute = /* @__PURE__ */ defineRoute({
  operation: 'postSandboxCarrierEvent',
  method: 'post',
  pathTemplate: '/admin/sandbox-carrier/events',
  summary: 'Sandbox only: make the sandbox carrier report a tracking status (signed webhook) after a delay',
  tags: ['fulfillment', 'sandbox'],
  auth: { roles: ['ops'] },
  idempotent: true,
  body: SandboxReportSchema,
  responses: {
    202: {
      description: 'Scheduled: the sandbox carrier will post the signed report when it is due',
      schema: () => z.object({ eventId: z.string(), carrier: z.string(), waybill: z.string(), status: z.string(), exception: z.optional(z.string()), deliverAfter: z.string() }),
    },
  },
  problems: [404],
});

/** Routes deployed in the dev stage only. */
export const sandboxCarrierRoutes: readonly RouteContract[] = [postSandboxCarrierEventRoute] as readonly RouteContract[];
