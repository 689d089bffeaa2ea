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
 * | `CARRIER_WEBHOOK_SECRETS` | dev stage: the sandbox secret | JSON `{ carrier: secret }` (HMAC-SHA256 keys) |
 * | `CARRIER_WEBHOOK_SECRETS_ID` | — (prod: `commerce/<stage>/carriers`) | Secrets Manager id of that JSON; wins over `CARRIER_WEBHOOK_SECRETS` |
 * | `CARRIER_WEBHOOK_TOLERANCE_SECONDS` | 300 | replay window of signed tracking events |
 * | `LATE_SWEEP_LOOKBACK_DAYS` | 14 | how many days of due dates the late sweep looks back over |
 * | `OUTBOX_REPUBLISH_AFTER_SECONDS` | 60 | the sweep republishes outbox events left unpublished this long |
 */
import { z } from 'zod';
import { defineSettings, intSetting, jsonSetting } from '../../shared/config.ts';
import { CarrierRulesSchema, DEFAULT_CARRIER_RULES } from './domain/carrier-rules.ts';
import { DEFAULT_SAFETY_STOCK_POLICY, SAFETY_STOCK_METHODS, type SafetyStockPolicy } from './domain/safety-stock.ts';
import { DEFAULT_DELIVERY_TIME_LIMITS, DeliveryTimeLimitsSchema } from './domain/time-limits.ts';

/** The carriers the sandbox carrier stands in for. */
export const SANDBOX_CARRIERS = ['premium-express', 'standard-express', 'economy-post'] as const;

/**
 * The sandbox carrier's webhook signing secret (dev stage and tests only; never a real carrier's).
 * Other stages must set `CARRIER_WEBHOOK_SECRETS`.
 */
export const SANDBOX_CARRIER_WEBHOOK_SECRET = 'sandbox-carrier-webhook-secret-not-for-production';

const SecretsSchema = z.record(z.string().regex(/^[a-z][a-z0-9-]{1,39}$/), z.string().min(16).max(512));

export const fulfillmentSettings = defineSettings(
  'fulfillment',
  {
    STAGE: z.string().default('dev'),
    CARRIER_RULES: jsonSetting(CarrierRulesSchema).optional(),
    DELIVERY_TIME_LIMITS: jsonSetting(DeliveryTimeLimitsSchema).optional(),
    SAFETY_STOCK_METHOD: z.enum(SAFETY_STOCK_METHODS).default(DEFAULT_SAFETY_STOCK_POLICY.method),
    SALES_WINDOW_DAYS: intSetting(1, 365).default(DEFAULT_SAFETY_STOCK_POLICY.windowDays),
    SAFETY_COVER_DAYS: intSetting(1, 365).default(DEFAULT_SAFETY_STOCK_POLICY.coverDays),
    SUPPLIER_LEAD_TIME_DAYS: intSetting(1, 365).default(DEFAULT_SAFETY_STOCK_POLICY.leadTimeDays),
    SERVICE_FACTOR: z.coerce.number().min(0).max(5).default(DEFAULT_SAFETY_STOCK_POLICY.serviceFactor),
    REORDER_CYCLE_DAYS: intSetting(0, 365).default(DEFAULT_SAFETY_STOCK_POLICY.reorderCycleDays),
    CARRIER_WEBHOOK_SECRETS: jsonSetting(SecretsSchema).optional(),
    CARRIER_WEBHOOK_SECRETS_ID: z.string().min(1).max(512).optional(),
    CARRIER_WEBHOOK_TOLERANCE_SECONDS: intSetting(30, 3600).default(300),
    LATE_SWEEP_LOOKBACK_DAYS: intSetting(1, 90).default(14),
    OUTBOX_REPUBLISH_AFTER_SECONDS: intSetting(10, 3600).default(60),
  },
  (env) => {
    const safetyStock: SafetyStockPolicy = {
      method: env.SAFETY_STOCK_METHOD,
      windowDays: env.SALES_WINDOW_DAYS,
      coverDays: env.SAFETY_COVER_DAYS,
      leadTimeDays: env.SUPPLIER_LEAD_TIME_DAYS,
      serviceFactor: env.SERVICE_FACTOR,
      reorderCycleDays: env.REORDER_CYCLE_DAYS,
    };
    const sandbox = env.STAGE === 'dev' ? Object.fromEntries(SANDBOX_CARRIERS.map((c) => [c, SANDBOX_CARRIER_WEBHOOK_SECRET])) : {};
    return {
      stage: env.STAGE,
      carrierRules: env.CARRIER_RULES ?? DEFAULT_CARRIER_RULES,
      deliveryTimeLimits: env.DELIVERY_TIME_LIMITS ?? DEFAULT_DELIVERY_TIME_LIMITS,
      safetyStock,
      /** Signing secret per carrier id. */
      webhookSecrets: env.CARRIER_WEBHOOK_SECRETS ?? (sandbox as Record<string, string>),
      /** Deployed stages: the Secrets Manager id of the JSON `{ carrier: secret }` (wins over webhookSecrets). */
      webhookSecretsId: env.CARRIER_WEBHOOK_SECRETS_ID,
      webhookToleranceSeconds: env.CARRIER_WEBHOOK_TOLERANCE_SECONDS,
      lateSweepLookbackDays: env.LATE_SWEEP_LOOKBACK_DAYS,
      outboxRepublishAfterSeconds: env.OUTBOX_REPUBLISH_AFTER_SECONDS,
    };
  },
);

export type FulfillmentSettings = ReturnType<typeof fulfillmentSettings>;
