/**
 * Delivery time limits per carrier and shipping region (FUL-3), as data. A shipment is due
 * `hours` after it was created (allocated); the late-delivery sweep alerts on shipments still
 * awaiting delivery past that. Pure: no I/O.
 *
 * Lookup: `carriers[carrier].regions[region]` → `carriers[carrier].defaultHours` → `defaultHours`.
 */
import * as z from '../../../shared/zod.ts';
import { lazily } from '../../../shared/lazily.ts';

const Hours = /* @__PURE__ */ lazily(() => z.number().check(z.int(), z.gte(1), z.lte(24 * 90)));

export const DeliveryTimeLimitsSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    defaultHours: Hours(),
    carriers: z.record(
      z.string().check(z.minLength(1), z.maxLength(40)),
      z.strictObject({ defaultHours: z.optional(Hours()), regions: z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(31)), Hours())) }),
    ),
  }),
);

export type DeliveryTimeLimits = z.infer<ReturnType<typeof DeliveryTimeLimitsSchema>>;

/** Defaults: premium 48 h (72 h to the far west and north-east), standard 72 h, economy 5 days. */
export const DEFAULT_DELIVERY_TIME_LIMITS: DeliveryTimeLimits = {
  defaultHours: 72,
  carriers: {
    'premium-express': { defaultHours: 48, regions: { west: 72, northwest: 72, northeast: 72 } },
    'standard-express': { defaultHours: 72, regions: { west: 96, northwest: 96 } },
    'economy-post': { defaultHours: 120, regions: { west: 168, northwest: 168 } },
  },
};

/** The time limit in hours for `carrier` to `region`. */
export function deliveryTimeLimitHours(limits: DeliveryTimeLimits, carrier: string, region: string): number {
  const forCarrier = limits.carriers[carrier];
  return forCarrier?.regions?.[region] ?? forCarrier?.defaultHours ?? limits.defaultHours;
}

/** When a shipment created at `createdAt` must be delivered by. */
export function deliveryDueBy(limits: DeliveryTimeLimits, carrier: string, region: string, createdAt: Date): Date {
  return new Date(createdAt.getTime() + deliveryTimeLimitHours(limits, carrier, region) * 3_600_000);
}

/** True when a shipment due at `dueBy` is late at `now`. */
export function isLate(dueBy: Date, now: Date): boolean {
  return now.getTime() > dueBy.getTime();
}
