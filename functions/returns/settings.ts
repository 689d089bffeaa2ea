/**
 * Returns settings (AFT-1), validated once per container:
 *
 * | variable | default | what |
 * |---|---|---|
 * | `RETURN_WINDOW_DAYS` | 7 | the no-reason window from delivery (PRC CRPL art. 25); also for `other` |
 * | `RETURN_MERCHANT_FAULT_WINDOW_DAYS` | 15 | damaged, wrong-item, quality, counterfeit (the 三包 period) |
 * | `RETURN_NON_RETURNABLE_CATEGORIES` | `[]` | JSON array of catalog categories excluded from the no-reason return (besides products marked `returnable: false` and fresh products) |
 * | `RETURN_EXPRESS_REFUND_MAX_MINOR` | 20000 (¥200) | express refund (极速退款) at pickup only below this amount (0 = never) |
 * | `RETURN_OUTBOX_REPUBLISH_AFTER_SECONDS` | 60 | the sweep republishes events left unpublished this long |
 */
import * as z from '../../shared/zod.ts';
import { defineSettings, intSetting, jsonSetting } from '../../shared/config.ts';

export const returnsSettings = /* @__PURE__ */ defineSettings(
  'returns',
  () => ({
    RETURN_WINDOW_DAYS: z._default(intSetting(7, 365), 7),
    RETURN_MERCHANT_FAULT_WINDOW_DAYS: z._default(intSetting(7, 365), 15),
    RETURN_NON_RETURNABLE_CATEGORIES: z.optional(jsonSetting(z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.maxLength(200)))),
    RETURN_EXPRESS_REFUND_MAX_MINOR: z._default(intSetting(0, 100_000_000), 20_000),
    RETURN_OUTBOX_REPUBLISH_AFTER_SECONDS: z._default(intSetting(10, 3600), 60),
  }),
  (env) => ({
    windows: { noReasonDays: env.RETURN_WINDOW_DAYS, merchantFaultDays: env.RETURN_MERCHANT_FAULT_WINDOW_DAYS },
    nonReturnableCategories: env.RETURN_NON_RETURNABLE_CATEGORIES ?? [],
    expressRefundMaxMinor: env.RETURN_EXPRESS_REFUND_MAX_MINOR,
    outboxRepublishAfterSeconds: env.RETURN_OUTBOX_REPUBLISH_AFTER_SECONDS,
  }),
);

export type ReturnsSettings = ReturnType<typeof returnsSettings>;
