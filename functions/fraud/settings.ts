/**
 * Fraud settings (RISK-1…RISK-7): the knobs that are configuration rather than rule data. The
 * score thresholds are the kernel's (`RISK_REVIEW_THRESHOLD`, `RISK_REJECT_THRESHOLD` in
 * shared/config.ts); rules and their own thresholds are data in the RiskTable.
 */
import * as z from '../../shared/zod.ts';
import { defineSettings, getConfig, intSetting, jsonSetting } from '../../shared/config.ts';
import { lazily } from '../../shared/lazily.ts';
import { DEFAULT_DISPOSABLE_EMAIL_DOMAINS } from './domain/disposable-domains.ts';
import type { Thresholds } from './domain/scoring.ts';
import type { WarningTier } from './domain/warnings.ts';

const DomainList = /* @__PURE__ */ lazily(() => z.array(z.string().check(z.trim(), z.toLowerCase(), z.regex(/^[a-z0-9.-]{3,253}$/))).check(z.maxLength(10_000)));
const TierLimits = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    general: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
    elevated: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
    major: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
  }),
);
const ReasonList = /* @__PURE__ */ lazily(() => z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(50)));

export const fraudSettings = /* @__PURE__ */ defineSettings(
  'fraud',
  () => ({
    /** JSON array replacing the default disposable-domain list. */
    DISPOSABLE_EMAIL_DOMAINS: z.optional(jsonSetting(DomainList())),
    /** Z-score: the standard deviation is floored at this percent of the mean. */
    RISK_ZSCORE_MIN_STDDEV_PERCENT: z._default(intSetting(0, 100), 10),
    /** An approved order with at least this score raises a `general` warning. */
    RISK_GENERAL_WARNING_MIN_SCORE: z._default(intSetting(1, 100), 20),
    /** Warnings sent per tier per window; the rest are counted as suppressed. */
    RISK_WARNING_LIMITS: z._default(jsonSetting(TierLimits()), { general: 30, elevated: 20, major: 10 }),
    RISK_WARNING_WINDOW_SECONDS: z._default(intSetting(1, 3600), 60),
    /** How long an assessment function reuses the rule set it read (rule changes apply within this). */
    RISK_RULES_CACHE_SECONDS: z._default(intSetting(0, 300), 5),
    /** Shards of each day's metrics counters (spreads the writes of a busy day). */
    RISK_METRICS_SHARDS: z._default(intSetting(1, 64), 8),
    /** PaymentRefunded reasons that confirm fraud. */
    RISK_FRAUD_REFUND_REASONS: z._default(jsonSetting(ReasonList()), ['fraud']),
    /** Backtest bounds: days per request and past assessments evaluated. */
    RISK_BACKTEST_MAX_DAYS: z._default(intSetting(1, 366), 31),
    RISK_BACKTEST_MAX_ORDERS: z._default(intSetting(1, 100_000), 5000),
    /** Daily metrics: days per request. */
    RISK_METRICS_MAX_DAYS: z._default(intSetting(1, 366), 92),
  }),
  (env) => ({
    disposableDomains: new Set((env.DISPOSABLE_EMAIL_DOMAINS ?? DEFAULT_DISPOSABLE_EMAIL_DOMAINS).map((d) => d.toLowerCase())) as ReadonlySet<string>,
    zScoreMinStdDevPercent: env.RISK_ZSCORE_MIN_STDDEV_PERCENT,
    generalWarningMinScore: env.RISK_GENERAL_WARNING_MIN_SCORE,
    warningLimits: env.RISK_WARNING_LIMITS as Readonly<Record<WarningTier, number>>,
    warningWindowSeconds: env.RISK_WARNING_WINDOW_SECONDS,
    rulesCacheSeconds: env.RISK_RULES_CACHE_SECONDS,
    metricsShards: env.RISK_METRICS_SHARDS,
    fraudRefundReasons: new Set(env.RISK_FRAUD_REFUND_REASONS) as ReadonlySet<string>,
    backtestMaxDays: env.RISK_BACKTEST_MAX_DAYS,
    backtestMaxOrders: env.RISK_BACKTEST_MAX_ORDERS,
    metricsMaxDays: env.RISK_METRICS_MAX_DAYS,
  }),
);

/** The fraud settings object. */
export type FraudSettings = ReturnType<typeof fraudSettings>;

/** The score thresholds from the kernel config (defaults low < 40 ≤ medium < 75 ≤ high). */
export function riskThresholds(): Thresholds {
  const { reviewThreshold, rejectThreshold } = getConfig().risk;
  return { review: reviewThreshold, reject: rejectThreshold };
}
