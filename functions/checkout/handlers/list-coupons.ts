/** `GET /admin/coupons` (marketer) — every coupon with its usage. Env: `ORDERS_TABLE_NAME`. */
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { currentPromotionStore } from '../adapters.ts';
import { listCoupons } from '../manage-promotions.ts';
import type { PromotionAdmin } from '../promotions-repository.ts';
import { listCouponsRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListCouponsHandler(ports: { readonly store?: () => PromotionAdmin } = {}): HttpLambdaHandler {
  return checkoutHttpHandler(listCouponsRoute, async ({ query }) => ({
    statusCode: 200,
    body: await listCoupons({ store: (ports.store ?? currentPromotionStore)() }, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) }),
  }));
}

/** The Lambda handler. */
export const handler = makeListCouponsHandler();
