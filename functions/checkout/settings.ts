/**
 * Checkout's business settings (ARCHITECTURE.md: every number is configuration). Each has the
 * handbook default and an environment variable to override it; the kernel's `PAYMENT_WINDOW_MINUTES`
 * (ORD-4, default 30) and `DEFAULT_CURRENCY` come from shared/config.ts.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `FREE_SHIPPING_THRESHOLD_MINOR` | 9900 | goods (after discounts) ≥ this ship free |
 * | `SHIPPING_RATES` | {@link DEFAULT_SHIPPING_RATES} | JSON: per region `{ base, includedGrams, perKg }` (fen) |
 * | `PRESALE_DEPOSIT_BP` | 2000 | pre-sale deposit, basis points of the total (20 %) |
 * | `PRESALE_BALANCE_WINDOW_HOURS` | 168 | after the deposit, the balance is due within this (7 days) |
 * | `MAX_ORDER_LINES` | 20 | distinct SKUs per order (at most 20: every reservation is two items of the placement transaction, and catalog allows an order 24 reservations — see stock-contract.ts) |
 * | `MAX_LINE_QUANTITY` | 99 | units per line |
 * | `MAX_OPEN_UNPAID_ORDERS` | 5 | orders one customer may have awaiting payment at once (SEC-5) |
 * | `MAX_RESERVED_UNITS_PER_SKU` | 20 | units of one SKU one customer's orders may hold reserved at once; a flash sale may set its own (SEC-5) |
 * | `RISK_SIGNAL_HMAC_KEY_ID` | — (deployed stages: `commerce/<stage>/risk-signals`) | Secrets Manager id of `{ "hmacKey": "…" }`, the key of the pseudonymous risk signals; required outside dev (risk-signal-key.ts) |
 * | `RISK_SIGNAL_HMAC_KEY` | dev default | dev stage only: a non-secret key of the risk signals (ignored when an id is set; refused outside dev) |
 * | `PLACE_ORDER_MAX_REPLANS` | 12 | re-reads of stock after a lost race before answering 409 |
 * | `AWAITING_PAYMENT_SHARDS` | 4 | partitions of the sparse awaiting-payment index |
 * | `OUTBOX_SHARDS` | 4 | partitions of the event outbox |
 * | `OUTBOX_GRACE_SECONDS` | 30 | the sweep republishes outbox entries older than this |
 * | `MARKER_TTL_DAYS` | 7 | processed-event and request markers are kept this long (≥ idempotency TTL) |
 * | `PROMOTIONS_CACHE_SECONDS` | 10 | quotes cache promotions this long per container (0 = never); orders price with the current ones (a flash sale's: see `SPLIT_STOCK_CACHE_MS`) |
 * | `WAREHOUSES_CACHE_SECONDS` | 60 | the warehouse list is cached this long per container |
 * | `SPLIT_STOCK_CACHE_MS` | 1000 | a SKU whose stock is split into buckets (a flash sale): its product and levels are remembered this long per container to price and plan orders (every order reading them would cap the sale at one partition's reads); a re-plan after a refused reservation and a refusal for want of stock (levels over 100 ms old) read afresh; a stale level costs a re-plan, never an oversell; a price change — of the product or of a promotion, for an order holding such a SKU — reaches its orders within this (0 = read every time) |
 */
import * as z from '../../shared/zod.ts';
import { defineSettings, getConfig, intSetting, jsonSetting } from '../../shared/config.ts';
import { lazily } from '../../shared/lazily.ts';
import { DEFAULT_HOLD_LIMITS } from './domain/customer-holds.ts';
import type { ShippingRates } from './domain/pricing.ts';

/** Demo shipping rates per region, fen: a base fee covering `includedGrams`, then `perKg` per started kilogram. */
export const DEFAULT_SHIPPING_RATES: ShippingRates = {
  east: { base: 800, includedGrams: 1000, perKg: 200 },
  central: { base: 1000, includedGrams: 1000, perKg: 300 },
  north: { base: 1000, includedGrams: 1000, perKg: 300 },
  south: { base: 1000, includedGrams: 1000, perKg: 300 },
  northeast: { base: 1200, includedGrams: 1000, perKg: 400 },
  west: { base: 1500, includedGrams: 1000, perKg: 500 },
  northwest: { base: 1500, includedGrams: 1000, perKg: 500 },
};

/** The development key of the risk signals: not a secret, used in the dev stage only (risk-signal-key.ts). */
export const DEV_RISK_SIGNAL_HMAC_KEY = 'dev-only-risk-signal-key-change-me';

const RatesSchema = /* @__PURE__ */ lazily(() =>
  z.record(
    z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/)),
    z.strictObject({
      base: z.number().check(z.int(), z.gte(0), z.lte(10_000_000)),
      includedGrams: z.number().check(z.int(), z.gte(0), z.lte(10_000_000)),
      perKg: z.number().check(z.int(), z.gte(0), z.lte(10_000_000)),
    }),
  ),
);

export const checkoutSettings = /* @__PURE__ */ defineSettings(
  'checkout',
  () => ({
    FREE_SHIPPING_THRESHOLD_MINOR: z._default(intSetting(0, Number.MAX_SAFE_INTEGER), 9900),
    SHIPPING_RATES: z.optional(jsonSetting(RatesSchema())),
    PRESALE_DEPOSIT_BP: z._default(intSetting(1, 10_000), 2000),
    PRESALE_BALANCE_WINDOW_HOURS: z._default(intSetting(1, 24 * 365), 168),
    MAX_ORDER_LINES: z._default(intSetting(1, 20), 20),
    MAX_LINE_QUANTITY: z._default(intSetting(1, 10_000), 99),
    MAX_OPEN_UNPAID_ORDERS: z._default(intSetting(1, 1000), DEFAULT_HOLD_LIMITS.maxOpenUnpaidOrders),
    MAX_RESERVED_UNITS_PER_SKU: z._default(intSetting(1, 100_000), DEFAULT_HOLD_LIMITS.maxReservedUnitsPerSku),
    RISK_SIGNAL_HMAC_KEY: z.optional(z.string().check(z.minLength(16), z.maxLength(512))),
    RISK_SIGNAL_HMAC_KEY_ID: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
    PLACE_ORDER_MAX_REPLANS: z._default(intSetting(1, 100), 12),
    AWAITING_PAYMENT_SHARDS: z._default(intSetting(1, 64), 4),
    OUTBOX_SHARDS: z._default(intSetting(1, 64), 4),
    OUTBOX_GRACE_SECONDS: z._default(intSetting(0, 3600), 30),
    MARKER_TTL_DAYS: z._default(intSetting(1, 365), 7),
    PROMOTIONS_CACHE_SECONDS: z._default(intSetting(0, 3600), 10),
    WAREHOUSES_CACHE_SECONDS: z._default(intSetting(0, 3600), 60),
    SPLIT_STOCK_CACHE_MS: z._default(intSetting(0, 10_000), 1000),
  }),
  (e) => {
    const { paymentWindowMinutes, currency } = getConfig();
    return {
      currency,
      paymentWindowMinutes,
      freeShippingThreshold: e.FREE_SHIPPING_THRESHOLD_MINOR,
      shippingRates: e.SHIPPING_RATES ?? DEFAULT_SHIPPING_RATES,
      presaleDepositBasisPoints: e.PRESALE_DEPOSIT_BP,
      presaleBalanceWindowHours: e.PRESALE_BALANCE_WINDOW_HOURS,
      maxOrderLines: e.MAX_ORDER_LINES,
      maxLineQuantity: e.MAX_LINE_QUANTITY,
      holdLimits: { maxOpenUnpaidOrders: e.MAX_OPEN_UNPAID_ORDERS, maxReservedUnitsPerSku: e.MAX_RESERVED_UNITS_PER_SKU },
      /** The dev stage's key (risk-signal-key.ts decides which source applies). */
      riskSignalKey: e.RISK_SIGNAL_HMAC_KEY ?? DEV_RISK_SIGNAL_HMAC_KEY,
      /** The risk-signal key's Secrets Manager id (deployed stages). */
      riskSignalKeyId: e.RISK_SIGNAL_HMAC_KEY_ID,
      maxReplans: e.PLACE_ORDER_MAX_REPLANS,
      awaitingPaymentShards: e.AWAITING_PAYMENT_SHARDS,
      outboxShards: e.OUTBOX_SHARDS,
      outboxGraceSeconds: e.OUTBOX_GRACE_SECONDS,
      markerTtlDays: e.MARKER_TTL_DAYS,
      promotionsCacheSeconds: e.PROMOTIONS_CACHE_SECONDS,
      warehousesCacheSeconds: e.WAREHOUSES_CACHE_SECONDS,
      splitStockCacheMs: e.SPLIT_STOCK_CACHE_MS,
    };
  },
);

/** The checkout settings object. */
export type CheckoutSettings = ReturnType<typeof checkoutSettings>;
