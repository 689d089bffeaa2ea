/**
 * StockAdjusted v1 — staff set the counted quantity of a SKU in a warehouse (a cycle count, FUL-4);
 * the difference is recorded. Consumers: fulfillment (safety stock).
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, SkuSchema, WarehouseIdSchema } from './common.ts';

export const StockAdjusted = /* @__PURE__ */ defineEvent({
  name: 'StockAdjusted',
  version: 1,
  source: 'commerce.catalog',
  description: 'A cycle count changed the on-hand quantity of a SKU in a warehouse.',
  schema: () =>
    z.object({
      sku: SkuSchema(),
      warehouseId: WarehouseIdSchema(),
      previousOnHand: z.number().check(z.int(), z.gte(0)),
      onHand: z.number().check(z.int(), z.gte(0)),
      difference: z.number().check(z.int()),
      reserved: z.number().check(z.int(), z.gte(0)),
      adjustedBy: ActorSchema(),
      adjustedAt: z.iso.datetime(),
    }),
  example: {
    sku: 'TEA-LONGJING-250G',
    warehouseId: 'WH-EAST',
    previousOnHand: 100,
    onHand: 97,
    difference: -3,
    reserved: 4,
    adjustedBy: 'ops-lead',
    adjustedAt: '2026-11-23T09:00:00.000Z',
  },
});
