/**
 * Fulfillment settings (FUL-2…FUL-4), validated once per container; every number is configuration:
 *
 * | variable | default | what |
 * |---|---|---|
 * | `CARRIER_RULES` | {@link DEFAULT_CARRIER_RULES} | JSON: ordered carrier rules + default carrier (FUL-2) |
 * | `DELIVERY_TIME_LIMITS` | {@link DEFAULT_DELIVERY_TIME_LIMITS} | JSON: hours per carrier and region (FUL-3) |
 * | `SAFETY_STOCK_METHOD` | `days-of-sales` | or `demand-variability` (FUL-4) |
 * | `SALES_WINDOW_DAYS` | 30 | days of sales history looked at |
 * | `SAFETY_COVER_DAYS` | 30 | days-of-sales: days of average demand kept |
 * | `SUPPLIER_LEAD_TIME_DAYS` | 14 | demand-variability: lead time |
 * | `SERVICE_FACTOR` | 1.65 | demand-variability: z |
 * | `REORDER_CYCLE_DAYS` | 30 | days of demand ordered on top of safety stock |
 * | `CARRIER_WEBHOOK_SECRETS_ID` | — (every deployed stage, dev included: `commerce/<stage>/carriers`) | Secrets Manager id of the JSON `{ carrier: secret }` (HMAC-SHA256 keys) |
 * | `CARRIER_WEBHOOK_SECRETS` | the sandbox secret for every sandbox carrier | local cloud and tests only (`LOCAL_CLOUD=true`): that JSON inline; ignored anywhere else |
 * | `CARRIER_WEBHOOK_TOLERANCE_SECONDS` | 300 | replay window of signed tracking events |
 * | `CARRIER_PROVIDER` | `sandbox` | the carrier adapter allocation books with: `sandbox` or `kuaidi100` (per stage, infra/stage.ts; prod never books the sandbox) |
 * | `KUAIDI100_ACCOUNT_SECRET_ID` | — (stages with `kuaidi100`: `commerce/<stage>/kuaidi100`) | Secrets Manager id of the Kuaidi100 merchant account ({@link Kuaidi100AccountSchema}) |
 * | `KUAIDI100_ACCOUNT` | — | local cloud and tests only: that JSON inline |
 * | `LATE_SWEEP_LOOKBACK_DAYS` | 14 | how many days of due dates the late sweep looks back over |
 * | `OUTBOX_REPUBLISH_AFTER_SECONDS` | 60 | the sweep republishes outbox events left unpublished this long |
 * | `DEGRADED_MODE_CACHE_SECONDS` | 10 | stock-level checks read the degraded-mode switch at most this often per container (0 = every time): a switch takes effect within it |
 * | `WAREHOUSES_CACHE_SECONDS` | 60 | allocation reads catalog's warehouse list at most this often per container (0 = every time); a SKU stocked in a warehouse the cached list does not know makes it read the list again |
 * | `SAFETY_LEVEL_CACHE_SECONDS` | 60 | the per-order stock-level checks remember a SKU's sales on the window's earlier days this long per container (0 = read the window every time); today's sales, the suggestion flag and the stock are always read (replenishment.ts) |
 *
 * Which secrets apply is decided by carrier-secrets.ts (the kernel's `stageSecret`), never by the
 * stage name: Secrets Manager in every deployed stage, the built-in sandbox secret only in the
 * local cloud and tests.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { defineSettings, intSetting, jsonSetting } from '../../shared/config.ts';
import { CarrierRulesSchema, DEFAULT_CARRIER_RULES } from './domain/carrier-rules.ts';
import { DEFAULT_SAFETY_STOCK_POLICY, SAFETY_STOCK_METHODS, type SafetyStockPolicy } from './domain/safety-stock.ts';
import { DEFAULT_DELIVERY_TIME_LIMITS, DeliveryTimeLimitsSchema } from './domain/time-limits.ts';

/** The carriers the sandbox carrier stands in for. */
export const SANDBOX_CARRIERS = ['premium-express', 'standard-express', 'economy-post'] as const;

/** The carriers allocation can book today (the carrier port's adapters): carrier rules and time limits may name only these. */
export const BOOKABLE_CARRIERS: readonly string[] = SANDBOX_CARRIERS;

/**
 * The sandbox carrier's webhook signing secret: public, so only the local cloud and the tests may
 * use it (never a deployed stage, dev included — see carrier-secrets.ts).
 */
export const SANDBOX_CARRIER_WEBHOOK_SECRET = 'sandbox-carrier-webhook-secret-not-for-production';

/** The carrier adapters allocation can book with. */
export const CARRIER_PROVIDERS = ['sandbox', 'kuaidi100'] as const;

const PartySchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    name: z.string().check(z.minLength(1), z.maxLength(64)),
    mobile: z.string().check(z.minLength(5), z.maxLength(20)),
    printAddress: z.string().check(z.minLength(4), z.maxLength(200)),
  }),
);

/**
 * The Kuaidi100 merchant account (Secrets Manager `commerce/<stage>/kuaidi100`): the API key and
 * secret, the callback salt, the two callback URLs (this API's `/webhooks/carriers/kuaidi100/orders`
 * and `/webhooks/carriers/kuaidi100/tracking`), the sender printed on labels per warehouse
 * (`senders.<warehouseId>`, else `senders.default`) and, optionally, which Kuaidi100 carrier serves
 * each of our carrier ids (defaults: carriers/kuaidi100-gateway.ts).
 */
export const Kuaidi100AccountSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    key: z.string().check(z.minLength(4), z.maxLength(128)),
    secret: z.string().check(z.minLength(8), z.maxLength(256)),
    salt: z.string().check(z.minLength(8), z.maxLength(256)),
    callbackUrl: z.url(),
    trackingCallbackUrl: z.url(),
    senders: z.record(z.string().check(z.minLength(1), z.maxLength(64)), PartySchema()).check(z.refine((s) => Object.keys(s).length > 0, 'At least one sender (or "default")')),
    services: z.optional(z.record(z.string().check(z.regex(/^[a-z][a-z0-9-]{1,39}$/)), z.string().check(z.regex(/^[a-z][a-z0-9-]{1,39}$/)))),
  }),
);

export type Kuaidi100AccountSettings = z.infer<ReturnType<typeof Kuaidi100AccountSchema>>;

/** The carriers' secret: `{ carrierId: signingSecret }`. */
export const CarrierSecretsSchema = /* @__PURE__ */ lazily(() =>
  z.record(z.string().check(z.regex(/^[a-z][a-z0-9-]{1,39}$/)), z.string().check(z.minLength(16), z.maxLength(512))),
);

export const fulfillmentSettings = /* @__PURE__ */ defineSettings(
  'fulfillment',
  () => ({
    CARRIER_RULES: z.optional(jsonSetting(CarrierRulesSchema())),
    DELIVERY_TIME_LIMITS: z.optional(jsonSetting(DeliveryTimeLimitsSchema())),
    SAFETY_STOCK_METHOD: z._default(z.enum(SAFETY_STOCK_METHODS), DEFAULT_SAFETY_STOCK_POLICY.method),
    SALES_WINDOW_DAYS: z._default(intSetting(1, 365), DEFAULT_SAFETY_STOCK_POLICY.windowDays),
    SAFETY_COVER_DAYS: z._default(intSetting(1, 365), DEFAULT_SAFETY_STOCK_POLICY.coverDays),
    SUPPLIER_LEAD_TIME_DAYS: z._default(intSetting(1, 365), DEFAULT_SAFETY_STOCK_POLICY.leadTimeDays),
    SERVICE_FACTOR: z._default(z.coerce.number().check(z.gte(0), z.lte(5)), DEFAULT_SAFETY_STOCK_POLICY.serviceFactor),
    REORDER_CYCLE_DAYS: z._default(intSetting(0, 365), DEFAULT_SAFETY_STOCK_POLICY.reorderCycleDays),
    CARRIER_WEBHOOK_SECRETS: z.optional(jsonSetting(CarrierSecretsSchema())),
    CARRIER_WEBHOOK_SECRETS_ID: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
    CARRIER_WEBHOOK_TOLERANCE_SECONDS: z._default(intSetting(30, 3600), 300),
    LATE_SWEEP_LOOKBACK_DAYS: z._default(intSetting(1, 90), 14),
    OUTBOX_REPUBLISH_AFTER_SECONDS: z._default(intSetting(10, 3600), 60),
    DEGRADED_MODE_CACHE_SECONDS: z._default(intSetting(0, 300), 10),
    SAFETY_LEVEL_CACHE_SECONDS: z._default(intSetting(0, 3600), 60),
    WAREHOUSES_CACHE_SECONDS: z._default(intSetting(0, 3600), 60),
    CARRIER_PROVIDER: z._default(z.enum(CARRIER_PROVIDERS), 'sandbox'),
    KUAIDI100_ACCOUNT_SECRET_ID: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
    KUAIDI100_ACCOUNT: z.optional(jsonSetting(Kuaidi100AccountSchema())),
  }),
  (env) => {
    const safetyStock: SafetyStockPolicy = {
      method: env.SAFETY_STOCK_METHOD,
      windowDays: env.SALES_WINDOW_DAYS,
      coverDays: env.SAFETY_COVER_DAYS,
      leadTimeDays: env.SUPPLIER_LEAD_TIME_DAYS,
      serviceFactor: env.SERVICE_FACTOR,
      reorderCycleDays: env.REORDER_CYCLE_DAYS,
    };
    const sandbox: Record<string, string> = Object.fromEntries(SANDBOX_CARRIERS.map((c) => [c, SANDBOX_CARRIER_WEBHOOK_SECRET]));
    return {
      carrierRules: env.CARRIER_RULES ?? DEFAULT_CARRIER_RULES,
      deliveryTimeLimits: env.DELIVERY_TIME_LIMITS ?? DEFAULT_DELIVERY_TIME_LIMITS,
      safetyStock,
      /** Local cloud and tests only: signing secret per carrier id (the sandbox's, unless `CARRIER_WEBHOOK_SECRETS`). */
      localWebhookSecrets: env.CARRIER_WEBHOOK_SECRETS ?? sandbox,
      /** Every deployed stage: the Secrets Manager id of the JSON `{ carrier: secret }`. */
      webhookSecretsId: env.CARRIER_WEBHOOK_SECRETS_ID,
      webhookToleranceSeconds: env.CARRIER_WEBHOOK_TOLERANCE_SECONDS,
      lateSweepLookbackDays: env.LATE_SWEEP_LOOKBACK_DAYS,
      outboxRepublishAfterSeconds: env.OUTBOX_REPUBLISH_AFTER_SECONDS,
      degradedModeCacheSeconds: env.DEGRADED_MODE_CACHE_SECONDS,
      safetyLevelCacheSeconds: env.SAFETY_LEVEL_CACHE_SECONDS,
      warehousesCacheSeconds: env.WAREHOUSES_CACHE_SECONDS,
      carrierProvider: env.CARRIER_PROVIDER,
      /** Stages booking with Kuaidi100: the Secrets Manager id of its merchant account. */
      kuaidi100AccountSecretId: env.KUAIDI100_ACCOUNT_SECRET_ID,
      /** Local cloud and tests only: the Kuaidi100 account inline. */
      localKuaidi100Account: env.KUAIDI100_ACCOUNT,
    };
  },
);

export type FulfillmentSettings = ReturnType<typeof fulfillmentSettings>;
