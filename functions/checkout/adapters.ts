/**
 * The real adapters of the checkout handlers, created once per container on first use (tests
 * build the use cases with their own). Nothing here runs at import time.
 */
import { auditLogFromEnv } from '../../shared/audit.ts';
import type { AuditLog } from '../../shared/audit.ts';
import { getConfig } from '../../shared/config.ts';
import { FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';
import { catalogReaderFromEnv, catalogSettings } from '../catalog/stock-contract.ts';
import { configuredProvider, paymentLimits, paymentLimitsReaderFromEnv } from '../payments/limits-contract.ts';
import type { ListPrices } from './manage-promotions.ts';
import type { LogPort } from './outbox.ts';
import { orderStoreFromEnv, type OrderStore } from './orders-repository.ts';
import type { PersonalDataCipher } from './personal-data.ts';
import type { PaymentLimitsPort } from './place-order.ts';
import { withCachedWarehouses, withRememberedSplitStock, type CatalogPort } from './price-basket.ts';
import { promotionStoreFromEnv, type DynamoDbPromotionStore } from './promotions-repository.ts';
import { riskSignalKeyResolver } from './risk-signal-key.ts';
import { checkoutSettings } from './settings.ts';

let orders: OrderStore | undefined;
let promotions: DynamoDbPromotionStore | undefined;
let catalog: CatalogPort | undefined;
let cipher: PersonalDataCipher | undefined;
let limits: PaymentLimitsPort | undefined;
let riskKey: (() => Promise<string>) | undefined;

/** The order store on ORDERS_TABLE_NAME (+ CATALOG_TABLE_NAME for stock items). */
export function orderStore(): OrderStore {
  const s = checkoutSettings();
  orders ??= orderStoreFromEnv({ awaitingPaymentShards: s.awaitingPaymentShards, outboxShards: s.outboxShards, markerTtlDays: s.markerTtlDays });
  return orders;
}

/** List prices from catalog's reader (a flash price must undercut its SKU's). */
export function catalogListPrices(): ListPrices {
  const reader = catalogReaderFromEnv();
  return { listPrices: async (skus) => new Map([...(await reader.entries(skus))].map(([sku, entry]) => [sku, entry.product.price])) };
}

/** Promotions, coupons and customer profiles, promotions cached briefly: for quotes, which are informational. */
export function promotionStore(): DynamoDbPromotionStore {
  promotions ??= promotionStoreFromEnv(checkoutSettings().promotionsCacheSeconds);
  return promotions;
}

let currentPromotions: DynamoDbPromotionStore | undefined;
/**
 * The same store never cached: an order is priced with the promotions in force when it is placed
 * (a marketer's change applies to the very next order), and the back office reads what it wrote.
 * A flash sale's orders (a split SKU) are the exception: they take what the container read within
 * SPLIT_STOCK_CACHE_MS (price-basket.ts).
 */
export function currentPromotionStore(): DynamoDbPromotionStore {
  currentPromotions ??= promotionStoreFromEnv(0);
  return currentPromotions;
}

/** Catalog's reader (stock-contract.ts) with the warehouse list cached. */
export function catalogPort(): CatalogPort {
  catalog ??= withRememberedSplitStock(withCachedWarehouses(catalogReaderFromEnv(), checkoutSettings().warehousesCacheSeconds * 1000), checkoutSettings().splitStockCacheMs);
  return catalog;
}

/** Field encryption under FIELD_ENCRYPTION_KEY_ID. */
export function personalDataCipher(): PersonalDataCipher {
  cipher ??= new FieldEncryptor({ kms: kmsKeyProvider() });
  return cipher;
}

/** The audit trail. */
export function auditLog(): AuditLog {
  return auditLogFromEnv();
}

/** Regions and distances from catalog's settings. */
export function shippingGeography(): { regions: readonly string[]; distances: ReturnType<typeof catalogSettings>['distances'] } {
  const { regions, distances } = catalogSettings();
  return { regions, distances };
}

/** Payments' limits (PAY-1) through payments' limits-contract.ts: its settings, and its reader on PAYMENTS_TABLE_NAME (GetItem of the customer's daily counter). */
export function paymentLimitsPort(): PaymentLimitsPort {
  if (!limits) {
    const reader = paymentLimitsReaderFromEnv();
    const configured = paymentLimits();
    limits = { provider: configuredProvider(), limits: configured, todayTotals: (customerId, now) => reader.todayTotals(customerId, now, configured) };
  }
  return limits;
}

/** The risk-signal key of this stage (risk-signal-key.ts: Secrets Manager on every deployed stage, cached). */
export function riskSignalKey(log: LogPort): () => Promise<string> {
  riskKey ??= riskSignalKeyResolver({ settings: checkoutSettings(), stage: getConfig().stage, localCloud: getConfig().localCloud, log });
  return riskKey;
}
