/**
 * Seeds the demo promotions, coupons and member customer once, through the marketer's use cases
 * (dev stage only; `npm start` and the e2e setup invoke every `SeedDemo*` function, catalog's
 * first). Env: `ORDERS_TABLE_NAME`, `CATALOG_TABLE_NAME` (list prices), `AUDIT_TABLE_NAME`.
 */
import { auditLogFromEnv } from '../../../shared/audit.ts';
import { systemClock } from '../../../shared/clock.ts';
import { getConfig } from '../../../shared/config.ts';
import { catalogListPrices } from '../adapters.ts';
import { seedDemoCheckout, type CheckoutSeedResult } from '../demo-checkout.ts';
import { promotionStoreFromEnv } from '../promotions-repository.ts';

/** The Lambda handler (any event). */
export const handler = async (): Promise<CheckoutSeedResult> =>
  seedDemoCheckout({ store: promotionStoreFromEnv(), catalog: catalogListPrices(), audit: auditLogFromEnv(), clock: systemClock, currency: getConfig().currency });
