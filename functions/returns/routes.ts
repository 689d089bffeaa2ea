/**
 * The HTTP contracts of returns and exchanges (AFT-1). Field names follow API.md ("Added in the
 * second round"); mutating routes take an `Idempotency-Key`.
 */
import * as z from 'zod';
import { lazily } from '../../shared/lazily.ts';
import { RETURN_REASONS, RETURN_STATUSES } from '../../events/return-events.ts';
import type { RouteContract } from '../../shared/http/route.ts';
import { defineRoute } from '../../shared/http/route.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';
import { freeText } from '../../shared/text.ts';

const Ulid = lazily(() => z.string().regex(ULID_PATTERN, 'Must be a ULID'));
const Sku = lazily(() => z.string().regex(/^[A-Z0-9-]{3,40}$/, 'Must be 3–40 characters of A–Z, 0–9 or -'));
const Money = lazily(() => z.object({ amount: z.number().int(), currency: z.string() }));

const ReturnPath = lazily(() => z.object({ returnId: Ulid() }));
const OrderPath = lazily(() => z.object({ orderId: Ulid() }));

const RequestReturnBody = lazily(() =>
  z
    .strictObject({
      kind: z.enum(['refund', 'exchange']),
      items: z
        .array(
          z.strictObject({
            sku: Sku(),
            quantity: z.number().int().min(1).max(10_000),
            exchangeSku: Sku().optional().describe('Exchanges only: the product wanted instead (same unit price: another size or colour); default the same SKU'),
          }),
        )
        .min(1)
        .max(100),
      reason: z.enum(RETURN_REASONS),
      comment: freeText(1000).optional().describe('Stored encrypted; shown to the customer only'),
    })
    .meta({ id: 'ReturnRequest' }),
);

const Note = lazily(() => z.string().trim().min(3).max(500).describe('Why (audited; no personal data)'));

const ReturnDoc = lazily(() =>
  z
    .object({
      returnId: z.string(),
      orderId: z.string(),
      customerId: z.string(),
      kind: z.enum(['refund', 'exchange']),
      reason: z.enum(RETURN_REASONS),
      status: z.enum(RETURN_STATUSES),
      items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), exchangeSku: z.string().optional() })),
      comment: z.string().optional().describe('The customer’s comment, to the customer only'),
      refundEstimate: Money().describe('What the refund would be now (refund returns)'),
      refund: z
        .object({
          amount: Money(),
          shipping: Money().describe('Of which the shipping fee'),
          express: z.boolean(),
          status: z.enum(['requested', 'refunded']),
          requestedAt: z.string(),
          refundedAt: z.string().optional(),
        })
        .optional(),
      pickup: z.object({
        carrier: z.string(),
        warehouseId: z.string(),
        waybill: z.string().optional(),
        bookedAt: z.string().optional(),
        pickedUpAt: z.string().optional(),
        receivedAt: z.string().optional(),
      }),
      inspection: z.object({ passed: z.boolean(), restock: z.boolean(), outcome: z.enum(['restocked', 'written-off', 'rejected-goods']), at: z.string() }).optional(),
      replacement: z.object({ status: z.enum(['requested', 'allocated', 'unavailable']), shipmentId: z.string().optional(), at: z.string() }).optional(),
      timeline: z.array(z.object({ at: z.string(), status: z.enum(RETURN_STATUSES), event: z.string(), actor: z.string() })),
      createdAt: z.string(),
      updatedAt: z.string(),
    })
    .meta({ id: 'Return' }),
);

/** `POST /orders/{orderId}/returns` — the customer, own delivered orders, within the window. */
export const requestReturnRoute = defineRoute({
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
export const getReturnRoute = defineRoute({
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
export const listOrderReturnsRoute = defineRoute({
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
export const cancelReturnRoute = defineRoute({
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
export const decideReturnRoute = defineRoute({
  operation: 'decideReturn',
  method: 'post',
  pathTemplate: '/admin/returns/{returnId}/decision',
  summary: 'Approve (books a doorstep pickup with the order’s carrier) or reject a requested return',
  description: 'Audited with the note (SEC-4). The same decision again answers the return unchanged; another → 409.',
  tags: ['returns', 'admin'],
  auth: { roles: ['cs-agent'] },
  idempotent: true,
  path: ReturnPath,
  body: () => z.strictObject({ decision: z.enum(['approve', 'reject']), note: Note() }).meta({ id: 'ReturnDecision' }),
  responses: { 200: { description: 'The return', schema: ReturnDoc } },
  problems: [404, 409],
});

/** `POST /admin/returns/{returnId}/inspection` — ops. */
export const inspectReturnRoute = defineRoute({
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
  body: () => z.strictObject({ passed: z.boolean(), restock: z.boolean(), note: Note() }).meta({ id: 'ReturnInspection' }),
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
