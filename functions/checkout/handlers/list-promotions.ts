/** `GET /admin/promotions` (marketer) — every promotion, active or not. Env: `ORDERS_TABLE_NAME`. */
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { currentPromotionStore } from '../adapters.ts';
import { listPromotions } from '../manage-promotions.ts';
import type { PromotionAdmin } from '../promotions-repository.ts';
import { listPromotionsRoute } from '../routes.ts';

/** Builds the handler with the given ports. */
export function makeListPromotionsHandler(ports: { readonly store?: () => PromotionAdmin } = {}): HttpLambdaHandler {
  return checkoutHttpHandler(listPromotionsRoute, async ({ query }) => ({
    statusCode: 200,
    body: await listPromotions({ store: (ports.store ?? currentPromotionStore)() }, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) }),
  }));
}

/** The Lambda handler. */
export const handler = makeListPromotionsHandler();
