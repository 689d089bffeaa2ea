/**
 * Seeds the demo promotions, coupons and member customer once (dev stage only; `npm start` and the
 * e2e setup invoke every `SeedDemo*` function). Env: `ORDERS_TABLE_NAME`.
 */
import { promotionStoreFromEnv } from '../promotions-repository.ts';
import { seedDemoCheckout, type CheckoutSeedResult } from '../demo-checkout.ts';

/** The Lambda handler (any event). */
export const handler = async (): Promise<CheckoutSeedResult> => seedDemoCheckout(promotionStoreFromEnv());
