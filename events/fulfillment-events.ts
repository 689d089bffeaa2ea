/**
 * Fulfillment events (FUL-1…FUL-5), source `commerce.fulfillment`. Consumers: checkout (FULFILLING,
 * SHIPPED, DELIVERED), payments (capture at shipment; cash on delivery at delivery).
 */
import * as z from '../shared/zod.ts';
import { lazily } from '../shared/lazily.ts';
import { defineEvent } from './event-definition.ts';
import { IdSchema, SkuSchema, WarehouseIdSchema } from './common.ts';

const ex = { orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB' };
/**
 * A shipment's statuses. `CANCELLED` was added later (additive, same version): the order was
 * cancelled before the carrier picked the shipment up; fulfillment sets it (never a carrier) and
 * it is final. Consumers should tolerate statuses they do not act on.
 */
const ShipmentStatusSchema = /* @__PURE__ */ lazily(() => z.enum(['CREATED', 'PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'CANCELLED']));

/** The order's reservations became picks in the chosen warehouses; shipments were created. */
export const OrderAllocated = /* @__PURE__ */ defineEvent({
  name: 'OrderAllocated',
  version: 1,
  source: 'commerce.fulfillment',
  description: 'Stock picked from the nearest warehouse(s); one shipment per warehouse.',
  schema: () =>
    z.object({
      orderId: IdSchema(),
      shipments: z
        .array(
          z.object({
            shipmentId: IdSchema(),
            warehouseId: WarehouseIdSchema(),
            carrier: z.string().check(z.minLength(1), z.maxLength(40)),
            lines: z.array(z.object({ sku: SkuSchema(), quantity: z.number().check(z.int(), z.positive()) })).check(z.minLength(1)),
          }),
        )
        .check(z.minLength(1)),
      allocatedAt: z.iso.datetime(),
    }),
  example: {
    ...ex,
    shipments: [{ shipmentId: '01JD7ZKE41V8Q4N6M5R9T0W1YH', warehouseId: 'WH-EAST', carrier: 'premium-express', lines: [{ sku: 'TEA-LONGJING-250G', quantity: 2 }] }],
    allocatedAt: '2026-11-23T08:01:00.000Z',
  },
});

/** A shipment's status changed: carrier tracking (webhook), or the order's cancellation before pickup (`to: 'CANCELLED'`). */
export const ShipmentStatusChanged = /* @__PURE__ */ defineEvent({
  name: 'ShipmentStatusChanged',
  version: 1,
  source: 'commerce.fulfillment',
  description:
    'A shipment moved along created → picked up → in transit → out for delivery → delivered, or hit an exception; or (from CREATED) was cancelled with its order before the carrier picked it up.',
  schema: () =>
    z.object({
      orderId: IdSchema(),
      shipmentId: IdSchema(),
      carrier: z.string().check(z.minLength(1), z.maxLength(40)),
      waybill: z.string().check(z.minLength(1), z.maxLength(64)),
      from: ShipmentStatusSchema(),
      to: ShipmentStatusSchema(),
      exception: z.optional(z.enum(['undeliverable-address', 'lost', 'refused'])),
      changedAt: z.iso.datetime(),
    }),
  example: {
    ...ex,
    shipmentId: '01JD7ZKE41V8Q4N6M5R9T0W1YH',
    carrier: 'premium-express',
    waybill: 'PX1234567890',
    from: 'CREATED',
    to: 'PICKED_UP',
    changedAt: '2026-11-23T12:00:00.000Z',
  },
});

/** Every shipment of the order has left its warehouse. */
export const OrderShipped = /* @__PURE__ */ defineEvent({
  name: 'OrderShipped',
  version: 1,
  source: 'commerce.fulfillment',
  description: 'All shipments picked up by their carriers; card and wallet payments are captured now.',
  schema: () => z.object({ orderId: IdSchema(), shipmentIds: z.array(IdSchema()).check(z.minLength(1)), shippedAt: z.iso.datetime() }),
  example: { ...ex, shipmentIds: ['01JD7ZKE41V8Q4N6M5R9T0W1YH'], shippedAt: '2026-11-23T12:00:00.000Z' },
});

/** Every shipment of the order was delivered. */
export const OrderDelivered = /* @__PURE__ */ defineEvent({
  name: 'OrderDelivered',
  version: 1,
  source: 'commerce.fulfillment',
  description: 'All shipments delivered; cash on delivery is captured now.',
  schema: () => z.object({ orderId: IdSchema(), shipmentIds: z.array(IdSchema()).check(z.minLength(1)), deliveredAt: z.iso.datetime() }),
  example: { ...ex, shipmentIds: ['01JD7ZKE41V8Q4N6M5R9T0W1YH'], deliveredAt: '2026-11-24T15:00:00.000Z' },
});

/** A shipment missed its carrier/region time limit (FUL-3). */
export const DeliveryLate = /* @__PURE__ */ defineEvent({
  name: 'DeliveryLate',
  version: 1,
  source: 'commerce.fulfillment',
  description: 'A shipment is past its delivery time limit.',
  schema: () =>
    z.object({
      orderId: IdSchema(),
      shipmentId: IdSchema(),
      carrier: z.string().check(z.minLength(1), z.maxLength(40)),
      region: z.string().check(z.maxLength(31)),
      dueBy: z.iso.datetime(),
      detectedAt: z.iso.datetime(),
    }),
  example: { ...ex, shipmentId: '01JD7ZKE41V8Q4N6M5R9T0W1YH', carrier: 'economy-post', region: 'west', dueBy: '2026-11-26T12:00:00.000Z', detectedAt: '2026-11-26T13:00:00.000Z' },
});

/** Stock of a SKU fell below its safety level (FUL-4). */
export const ReplenishmentSuggested = /* @__PURE__ */ defineEvent({
  name: 'ReplenishmentSuggested',
  version: 1,
  source: 'commerce.fulfillment',
  description: 'Order more of a SKU: available stock is below its safety stock.',
  schema: () =>
    z.object({
      sku: SkuSchema(),
      available: z.number().check(z.int()),
      safetyStock: z.number().check(z.int(), z.gte(0)),
      suggestedQuantity: z.number().check(z.int(), z.positive()),
      method: z.enum(['days-of-sales', 'demand-variability']),
      trigger: z.enum(['stock-change', 'daily-sweep']),
      suggestedAt: z.iso.datetime(),
    }),
  example: {
    sku: 'TEA-LONGJING-250G',
    available: 12,
    safetyStock: 30,
    suggestedQuantity: 48,
    method: 'days-of-sales',
    trigger: 'stock-change',
    suggestedAt: '2026-11-23T08:01:00.000Z',
  },
});
