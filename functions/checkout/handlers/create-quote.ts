/**
 * `POST /quotes` (customer) — price a basket; counts the quote for the conversion KPI through
 * analytics' quote counter contract (KPI-1; best effort). Env: `CATALOG_TABLE_NAME`,
 * `ORDERS_TABLE_NAME`, `ANALYTICS_TABLE_NAME`.
 */
import { quoteCounterFromEnv, type QuoteCounter } from '../../analytics/quote-counter-contract.ts';
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { catalogPort, promotionStore, shippingGeography } from '../adapters.ts';
import { createQuote } from '../create-quote.ts';
import type { CatalogPort } from '../price-basket.ts';
import type { PromotionStore } from '../promotions-repository.ts';
import { createQuoteRoute } from '../routes.ts';
import { checkoutSettings } from '../settings.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface CreateQuoteHandlerPorts {
  readonly catalog?: () => CatalogPort;
  readonly promotions?: () => PromotionStore;
  readonly clock?: Clock;
  /** KPI-1: counts each priced basket (analytics' quote counter). */
  readonly quotes?: () => QuoteCounter;
}

/** Builds the handler with the given ports. */
export function makeCreateQuoteHandler(ports: CreateQuoteHandlerPorts = {}): HttpLambdaHandler {
  return httpHandler(createQuoteRoute, async ({ body, principal }) => {
    const quote = await createQuote(
      {
        catalog: (ports.catalog ?? catalogPort)(),
        promotions: (ports.promotions ?? promotionStore)(),
        clock: ports.clock ?? systemClock,
        settings: checkoutSettings(),
        regions: shippingGeography().regions,
      },
      principal.userId,
      {
        items: body.items,
        ...(body.couponCode !== undefined ? { couponCode: body.couponCode.toUpperCase() } : {}),
        ...(body.shippingAddress ? { shippingAddress: body.shippingAddress } : {}),
        ...(body.orderType ? { orderType: body.orderType } : {}),
      },
    );
    await (ports.quotes ?? quoteCounterFromEnv)()(new Date(quote.pricedAt));
    return { statusCode: 200, body: quote };
  });
}

/** The Lambda handler. */
export const handler = makeCreateQuoteHandler();
