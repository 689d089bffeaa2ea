/**
 * The HTTP contracts of returns and exchanges (AFT-1). Field names follow API.md ("Added in the
 * second round"); mutating routes take an `Idempotency-Key`.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { RETURN_REASONS, RETURN_STATUSES } from '../../events/return-events.ts';
import type { RouteContract } from '../../shared/http/route.ts';
import { defineRoute } from '../../shared/http/route.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';
import { freeText } from '../../shared/text.ts';

const Ulid = /* @__PURE__ */ lazily(() => z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID')));
const Sku = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/, 'Must be 3–40 characters of A–Z, 0–9 or -')));
const Money = /* @__PURE__ */ lazily(() => z.object({ amount: z.number().check(z.int()), currency: z.string() }));

const ReturnPath = /* @__PURE__ */ lazily(() => z.object({ returnId: Ulid() }));
const OrderPath = /* @__PURE__ */ lazily(() => z.object({ orderId: Ulid() }));

const RequestReturnBody = /* @__PURE__ */ lazily(() =>
  z
    .strictObject({
      kind: z.enum(['refund', 'exchange']),
      items: z
        .array(
          z.strictObject({
            sku: Sku(),
            quantity: z.number().check(z.int(), z.gte(1), z.lte(10_000)),
            exchangeSku: z.optional(Sku()).check(z.describe('Exchanges only: the product wanted instead (same unit price: another size or colour); default the same SKU')),
          }),
        )
        .check(z.minLength(1), z.maxLength(100)),
      reason: z.enum(RETURN_REASONS),
      comment: z.optional(freeText(1000)).check(z.describe('Stored encrypted; shown to the customer only')),
    })
    .register(z.globalRegistry, { id: 'ReturnRequest' }),
);

const Note = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(3), z.maxLength(500), z.describe('Why (audited; no personal data)')));

const ReturnDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      returnId: z.string(),
      orderId: z.string(),
      customerId: z.string(),
      kind: z.enum(['refund', 'exchange']),
      reason: z.enum(RETURN_REASONS),
      status: z.enum(RETURN_STATUSES),
      items: z.array(z.object({ sku: z.string(), quantity: z.number().check(z.int()), exchangeSku: z.optional(z.string()) })),
      comment: z.optional(z.string()).check(z.describe('The customer’s comment, to the customer only')),
      refundEstimate: Money().check(z.describe('What the refund would be now (refund returns)')),
      refund: z.optional(
        z.object({
          amount: Money(),
          shipping: Money().check(z.describe('Of which the shipping fee')),
          express: z.boolean(),
          status: z.enum(['requested', 'refunded']),
          requestedAt: z.string(),
          refundedAt: z.optional(z.string()),
        }),
      ),
      pickup: z.object({
        carrier: z.string(),
        warehouseId: z.string(),
        waybill: z.optional(z.string()),
        bookedAt: z.optional(z.string()),
        pickedUpAt: z.optional(z.string()),
        receivedAt: z.optional(z.string()),
      }),
      inspection: z.optional(z.object({ passed: z.boolean(), restock: z.boolean(), outcome: z.enum(['restocked', 'written-off', 'rejected-goods']), at: z.string() })),
      replacement: z.optional(z.object({ status: z.enum(['requested', 'allocated', 'unavailable']), shipmentId: z.optional(z.string()), at: z.string() })),
      timeline: z.array(z.object({ at: z.string(), status: z.enum(RETURN_STATUSES), event: z.string(), actor: z.string() })),
      createdAt: z.string(),
      updatedAt: z.string(),
    })
    .register(z.globalRegistry, { id: 'Return' }),
);

/** `POST /orders/{orderId}/returns` — the customer, own delivered orders, within the window. */
export const requestReturnRoute = /* @__PURE__ */ defineRoute({
  operation: 'requestReturn',
  method: 'post',
  pathTemplate: '/orders/{orderId}/returns',
  summary: 'Return or exchange delivered units',
  description: [
    'Own DELIVERED orders only (another customer’s order → 404). Window from delivery: 7 days for `no-reason` and `other`, 15 days for `damaged`, `wrong-item`, `quality`, `counterfeit` (settings).',
    '409 `return-window-closed`, `return-quantity-exceeded` (more than delivered minus what other returns hold), `non-returnable` (goods excluded from the no-reason return: marked non-returnable, perishable, or a configured category; a merchant-fault reason is still accepted), `exchange-not-like-for-like`, `order-not-delivered`.',
  ].join(' '),
  tags: ['returns'],
  auth: { roles: ['customer'] },
  idempotent: true,
  path: OrderPath,
  body: RequestReturnBody,
  responses: { 201: { description: 'The return, REQUESTED', schema: ReturnDoc } },
  problems: [404, 409],
});

/** `GET /returns/{returnId}` — the customer (own), cs-agent, ops. */
export const getReturnRoute = /* @__PURE__ */ defineRoute({
  operation: 'getReturn',
  method: 'get',
  pathTemplate: '/returns/{returnId}',
  summary: 'A return with its status, items, refund, pickup waybill and timeline',
  description: 'Another customer’s return → 404.',
  tags: ['returns'],
  auth: { roles: ['customer', 'cs-agent', 'ops'] },
  path: ReturnPath,
  responses: { 200: { description: 'The return', schema: ReturnDoc } },
  problems: [404],
});

/** `GET /orders/{orderId}/returns` — the customer (own), cs-agent, ops. */
export const listOrderReturnsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listOrderReturns',
  method: 'get',
  pathTemplate: '/orders/{orderId}/returns',
  summary: 'The returns of an order, oldest first',
  description: 'Another customer’s order → 404.',
  tags: ['returns'],
  auth: { roles: ['customer', 'cs-agent', 'ops'] },
  path: OrderPath,
  responses: { 200: { description: 'The returns', schema: () => z.object({ items: z.array(ReturnDoc()) }) } },
  problems: [404],
});

/** `POST /returns/{returnId}/cancel` — the customer, before the pickup. */
export const cancelReturnRoute = /* @__PURE__ */ defineRoute({
  operation: 'cancelReturn',
  method: 'post',
  pathTemplate: '/returns/{returnId}/cancel',
  summary: 'Cancel a return before the parcel is picked up',
  description: 'REQUESTED, APPROVED or PICKUP_BOOKED only (409 `return-not-cancellable`); the units can be returned again.',
  tags: ['returns'],
  auth: { roles: ['customer'] },
  idempotent: true,
  path: ReturnPath,
  responses: { 200: { description: 'The cancelled return', schema: ReturnDoc } },
  problems: [404, 409],
});

/** `POST /admin/returns/{returnId}/decision` — cs-agent. */
export const decideReturnRoute = /* @__PURE__ */ defineRoute({
  operation: 'decideReturn',
  method: 'post',
  pathTemplate: '/admin/returns/{returnId}/decision',
  summary: 'Approve (books a doorstep pickup with the order’s carrier) or reject a requested return',
  description: 'Audited with the note (SEC-4). The same decision again answers the return unchanged; another → 409.',
  tags: ['returns', 'admin'],
  auth: { roles: ['cs-agent'] },
  idempotent: true,
  path: ReturnPath,
  body: () => z.strictObject({ decision: z.enum(['approve', 'reject']), note: Note() }).register(z.globalRegistry, { id: 'ReturnDecision' }),
  responses: { 200: { description: 'The return', schema: ReturnDoc } },
  problems: [404, 409],
});

/** `POST /admin/returns/{returnId}/inspection` — ops. */
export const inspectReturnRoute = /* @__PURE__ */ defineRoute({
  operation: 'inspectReturn',
  method: 'post',
  pathTemplate: '/admin/returns/{returnId}/inspection',
  summary: 'Inspect a received return: restock or write off; refund, or ship the exchange',
  description: [
    'Once the parcel arrived (RECEIVED; else 409 `return-not-received`). Failed → INSPECTION_FAILED. Passed → the units go back on the receiving warehouse’s shelf (`restock: true`, exactly once) or are written off;',
    'a refund return is refunded to the original payment method (large refunds wait for a second approver in payments), an exchange ships the replacement. Audited with the note (SEC-4).',
  ].join(' '),
  tags: ['returns', 'admin'],
  auth: { roles: ['ops'] },
  idempotent: true,
  path: ReturnPath,
  body: () => z.strictObject({ passed: z.boolean(), restock: z.boolean(), note: Note() }).register(z.globalRegistry, { id: 'ReturnInspection' }),
  responses: { 200: { description: 'The return', schema: ReturnDoc } },
  problems: [404, 409],
});

/** Every returns route, for the OpenAPI document and the API. */
export const returnsRoutes: readonly RouteContract[] = [
  requestReturnRoute,
  getReturnRoute,
  listOrderReturnsRoute,
  cancelReturnRoute,
  decideReturnRoute,
  inspectReturnRoute,
] as readonly RouteContract[];
