/**
 * Return events (AFT-1), source `commerce.returns` unless noted. Ids, SKUs, amounts and statuses
 * only: no names, addresses or free text (the customer's comment stays in the returns table).
 *
 * - `ReturnRequested`: a customer asked to return (or exchange) delivered units. Consumers:
 *   tickets (a counterfeit or damage return opens its ticket), notifications.
 * - `ReturnStatusChanged`: every transition of a return's state machine. Consumer: notifications.
 * - `ReturnPickupRequested`: an approved return needs a doorstep pickup with the order's carrier,
 *   delivered to the receiving warehouse. Consumer: fulfillment (books it through its carrier port).
 * - `ReturnRefundRequested`: refund this amount of the order for this return, to the original
 *   payment method. Consumer: payments (large refunds still wait for a second approver); payments
 *   answers with `PaymentRefunded` carrying the `returnId`.
 * - `ExchangeShipmentRequested`: reserve and ship the replacement units of an exchange.
 *   Consumer: fulfillment.
 * - `ReturnFulfillmentUpdated` (source `commerce.fulfillment`): what fulfillment did for a return —
 *   pickup booked, parcel picked up, parcel received at the warehouse, replacement allocated (and
 *   shipped like any shipment) or unavailable. Consumer: returns.
 */
import * as z from '../shared/zod.ts';
import { lazily } from '../shared/lazily.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, IdSchema, MoneySchema, SkuSchema, WarehouseIdSchema } from './common.ts';

/** Every status of a return (the state machine lives in functions/returns/domain). */
export const RETURN_STATUSES = ['REQUESTED', 'APPROVED', 'PICKUP_BOOKED', 'IN_TRANSIT', 'RECEIVED', 'REFUNDED', 'EXCHANGED', 'REJECTED', 'INSPECTION_FAILED', 'CANCELLED'] as const;
export const ReturnStatusSchema = /* @__PURE__ */ lazily(() => z.enum(RETURN_STATUSES));
export const ReturnKindSchema = /* @__PURE__ */ lazily(() => z.enum(['refund', 'exchange']));
export const RETURN_REASONS = ['no-reason', 'damaged', 'wrong-item', 'quality', 'counterfeit', 'other'] as const;
export const ReturnReasonSchema = /* @__PURE__ */ lazily(() => z.enum(RETURN_REASONS));
const ReturnItemSchema = /* @__PURE__ */ lazily(() => z.object({ sku: SkuSchema(), quantity: z.number().check(z.int(), z.positive()), exchangeSku: z.optional(SkuSchema()) }));
const UnitsSchema = /* @__PURE__ */ lazily(() => z.object({ sku: SkuSchema(), quantity: z.number().check(z.int(), z.positive()) }));

const ex = { returnId: '01JD7ZKG61V8Q4N6M5R9T0W1YK', orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB', customerId: 'alice' };

export const ReturnRequested = /* @__PURE__ */ defineEvent({
  name: 'ReturnRequested',
  version: 1,
  source: 'commerce.returns',
  description: 'A customer asked to return or exchange delivered units (AFT-1).',
  schema: () =>
    z.object({
      returnId: IdSchema(),
      orderId: IdSchema(),
      customerId: ActorSchema(),
      kind: ReturnKindSchema(),
      reason: ReturnReasonSchema(),
      items: z.array(ReturnItemSchema()).check(z.minLength(1)),
      requestedAt: z.iso.datetime(),
    }),
  example: { ...ex, kind: 'refund', reason: 'damaged', items: [{ sku: 'TEA-001', quantity: 1 }], requestedAt: '2026-11-26T09:00:00.000Z' },
});

export const ReturnStatusChanged = /* @__PURE__ */ defineEvent({
  name: 'ReturnStatusChanged',
  version: 1,
  source: 'commerce.returns',
  description: 'A return moved to a new status (AFT-1).',
  schema: () =>
    z.object({
      returnId: IdSchema(),
      orderId: IdSchema(),
      customerId: ActorSchema(),
      kind: ReturnKindSchema(),
      status: ReturnStatusSchema(),
      previousStatus: ReturnStatusSchema(),
      refund: z.optional(MoneySchema()),
      changedAt: z.iso.datetime(),
    }),
  example: { ...ex, kind: 'refund', status: 'APPROVED', previousStatus: 'REQUESTED', changedAt: '2026-11-26T10:00:00.000Z' },
});

export const ReturnPickupRequested = /* @__PURE__ */ defineEvent({
  name: 'ReturnPickupRequested',
  version: 1,
  source: 'commerce.returns',
  description: 'Book a doorstep pickup of the returned units with the order’s carrier, to the receiving warehouse (AFT-1).',
  schema: () =>
    z.object({
      returnId: IdSchema(),
      orderId: IdSchema(),
      customerId: ActorSchema(),
      items: z.array(UnitsSchema()).check(z.minLength(1)),
      warehouseId: WarehouseIdSchema(),
      carrier: z.string().check(z.minLength(1), z.maxLength(40)),
      requestedAt: z.iso.datetime(),
    }),
  example: { ...ex, items: [{ sku: 'TEA-001', quantity: 1 }], warehouseId: 'WH-EAST', carrier: 'standard-post', requestedAt: '2026-11-26T10:00:00.000Z' },
});

export const ReturnRefundRequested = /* @__PURE__ */ defineEvent({
  name: 'ReturnRefundRequested',
  version: 1,
  source: 'commerce.returns',
  description: 'Refund this amount of the order for a return, to the original payment method (AFT-1).',
  schema: () =>
    z.object({
      returnId: IdSchema(),
      orderId: IdSchema(),
      customerId: ActorSchema(),
      amount: MoneySchema(),
      reason: ReturnReasonSchema(),
      express: z.boolean(),
      requestedBy: ActorSchema(),
      requestedAt: z.iso.datetime(),
    }),
  example: { ...ex, amount: { amount: 5000, currency: 'CNY' }, reason: 'damaged', express: false, requestedBy: 'ops-1', requestedAt: '2026-11-28T10:00:00.000Z' },
});

export const ExchangeShipmentRequested = /* @__PURE__ */ defineEvent({
  name: 'ExchangeShipmentRequested',
  version: 1,
  source: 'commerce.returns',
  description: 'Reserve and ship the replacement units of an exchange (AFT-1).',
  schema: () =>
    z.object({ returnId: IdSchema(), orderId: IdSchema(), customerId: ActorSchema(), items: z.array(UnitsSchema()).check(z.minLength(1)), requestedAt: z.iso.datetime() }),
  example: { ...ex, items: [{ sku: 'TEA-002', quantity: 1 }], requestedAt: '2026-11-28T10:00:00.000Z' },
});

export const ReturnFulfillmentUpdated = /* @__PURE__ */ defineEvent({
  name: 'ReturnFulfillmentUpdated',
  version: 1,
  source: 'commerce.fulfillment',
  description: 'What fulfillment did for a return: pickup booked, picked up, received, replacement allocated or unavailable (AFT-1).',
  schema: () =>
    z.object({
      returnId: IdSchema(),
      orderId: IdSchema(),
      update: z.enum(['pickup-booked', 'picked-up', 'received', 'replacement-allocated', 'replacement-unavailable']),
      shipmentId: z.optional(IdSchema()),
      carrier: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
      waybill: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
      warehouseId: z.optional(WarehouseIdSchema()),
      at: z.iso.datetime(),
    }),
  example: {
    returnId: ex.returnId,
    orderId: ex.orderId,
    update: 'pickup-booked',
    shipmentId: '01JD7ZKE41V8Q4N6M5R9T0W1YH',
    carrier: 'standard-post',
    waybill: 'SP123456789',
    warehouseId: 'WH-EAST',
    at: '2026-11-26T10:00:05.000Z',
  },
});
