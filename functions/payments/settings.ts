/**
 * Payments settings (config, validated once per container; REQUIREMENTS.md: every number is
 * configuration). Amounts are minor units of the store currency (`DEFAULT_CURRENCY`).
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PAYMENT_PROVIDER` | `sandbox` | which adapter: `sandbox` or `stripe` |
 * | `PAYMENT_METHOD_LIMITS` | see {@link DEFAULT_METHOD_LIMITS} | JSON `{ card: { perOrderMax, dailyMax }, wallet, bank_transfer, cod }` (PAY-1) |
 * | `PAYMENT_CUSTOMER_DAILY_LIMIT_MINOR` | 20,000,000 (CNY 200,000.00) | per customer per day, all methods |
 * | `PAYMENT_LIMIT_DAY_OFFSET_MINUTES` | 480 | the limit day's offset from UTC (China Standard Time) |
 * | `PAYMENT_WEBHOOK_TOLERANCE_SECONDS` | 300 | webhook replay window |
 * | `PAYMENT_PROVIDER_SANDBOX_TABLE_NAME`, `SANDBOX_PROVIDER_QUEUE_URL` | — | the sandbox's own table and outbound queue |
 * | `SANDBOX_WEBHOOK_SECRET_ID` | — (deployed sandbox stages, i.e. dev: `commerce/<stage>/stripe`) | Secrets Manager id of `{ webhookSecret }`: the sandbox's webhook signing secret |
 * | `SANDBOX_WEBHOOK_SECRET` | {@link DEV_SANDBOX_WEBHOOK_SECRET} | local cloud and tests only (`LOCAL_CLOUD=true`): the sandbox's signing secret inline; ignored anywhere else |
 * | `SANDBOX_FEE_BASIS_POINTS` | 60 | fee kept on each capture (0.6 %) |
 * | `SANDBOX_AUTHORIZATION_TTL_HOURS` | 168 | how long an authorisation can be captured |
 * | `SANDBOX_TRANSFER_DELAY_SECONDS` | 5 | when an awaited bank transfer's funds arrive |
 * | `SANDBOX_CHAOS_FAILURE_RATE`, `SANDBOX_CHAOS_TIMEOUT_RATE`, `SANDBOX_CHAOS_DUPLICATE_WEBHOOK_RATE` | 0 | chaos mode (0–1) |
 * | `SANDBOX_CHAOS_SEED` | 1 | seed of the chaos mode's generator |
 * | `PAYMENT_WEBHOOK_FUNCTION_NAME` | — | the webhook function (its `live` alias ARN) the sandbox worker delivers to |
 * | `STRIPE_SECRET_ID` | — | Secrets Manager id of `{ apiKey, webhookSecret }` (stripe) |
 * | `PAYMENT_RETURN_URL` | — | stripe: where Alipay sends the shopper back after paying (`{orderId}` is replaced); required for wallet payments |
 * | `RECONCILIATION_MAX_STORED_MISMATCHES` | 500 | mismatches kept in a report (the count is always exact) |
 * | `COD_REMITTANCE_DAYS` | 7 | PAY-4: days a carrier has to remit cash collected on delivery before the reconciliation reports it (`cod-not-remitted`) |
 *
 * The refund approval threshold is the kernel's `REFUND_APPROVAL_THRESHOLD_MINOR` (RISK-7).
 */
import * as z from '../../shared/zod.ts';
import { defineSettings, intSetting, jsonSetting } from '../../shared/config.ts';
import { lazily } from '../../shared/lazily.ts';
import type { PaymentMethod } from '../../events/common.ts';
import type { MethodLimit } from './domain/limits.ts';

/** Default per-method limits (minor units of CNY). */
export const DEFAULT_METHOD_LIMITS: Readonly<Record<PaymentMethod, MethodLimit>> = {
  card: { perOrderMax: 5_000_000, dailyMax: 10_000_000 },
  wallet: { perOrderMax: 2_000_000, dailyMax: 5_000_000 },
  bank_transfer: { perOrderMax: 50_000_000, dailyMax: 100_000_000 },
  cod: { perOrderMax: 200_000, dailyMax: 500_000 },
};

const Minor = /* @__PURE__ */ lazily(() => z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)));
const LimitSchema = /* @__PURE__ */ lazily(() => z.object({ perOrderMax: Minor(), dailyMax: Minor() }));
const MethodLimitsSchema = /* @__PURE__ */ lazily(() => z.object({ card: LimitSchema(), wallet: LimitSchema(), bank_transfer: LimitSchema(), cod: LimitSchema() }));
const rate = /* @__PURE__ */ lazily(() => z.coerce.number().check(z.gte(0), z.lte(1)));

/**
 * A public, built-in signing secret so the sandbox works out of the box — in the local cloud and
 * the tests only (provider/from-env.ts `sandboxWebhookSecret`); a deployed stage, dev included,
 * reads the sandbox's secret from Secrets Manager.
 */
export const DEV_SANDBOX_WEBHOOK_SECRET = 'whsec_sandbox_dev_only_not_a_secret';

export const paymentsSettings = /* @__PURE__ */ defineSettings(
  'payments',
  () => ({
    DEFAULT_CURRENCY: z._default(z.string().check(z.regex(/^[A-Z]{3}$/)), 'CNY'),
    PAYMENT_PROVIDER: z._default(z.enum(['sandbox', 'stripe']), 'sandbox'),
    PAYMENT_METHOD_LIMITS: z.optional(jsonSetting(MethodLimitsSchema())),
    PAYMENT_CUSTOMER_DAILY_LIMIT_MINOR: z._default(intSetting(0, Number.MAX_SAFE_INTEGER), 20_000_000),
    PAYMENT_LIMIT_DAY_OFFSET_MINUTES: z._default(intSetting(-14 * 60, 14 * 60), 480),
    PAYMENT_WEBHOOK_TOLERANCE_SECONDS: z._default(intSetting(1, 3600), 300),
    PAYMENT_PROVIDER_SANDBOX_TABLE_NAME: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
    SANDBOX_PROVIDER_QUEUE_URL: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
    SANDBOX_WEBHOOK_SECRET: z.optional(z.string().check(z.minLength(16), z.maxLength(256))),
    SANDBOX_WEBHOOK_SECRET_ID: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
    SANDBOX_FEE_BASIS_POINTS: z._default(intSetting(0, 10_000), 60),
    SANDBOX_AUTHORIZATION_TTL_HOURS: z._default(intSetting(1, 24 * 31), 168),
    SANDBOX_TRANSFER_DELAY_SECONDS: z._default(intSetting(0, 900), 5),
    SANDBOX_CHAOS_FAILURE_RATE: z._default(rate(), 0),
    SANDBOX_CHAOS_TIMEOUT_RATE: z._default(rate(), 0),
    SANDBOX_CHAOS_DUPLICATE_WEBHOOK_RATE: z._default(rate(), 0),
    SANDBOX_CHAOS_SEED: z._default(intSetting(0, 2 ** 31 - 1), 1),
    PAYMENT_WEBHOOK_FUNCTION_NAME: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
    STRIPE_SECRET_ID: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
    PAYMENT_RETURN_URL: z.optional(z.url()),
    RECONCILIATION_MAX_STORED_MISMATCHES: z._default(intSetting(1, 2000), 500),
    COD_REMITTANCE_DAYS: z._default(intSetting(1, 90), 7),
  }),
  (e) => ({
    currency: e.DEFAULT_CURRENCY,
    provider: e.PAYMENT_PROVIDER,
    limits: {
      currency: e.DEFAULT_CURRENCY,
      perMethod: e.PAYMENT_METHOD_LIMITS ?? DEFAULT_METHOD_LIMITS,
      customerDailyMax: e.PAYMENT_CUSTOMER_DAILY_LIMIT_MINOR,
      dayOffsetMinutes: e.PAYMENT_LIMIT_DAY_OFFSET_MINUTES,
    },
    webhookToleranceSeconds: e.PAYMENT_WEBHOOK_TOLERANCE_SECONDS,
    sandbox: {
      tableName: e.PAYMENT_PROVIDER_SANDBOX_TABLE_NAME,
      queueUrl: e.SANDBOX_PROVIDER_QUEUE_URL,
      /** Local cloud and tests only: the sandbox's webhook signing secret. */
      localWebhookSecret: e.SANDBOX_WEBHOOK_SECRET ?? DEV_SANDBOX_WEBHOOK_SECRET,
      /** Deployed sandbox stages: the Secrets Manager id of `{ webhookSecret }`. */
      webhookSecretId: e.SANDBOX_WEBHOOK_SECRET_ID,
      webhookFunctionName: e.PAYMENT_WEBHOOK_FUNCTION_NAME,
      behaviour: {
        feeBasisPoints: e.SANDBOX_FEE_BASIS_POINTS,
        authorizationTtlHours: e.SANDBOX_AUTHORIZATION_TTL_HOURS,
        transferDelaySeconds: e.SANDBOX_TRANSFER_DELAY_SECONDS,
        chaos:
          e.SANDBOX_CHAOS_FAILURE_RATE + e.SANDBOX_CHAOS_TIMEOUT_RATE + e.SANDBOX_CHAOS_DUPLICATE_WEBHOOK_RATE > 0
            ? {
                failureRate: e.SANDBOX_CHAOS_FAILURE_RATE,
                timeoutRate: e.SANDBOX_CHAOS_TIMEOUT_RATE,
                duplicateWebhookRate: e.SANDBOX_CHAOS_DUPLICATE_WEBHOOK_RATE,
                seed: e.SANDBOX_CHAOS_SEED,
              }
            : undefined,
      },
    },
    stripeSecretId: e.STRIPE_SECRET_ID,
    returnUrl: e.PAYMENT_RETURN_URL,
    reconciliation: { maxStoredMismatches: e.RECONCILIATION_MAX_STORED_MISMATCHES, codRemittanceDays: e.COD_REMITTANCE_DAYS },
  }),
);

/** The parsed settings. */
export type PaymentsSettings = ReturnType<typeof paymentsSettings>;
