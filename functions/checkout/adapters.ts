/**
 * The real adapters of the checkout handlers, created once per container on first use (tests
 * build the use cases with their own). Nothing here runs at import time.
 */
import { auditLogFromEnv } from '../../shared/audit.ts';
import type { AuditLog } from '../../shared/audit.ts';
import { FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';
import { catalogReaderFromEnv, catalogSettings } from '../catalog/stock-contract.ts';
import { orderStoreFromEnv, type OrderStore } from './orders-repository.ts';
import type { PersonalDataCipher } from './personal-data.ts';
import { withCachedWarehouses, type CatalogPort } from './price-basket.ts';
import { promotionStoreFromEnv, type DynamoDbPromotionStore } from './promotions-repository.ts';
import { checkoutSettings } from './settings.ts';

let orders: OrderStore | undefined;
let promotions: DynamoDbPromotionStore | undefined;
let catalog: CatalogPort | undefined;
let cipher: PersonalDataCipher | undefined;

/** The order store on ORDERS_TABLE_NAME (+ CATALOG_TABLE_NAME for stock items). */
export function orderStore(): OrderStore {
  const s = checkoutSettings();
  orders ??= orderStoreFromEnv({ awaitingPaymentShards: s.awaitingPaymentShards, outboxShards: s.outboxShards, markerTtlDays: s.markerTtlDays });
  return orders;
}

/** Promotions, coupons and customer profiles (promotions cached briefly). */
export function promotionStore(): DynamoDbPromotionStore {
  promotions ??= promotionStoreFromEnv(checkoutSettings().promotionsCacheSeconds);
  return promotions;
}

/** Catalog's reader (stock-contract.ts) with the warehouse list cached. */
export function catalogPort(): CatalogPort {
  catalog ??= withCachedWarehouses(catalogReaderFromEnv(), checkoutSettings().warehousesCacheSeconds * 1000);
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
