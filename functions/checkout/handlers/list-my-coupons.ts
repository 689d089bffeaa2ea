/** `GET /me/coupons` (customer) — the coupons issued to the caller. Env: `ORDERS_TABLE_NAME`. */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { currentPromotionStore } from '../adapters.ts';
import { listWalletCoupons } from '../manage-promotions.ts';
import type { PromotionAdmin } from '../promotions-repository.ts';
import { listMyCouponsRoute } from '../routes.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface ListMyCouponsHandlerPorts {
  readonly store?: () => Pick<PromotionAdmin, 'issuedCoupons'>;
  readonly clock?: Clock;
}

/** Builds the handler with the given ports. */
export function makeListMyCouponsHandler(ports: ListMyCouponsHandlerPorts = {}): HttpLambdaHandler {
  return checkoutHttpHandler(listMyCouponsRoute, async ({ principal }) => ({
    statusCode: 200,
    body: { items: await listWalletCoupons({ store: (ports.store ?? currentPromotionStore)(), clock: ports.clock ?? systemClock }, principal.userId) },
  }));
}

/** The Lambda handler. */
export const handler = makeListMyCouponsHandler();
